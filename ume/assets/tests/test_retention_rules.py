"""Retention rules: the built-in statutory rules load from their data file (checked, and
idempotent); a rule without a period never gets one; a transitional period is an explicit,
recorded choice (要選択 until made); own rules are the organization's, never another's; the
pages, filters and exports show the law, article and source of each rule."""

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from ume.assets import retention, selectors, services
from ume.assets.models import RetentionRule, RetentionRuleChoice
from ume.assets.periods import Period
from ume.assets.reference import ContentError, load_retention_rules, read_rules
from ume.core.choices import Role
from ume.core.locking import StaleEditError, VersionRequiredError
from ume.core.models import AuditEntry

pytestmark = pytest.mark.django_db
LIST = reverse("assets:retention_rule_list")
WORKERS = "labour-standards-109-workers-register"


def builtin(code: str) -> RetentionRule:
    return RetentionRule.objects.get(organisation__isnull=True, code=code)


def own_rule(world, **data) -> RetentionRule:
    return services.retention_rule_create(
        actor=world[Role.ADMIN],
        organisation=world.org,
        data={
            "kind": "contract",
            "record_ja": "委託元から預かった個人データ",
            "years": 1,
            "event_type": "contract_end",
            "start_event_ja": "委託契約の終了日",
            **data,
        },
    )


# --- The built-in rules ------------------------------------------------------------------------


def test_the_statutory_rules_load_once_with_their_law_article_and_source(retention_rules):
    assert retention_rules.count() == 45
    books = builtin("companies-act-432-books")
    assert (books.law_ja, books.article_ja, books.years) == ("会社法", "第432条第2項", 10)
    assert books.event_type == "fiscal_year_end" and books.kind == "statutory"
    assert books.source.startswith("http") and books.record_en and books.law_en
    assert all(r.source and r.start_event_ja for r in retention_rules)
    again = load_retention_rules()
    assert again == {"created": 0, "updated": 0, "removed": 0, "kept": 0}


def test_the_labour_standards_rules_carry_their_transitional_period(retention_rules):
    transitional = retention_rules.filter(transitional_years__isnull=False)
    assert transitional.count() == 9
    workers = builtin(WORKERS)
    assert (workers.years, workers.transitional_years) == (5, 3)
    assert workers.transitional_provision_ja == "労働基準法 附則第143条第1項"
    assert workers.event_type == "leaving"
    leave = builtin("labour-standards-ord-24-7-annual-leave-register")
    assert leave.transitional_provision_ja == "労働基準法施行規則 附則第72条"


def test_rules_without_a_period_never_get_one(retention_rules):
    articles = builtin("companies-act-31-articles-of-incorporation")
    personal = builtin("personal-information-22-personal-data")
    for rule in (articles, personal):
        assert rule.years is None and rule.main_period() is None and rule.period(True) is None
        assert retention.state(rule, None) == retention.RuleState.NO_PERIOD
    with translation.override("ja"):
        assert retention.effective_label(articles, None) == "期間の定めなし（永年保存）"
        assert retention.effective_label(personal, None) == "期間の定めなし（利用目的の達成まで）"


def test_a_changed_rule_is_updated_and_a_removed_one_kept_while_an_asset_uses_it(
    world, retention_rules, tmp_path
):
    from ume.assets.reference import DATA

    text = DATA.read_text(encoding="utf-8")
    changed = tmp_path / "rules.toml"
    # The file without the articles-of-incorporation rule; the hiring records rule edited in
    # the database, so the loader puts it back.
    start = text.index('code = "companies-act-31-articles-of-incorporation"')
    block_start = text.rindex("[[rules]]", 0, start)
    block_end = text.index("[[rules]]", start)
    changed.write_text(text[:block_start] + text[block_end:], encoding="utf-8")
    hiring = builtin("labour-standards-109-hiring-records")
    RetentionRule.objects.filter(pk=hiring.pk).update(years=4)
    articles = builtin("companies-act-31-articles-of-incorporation")
    services.asset_create(
        actor=world[Role.ADMIN],
        scope=world.hq,
        data={"name": "定款", "retention_rules": [articles]},
    )
    counts = load_retention_rules(path=changed)
    assert counts == {"created": 0, "updated": 1, "removed": 0, "kept": 1}
    assert RetentionRule.objects.get(pk=hiring.pk).years == 5
    assert RetentionRule.objects.filter(pk=articles.pk).exists()
    articles.assets.clear()
    assert load_retention_rules(path=changed)["removed"] == 1
    assert not RetentionRule.objects.filter(pk=articles.pk).exists()


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('years = 5\nno_period = "permanent"', "either years or no_period"),
        ("", "either years or no_period"),
        ("years = 5\ntransitional_years = 3", "names its provision"),
        ('years = 5\nevent = "birthday"', "event must be one of"),
        ('years = 5\ncolour = "red"', "unknown keys"),
    ],
)
def test_an_inconsistent_rules_file_is_refused_whole(tmp_path, entry, message):
    base = (
        'code = "x"\nrecord_ja = "記録"\nrecord_en = "Record"\nlaw_ja = "法"\n'
        'article_ja = "第1条"\nstart_event_ja = "作成日"\n'
    )
    event = "" if "event =" in entry else 'event = "created"\n'
    path = tmp_path / "rules.toml"
    path.write_text(f"[[rules]]\n{base}{event}{entry}\n", encoding="utf-8")
    with pytest.raises(ContentError, match=message):
        read_rules(path)
    path.write_text(f"[[rules]]\n{base}{event}years = 1\n" * 2, encoding="utf-8")
    with pytest.raises(ContentError, match="used twice"):
        read_rules(path)


# --- Periods and states ------------------------------------------------------------------------


def test_describe_writes_periods_in_japanese_and_english():
    with translation.override("ja"):
        assert retention.describe(Period(years=5)) == "5年"
        assert retention.describe(Period(years=1, months=6)) == "1年6か月"
        assert retention.describe(Period(days=10)) == "10日"
    with translation.override("en"):
        assert retention.describe(Period(years=1)) == "1 year"
        assert retention.describe(Period(years=2, months=1, days=3)) == "2 years 1 month 3 days"


def test_until_chosen_a_transitional_rule_follows_its_main_period(retention_rules):
    workers = builtin(WORKERS)
    assert retention.state(workers, None) == retention.RuleState.NEEDS_CHOICE
    assert retention.effective_period(workers, None) == Period(years=5)
    assert retention.state(workers, False) == retention.RuleState.MAIN
    assert retention.effective_period(workers, False) == Period(years=5)
    assert retention.state(workers, True) == retention.RuleState.TRANSITIONAL
    assert retention.effective_period(workers, True) == Period(years=3)
    books = builtin("companies-act-432-books")
    assert retention.state(books, True) == retention.RuleState.FIXED
    assert retention.effective_period(books, True) == Period(years=10)


# --- Services ----------------------------------------------------------------------------------


def test_choosing_the_transitional_period_is_recorded_and_can_be_changed(world, retention_rules):
    admin = world[Role.SECRETARIAT]
    workers = builtin(WORKERS)
    choice = services.retention_period_choose(
        actor=admin, organisation=world.org, rule=workers, use_transitional=True, version=1
    )
    assert (choice.use_transitional, choice.decided_by, choice.version) == (True, admin, 2)
    listed = selectors.retention_rule_list(actor=admin, organisation=world.org).get(pk=workers.pk)
    assert listed.use_transitional is True
    with pytest.raises(StaleEditError):
        services.retention_period_choose(
            actor=admin, organisation=world.org, rule=workers, use_transitional=False, version=1
        )
    services.retention_period_choose(
        actor=admin, organisation=world.org, rule=workers, use_transitional=False, version=2
    )
    assert RetentionRuleChoice.objects.get(rule=workers).use_transitional is False
    entries = AuditEntry.objects.filter(model_label="assets.retentionrulechoice")
    assert entries.count() == 2 and entries.filter(actor=admin).count() == 2


def test_a_choice_is_per_organization(world, other_world, retention_rules):
    workers = builtin(WORKERS)
    services.retention_period_choose(
        actor=world[Role.ADMIN],
        organisation=world.org,
        rule=workers,
        use_transitional=True,
        version=1,
    )
    theirs = selectors.retention_rule_list(
        actor=other_world[Role.ADMIN], organisation=other_world.org
    ).get(pk=workers.pk)
    assert theirs.use_transitional is None


def test_a_rule_without_a_transitional_period_has_nothing_to_choose(
    world, retention_rules, japanese
):
    with pytest.raises(ValidationError, match="選べる経過措置がありません"):
        services.retention_period_choose(
            actor=world[Role.ADMIN],
            organisation=world.org,
            rule=builtin("companies-act-432-books"),
            use_transitional=True,
            version=1,
        )
    assert not RetentionRuleChoice.objects.exists()


def test_own_rules_are_checked_and_built_in_ones_cannot_be_edited(world, retention_rules, japanese):
    admin = world[Role.ADMIN]
    rule = own_rule(world)
    assert (rule.organisation, rule.kind) == (world.org, "contract")
    with pytest.raises(ValidationError, match="すでにあります"):
        own_rule(world)
    with pytest.raises(ValidationError, match="組み込み済み"):
        own_rule(world, record_ja="別の記録", kind="statutory")
    with pytest.raises(ValidationError):  # neither a period nor "no fixed period"
        own_rule(world, record_ja="期間なし", years=None)
    with pytest.raises(ValidationError):  # both
        own_rule(world, record_ja="両方", no_period="permanent")
    books = builtin("companies-act-432-books")
    with pytest.raises(PermissionDenied):
        services.retention_rule_update(actor=admin, rule=books, data={"years": 1}, version=1)
    with pytest.raises(PermissionDenied):
        services.retention_rule_delete(actor=admin, rule=books)
    with pytest.raises(VersionRequiredError):
        services.retention_rule_update(actor=admin, rule=rule, data={"years": 2})
    updated = services.retention_rule_update(
        actor=admin, rule=rule, data={"years": 2}, version=rule.version
    )
    assert updated.years == 2 and builtin("companies-act-432-books").years == 10


def test_a_rule_in_use_is_not_deleted(world, retention_rules):
    rule = own_rule(world)
    asset = services.asset_create(
        actor=world[Role.ADMIN],
        scope=world.hq,
        data={"name": "委託元データ", "retention_rules": [rule, builtin(WORKERS)]},
    )
    with pytest.raises(ValidationError, match="1件の情報資産"):
        services.retention_rule_delete(actor=world[Role.ADMIN], rule=rule)
    asset.retention_rules.remove(rule)
    services.retention_rule_delete(actor=world[Role.ADMIN], rule=rule)
    assert not RetentionRule.objects.filter(pk=rule.pk).exists()


def test_an_asset_cannot_follow_another_organizations_rule(world, other_world):
    theirs = own_rule(other_world)
    with pytest.raises(ValidationError) as caught:
        services.asset_create(
            actor=world[Role.ADMIN],
            scope=world.hq,
            data={"name": "顧客台帳", "retention_rules": [theirs]},
        )
    assert "retention_rules" in caught.value.message_dict


def test_the_list_holds_built_in_rules_and_only_this_organizations_own(
    world, other_world, retention_rules
):
    mine, theirs = own_rule(world), own_rule(other_world)
    listed = selectors.retention_rule_list(actor=world[Role.STAFF], organisation=world.org)
    assert mine in listed and theirs not in listed and listed.count() == 46
    outsider = other_world[Role.ADMIN]
    assert not selectors.retention_rule_list(actor=outsider, organisation=world.org).exists()


# --- Pages and exports -------------------------------------------------------------------------


def test_the_page_filters_rules_waiting_for_a_choice(world, retention_rules, login):
    client = login(world[Role.STAFF])
    response = client.get(LIST, {"state": "needs_choice"})
    assert response.status_code == 200
    shown = {row.record.code for row in response.context["table"].page.object_list}
    assert WORKERS in shown and len(shown) == 9
    assert response.context["needs_choice"] == 9
    assert "要選択" in response.content.decode()
    response = client.get(LIST, {"q": "会社法", "state": "no_period"})
    shown = {row.record.code for row in response.context["table"].page.object_list}
    assert shown == {
        "companies-act-31-articles-of-incorporation",
        "companies-act-125-shareholder-register",
    }


def test_the_secretariat_chooses_on_the_rule_page_and_staff_only_read(
    world, retention_rules, login
):
    workers = builtin(WORKERS)
    url = reverse("assets:retention_rule_detail", args=[workers.pk])
    staff = login(world[Role.STAFF])
    page = staff.get(url).content.decode()
    assert "附則第143条第1項" in page and "5年" in page and "3年" in page
    assert 'data-testid="choice-missing"' in page and 'name="period"' not in page
    assert staff.post(url, {"period": "transitional", "version": 1}).status_code == 403
    client = login(world[Role.SECRETARIAT])
    response = client.post(url, {"period": "transitional", "version": 1})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'data-testid="choice-record"' in page
    assert RetentionRuleChoice.objects.get(rule=workers).use_transitional is True
    stale = client.post(url, {"period": "main", "version": 1})
    assert stale.status_code == 200 and 'data-testid="form-errors"' in stale.content.decode()
    assert RetentionRuleChoice.objects.get(rule=workers).use_transitional is True


def test_built_in_rules_are_not_edited_or_deleted_through_pages(world, retention_rules, login):
    client = login(world[Role.ADMIN])
    books = builtin("companies-act-432-books")
    for name in ("assets:retention_rule_edit", "assets:retention_rule_delete"):
        assert client.get(reverse(name, args=[books.pk])).status_code == 404
        assert client.post(reverse(name, args=[books.pk])).status_code == 404
    assert RetentionRule.objects.filter(pk=books.pk).exists()


def test_an_own_rule_is_added_edited_and_deleted_on_its_pages(world, login):
    client = login(world[Role.SECRETARIAT])
    response = client.post(
        reverse("assets:retention_rule_create"),
        {
            "kind": "own",
            "record_ja": "入退室記録",
            "years": "1",
            "event_type": "created",
            "start_event_ja": "記録した日",
            "no_period": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    rule = RetentionRule.objects.get(organisation=world.org, record_ja="入退室記録")
    edit = reverse("assets:retention_rule_edit", args=[rule.pk])
    response = client.post(
        edit,
        {
            "kind": "own",
            "record_ja": "入退室記録",
            "years": "2",
            "event_type": "created",
            "start_event_ja": "記録した日",
            "version": rule.version,
        },
    )
    assert response.status_code == 302
    assert RetentionRule.objects.get(pk=rule.pk).years == 2
    assert client.post(edit, {"kind": "own", "record_ja": "x", "years": "3"}).status_code == 200
    assert RetentionRule.objects.get(pk=rule.pk).years == 2  # no version: nothing saved
    client.post(reverse("assets:retention_rule_delete", args=[rule.pk]))
    assert not RetentionRule.objects.filter(pk=rule.pk).exists()


def test_exports_name_each_rules_source_and_the_organizations_choice(world, retention_rules, login):
    services.retention_period_choose(
        actor=world[Role.ADMIN],
        organisation=world.org,
        rule=builtin(WORKERS),
        use_transitional=True,
        version=1,
    )
    own_rule(world, record_ja='=HYPERLINK("http://example.com")')
    client = login(world[Role.STAFF])
    response = client.get(reverse("assets:retention_export_xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["保存期間ルール"]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "記録の種類")
    assert header[2:5] == ("根拠", "条項", "保存期間（本則）") and header[-1] == "出典"
    workers = next(r for r in rows if r[0] == "労働者名簿")
    assert workers[4:9] == ("5年", "3年", "労働基準法 附則第143条第1項", "3年", "経過措置を適用")
    assert workers[-1].startswith("http")
    cell = next(row[0] for row in sheet.iter_rows() if "HYPERLINK" in str(row[0].value))
    assert (cell.data_type, cell.quotePrefix) == ("s", True)  # text, never a formula
    response = client.get(reverse("assets:retention_export_csv"), {"state": "needs_choice"})
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(lines) == 1 + 8  # the header and the 8 rules still waiting for a choice
    assert AuditEntry.objects.filter(changes__contains="retention_rules_exported").count() == 2


def test_the_asset_form_links_rules_and_the_rule_page_lists_the_asset(
    world, retention_rules, login
):
    client = login(world[Role.ADMIN])
    workers = builtin(WORKERS)
    asset = services.asset_create(actor=world[Role.ADMIN], scope=world.hq, data={"name": "名簿"})
    page = client.get(reverse("assets:asset_edit", args=[asset.pk])).content.decode()
    assert 'name="retention_rules"' in page and "労働者名簿" in page
    asset.retention_rules.add(workers)
    page = client.get(reverse("assets:retention_rule_detail", args=[workers.pk])).content.decode()
    assert f"{asset.ref} 名簿" in page


def test_the_data_file_is_named_in_the_loader():
    from ume.assets.reference import DATA

    assert Path(__file__).resolve().parents[1] / "data" / "retention_rules.toml" == DATA


def test_the_api_lists_built_in_and_own_rules_with_the_choice(
    world, other_world, retention_rules, login
):
    services.retention_period_choose(
        actor=world[Role.ADMIN],
        organisation=world.org,
        rule=builtin(WORKERS),
        use_transitional=True,
        version=1,
    )
    mine, theirs = own_rule(world), own_rule(other_world)
    client = login(world[Role.STAFF])
    listed = client.get("/api/v1/retention-rules/", {"page_size": 100}).json()
    ids = {r["id"] for r in listed["results"]}
    assert mine.pk in ids and theirs.pk not in ids and listed["count"] == 46
    workers = client.get(f"/api/v1/retention-rules/{builtin(WORKERS).pk}/").json()
    assert (workers["builtin"], workers["use_transitional"], workers["state"]) == (
        True,
        True,
        "transitional",
    )
    assert workers["transitional_provision_ja"] == "労働基準法 附則第143条第1項"
    waiting = client.get("/api/v1/retention-rules/", {"state": "needs_choice"}).json()
    assert waiting["count"] == 8
    assert client.get(f"/api/v1/retention-rules/{theirs.pk}/").status_code == 404
    assert client.post("/api/v1/retention-rules/", {}).status_code in (403, 405)


def test_the_api_links_built_in_rules_to_an_asset_but_not_another_organizations(
    world, other_world, retention_rules, login
):
    client = login(world[Role.ADMIN])
    workers, theirs = builtin(WORKERS), own_rule(other_world)
    body = {"name": "従業員名簿", "scope": world.hq.pk, "retention_rules": [workers.pk]}
    created = client.post("/api/v1/assets/", body, content_type="application/json")
    assert created.status_code == 201 and created.json()["retention_rules"] == [workers.pk]
    body["retention_rules"] = [theirs.pk]
    refused = client.post("/api/v1/assets/", body, content_type="application/json")
    assert refused.status_code == 400 and "retention_rules" in refused.json()

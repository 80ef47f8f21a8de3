"""The due list, a batch's items, the events and holds through their pages: what is overdue or
due this month, which rule set each date, leavers' names only for those who may see them,
corrections and withdrawals with a reason, holds, and exports with neutralised cells."""

import calendar
import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from ume.assets import services
from ume.assets.models import RetentionBatch, RetentionEvent, RetentionItem, RetentionRule
from ume.core.choices import Role
from ume.core.models import AuditEntry

pytestmark = pytest.mark.django_db
DUE = reverse("assets:retention_batch_list")
EVENTS = reverse("assets:retention_event_list")
HIRING = "labour-standards-109-hiring-records"


def years_back(years: int, months: int = 0) -> dt.date:
    """The last day of the month ``years`` and ``months`` before this one: kept five years,
    a leaver of that day is due at the end of this month (``months=0``)."""
    today = timezone.localdate()
    year, month = divmod(today.year * 12 + today.month - 1 - years * 12 - months, 12)
    return dt.date(year, month + 1, calendar.monthrange(year, month + 1)[1])


@pytest.fixture
def leavers(world, retention_rules):
    """履歴書 kept five years after leaving: one leaver overdue, one due this month, one later
    (each in a fiscal year, and so a batch, of their own)."""
    rule = RetentionRule.objects.get(organisation__isnull=True, code=HIRING)
    resumes = services.asset_create(
        actor=world[Role.ADMIN],
        scope=world.hq,
        data={"name": "履歴書", "retention_rules": [rule], "owner": world[Role.DEPARTMENT_HEAD]},
    )
    for name, day in (
        ("山田 太郎", years_back(6)),
        ("佐藤 花子", years_back(5)),
        ("鈴木 一郎", years_back(1)),
    ):
        services.retention_event_record(
            actor=world[Role.ADMIN],
            organisation=world.org,
            source="manual",
            subject=name,
            event_type="leaving",
            date=day,
        )
    return resumes


def rows(response) -> list:
    return list(response.context["table"].page.object_list)


def test_the_due_list_counts_and_filters_what_is_overdue_or_due_this_month(
    world, leavers, admin_client
):
    def subjects(**query) -> list[str]:
        batches = [r.record for r in rows(admin_client.get(DUE, query))]
        return [i.subject.name for b in batches for i in b.items.all()]

    response = admin_client.get(DUE)
    assert response.context["counts"] == {"overdue": 1, "this_month": 1, "held": 0}
    page = response.content.decode()
    assert "年度 退職者の履歴書" in page and "期限切れ" in page and "今月が期限" in page
    assert subjects(due="overdue") == ["山田 太郎"]
    assert subjects(due="this_month") == ["佐藤 花子"]
    assert subjects(due="later") == ["鈴木 一郎"]
    assert subjects(q="履歴") and not subjects(q="会計帳簿")
    year = RetentionItem.objects.get(subject__name="鈴木 一郎").batch.fiscal_year
    assert subjects(fiscal_year=year) == ["鈴木 一郎"]
    assert len(subjects(owner=world[Role.DEPARTMENT_HEAD].pk)) == 3
    assert subjects(owner=world[Role.STAFF].pk) == []
    for bad in ({"fiscal_year": "abc"}, {"due": "<b>"}, {"owner": "9" * 30}):
        assert admin_client.get(DUE, bad).status_code == 200


def test_the_due_list_reads_a_fixed_number_of_queries(
    world, leavers, admin_client, django_assert_max_num_queries
):
    for n in range(10):
        services.retention_event_record(
            actor=world[Role.ADMIN],
            organisation=world.org,
            source="manual",
            subject=f"退職者{n}",
            event_type="leaving",
            date=years_back(n + 6),
        )
    assert RetentionBatch.objects.count() >= 10
    with django_assert_max_num_queries(15):
        assert admin_client.get(DUE).status_code == 200


def test_a_batch_explains_which_rule_set_each_date(world, leavers, admin_client):
    item = RetentionItem.objects.get(subject__name="佐藤 花子")
    response = admin_client.get(reverse("assets:retention_batch_detail", args=[item.batch_id]))
    page = response.content.decode()
    assert "佐藤 花子" in page and "雇入れに関する書類" in page and "採用" in page
    assert item.keep_until.strftime("%Y/%m/%d") in page


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        (Role.SECRETARIAT, True),
        (Role.TOP_MANAGEMENT, True),
        (Role.DEPARTMENT_HEAD, False),
        (Role.STAFF, False),
        (Role.INTERNAL_AUDITOR, False),
    ],
)
def test_leavers_names_show_only_to_roles_that_may_see_the_people_register(
    world, leavers, login, role, sees
):
    client = login(world[role])
    item = RetentionItem.objects.get(subject__name="佐藤 花子")
    pages = [
        client.get(reverse("assets:retention_batch_detail", args=[item.batch_id])),
        client.get(EVENTS),
        client.get(reverse("assets:retention_event_edit", args=[item.subject.events.get().pk])),
        client.get(reverse("assets:retention_due_export_csv")),
    ]
    for response in pages:
        assert response.status_code == 200
        text = response.content.decode("utf-8-sig")
        assert ("佐藤 花子" in text) is sees, response.request["PATH_INFO"]
        assert (f"退職者 No.{item.subject_id}" in text) is not sees
    found = rows(client.get(EVENTS, {"q": "佐藤"}))
    assert len(found) == (1 if sees else 0)


def test_an_event_is_recorded_corrected_and_withdrawn_through_its_pages(
    world, leavers, admin_client
):
    early = admin_client.post(
        reverse("assets:retention_event_create"),
        {
            "subject": "高橋 恵",
            "event_type": "leaving",
            "date": "2026-01-31",
            "started_on": "2026-04-01",
        },
    )
    assert early.status_code == 200 and "2026-04-01" in early.context["form"].errors["date"][0]
    assert not RetentionEvent.objects.filter(subject__name="高橋 恵").exists()
    response = admin_client.post(
        reverse("assets:retention_event_create"),
        {"subject": "高橋 恵", "event_type": "leaving", "date": "2026-01-31"},
    )
    event = RetentionEvent.objects.get(subject__name="高橋 恵")
    assert response.url == reverse("assets:retention_event_edit", args=[event.pk])
    assert event.source == "manual"
    assert RetentionItem.objects.get(subject=event.subject).keep_until == dt.date(2031, 1, 31)
    bad = admin_client.post(
        reverse("assets:retention_event_create"),
        {"subject": "高橋 恵", "event_type": "birthday", "date": "2026-02-30"},
    )
    assert bad.status_code == 200 and set(bad.context["form"].errors) == {"event_type", "date"}
    edit = reverse("assets:retention_event_edit", args=[event.pk])
    no_reason = admin_client.post(edit, {"date": "2026-02-28", "version": 1})
    assert "reason" in no_reason.context["form"].errors
    admin_client.post(edit, {"date": "2026-02-28", "reason": "退職日の訂正", "version": 1})
    assert RetentionItem.objects.get(subject=event.subject).keep_until == dt.date(2031, 2, 28)
    stale = admin_client.post(edit, {"date": "2026-03-31", "reason": "古い画面", "version": 1})
    assert stale.status_code == 200 and stale.context["form"].non_field_errors()
    event.refresh_from_db()
    assert event.date == dt.date(2026, 2, 28)
    page = admin_client.get(edit).content.decode()
    assert "退職日の訂正" in page and "2026/02/28" in page
    withdraw = reverse("assets:retention_event_withdraw", args=[event.pk])
    assert admin_client.get(withdraw).status_code == 200
    admin_client.post(withdraw, {"reason": "再雇用", "version": 2})
    event.refresh_from_db()
    assert event.withdrawn and not RetentionItem.objects.filter(subject=event.subject).exists()


def test_readers_see_the_event_without_the_correction_form(world, leavers, login):
    event = RetentionEvent.objects.get(subject__name="山田 太郎")
    client = login(world[Role.STAFF])
    edit = reverse("assets:retention_event_edit", args=[event.pk])
    page = client.get(edit).content.decode()
    assert 'data-testid="event-correct"' not in page and "event-withdraw" not in page
    assert client.post(edit, {"date": "2026-02-28", "reason": "x", "version": 1}).status_code == 403
    assert client.get(reverse("assets:retention_event_create")).status_code == 403


def test_a_hold_is_set_and_released_through_the_batch_page(world, leavers, admin_client):
    item = RetentionItem.objects.get(subject__name="山田 太郎")
    hold = reverse("assets:retention_hold", args=[item.pk])
    assert admin_client.get(hold).status_code == 200
    missing = admin_client.post(hold, {"hold_reason": "係争中", "version": 1})
    assert set(missing.context["form"].errors) == {"hold_owner", "hold_review_on"}
    admin_client.post(
        hold,
        {
            "hold_reason": "労働審判の証拠",
            "hold_owner": world[Role.SECRETARIAT].pk,
            "hold_review_on": "2027-01-31",
            "version": 1,
        },
    )
    item.refresh_from_db()
    assert item.held and item.hold_owner == world[Role.SECRETARIAT]
    batch = RetentionBatch.objects.get(pk=item.batch_id)
    assert batch.first_due != item.keep_until  # a held item is not due
    assert [r.record for r in rows(admin_client.get(DUE, {"held": "yes"}))] == [batch]
    page = admin_client.get(reverse("assets:retention_batch_detail", args=[batch.pk]))
    assert "労働審判の証拠" in page.content.decode()
    release = reverse("assets:retention_hold_release", args=[item.pk])
    assert admin_client.get(release).status_code == 405
    admin_client.post(release, {"version": 1})  # stale: refused, still held
    assert RetentionItem.objects.get(pk=item.pk).held
    admin_client.post(release, {"version": 2})
    assert not RetentionItem.objects.get(pk=item.pk).held


def test_the_due_list_exports_one_row_per_item_with_neutralised_cells(world, leavers, admin_client):
    services.retention_event_record(
        actor=world[Role.ADMIN],
        organisation=world.org,
        source="manual",
        subject='=HYPERLINK("http://example.com")',
        event_type="leaving",
        date=years_back(2),
    )
    response = admin_client.get(reverse("assets:retention_due_export_xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["保存期限一覧"]
    table = list(sheet.iter_rows(values_only=True))
    header = next(r for r in table if r and r[0] == "バッチ")
    assert header[4:8] == ("対象", "起算日", "保存期限", "期限")
    assert sum(1 for r in table if r and r[2] == "履歴書") == 4
    cell = next(row[4] for row in sheet.iter_rows() if "HYPERLINK" in str(row[4].value))
    assert (cell.data_type, cell.quotePrefix) == ("s", True)
    response = admin_client.get(reverse("assets:retention_due_export_csv"), {"due": "overdue"})
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [line[4] for line in lines[1:]] == ["山田 太郎"]
    assert AuditEntry.objects.filter(changes__contains="retention_due_exported").count() == 2


def test_an_export_over_the_limit_or_with_a_bad_filter_goes_back_to_the_list(
    world, leavers, admin_client, settings
):
    settings.UME_EXPORT_MAX_ROWS = 2
    url = reverse("assets:retention_due_export_xlsx")
    response = admin_client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == DUE
    assert "3件を超えて" not in response.content.decode()
    assert "2件を超えています" in response.content.decode()
    bad = admin_client.get(url, {"fiscal_year": "abc"}, follow=True)
    assert bad.redirect_chain[-1][0] == DUE and "絞り込み条件を確認" in bad.content.decode()
    assert not AuditEntry.objects.filter(changes__contains="retention_due_exported").exists()
    assert admin_client.get(url, {"due": "later"}).status_code == 200  # one item: allowed

"""Retention events and batches: dates count from business events (退職日, 契約終了日, the
closing of the books), the latest date of the rules wins, a corrected or withdrawn event moves
or removes the items with the reason in the trail, and a hold suspends deletion."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ume.assets import services
from ume.assets.models import (
    RetentionBatch,
    RetentionEvent,
    RetentionItem,
    RetentionRule,
    RetentionSubject,
)
from ume.core.choices import Role
from ume.core.locking import StaleEditError
from ume.core.models import AuditEntry, Organisation

pytestmark = pytest.mark.django_db
D = dt.date
HIRING = "labour-standards-109-hiring-records"
MATERIALS = "companies-act-432-business-materials"


def builtin(code: str) -> RetentionRule:
    return RetentionRule.objects.get(organisation__isnull=True, code=code)


def asset(world, name: str, *rules: RetentionRule):
    return services.asset_create(
        actor=world[Role.ADMIN], scope=world.hq, data={"name": name, "retention_rules": rules}
    )


def record(world, subject, event_type: str, date: dt.date, **kwargs) -> RetentionEvent:
    return services.retention_event_record(
        actor=world[Role.ADMIN],
        organisation=world.org,
        source=kwargs.pop("source", "manual"),
        subject=subject,
        event_type=event_type,
        date=date,
        **kwargs,
    )


def contract_rule(world) -> RetentionRule:
    return services.retention_rule_create(
        actor=world[Role.ADMIN],
        organisation=world.org,
        data={
            "kind": "contract",
            "record_ja": "業務委託契約書",
            "years": 5,
            "event_type": "contract_end",
            "start_event_ja": "契約終了後",
        },
    )


# --- The fiscal year of the organization profile ------------------------------------------------


def test_the_fiscal_year_and_tax_deadline_follow_the_profile(world):
    org = world.org
    assert org.fiscal_year_end_month == 3 and org.tax_filing_extension_months == 0
    assert org.fiscal_year_end(D(2015, 6, 1)) == D(2016, 3, 31)
    assert org.fiscal_year_end(D(2016, 3, 31)) == D(2016, 3, 31)
    assert org.fiscal_year(D(2015, 4, 1)) == 2015 and org.fiscal_year(D(2016, 3, 31)) == 2015
    assert org.tax_filing_deadline(D(2015, 6, 1)) == D(2016, 5, 31)
    org.tax_filing_extension_months = 1
    assert org.tax_filing_deadline(D(2015, 6, 1)) == D(2016, 6, 30)
    org.fiscal_year_end_month = 12
    assert org.fiscal_year_end(D(2025, 5, 1)) == D(2025, 12, 31)
    assert org.fiscal_year(D(2025, 12, 31)) == 2025
    assert org.tax_filing_deadline(D(2025, 5, 1)) == D(2026, 3, 31)
    org.fiscal_year_end_month = 2  # a leap year's February ends on the 29th
    assert org.fiscal_year_end(D(2023, 3, 1)) == D(2024, 2, 29)
    assert org.fiscal_year(D(2023, 3, 1)) == 2023


def test_the_profile_refuses_a_month_outside_the_year(world):
    world.org.fiscal_year_end_month = 13
    world.org.tax_filing_extension_months = 5
    with pytest.raises(ValidationError) as caught:
        world.org.full_clean()
    assert set(caught.value.message_dict) >= {
        "fiscal_year_end_month",
        "tax_filing_extension_months",
    }


# --- Dates from events --------------------------------------------------------------------------


def test_the_latest_date_wins_even_when_a_shorter_period_counts_from_a_later_event(
    world, retention_rules, japanese
):
    """A contract signed in FY2015 and ended 2030-09-30: 会社法 10年 from the FY2015 closing of
    the books ends 2026-03-31; the contractual 契約終了後5年 ends 2035-09-30 and is the date."""
    contract = contract_rule(world)
    contracts = asset(world, "取引先との契約書", builtin(MATERIALS), contract)
    record(world, "A社 業務委託契約", "created", D(2015, 6, 1), assets=[contracts])
    record(world, "A社 業務委託契約", "contract_end", D(2030, 9, 30))
    item = RetentionItem.objects.get()
    assert item.keep_until == D(2035, 9, 30) and item.rule == contract
    assert item.start_date == D(2030, 9, 30) and not item.permanent
    by_rule = {b["rule"]: b for b in item.basis}
    assert by_rule[builtin(MATERIALS).pk]["event_date"] == "2016-03-31"
    assert by_rule[builtin(MATERIALS).pk]["keep_until"] == "2026-03-31"
    assert by_rule[contract.pk]["keep_until"] == "2035-09-30"
    batch = item.batch
    assert (batch.event_type, batch.fiscal_year, batch.item_count) == ("contract_end", 2030, 1)
    assert (batch.first_due, batch.last_due) == (D(2035, 9, 30), D(2035, 9, 30))
    assert batch.label == "2030年度 契約終了分の取引先との契約書"


def test_a_leaver_joins_the_batch_of_the_year_and_the_transitional_choice_moves_the_dates(
    world, retention_rules, japanese
):
    resumes = asset(world, "履歴書", builtin(HIRING))
    record(world, "山田 太郎", "leaving", D(2025, 10, 15))
    record(world, "佐藤 花子", "leaving", D(2026, 3, 31))
    record(world, "鈴木 一郎", "leaving", D(2026, 4, 1))
    batches = {b.fiscal_year: b for b in RetentionBatch.objects.filter(asset=resumes)}
    assert set(batches) == {2025, 2026}
    fy2025 = batches[2025]
    assert fy2025.label == "2025年度 退職者の履歴書"
    assert (fy2025.item_count, fy2025.first_due, fy2025.last_due) == (
        2,
        D(2030, 10, 15),
        D(2031, 3, 31),
    )
    services.retention_period_choose(
        actor=world[Role.ADMIN],
        organisation=world.org,
        rule=builtin(HIRING),
        use_transitional=True,
        version=1,
    )
    fy2025.refresh_from_db()
    assert (fy2025.first_due, fy2025.last_due) == (D(2028, 10, 15), D(2029, 3, 31))
    assert RetentionItem.objects.get(subject__name="鈴木 一郎").keep_until == D(2029, 4, 1)


def test_a_leavers_event_does_not_reach_records_counting_from_other_events(world, retention_rules):
    asset(world, "会計帳簿", builtin("companies-act-432-books"))
    asset(world, "履歴書", builtin(HIRING))
    record(world, "山田 太郎", "leaving", D(2025, 10, 15))
    assert list(RetentionItem.objects.values_list("asset__name", flat=True)) == ["履歴書"]


def test_a_permanent_rule_keeps_the_record_for_good_and_gives_no_date(world, retention_rules):
    articles = asset(world, "定款", builtin("companies-act-31-articles-of-incorporation"))
    record(world, "定款（原始定款）", "other", D(2010, 4, 1), assets=[articles])
    item = RetentionItem.objects.get()
    assert item.permanent and item.keep_until is None and item.rule is None
    assert item.basis[0]["note"] == "permanent"


def test_a_record_with_a_new_rule_or_a_new_fiscal_year_is_recomputed(world, retention_rules):
    resumes = asset(world, "履歴書")
    record(world, "山田 太郎", "leaving", D(2025, 10, 15))
    assert not RetentionItem.objects.exists()
    services.asset_update(
        actor=world[Role.ADMIN],
        asset=resumes,
        data={"retention_rules": [builtin(HIRING)]},
        version=resumes.version,
    )
    assert RetentionItem.objects.get().keep_until == D(2030, 10, 15)
    books = asset(world, "会計帳簿", builtin("corporation-tax-books"))
    record(world, "第10期 会計帳簿", "created", D(2025, 5, 1), assets=[books])
    item = RetentionItem.objects.get(asset=books)
    assert item.start_date == D(2026, 5, 31) and item.keep_until == D(2033, 5, 31)
    world.org.tax_filing_extension_months = 1
    world.org.save()
    item.refresh_from_db()
    assert item.start_date == D(2026, 6, 30) and item.keep_until == D(2033, 6, 30)


# --- Corrections, withdrawals and holds --------------------------------------------------------


def test_a_corrected_date_moves_the_item_and_the_trail_says_why(world, retention_rules):
    asset(world, "履歴書", builtin(HIRING))
    event = record(world, "山田 太郎", "leaving", D(2025, 10, 15))
    with pytest.raises(ValidationError) as caught:
        services.retention_event_update(
            actor=world[Role.ADMIN], event=event, data={"date": D(2026, 4, 30)}, version=1
        )
    assert "reason" in caught.value.message_dict
    services.retention_event_update(
        actor=world[Role.ADMIN],
        event=event,
        data={"date": D(2026, 4, 30), "reason": "退職日の訂正（有給消化）"},
        version=1,
    )
    item = RetentionItem.objects.get()
    assert item.keep_until == D(2031, 4, 30) and item.batch.fiscal_year == 2026
    assert not RetentionBatch.objects.filter(fiscal_year=2025).exists()  # emptied, gone
    entry = AuditEntry.objects.get(
        model_label="assets.retentionevent", object_id=str(event.pk), action="update"
    )
    changes = entry.changes_data
    assert changes["date"] == ["2025-10-15", "2026-04-30"]
    assert changes["reason"][1] == "退職日の訂正（有給消化）"
    with pytest.raises(StaleEditError):
        services.retention_event_update(
            actor=world[Role.ADMIN], event=event, data={"reason": "古い画面"}, version=1
        )


def test_a_second_report_corrects_the_date_and_a_withdrawn_event_counts_again(
    world, retention_rules
):
    asset(world, "履歴書", builtin(HIRING))
    event = record(world, "山田 太郎", "leaving", D(2025, 10, 15))
    again = record(world, "山田 太郎", "leaving", D(2025, 10, 15))
    assert again.pk == event.pk and again.version == 1  # the same date: nothing changes
    moved = record(world, "山田 太郎", "leaving", D(2025, 11, 30), source="import")
    assert moved.version == 2 and moved.source == "import" and moved.reason
    assert RetentionItem.objects.get().keep_until == D(2030, 11, 30)
    services.retention_event_withdraw(
        actor=world[Role.ADMIN], event=moved, reason="再雇用", version=2
    )
    assert not RetentionItem.objects.exists() and not RetentionBatch.objects.exists()
    assert RetentionEvent.objects.get().withdrawn
    with pytest.raises(ValidationError):  # not withdrawn twice
        services.retention_event_withdraw(
            actor=world[Role.ADMIN], event=RetentionEvent.objects.get(), reason="重複", version=3
        )
    record(world, "山田 太郎", "leaving", D(2027, 3, 31))
    assert RetentionItem.objects.get().keep_until == D(2032, 3, 31)


def test_a_held_item_survives_the_withdrawal_of_its_event_until_released(world, retention_rules):
    asset(world, "履歴書", builtin(HIRING))
    event = record(world, "山田 太郎", "leaving", D(2025, 10, 15))
    item = RetentionItem.objects.get()
    secretariat = world[Role.SECRETARIAT]
    with pytest.raises(ValidationError) as caught:
        services.retention_hold_set(
            actor=world[Role.ADMIN], item=item, data={"hold_reason": "係争中"}, version=1
        )
    assert set(caught.value.message_dict) == {"hold_owner", "hold_review_on"}
    held = services.retention_hold_set(
        actor=world[Role.ADMIN],
        item=item,
        data={
            "hold_reason": "労働審判の証拠",
            "hold_owner": secretariat,
            "hold_review_on": D(2027, 1, 31),
        },
        version=1,
    )
    assert held.held and held.hold_owner == secretariat and held.version == 2
    services.retention_event_withdraw(
        actor=world[Role.ADMIN], event=event, reason="再雇用", version=1
    )
    assert RetentionItem.objects.filter(pk=item.pk, held=True).exists()
    services.retention_hold_release(actor=world[Role.ADMIN], item=held, version=2)
    item.refresh_from_db()
    assert not item.held and item.hold_owner is None and item.hold_reason == ""


def test_a_hold_owner_from_another_organization_is_refused(world, other_world, retention_rules):
    asset(world, "履歴書", builtin(HIRING))
    record(world, "山田 太郎", "leaving", D(2025, 10, 15))
    with pytest.raises(ValidationError) as caught:
        services.retention_hold_set(
            actor=world[Role.ADMIN],
            item=RetentionItem.objects.get(),
            data={
                "hold_reason": "係争中",
                "hold_owner": other_world[Role.ADMIN],
                "hold_review_on": D(2027, 1, 31),
            },
            version=1,
        )
    assert "hold_owner" in caught.value.message_dict


# --- Bad input and permissions -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("event_type", {"event_type": "birthday"}),
        ("source", {"source": "rumour"}),
        ("date", {"date": "2025-10-15"}),
        ("subject", {"subject": "   "}),
    ],
)
def test_bad_events_are_refused_and_write_nothing(world, retention_rules, field, values):
    data = {
        "subject": "山田 太郎",
        "event_type": "leaving",
        "date": D(2025, 10, 15),
        "source": "manual",
        **values,
    }
    with pytest.raises(ValidationError) as caught:
        services.retention_event_record(actor=world[Role.ADMIN], organisation=world.org, **data)
    assert field in caught.value.message_dict
    assert not RetentionSubject.objects.exists() and not RetentionEvent.objects.exists()


def test_only_the_secretariat_and_administrators_record_events(world, other_world, retention_rules):
    for role in (Role.STAFF, Role.INTERNAL_AUDITOR, Role.DEPARTMENT_HEAD):
        with pytest.raises(PermissionDenied):
            services.retention_event_record(
                actor=world[role],
                organisation=world.org,
                source="manual",
                subject="山田 太郎",
                event_type="leaving",
                date=D(2025, 10, 15),
            )
    with pytest.raises(ValidationError):  # another organization's records
        services.retention_event_record(
            actor=world[Role.ADMIN],
            organisation=world.org,
            source="manual",
            subject="山田 太郎",
            event_type="leaving",
            date=D(2025, 10, 15),
            assets=[asset(other_world, "他社の履歴書")],
        )
    event = record(world, "山田 太郎", "leaving", D(2025, 10, 15))
    with pytest.raises(PermissionDenied):
        services.retention_event_withdraw(
            actor=other_world[Role.ADMIN], event=event, reason="x", version=1
        )
    assert RetentionEvent.objects.get().version == 1
    assert Organisation.objects.count() == 2


def test_a_large_recompute_runs_in_the_background_with_progress(
    world, retention_rules, settings, monkeypatch, django_capture_on_commit_callbacks, admin_client
):
    from django.urls import reverse

    from ume.assets.models import RetentionRun
    from ume.assets.services import dates as steps

    settings.UME_RETENTION_INLINE_SUBJECTS = 2
    monkeypatch.setattr(steps, "SUBJECTS_PER_STEP", 2)
    asset(world, "履歴書", builtin(HIRING))
    for name in ("山田 太郎", "佐藤 花子", "鈴木 一郎"):
        record(world, name, "leaving", D(2025, 10, 15))
    with django_capture_on_commit_callbacks() as callbacks:
        services.retention_period_choose(
            actor=world[Role.ADMIN],
            organisation=world.org,
            rule=builtin(HIRING),
            use_transitional=True,
            version=1,
        )
    run = RetentionRun.objects.get(organisation=world.org)
    assert (run.state, run.total, run.done) == ("queued", 3, 0)
    assert set(RetentionItem.objects.values_list("keep_until", flat=True)) == {D(2030, 10, 15)}
    due = admin_client.get(reverse("assets:retention_batch_list")).content.decode()
    assert 'data-testid="recompute-progress"' in due and "0 / 3" in due
    for callback in callbacks:  # the commit enqueues the task (run at once in the tests)
        callback()
    run.refresh_from_db()
    assert (run.state, run.done) == ("done", 3) and run.finished_at is not None
    assert set(RetentionItem.objects.values_list("keep_until", flat=True)) == {D(2028, 10, 15)}
    batch = RetentionItem.objects.first().batch  # its figures refreshed after the last step
    assert (batch.first_due, batch.last_due, batch.item_count) == (
        D(2028, 10, 15),
        D(2028, 10, 15),
        3,
    )
    progress = admin_client.get(reverse("assets:retention_progress")).content.decode()
    assert 'data-testid="recompute-finished"' in progress
    assert (
        "recompute-progress"
        not in admin_client.get(reverse("assets:retention_batch_list")).content.decode()
    )


def test_the_profile_page_sets_the_fiscal_year_and_the_dates_follow(
    world, retention_rules, admin_client
):
    from django.urls import reverse

    books = asset(world, "会計帳簿", builtin("companies-act-432-books"))
    record(world, "第10期 会計帳簿", "created", D(2025, 5, 1), assets=[books])
    assert RetentionItem.objects.get().keep_until == D(2036, 3, 31)
    url = reverse("core:organisation_edit")
    form = admin_client.get(url).context["form"]
    assert {"fiscal_year_end_month", "tax_filing_extension_months"} <= set(form.fields)
    data = {k: v for k, v in form.initial.items() if v is not None}
    bad = admin_client.post(url, {**data, "fiscal_year_end_month": 13, "version": 1})
    assert "fiscal_year_end_month" in bad.context["form"].errors
    admin_client.post(url, {**data, "fiscal_year_end_month": 12, "version": 1})
    world.org.refresh_from_db()
    assert world.org.fiscal_year_end_month == 12
    item = RetentionItem.objects.get()
    assert item.start_date == D(2025, 12, 31) and item.keep_until == D(2035, 12, 31)
    assert item.batch.fiscal_year == 2025

"""A 棚卸し's answers at the service, field by field: the campaign as started (its name, day,
due day from today on, who started it), each answer's result, who and when, its note and the
fields corrected (sorted), the ledger's 最終確認日 only when the asset is as registered, no
answer once closed, and the report kept under its name and description."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ume.assets import services
from ume.assets.models import Asset, InventoryCampaign, InventoryCheck
from ume.core.choices import Role

from .test_inventory import check_of, ledger, start  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def refused(call) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value


def test_a_campaign_due_today_starts_with_its_name_day_and_starter(world, ledger):  # noqa: F811
    today = timezone.localdate()
    campaign = start(world, name="上期 棚卸し", due_on=today)
    stored = InventoryCampaign.objects.get(pk=campaign.pk)
    assert (stored.name, stored.started_on, stored.due_on) == ("上期 棚卸し", today, today)
    assert stored.started_by == world[Role.SECRETARIAT] and stored.is_open
    assert stored.organisation == world.org and stored.scope == world.hq
    assert set(stored.checks.values_list("organisation", flat=True)) == {world.org.pk}


def test_a_campaign_due_yesterday_or_of_an_empty_scope_is_refused(world, ledger):  # noqa: F811
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    late = refused(lambda: start(world, due_on=yesterday))
    assert late.message_dict == {"due_on": ["回答期限を入力してください（今日以降の日付）。"]}
    empty = refused(lambda: start(world, scope=world.dev))
    assert empty.messages == [f"{world.dev.name}には棚卸しする情報資産がまだありません。"]
    assert not InventoryCampaign.objects.filter(scope=world.dev).exists()


def test_a_confirmation_names_who_when_and_why(world, ledger):  # noqa: F811
    campaign = start(world)
    head = world[Role.DEPARTMENT_HEAD]
    names = check_of(campaign, ledger["名簿"])
    before = timezone.now()
    [done] = services.inventory_checks_confirm(
        actor=head, asset=ledger["名簿"], versions={names.pk: names.version}, note="書庫で確認"
    )
    stored = InventoryCheck.objects.get(pk=names.pk)
    assert (stored.result, stored.checked_by, stored.note) == ("confirmed", head, "書庫で確認")
    assert stored.checked_at >= before and stored.version == names.version + 1 == done.version
    assert Asset.objects.get(pk=ledger["名簿"].pk).last_reviewed_on == timezone.localdate()


def test_a_confirmation_of_another_assets_check_is_refused(world, ledger):  # noqa: F811
    campaign = start(world)
    contracts = check_of(campaign, ledger["契約"])
    wrong = refused(
        lambda: services.inventory_checks_confirm(
            actor=world[Role.DEPARTMENT_HEAD], asset=ledger["名簿"], versions={contracts.pk: 1}
        )
    )
    assert wrong.messages == ["この情報資産の確認を選択してください。"]
    assert not InventoryCheck.objects.exclude(result="pending").exists()
    assert Asset.objects.get(pk=ledger["名簿"].pk).last_reviewed_on is None


def test_a_correction_keeps_the_fields_sorted_and_dates_the_review(world, ledger):  # noqa: F811
    campaign = start(world)
    names = check_of(campaign, ledger["名簿"])
    services.inventory_check_record(
        actor=world[Role.DEPARTMENT_HEAD],
        check=names,
        result="corrected",
        changed_fields=["storage_detail", "department"],
        version=names.version,
    )
    stored = InventoryCheck.objects.get(pk=names.pk)
    assert (stored.result, stored.changed_fields) == ("corrected", ["department", "storage_detail"])
    assert stored.checked_by == world[Role.DEPARTMENT_HEAD] and stored.checked_at is not None
    assert Asset.objects.get(pk=ledger["名簿"].pk).last_reviewed_on == timezone.localdate()


def test_an_asset_not_found_is_not_dated_as_reviewed(world, ledger):  # noqa: F811
    campaign = start(world)
    names = check_of(campaign, ledger["名簿"])
    services.inventory_check_record(
        actor=world[Role.DEPARTMENT_HEAD],
        check=names,
        result="not_found",
        note="書庫にない",
        version=names.version,
    )
    stored = InventoryCheck.objects.get(pk=names.pk)
    assert (stored.result, stored.note, stored.changed_fields) == ("not_found", "書庫にない", [])
    assert Asset.objects.get(pk=ledger["名簿"].pk).last_reviewed_on is None


@pytest.mark.parametrize(
    ("result", "note", "expected"),
    [
        ("confirmed", "", {"result": ["修正済みまたは所在不明を選択してください。"]}),
        ("pending", "", {"result": ["修正済みまたは所在不明を選択してください。"]}),
        (
            "not_found",
            "  ",
            {"note": ["どこを探したか、またはその資産がどうなったかを入力してください。"]},
        ),
    ],
)
def test_a_record_names_the_field_to_mend(world, ledger, result, note, expected):  # noqa: F811
    campaign = start(world)
    names = check_of(campaign, ledger["名簿"])
    error = refused(
        lambda: services.inventory_check_record(
            actor=world[Role.DEPARTMENT_HEAD], check=names, result=result, note=note, version=1
        )
    )
    assert error.message_dict == expected
    assert InventoryCheck.objects.get(pk=names.pk).result == "pending"


def test_nothing_is_answered_once_the_campaign_is_closed(world, ledger):  # noqa: F811
    campaign = start(world)
    closed = services.inventory_campaign_close(
        actor=world[Role.SECRETARIAT], campaign=campaign, version=campaign.version
    )
    names = check_of(campaign, ledger["名簿"])
    head = world[Role.DEPARTMENT_HEAD]
    for call in (
        lambda: services.inventory_checks_confirm(
            actor=head, asset=ledger["名簿"], versions={names.pk: 1}
        ),
        lambda: services.inventory_check_record(
            actor=head, check=names, result="not_found", note="不明", version=1
        ),
    ):
        assert refused(call).messages == ["この棚卸しは終了しています。"]
    assert InventoryCheck.objects.get(pk=names.pk).result == "pending"
    again = refused(
        lambda: services.inventory_campaign_close(
            actor=world[Role.SECRETARIAT], campaign=closed, version=closed.version
        )
    )
    assert again.messages == ["この棚卸しはすでに終了しています。"]


def test_the_closed_campaigns_report_is_named_and_described(world, ledger, catalogue):  # noqa: F811
    from ume.soa import services as soa_services

    soa_services.soa_get_or_create(actor=world[Role.ADMIN], scope=world.hq)
    campaign = start(world, name="2026年度 棚卸し")
    closed = services.inventory_campaign_close(
        actor=world[Role.SECRETARIAT], campaign=campaign, version=campaign.version
    )
    stored = InventoryCampaign.objects.get(pk=campaign.pk)
    day = timezone.localdate()
    assert stored.report == closed.report and stored.closed_by == world[Role.SECRETARIAT]
    assert stored.report.name == f"棚卸し_{world.hq.name}_{day:%Y%m%d}.xlsx"
    assert stored.report.description == "棚卸し報告書（5.9）：2026年度 棚卸し"
    assert stored.closed_at is not None and stored.version == campaign.version + 1

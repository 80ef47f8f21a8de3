"""How a removal (持出) ends, field by field: a rejection and a cancellation say why (keyed to
the field the form shows), a return keeps its day and note, a disposal its day, supplier and
the asset's 廃棄済, and the scope's removal records kept as evidence are named, described and
ordered as an auditor reads them."""

import datetime as dt

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ume.assets import services
from ume.assets.models import Asset, DeletionRecord, EquipmentRemoval
from ume.core.choices import Role
from ume.core.models import AuditEntry

from .test_removals import approve, request, server  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


def left_days_ago(removal: EquipmentRemoval, days: int) -> EquipmentRemoval:
    """The removal as if it had left ``days`` ago (a request's out date cannot be past)."""
    EquipmentRemoval.objects.filter(pk=removal.pk).update(out_on=today() - dt.timedelta(days=days))
    return EquipmentRemoval.objects.get(pk=removal.pk)


def errors(call) -> dict:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict if hasattr(caught.value, "error_dict") else {}


def messages(call) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.messages


@pytest.mark.parametrize("note", [" ", "", None])
def test_a_rejection_without_a_reason_is_refused_on_the_note(world, server, note):  # noqa: F811
    removal = request(world, server)
    head = world[Role.DEPARTMENT_HEAD]
    found = errors(
        lambda: services.removal_reject(actor=head, removal=removal, note=note, version=1)
    )
    assert list(found) == ["decision_note"]
    assert found["decision_note"] == ["却下の理由を入力してください。"]
    assert EquipmentRemoval.objects.get(pk=removal.pk).status == "requested"


@pytest.mark.parametrize("decide", ["approve", "nothing"])
def test_a_pending_or_approved_removal_is_cancelled_with_its_reason(world, server, decide):  # noqa: F811
    removal = request(world, server)
    if decide == "approve":
        removal = approve(world, removal)
    cancelled = services.removal_cancel(
        actor=world[Role.SECRETARIAT],
        removal=removal,
        reason="社内で修理できた",
        version=removal.version,
    )
    stored = EquipmentRemoval.objects.get(pk=removal.pk)
    assert (stored.status, stored.closing_note) == ("cancelled", "社内で修理できた")
    assert cancelled.version == stored.version == removal.version + 1


@pytest.mark.parametrize("reason", [" ", "", None])
def test_a_cancellation_without_a_reason_is_refused_on_the_closing_note(world, server, reason):  # noqa: F811
    removal = request(world, server)
    found = errors(
        lambda: services.removal_cancel(
            actor=world[Role.SECRETARIAT], removal=removal, reason=reason, version=1
        )
    )
    assert found == {"closing_note": ["取消しの理由を入力してください。"]}
    assert EquipmentRemoval.objects.get(pk=removal.pk).status == "requested"


def test_only_an_open_removal_is_cancelled(world, server):  # noqa: F811
    keeper = world[Role.SECRETARIAT]
    returned = approve(world, request(world, server))
    returned = services.removal_return(
        actor=keeper,
        removal=returned,
        data={"returned_on": today(), "checked_by": keeper},
        version=returned.version,
    )
    before = AuditEntry.objects.count()
    found = messages(
        lambda: services.removal_cancel(
            actor=keeper, removal=returned, reason="誤登録", version=returned.version
        )
    )
    assert found == ["取り消せるのは承認待ちまたは承認済みの持出だけです。"]
    assert EquipmentRemoval.objects.get(pk=returned.pk).status == "returned"
    assert AuditEntry.objects.count() == before


def test_a_removal_not_approved_is_refused_closing_with_the_reason(world, server):  # noqa: F811
    removal = request(world, server)
    keeper = world[Role.SECRETARIAT]
    found = messages(
        lambda: services.removal_return(
            actor=keeper,
            removal=removal,
            data={"returned_on": today(), "checked_by": keeper},
            version=removal.version,
        )
    )
    assert found == [
        "完了を記録できるのは承認済みの持出だけです。承認のない持出は持ち出されていません。"
    ]


def test_a_return_keeps_its_day_checker_and_note(world, server):  # noqa: F811
    keeper = world[Role.SECRETARIAT]
    approved = left_days_ago(approve(world, request(world, server)), 5)
    early = errors(
        lambda: services.removal_return(
            actor=keeper,
            removal=approved,
            data={"returned_on": approved.out_on - dt.timedelta(days=1), "checked_by": keeper},
            version=approved.version,
        )
    )
    assert list(early) == ["returned_on"]
    returned = services.removal_return(  # back on the day it left
        actor=keeper,
        removal=approved,
        data={"returned_on": approved.out_on, "checked_by": keeper, "closing_note": "封印確認済み"},
        version=approved.version,
    )
    stored = EquipmentRemoval.objects.get(pk=approved.pk)
    assert stored.returned_on == approved.out_on and stored.checked_by == keeper
    assert stored.closing_note == "封印確認済み" and stored.status == "returned"
    assert returned.version == approved.version + 1


def test_a_return_without_a_note_keeps_none(world, server):  # noqa: F811
    keeper = world[Role.SECRETARIAT]
    approved = approve(world, request(world, server))
    approved.closing_note = "前の値"  # what the form posted before; the service writes ""
    services.removal_return(
        actor=keeper,
        removal=approved,
        data={"returned_on": today(), "checked_by": keeper},
        version=approved.version,
    )
    assert EquipmentRemoval.objects.get(pk=approved.pk).closing_note == ""


def test_a_disposal_is_refused_before_the_day_the_equipment_left(world, server):  # noqa: F811
    approved = left_days_ago(approve(world, request(world, server)), 5)
    admin = world[Role.ADMIN]
    found = errors(
        lambda: services.removal_dispose(
            actor=admin,
            removal=approved,
            data={"method": "physical", "deleted_on": approved.out_on - dt.timedelta(days=1)},
            version=approved.version,
        )
    )
    assert found == {"deleted_on": ["廃棄日は持出日以降の日付を指定してください。"]}
    assert not DeletionRecord.objects.exists()
    disposed = services.removal_dispose(  # on the day it left
        actor=admin,
        removal=approved,
        data={"method": "physical", "deleted_on": approved.out_on},
        version=approved.version,
    )
    assert disposed.deletion.deleted_on == approved.out_on


def test_a_disposal_without_a_supplier_names_the_removals_and_marks_the_asset(world, server):  # noqa: F811
    approved = approve(world, request(world, server))
    asset_version = Asset.objects.get(pk=server.pk).version
    disposed = services.removal_dispose(
        actor=world[Role.SECRETARIAT],
        removal=approved,
        data={"method": "overwrite", "deleted_on": today(), "supplier": "", "witness": None},
        version=approved.version,
    )
    stored = EquipmentRemoval.objects.get(pk=approved.pk)
    assert stored.status == "disposed" and stored.deletion == disposed.deletion
    assert stored.version == approved.version + 1
    record = DeletionRecord.objects.get()
    assert (record.supplier, record.method) == ("梅サービス株式会社", "overwrite")
    assert record.witness == ""
    asset = Asset.objects.get(pk=server.pk)
    assert (asset.status, asset.version) == ("disposed", asset_version + 1)


def test_a_disposal_by_another_supplier_names_that_one(world, server):  # noqa: F811
    approved = approve(world, request(world, server))
    services.removal_dispose(
        actor=world[Role.SECRETARIAT],
        removal=approved,
        data={"method": "physical", "deleted_on": today(), "supplier": "桜リサイクル株式会社"},
        version=approved.version,
    )
    assert DeletionRecord.objects.get().supplier == "桜リサイクル株式会社"


def test_the_kept_removal_records_are_named_described_and_newest_first(
    world,
    server,  # noqa: F811
    catalogue,
):
    from ume.soa import services as soa_services

    soa_services.soa_get_or_create(actor=world[Role.ADMIN], scope=world.hq)
    older = left_days_ago(approve(world, request(world, server)), 10)
    services.removal_return(
        actor=world[Role.SECRETARIAT],
        removal=older,
        data={"returned_on": today(), "checked_by": world[Role.SECRETARIAT]},
        version=older.version,
    )
    newer = request(world, server, supplier="桜テック")
    elsewhere = services.asset_create(
        actor=world[Role.ADMIN],
        scope=world.dev,
        data={"name": "開発機", "asset_type": "hardware"},
    )
    request(world, elsewhere, role=Role.ADMIN, supplier="他拠点の業者")
    evidence = services.removal_records_keep_as_evidence(
        actor=world[Role.SECRETARIAT], scope=world.hq
    )
    day = today()
    assert evidence.name == f"持出記録_{world.hq.name}_{day:%Y%m%d}.xlsx"
    assert evidence.description == f"持出記録（7.13、7.10、7.14） {day:%Y/%m/%d} 時点"
    assert evidence.scope == world.hq and evidence.uploaded_by == world[Role.SECRETARIAT]
    sheet = openpyxl.load_workbook(evidence.file.open("rb")).active
    suppliers = [row[5] for row in sheet.iter_rows(values_only=True) if row[1] == server.ref]
    assert suppliers == [newer.supplier, older.supplier]  # newest out date first
    assert not any("他拠点の業者" in row for row in sheet.iter_rows(values_only=True))

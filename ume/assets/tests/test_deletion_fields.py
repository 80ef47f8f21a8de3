"""A deletion record field by field: what it keeps (method, day, witness, supplier and its
confirmation, notes, the batch's label, sorted subject ids), the first day a deletion may be
recorded (the day after the last 保存期限, for a batch and for a disposal), items named by id
or record, and the certificate's description on the SoA evidence."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ume.assets import services
from ume.assets.models import Asset, DeletionRecord, RetentionItem
from ume.core.choices import Role

from .test_deletion_records import PDF, batch, delete  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def refused(call) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value


def release_hold(world) -> None:
    held = RetentionItem.objects.get(held=True)
    services.retention_hold_release(actor=world[Role.ADMIN], item=held, version=held.version)


def test_the_record_keeps_what_was_done_by_whom_and_before_whom(world, batch):  # noqa: F811
    items = list(RetentionItem.objects.filter(held=False).order_by("-subject_id"))
    day = max(i.keep_until for i in items) + dt.timedelta(days=1)  # the first day allowed
    data = {
        "method": "overwrite",
        "deleted_on": day,
        "witness": "総務部 桜井",
        "supplier": "梅リサイクル株式会社",
        "supplier_confirmation": "作業報告書 No.123",
        "notes": "2台分",
    }
    record = delete(world, batch, data=data, items=[items[0], items[1].pk])  # a record, an id
    stored = DeletionRecord.objects.get(pk=record.pk)
    assert {f: getattr(stored, f) for f in data} == data
    assert stored.subject_ids == sorted(i.subject_id for i in items)
    assert (stored.item_count, stored.batch, stored.batch_label) == (2, batch, batch.label)
    assert (stored.asset, stored.organisation) == (batch.asset, world.org)
    assert stored.certificate is None
    assert set(RetentionItem.objects.filter(deletion=stored)) == set(items)


def test_a_deletion_on_the_last_day_kept_names_that_day(world, batch):  # noqa: F811
    last = RetentionItem.objects.filter(held=False).order_by("-keep_until").first().keep_until
    error = refused(lambda: delete(world, batch, data={"deleted_on": last}))
    assert error.message_dict == {
        "deleted_on": [
            f"保存期限は {last:%Y/%m/%d} です。削除はその翌日以降の日付で記録してください。"
        ]
    }
    assert not DeletionRecord.objects.exists()


def test_a_batch_with_nothing_due_says_so(world, batch):  # noqa: F811
    delete(world, batch)
    error = refused(lambda: delete(world, batch))
    assert error.message_dict == {"items": ["このバッチに削除できる対象はありません。"]}


def test_the_certificate_is_described_by_its_batch(world, batch, catalogue):  # noqa: F811
    from ume.soa import services as soa_services

    soa = soa_services.soa_get_or_create(actor=world[Role.ADMIN], scope=world.hq)
    record = delete(world, batch, certificate=SimpleUploadedFile("溶解証明書.pdf", PDF))
    assert record.certificate.description == f"消去証明書：{batch.label}"
    linked = {r.control.ref for r in soa.rows.filter(evidence_files=record.certificate)}
    assert linked == {"8.10"}


def test_a_disposal_waits_for_the_day_after_the_last_date_kept(world, batch, catalogue):  # noqa: F811
    from ume.soa import services as soa_services

    soa_services.soa_get_or_create(actor=world[Role.ADMIN], scope=world.hq)
    asset = batch.asset
    kept = refused(
        lambda: services.asset_dispose(
            actor=world[Role.ADMIN],
            asset=asset,
            data={"method": "physical", "deleted_on": timezone.localdate()},
            version=asset.version,
        )
    )
    assert kept.messages == [
        "この情報資産には、保存期限内、保留中または永年保存の保存対象が1件あります。"
        "削除できるようになってから廃棄してください。"
    ]
    release_hold(world)
    last = max(RetentionItem.objects.values_list("keep_until", flat=True))
    for day in (last, last - dt.timedelta(days=1)):
        error = refused(
            lambda day=day: services.asset_dispose(
                actor=world[Role.ADMIN],
                asset=asset,
                data={"method": "physical", "deleted_on": day},
                version=asset.version,
            )
        )
        count = RetentionItem.objects.filter(keep_until__gte=day).count()
        assert count and f"保存対象が{count}件" in error.messages[0], day
    record = services.asset_dispose(
        actor=world[Role.ADMIN],
        asset=asset,
        data={"method": "physical", "deleted_on": last + dt.timedelta(days=1)},
        certificate=SimpleUploadedFile("廃棄証明書.pdf", PDF),
        version=asset.version,
    )
    assert (record.item_count, record.batch, record.batch_label) == (3, None, "")
    assert record.certificate.description == f"廃棄：{asset}"
    stored = Asset.objects.get(pk=asset.pk)
    assert (stored.status, stored.version) == ("disposed", asset.version + 1)


def test_equipment_out_on_a_removal_is_disposed_of_through_it(world, batch):  # noqa: F811
    from ume.assets.models import EquipmentRemoval

    release_hold(world)
    asset = batch.asset
    Asset.objects.filter(pk=asset.pk).update(asset_type="hardware")
    EquipmentRemoval.objects.create(
        organisation=world.org,
        scope=asset.scope,
        asset=asset,
        requested_by=world[Role.ADMIN],
        purpose="repair",
        supplier="梅サービス株式会社",
        out_on=timezone.localdate(),
        expected_return_on=timezone.localdate(),
    )
    error = refused(
        lambda: services.asset_dispose(
            actor=world[Role.ADMIN],
            asset=Asset.objects.get(pk=asset.pk),
            data={"method": "physical", "deleted_on": timezone.localdate()},
            version=asset.version,
        )
    )
    assert error.messages == [
        "この機器には完了していない持出記録があります（梅サービス株式会社）。"
        "廃棄はその持出記録で記録してください。"
    ]
    assert not DeletionRecord.objects.exists()

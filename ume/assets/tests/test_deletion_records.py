"""Deletion records (消去記録): a batch's items past their 保存期限 are recorded as deleted at once
with method, day, witness and the 消去証明書 (kept with its SHA-256 as evidence); items not
yet due, held or deleted already are refused; deleted items leave the due list and stay as
they were when dates are recomputed; the record keeps ids and counts only."""

import calendar
import datetime as dt
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from ume.assets import services
from ume.assets.models import DeletionRecord, RetentionBatch, RetentionItem, RetentionRule
from ume.core.choices import Role

pytestmark = pytest.mark.django_db
HIRING = "labour-standards-109-hiring-records"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def back(years: int, months: int) -> dt.date:
    today = timezone.localdate()
    year, month = divmod(today.year * 12 + today.month - 1 - years * 12 - months, 12)
    return dt.date(year, month + 1, calendar.monthrange(year, month + 1)[1])


@pytest.fixture
def batch(world, retention_rules):
    """履歴書 of three leavers of one fiscal year, all past their five years (one held)."""
    rule = RetentionRule.objects.get(organisation__isnull=True, code=HIRING)
    services.asset_create(
        actor=world[Role.ADMIN],
        scope=world.hq,
        data={"name": "履歴書", "retention_rules": [rule], "owner": world[Role.DEPARTMENT_HEAD]},
    )
    day = back(7, 0).replace(month=6, day=30)
    for name in ("山田 太郎", "佐藤 花子", "鈴木 一郎"):
        services.retention_event_record(
            actor=world[Role.ADMIN],
            organisation=world.org,
            source="manual",
            subject=name,
            event_type="leaving",
            date=day,
        )
    held = RetentionItem.objects.get(subject__name="鈴木 一郎")
    services.retention_hold_set(
        actor=world[Role.ADMIN],
        item=held,
        data={
            "hold_reason": "係争中",
            "hold_owner": world[Role.SECRETARIAT],
            "hold_review_on": timezone.localdate() + dt.timedelta(days=30),
        },
        version=1,
    )
    return RetentionBatch.objects.get()


def delete(world, batch, role=Role.DEPARTMENT_HEAD, **kwargs):
    data = {
        "method": "dissolution",
        "deleted_on": timezone.localdate(),
        "witness": "総務部 桜井",
        **kwargs.pop("data", {}),
    }
    return services.deletion_record_create(actor=world[role], batch=batch, data=data, **kwargs)


def test_one_certificate_closes_the_batch_and_the_record_keeps_ids_and_counts(world, batch):
    certificate = SimpleUploadedFile("溶解証明書.pdf", PDF, content_type="application/pdf")
    record = delete(world, batch, certificate=certificate)
    assert record.item_count == 2 and record.performed_by == world[Role.DEPARTMENT_HEAD]
    names = {i.subject_id: i.subject.name for i in RetentionItem.objects.all()}
    assert sorted(names[s] for s in record.subject_ids) == ["佐藤 花子", "山田 太郎"]
    assert record.certificate.sha256 == hashlib.sha256(PDF).hexdigest()
    assert "山田" not in str(record.__dict__)  # ids and counts, never what was deleted
    batch.refresh_from_db()
    assert (batch.deleted_count, batch.held_count, batch.first_due) == (2, 1, None)
    assert RetentionItem.objects.filter(deletion=record).count() == 2
    with pytest.raises(ValidationError) as caught:  # nothing left to delete but the held item
        delete(world, batch)
    assert "items" in caught.value.message_dict


def test_items_not_yet_due_or_held_are_refused_and_nothing_is_written(world, batch):
    held = RetentionItem.objects.get(held=True)
    with pytest.raises(ValidationError) as caught:
        delete(world, batch, items=[held.pk])
    assert "items" in caught.value.message_dict
    item = RetentionItem.objects.filter(held=False).first()
    for day, field in (
        (timezone.localdate() + dt.timedelta(days=1), "deleted_on"),
        (item.keep_until, "deleted_on"),
    ):
        with pytest.raises(ValidationError) as caught:
            delete(world, batch, items=[item.pk], data={"deleted_on": day})
        assert field in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        delete(world, batch, data={"method": "burning"})
    assert "method" in caught.value.message_dict
    with pytest.raises(ValidationError):
        delete(
            world,
            batch,
            certificate=SimpleUploadedFile("証明書.pdf", b"MZ\x90\x00 not a pdf"),
        )
    assert not DeletionRecord.objects.exists()
    assert not RetentionItem.objects.filter(deletion__isnull=False).exists()


def test_only_those_who_edit_the_record_record_its_deletion(world, batch):
    for role in (Role.STAFF, Role.INTERNAL_AUDITOR):
        with pytest.raises(PermissionDenied):
            delete(world, batch, role=role)
    assert delete(world, batch, role=Role.SECRETARIAT).item_count == 2


def test_deleted_items_stay_as_they_were_when_dates_are_recomputed(world, batch):
    record = delete(world, batch)
    deleted = RetentionItem.objects.filter(deletion=record).order_by("pk").first()
    before = deleted.keep_until
    services.retention_period_choose(
        actor=world[Role.ADMIN],
        organisation=world.org,
        rule=RetentionRule.objects.get(organisation__isnull=True, code=HIRING),
        use_transitional=True,
        version=1,
    )
    deleted.refresh_from_db()
    assert deleted.keep_until == before and deleted.deletion == record
    event = deleted.subject.events.get()
    services.retention_event_withdraw(
        actor=world[Role.ADMIN], event=event, reason="再雇用", version=1
    )
    assert RetentionItem.objects.filter(pk=deleted.pk).exists()  # its record stays


def test_the_batch_page_records_the_deletion_with_its_certificate(world, batch, login):
    head = login(world[Role.DEPARTMENT_HEAD])
    detail = reverse("assets:retention_batch_detail", args=[batch.pk])
    assert 'data-testid="batch-delete"' in head.get(detail).content.decode()
    url = reverse("assets:retention_deletion_create", args=[batch.pk])
    form = head.get(url).context["form"]
    assert len(form.fields["items"].choices) == 2
    response = head.post(
        url,
        {
            "items": [value for value, _label in form.fields["items"].choices],
            "method": "overwrite",
            "deleted_on": timezone.localdate().isoformat(),
            "witness": "情報システム部 梅田",
            "certificate": SimpleUploadedFile("消去証明書.pdf", PDF),
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    page = head.get(detail).content.decode()
    assert 'data-testid="deletion-records"' in page and "消去証明書.pdf" in page
    assert page.count('data-testid="item-deleted"') == 2
    assert 'data-testid="batch-delete"' not in page
    assert head.get(url).status_code == 302  # nothing left to delete
    due = reverse("assets:retention_batch_list")
    assert list(head.get(due, {"due": "deleted"}).context["table"].page.object_list) == []
    assert len(list(head.get(due, {"due": "no_date"}).context["table"].page.object_list)) == 1
    services.retention_hold_release(  # the held item, released and deleted: all deleted
        actor=world[Role.ADMIN], item=RetentionItem.objects.get(held=True), version=2
    )
    delete(world, batch)
    done = list(head.get(due, {"due": "deleted"}).context["table"].page.object_list)
    assert [row.record for row in done] == [batch]
    assert "すべて削除済み" in head.get(due).content.decode()
    staff = login(world[Role.STAFF])
    assert staff.get(url).status_code == 403


def test_deletion_records_are_listed_filtered_and_exported_as_evidence(
    world, other_world, batch, login
):
    import csv
    import io

    import openpyxl

    from ume.core.models import AuditEntry

    certificate = SimpleUploadedFile("=溶解証明書.pdf", PDF)
    delete(world, batch, certificate=certificate, data={"supplier": "株式会社リサイクル"})
    client = login(world[Role.INTERNAL_AUDITOR])  # auditors read the evidence
    url = reverse("assets:deletion_record_list")
    page = client.get(url)
    assert [r.record.item_count for r in page.context["table"].page.object_list] == [2]
    assert "株式会社リサイクル" in page.content.decode()
    for query, count in (
        ({"method": "shredding"}, 0),
        ({"certificate": "no"}, 0),
        ({"q": "リサイクル"}, 1),
        ({"deleted_to": "2000-01-01"}, 0),
    ):
        assert len(list(client.get(url, query).context["table"].page.object_list)) == count
    assert client.get(url, {"deleted_from": "x"}).status_code == 200
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("assets:deletion_export_xlsx")).content)
    )
    rows = list(book["消去記録"].iter_rows(values_only=False))
    header = next(r for r in rows if r[0].value == "削除日")
    assert [c.value for c in header][11:13] == ["消去証明書", "SHA-256"]
    data = rows[rows.index(header) + 1]
    assert data[12].value == hashlib.sha256(PDF).hexdigest()
    assert data[11].value == "=溶解証明書.pdf" and data[11].quotePrefix
    lines = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("assets:deletion_export_csv")).content.decode("utf-8-sig")
            )
        )
    )
    assert len(lines) == 2 and lines[1][6] == "2"
    assert AuditEntry.objects.filter(changes__contains="deletion_records_exported").count() == 2
    theirs = login(other_world[Role.ADMIN])
    assert list(theirs.get(url).context["table"].page.object_list) == []


def test_an_asset_is_disposed_of_with_its_record_and_never_deleted(world, batch, login):
    from ume.assets.models import Asset

    asset = batch.asset
    refused = login(world[Role.STAFF]).get(reverse("assets:asset_dispose", args=[asset.pk]))
    assert refused.status_code == 403
    head = login(world[Role.DEPARTMENT_HEAD])
    url = reverse("assets:asset_dispose", args=[asset.pk])
    post = {
        "method": "physical",
        "deleted_on": timezone.localdate().isoformat(),
        "witness": "総務部 桜井",
        "version": asset.version,
    }
    held = head.post(url, post)  # one item is on hold: refused, nothing changes
    assert held.status_code == 200 and held.context["form"].non_field_errors()
    assert Asset.objects.get(pk=asset.pk).status != "disposed"
    services.retention_hold_release(
        actor=world[Role.ADMIN], item=RetentionItem.objects.get(held=True), version=2
    )
    response = head.post(url, {**post, "certificate": SimpleUploadedFile("廃棄証明書.pdf", PDF)})
    assert response.status_code == 302, response.context["form"].errors
    asset = Asset.objects.get(pk=asset.pk)
    assert asset.status == "disposed"
    record = DeletionRecord.objects.get(asset=asset, batch__isnull=True)
    assert record.item_count == 3 and record.certificate.name == "廃棄証明書.pdf"
    assert not RetentionItem.objects.filter(deletion__isnull=True).exists()
    page = head.get(reverse("assets:asset_edit", args=[asset.pk])).content.decode()
    assert 'data-testid="asset-deletions"' in page and "asset-dispose" not in page
    with pytest.raises(ValidationError):  # once only
        services.asset_dispose(
            actor=world[Role.ADMIN],
            asset=asset,
            data={"method": "physical", "deleted_on": timezone.localdate()},
            version=asset.version,
        )


def test_the_dashboard_counts_batches_past_their_retention_period(world, batch, login):
    def overdue(client) -> int:
        page = client.get(reverse("core:dashboard"))
        figures = {f.testid: f.value for w in page.context["widgets"] for f in w.figures}
        return figures.get("widget-batches-overdue", -1)

    assert overdue(login(world[Role.SECRETARIAT])) == 1
    delete(world, batch)
    services.retention_hold_release(
        actor=world[Role.ADMIN], item=RetentionItem.objects.get(held=True), version=2
    )
    delete(world, batch)
    assert overdue(login(world[Role.SECRETARIAT])) == 0

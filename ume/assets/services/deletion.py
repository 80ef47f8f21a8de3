"""Deletion records (消去記録): the items of a batch whose 保存期限 has passed are recorded as
deleted at once, with the method, the day, who deleted them and before whom, and the 消去証明書
(kept as evidence of 8.10 on the scope's Statement of Applicability when it has one)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ume.core.models import User
from ume.core.services import service, update_fields

from ..choices import OPEN_REMOVAL, AssetStatus, DeletionMethod
from ..models import Asset, DeletionRecord, RetentionBatch, RetentionItem
from ..permissions import CHANGE_ASSET
from ..selectors import deletable_items
from .dates import refresh_batches
from .evidence import keep_as_evidence

CONTROLS = ("8.10",)
# A device or medium disposed of: secure disposal (7.14) and deletion of its data (8.10).
DISPOSAL_CONTROLS = ("7.14", "8.10")
FIELDS = ("method", "deleted_on", "witness", "supplier", "supplier_confirmation", "notes")


def _items(batch: RetentionBatch, items) -> list[RetentionItem]:
    allowed = {i.pk: i for i in deletable_items(batch)}
    if items is None:
        chosen = list(allowed.values())
    else:
        chosen = [allowed.get(getattr(i, "pk", i)) for i in items]
        if None in chosen:
            raise ValidationError(
                {
                    "items": _(
                        "Only items of this batch whose retention period has passed and that "
                        "are not on hold or deleted already can be recorded as deleted."
                    )
                }
            )
    if not chosen:
        raise ValidationError({"items": _("No item of this batch is due for deletion.")})
    return chosen


@service(perm=CHANGE_ASSET, on="batch.asset")
def deletion_record_create(
    *,
    actor: User,
    batch: RetentionBatch,
    data: dict[str, Any],
    items: list | None = None,
    certificate=None,
) -> DeletionRecord:
    """Record the deletion of ``items`` of ``batch`` (all its items due for deletion when
    None; any other item, of this batch or another, is refused). One certificate may close
    the whole batch."""
    chosen = _items(batch, items)
    day = _day(data)
    last = max(i.keep_until for i in chosen)
    if day <= last:
        raise ValidationError(
            {
                "deleted_on": _(
                    "The records were kept until {day}: a deletion is recorded from the next day."
                ).format(day=last.strftime("%Y/%m/%d"))
            }
        )
    label = _("Certificate of erasure: {batch}").format(batch=batch.label)
    return _record(actor, batch.asset, batch, chosen, data, certificate, label, CONTROLS)


def _day(data: dict[str, Any]):
    if data.get("method") not in DeletionMethod.values:
        raise ValidationError({"method": _("Choose how the records were deleted.")})
    day = data.get("deleted_on")
    if day is None or day > timezone.localdate():
        raise ValidationError(
            {"deleted_on": _("Enter the day of the deletion (not a future day).")}
        )
    return day


def _record(actor, asset, batch, items, data, certificate, description, controls) -> DeletionRecord:
    """The deletion record of ``items`` (ids and counts only), its certificate kept as
    evidence; the items are marked deleted and their batch refreshed."""
    record = DeletionRecord(
        organisation=asset.organisation,
        asset=asset,
        batch=batch,
        batch_label=batch.label[:300] if batch else "",
        item_count=len(items),
        subject_ids=sorted(i.subject_id for i in items),
        performed_by=actor,
        **{f: data.get(f, "") for f in FIELDS},
    )
    record.full_clean(exclude=["certificate"])
    if certificate is not None:
        record.certificate = keep_as_evidence(
            actor, asset.scope, certificate, description, controls
        )
    record.save()
    RetentionItem.objects.filter(pk__in=[i.pk for i in items]).update(
        deletion=record, updated_at=timezone.now()
    )
    refresh_batches({i.batch_id for i in items})
    return record


@service(perm=CHANGE_ASSET, on="asset", versioned="version")
def asset_dispose(
    *,
    actor: User,
    asset: Asset,
    data: dict[str, Any],
    certificate=None,
    version: int | None = None,
) -> DeletionRecord:
    """Dispose of an asset (a PC wiped and recycled, a ledger shredded): the asset becomes
    廃棄済 and the deletion record stays with it; the asset itself is never deleted. Refused
    while any of its retained items is kept, held or permanent."""
    removal = asset.removals.filter(status__in=OPEN_REMOVAL).first()
    if removal is not None:
        raise ValidationError(
            _(
                "This equipment has an open removal ({supplier}). Record its disposal on the "
                "removal."
            ).format(supplier=removal.supplier)
        )
    record = dispose(actor, asset, data, certificate)
    update_fields(asset, {"status": AssetStatus.DISPOSED}, version=version)
    return record


def dispose(actor: User, asset: Asset, data: dict[str, Any], certificate=None) -> DeletionRecord:
    """The deletion record of an asset's disposal, closing its remaining retained items; the
    caller marks the asset 廃棄済 (under its version)."""
    day = _day(data)
    kept = RetentionItem.objects.filter(asset=asset, deletion__isnull=True).filter(
        Q(held=True) | Q(permanent=True) | Q(keep_until__gte=day) | Q(keep_until__isnull=True)
    )
    if kept.exists():
        raise ValidationError(
            _(
                "{count} retained items of this asset are still within their retention period, "
                "on hold or kept permanently. Dispose of it once they may be deleted."
            ).format(count=kept.count())
        )
    if asset.status == AssetStatus.DISPOSED:
        raise ValidationError(_("This asset is disposed of already."))
    remaining = list(RetentionItem.objects.filter(asset=asset, deletion__isnull=True))
    description = _("Disposal: {asset}").format(asset=asset)
    return _record(actor, asset, None, remaining, data, certificate, description, DISPOSAL_CONTROLS)

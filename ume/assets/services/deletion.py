"""Deletion records (消去記録): the items of a batch whose 保存期限 has passed are recorded as
deleted at once, with the method, the day, who deleted them and before whom, and the 消去証明書
(kept as evidence of 8.10 on the scope's Statement of Applicability when it has one)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ume.core.models import User
from ume.core.services import service
from ume.measures.services import evidence_attach, evidence_upload
from ume.soa.selectors import soa_get, soa_row_list

from ..choices import DeletionMethod
from ..models import DeletionRecord, RetentionBatch, RetentionItem
from ..permissions import CHANGE_ASSET
from ..selectors import deletable_items
from .dates import refresh_batches

CONTROL = "8.10"
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


def _keep_certificate(actor, batch: RetentionBatch, certificate):
    asset = batch.asset
    evidence = evidence_upload(
        actor=actor,
        organisation=batch.organisation,
        scope=asset.scope,
        uploaded=certificate,
        description=_("Certificate of erasure: {batch}").format(batch=batch.label)[:300],
    )
    soa = soa_get(actor=actor, scope=asset.scope)
    row = soa_row_list(actor=actor, soa=soa).filter(control__ref=CONTROL).first() if soa else None
    if row is not None:
        evidence_attach(actor=actor, target=row, evidence=evidence)
    return evidence


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
    if data.get("method") not in DeletionMethod.values:
        raise ValidationError({"method": _("Choose how the records were deleted.")})
    day = data.get("deleted_on")
    if day is None or day > timezone.localdate():
        raise ValidationError(
            {"deleted_on": _("Enter the day of the deletion (not a future day).")}
        )
    last = max(i.keep_until for i in chosen)
    if day <= last:
        raise ValidationError(
            {
                "deleted_on": _(
                    "The records were kept until {day}: a deletion is recorded from the next day."
                ).format(day=last.strftime("%Y/%m/%d"))
            }
        )
    record = DeletionRecord(
        organisation=batch.organisation,
        asset=batch.asset,
        batch=batch,
        batch_label=batch.label[:300],
        item_count=len(chosen),
        subject_ids=sorted(i.subject_id for i in chosen),
        performed_by=actor,
        **{f: data.get(f, "") for f in FIELDS},
    )
    record.full_clean(exclude=["certificate"])
    if certificate is not None:
        record.certificate = _keep_certificate(actor, batch, certificate)
    record.save()
    RetentionItem.objects.filter(pk__in=[i.pk for i in chosen]).update(
        deletion=record, updated_at=timezone.now()
    )
    refresh_batches({batch.pk})
    return record

"""Equipment removals (持出, A.7.13): requested by those who may change the equipment,
approved by a manager on or before the out date (never after it has left), closed as returned
(checked by a member) or disposed of (the deletion record with the supplier's certificate;
the asset becomes 廃棄済, A.7.14). Seed 003, adopted proposal #4."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from ume.core.exports import write_xlsx
from ume.core.models import Scope, User
from ume.core.services import service, update_fields
from ume.measures.models import EvidenceFile
from ume.measures.permissions import UPLOAD_EVIDENCE

from ..choices import OPEN_REMOVAL, AssetStatus, AssetType, RemovalPurpose, RemovalStatus
from ..exports import removals_table
from ..models import Asset, EquipmentRemoval
from ..permissions import APPROVE_REMOVAL, CHANGE_ASSET
from .deletion import dispose
from .evidence import keep_as_evidence

CONTROLS = ("7.13", "7.10", "7.14")
REQUEST_FIELDS = (
    "purpose",
    "supplier",
    "data_held",
    "data_handling",
    "out_on",
    "expected_return_on",
    "notes",
)


def _check_dates(data: dict[str, Any]) -> None:
    out_on, back = data.get("out_on"), data.get("expected_return_on")
    if out_on is not None and out_on < timezone.localdate():
        raise ValidationError(
            {
                "out_on": _(
                    "Equipment is approved before it leaves: the out date cannot be in the past."
                )
            }
        )
    if data.get("purpose") != RemovalPurpose.DISPOSAL and back is None:
        raise ValidationError(
            {"expected_return_on": _("Enter when the equipment is expected back.")}
        )
    if back is not None and out_on is not None and back < out_on:
        raise ValidationError(
            {"expected_return_on": _("The expected return cannot be before the out date.")}
        )


@service(perm=CHANGE_ASSET, on="asset")
def removal_request(*, actor: User, asset: Asset, data: dict[str, Any]) -> EquipmentRemoval:
    """Ask for approval to take ``asset`` (hardware) off the premises."""
    if asset.asset_type != AssetType.HARDWARE:
        raise ValidationError(
            {"asset": _("Only hardware (equipment or media) leaves the premises.")}
        )
    if asset.status == AssetStatus.DISPOSED:
        raise ValidationError({"asset": _("This asset is disposed of already.")})
    if EquipmentRemoval.objects.filter(asset=asset, status__in=OPEN_REMOVAL).exists():
        raise ValidationError(
            {"asset": _("This equipment has an open removal already. Close or cancel it first.")}
        )
    data = {k: v for k, v in data.items() if k in REQUEST_FIELDS}
    _check_dates(data)
    removal = EquipmentRemoval(
        organisation=asset.organisation,
        scope=asset.scope,
        asset=asset,
        requested_by=actor,
        **data,
    )
    removal.full_clean()
    removal.save()
    return removal


def _expect(removal: EquipmentRemoval, status: str, message: str) -> None:
    if removal.status != status:
        raise ValidationError(message)


def _decide(actor, removal, status, note, version) -> EquipmentRemoval:
    _expect(
        removal, RemovalStatus.REQUESTED, _("This removal is not waiting for approval any more.")
    )
    return update_fields(
        removal,
        {
            "status": status,
            "decided_by": actor,
            "decided_at": timezone.now(),
            "decision_note": note,
        },
        version=version,
    )


@service(perm=APPROVE_REMOVAL, on="removal", versioned="version")
def removal_approve(
    *, actor: User, removal: EquipmentRemoval, note: str = "", version: int | None = None
) -> EquipmentRemoval:
    """Approve a requested removal, on or before its out date."""
    if removal.out_on < timezone.localdate():
        raise ValidationError(
            _(
                "The out date ({day}) has passed: a removal is approved before the equipment "
                "leaves. Cancel this request and request it again with the real out date."
            ).format(day=removal.out_on.strftime("%Y/%m/%d"))
        )
    return _decide(actor, removal, RemovalStatus.APPROVED, note, version)


@service(perm=APPROVE_REMOVAL, on="removal", versioned="version")
def removal_reject(
    *, actor: User, removal: EquipmentRemoval, note: str, version: int | None = None
) -> EquipmentRemoval:
    if not (note or "").strip():
        raise ValidationError({"decision_note": _("Say why the removal is rejected.")})
    return _decide(actor, removal, RemovalStatus.REJECTED, note, version)


@service(perm=CHANGE_ASSET, on="removal.asset", versioned="version")
def removal_cancel(
    *, actor: User, removal: EquipmentRemoval, reason: str, version: int | None = None
) -> EquipmentRemoval:
    """The equipment did not leave after all (a request withdrawn, a repair done on site)."""
    if removal.status not in OPEN_REMOVAL:
        raise ValidationError(_("Only a pending or approved removal can be cancelled."))
    if not (reason or "").strip():
        raise ValidationError({"closing_note": _("Say why the removal is cancelled.")})
    return update_fields(
        removal, {"status": RemovalStatus.CANCELLED, "closing_note": reason}, version=version
    )


def _expect_out(removal: EquipmentRemoval) -> None:
    _expect(
        removal,
        RemovalStatus.APPROVED,
        _("Only an approved removal is closed: a removal without approval never left."),
    )


@service(perm=CHANGE_ASSET, on="removal.asset", refs=("data.checked_by",), versioned="version")
def removal_return(
    *, actor: User, removal: EquipmentRemoval, data: dict[str, Any], version: int | None = None
) -> EquipmentRemoval:
    """The equipment came back: when, and who checked it (its data, seals, condition)."""
    _expect_out(removal)
    day, checker = data.get("returned_on"), data.get("checked_by")
    if day is None or day < removal.out_on or day > timezone.localdate():
        raise ValidationError(
            {"returned_on": _("Enter the day it came back (from the out date to today).")}
        )
    if checker is None or not checker.belongs_to(removal.organisation):
        raise ValidationError({"checked_by": _("Choose a member of this organization.")})
    return update_fields(
        removal,
        {
            "status": RemovalStatus.RETURNED,
            "returned_on": day,
            "checked_by": checker,
            "closing_note": data.get("closing_note", ""),
        },
        version=version,
    )


@service(perm=CHANGE_ASSET, on="removal.asset", versioned="version")
def removal_dispose(
    *,
    actor: User,
    removal: EquipmentRemoval,
    data: dict[str, Any],
    certificate=None,
    version: int | None = None,
):
    """The equipment was not repairable (or left to be disposed of): the supplier's erasure or
    destruction is recorded with its certificate and the asset becomes 廃棄済."""
    _expect_out(removal)
    day = data.get("deleted_on")
    if day is not None and day < removal.out_on:
        raise ValidationError(
            {"deleted_on": _("The disposal cannot be before the equipment left.")}
        )
    data = {"supplier": removal.supplier, **{k: v for k, v in data.items() if v not in ("", None)}}
    record = dispose(actor, removal.asset, data, certificate)
    asset = removal.asset
    update_fields(asset, {"status": AssetStatus.DISPOSED}, version=asset.version)
    # The notes stay on the deletion record (they may run to several lines).
    return update_fields(
        removal, {"status": RemovalStatus.DISPOSED, "deletion": record}, version=version
    )


@service(perm=UPLOAD_EVIDENCE, on="scope")
def removal_records_keep_as_evidence(*, actor: User, scope: Scope) -> EvidenceFile:
    """Write the scope's equipment removals (xlsx) and link them to its 7.13, 7.10 and 7.14
    SoA rows."""
    removals = (
        EquipmentRemoval.objects.filter(scope=scope)
        .select_related("asset", "scope", "requested_by", "decided_by", "checked_by")
        .select_related("deletion__certificate")
        .order_by("-out_on", "-pk")
    )
    day = timezone.localdate()
    name = _("equipment_removals_{scope}_{day}.xlsx").format(
        scope=scope.name, day=day.strftime("%Y%m%d")
    )
    description = _("Equipment removals (7.13, 7.10, 7.14) as of {day}").format(
        day=day.strftime("%Y/%m/%d")
    )
    uploaded = ContentFile(write_xlsx([removals_table(removals)]), name=name)
    return keep_as_evidence(actor, scope, uploaded, description, CONTROLS, require_soa=True)

"""Endpoints (8.1, 6.7): which devices are personal ones used without a valid approval
(未許可のBYOD), and which connect from outside without being registered or encrypted. One
definition for the ledger filter, the dashboard and the endpoint list."""

import datetime as dt
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import AssetStatus, AssetType, Ownership
from .models import Asset

LIVE = Q(status__in=[AssetStatus.IN_USE, AssetStatus.TO_DISPOSE])
ENDPOINT = ~Q(device_kind="")
# The endpoint items of a hardware asset, in the order the page, the API and exports show them.
FIELDS = (
    "device_kind",
    "ownership",
    "byod_approved_by",
    "byod_approved_on",
    "byod_expires_on",
    "remote_access",
    "device_id_kind",
    "device_id",
    "mdm_enrolled",
    "disk_encrypted",
    "os_name",
    "os_version",
    "endpoint_confirmed_on",
)
# What ``check`` reads: the asset's type and the items up to its identification.
CHECKED_FIELDS = ("asset_type", *FIELDS[: FIELDS.index("device_id") + 1])


def unapproved_byod(today: dt.date) -> Q:
    """Personal devices in use with no approval, or one that has ended."""
    lapsed = Q(byod_expires_on__isnull=False, byod_expires_on__lt=today)
    return (
        LIVE
        & ENDPOINT
        & Q(ownership=Ownership.PERSONAL)
        & (Q(byod_approved_on__isnull=True) | lapsed)
    )


def risky_remote_access() -> Q:
    """Devices that connect from outside but are not registered (no identifier) or not
    encrypted."""
    return LIVE & ENDPOINT & Q(remote_access=True) & (Q(device_id="") | Q(disk_encrypted=False))


def check(organisation, values: dict[str, Any]) -> dict[str, str]:
    """Errors of the endpoint items of an asset whose values (as saved) are ``values``."""
    errors: dict[str, str] = {}
    kind = values.get("device_kind") or ""
    if kind and values.get("asset_type") != AssetType.HARDWARE:
        errors["device_kind"] = _("Only hardware can be an endpoint: set the asset type first.")
    if not kind and (values.get("remote_access") or values.get("ownership")):
        errors["device_kind"] = _("Choose the endpoint type.")
    approver = values.get("byod_approved_by")
    if approver is not None and not approver.belongs_to(organisation):
        errors["byod_approved_by"] = _("The approver must be a member of this organization.")
    approved, expires = values.get("byod_approved_on"), values.get("byod_expires_on")
    if approved and expires and expires < approved:
        errors["byod_expires_on"] = _("The approval cannot end before it was given.")
    if values.get("ownership") != Ownership.PERSONAL and (approver or approved or expires):
        errors["ownership"] = _("A BYOD approval is for personal devices only.")
    if values.get("device_id") and not values.get("device_id_kind"):
        errors["device_id_kind"] = _("Say how the device is identified.")
    return errors


def with_flags(assets, today: dt.date):
    """``assets`` with ``flag_byod`` and ``flag_remote`` (the two checks above) per row."""
    return assets.annotate(
        flag_byod=ExpressionWrapper(unapproved_byod(today), output_field=BooleanField()),
        flag_remote=ExpressionWrapper(risky_remote_access(), output_field=BooleanField()),
    )


def messages_for(byod: bool, remote: bool) -> list[str]:
    out = []
    if byod:
        out.append(_("Unapproved BYOD: this personal device has no valid approval."))
    if remote:
        out.append(
            _("It connects from outside but is not registered with an identifier or not encrypted.")
        )
    return out


def flags(asset, today: dt.date | None = None) -> list[str]:
    """What the asset's page warns of (one query)."""
    one = Asset.objects.filter(pk=asset.pk)
    row = with_flags(one, today or timezone.localdate()).values("flag_byod", "flag_remote").first()
    return messages_for(bool(row and row["flag_byod"]), bool(row and row["flag_remote"]))

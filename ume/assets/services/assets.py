"""Information assets (情報資産): create and edit. An asset is never deleted: it is marked
廃棄済 (disposed of) and keeps its history (issue 20, item 7)."""

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ume.core.models import Organisation, Scope, User
from ume.core.policies import require
from ume.core.services import service, update_fields

from .. import endpoints, importance
from ..choices import OPEN_REMOVAL
from ..models import Asset, EquipmentRemoval, LedgerSettings
from ..permissions import ADD_ASSET, CHANGE_ASSET
from .dates import schedule_recompute

REF_PATTERN = re.compile(r"A-(\d+)$")
CIA_FIELDS = ("confidentiality", "integrity", "availability")
REFS = (
    "data.owner",
    "data.department",
    "data.classification",
    "data.measures",
    "data.retention_rules",
)


ENDPOINT_FIELDS = endpoints.CHECKED_FIELDS


def _check(
    organisation: Organisation, scope: Scope, data: dict[str, Any], pk=None, current=None
) -> None:
    merged = {f: data.get(f, getattr(current, f, None)) for f in ENDPOINT_FIELDS}
    merged["asset_type"] = merged["asset_type"] or "information"
    errors: dict[str, str] = endpoints.check(organisation, merged)
    owner = data.get("owner")
    if owner is not None and not owner.belongs_to(organisation):
        errors["owner"] = _("The asset owner must be a member of this organization.")
    department = data.get("department")
    if department is not None and department.organisation_id != organisation.pk:
        errors["department"] = _("Choose a department of this organization.")
    level = data.get("classification")
    if level is not None and level.organisation_id != organisation.pk:
        errors["classification"] = _("Choose a classification level of this organization.")
    measures = data.get("measures") or []
    if any(
        m.organisation_id != organisation.pk or m.scope_id not in (None, scope.pk) for m in measures
    ):
        errors["measures"] = _("Choose measures of this ISMS scope or of the whole organization.")
    rules = data.get("retention_rules") or []
    if any(r.organisation_id not in (None, organisation.pk) for r in rules):
        errors["retention_rules"] = _("Choose built-in rules or rules of this organization.")
    ref = (data.get("ref") or "").strip()
    if ref and Asset.objects.filter(organisation=organisation, ref=ref).exclude(pk=pk).exists():
        errors["ref"] = _("The asset number {ref} is already used. Choose another.").format(ref=ref)
    if errors:
        raise ValidationError(errors)


def next_ref(organisation: Organisation) -> str:
    """The next free number A-00001, A-00002 … (after the highest of that form)."""
    refs = Asset.objects.filter(organisation=organisation, ref__startswith="A-").values_list(
        "ref", flat=True
    )
    numbers = [int(m.group(1)) for r in refs if (m := REF_PATTERN.match(r))]
    return f"A-{max(numbers, default=0) + 1:05d}"


def importance_rule(organisation: Organisation) -> str:
    return LedgerSettings.objects.get_or_create(organisation=organisation)[0].importance_rule


def _derive(asset: Asset) -> None:
    asset.importance = importance.derive(
        importance_rule(asset.organisation),
        asset.confidentiality,
        asset.integrity,
        asset.availability,
    )


@service(perm=ADD_ASSET, on="scope", refs=REFS)
def asset_create(*, actor: User, scope: Scope, data: dict[str, Any]) -> Asset:
    """Add an asset to the ledger of ``scope``; without a number it gets the next free one."""
    organisation = scope.organisation
    _check(organisation, scope, data)
    Organisation.objects.select_for_update().get(pk=organisation.pk)  # numbers one at a time
    measures = data.pop("measures", [])
    retention_rules = data.pop("retention_rules", [])
    asset = Asset(organisation=organisation, scope=scope, **data)
    asset.ref = (asset.ref or "").strip() or next_ref(organisation)
    _derive(asset)
    asset.full_clean()
    asset.save()
    asset.measures.set(measures)
    asset.retention_rules.set(retention_rules)
    if retention_rules:
        schedule_recompute(organisation)
    return asset


@service(perm=CHANGE_ASSET, on="asset", refs=(*REFS, "data.scope"), versioned="version")
def asset_update(
    *, actor: User, asset: Asset, data: dict[str, Any], version: int | None = None
) -> Asset:
    """Edit an asset. Moving it to another scope needs the right to add assets there."""
    scope = data.get("scope", asset.scope)
    if scope.organisation_id != asset.organisation_id:
        raise ValidationError({"scope": _("Choose an ISMS scope of this organization.")})
    if scope != asset.scope:
        require(actor, ADD_ASSET, scope)
    if "ref" in data and not (data["ref"] or "").strip():
        raise ValidationError({"ref": _("Enter an asset number.")})
    measures = data.get("measures", list(asset.measures.all()))
    _check(asset.organisation, scope, {**data, "measures": measures}, pk=asset.pk, current=asset)
    values = {f: data.get(f, getattr(asset, f)) for f in CIA_FIELDS}
    data["importance"] = importance.derive(importance_rule(asset.organisation), *values.values())
    moved = scope != asset.scope
    updated = update_fields(asset, data, version=version)
    if moved:  # open removals follow the equipment; closed ones stay evidence where they were
        for removal in EquipmentRemoval.objects.filter(asset=asset, status__in=OPEN_REMOVAL):
            update_fields(removal, {"scope": scope}, version=removal.version)
    if "retention_rules" in data:
        schedule_recompute(asset.organisation)
    return updated

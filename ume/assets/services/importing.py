"""Applying an imported ledger: every new asset and every change of the preview, or nothing.
The rows are checked as ``asset_create`` / ``asset_update`` check one asset (references of this
organization, the right to change each asset, free numbers, endpoint items, the version each
change was based on), then written in bulk with one audit entry per asset: an import of 10,000
rows takes seconds, not minutes. An asset changed since the preview refuses the whole import."""

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ume.core import audit
from ume.core.bulk import insert_many, update_many
from ume.core.choices import AuditAction
from ume.core.locking import StaleEditError, require_version
from ume.core.models import Department, Scope, User
from ume.core.policies import require
from ume.core.services import service

from .. import endpoints, importance
from ..models import Asset, ClassificationLevel
from ..permissions import ADD_ASSET, CHANGE_ASSET
from .assets import ENDPOINT_FIELDS, REF_PATTERN, importance_rule, next_ref

REFERENCES = ("owner", "department", "classification")
# Checked in bulk (the references) or by the database; full_clean skips them per row.
BULK_CHECKED = [*REFERENCES, "organisation", "scope", "byod_approved_by"]


def _lookups(organisation) -> dict[str, dict[int, Any]]:
    """The records a row may name, by id: members, departments and levels of the organization."""
    members = User.objects.filter(memberships__organisation=organisation).distinct()
    return {
        "owner": {u.pk: u for u in members},
        "department": {d.pk: d for d in Department.objects.filter(organisation=organisation)},
        "classification": {
            c.pk: c for c in ClassificationLevel.objects.filter(organisation=organisation)
        },
    }


def _resolve(values: dict[str, Any], lookups) -> dict[str, Any]:
    """The preview's ids and ISO dates as the records and dates of this organization."""
    data = dict(values)
    for name in REFERENCES:
        if data.get(name) is not None:
            found = lookups[name].get(data[name])
            if found is None:
                field = Asset._meta.get_field(name).verbose_name
                raise ValidationError(
                    _("A {field} named in the file no longer exists. Upload it again.").format(
                        field=field
                    )
                )
            data[name] = found
    if data.get("last_reviewed_on"):
        data["last_reviewed_on"] = dt.date.fromisoformat(data["last_reviewed_on"])
    return data


ALWAYS_CHECKED = {"ref", "name"}
FIELD_NAMES = [f.name for f in Asset._meta.concrete_fields]


@cache
def _not_cleaned(given: frozenset[str]) -> list[str]:
    """The fields a row giving ``given`` leaves out of ``full_clean`` (a file's rows share a
    few sets of columns)."""
    return [f for f in FIELD_NAMES if f not in given or f in BULK_CHECKED]


def _prepare(asset: Asset, organisation, rule: str, given: Iterable[str]) -> None:
    """Derive the importance and check the asset as its services would (one row's errors name
    its number). Only the ``given`` fields and the number and name are cleaned: the others
    keep the stored value or the field's default."""
    asset.importance = importance.derive(
        rule, asset.confidentiality, asset.integrity, asset.availability
    )
    merged = {f: getattr(asset, f) for f in ENDPOINT_FIELDS}
    merged["asset_type"] = merged["asset_type"] or "information"
    errors = endpoints.check(organisation, merged)
    try:
        asset.full_clean(
            exclude=_not_cleaned(frozenset(given)),
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        errors = {**exc.message_dict, **errors}
    if errors:
        messages = [m for v in errors.values() for m in ([v] if isinstance(v, str) else v)]
        raise ValidationError(f"{asset.ref}: " + " ".join(str(m) for m in messages))


def _entry(asset: Asset, action: str, changes: dict) -> dict[str, Any]:
    return {
        "action": action,
        "model_label": asset._meta.label_lower,
        "object_id": str(asset.pk),
        "object_repr": str(asset),
        "changes": changes,
        "scope_id": asset.scope_id,
    }


def _apply_updates(actor, scope, updates, versions, lookups, rule) -> list[dict]:
    organisation = scope.organisation
    locked = {
        a.ref: a
        for a in Asset.objects.select_for_update().filter(
            organisation=organisation, scope=scope, ref__in=list(updates)
        )
    }
    missing = [ref for ref in updates if ref not in locked]
    if missing:
        raise ValidationError(
            _("The asset {ref} no longer exists. Upload the file again.").format(ref=missing[0])
        )
    stale = [ref for ref in updates if locked[ref].version != versions.get(ref)]
    if stale:
        raise StaleEditError(
            _(
                "{refs} changed after the preview was made. Upload the file again to see the "
                "current differences."
            ).format(refs=", ".join(stale)),
            code="stale",
        )
    entries, changed, fields = [], [], {"importance", "version", "updated_at"}
    now = timezone.now()
    for ref, values in updates.items():
        asset = locked[ref]
        require(actor, CHANGE_ASSET, asset)
        data = _resolve(values, lookups)
        before = asset.audit_snapshot()
        for name, value in data.items():
            setattr(asset, name, value)
        fields.update(data)
        _prepare(asset, organisation, rule, data.keys())
        asset.version, asset.updated_at = asset.version + 1, now
        changes = audit.diff(before, asset.audit_snapshot())
        if changes:
            entries.append(_entry(asset, AuditAction.UPDATE, changes))
        changed.append(asset)
    update_many(Asset, changed, fields)
    return entries


def _apply_creates(scope, creates, lookups, rule) -> list[dict]:
    organisation = scope.organisation
    # Numbers for rows without one: after the highest in the ledger and in the file.
    given = [int(m.group(1)) for v in creates if (m := REF_PATTERN.match(v.get("ref") or ""))]
    number = max(int(next_ref(organisation).removeprefix("A-")), max(given, default=0) + 1)
    assets = []
    for values in creates:
        data = _resolve(values, lookups)
        if not (data.get("ref") or "").strip():
            data["ref"], number = f"A-{number:05d}", number + 1
        asset = Asset(organisation=organisation, scope=scope, **data)
        asset.ref = asset.ref.strip()
        _prepare(asset, organisation, rule, ALWAYS_CHECKED | data.keys())
        assets.append(asset)
    refs = [a.ref for a in assets]
    taken = set(
        Asset.objects.filter(organisation=organisation, ref__in=refs).values_list("ref", flat=True)
    )
    twice = {r for r, n in Counter(refs).items() if n > 1}
    if taken or twice:
        ref = sorted(taken | twice)[0]
        raise ValidationError(
            _("The asset number {ref} is already used. Choose another.").format(ref=ref)
        )
    insert_many(Asset, assets)
    ids = dict(
        Asset.objects.filter(organisation=organisation, ref__in=refs).values_list("ref", "pk")
    )
    for asset in assets:
        asset.pk = ids[asset.ref]
    return [_entry(a, AuditAction.CREATE, audit.diff({}, a.audit_snapshot())) for a in assets]


@service(perm=ADD_ASSET, on="scope")
def assets_import(
    *,
    actor: User,
    scope: Scope,
    creates: list[dict[str, Any]],
    updates: dict[str, dict[str, Any]],
    versions: dict[str, int] | None = None,
) -> int:
    """Create and update the assets of ``scope`` as the preview says; returns how many."""
    if updates:
        require_version(versions)
    organisation = scope.organisation
    lookups, rule = _lookups(organisation), importance_rule(organisation)
    entries = _apply_updates(actor, scope, updates, versions or {}, lookups, rule)
    entries += _apply_creates(scope, creates, lookups, rule)
    audit.append_many(organisation_id=organisation.pk, entries=entries)
    return len(creates) + len(updates)

"""Applying an imported ledger: every new asset and every change of the preview, or nothing.
Each row goes through ``asset_create`` / ``asset_update`` (their permission, reference and
version checks); an asset changed since the preview refuses the whole import."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ume.core.locking import StaleEditError, require_version
from ume.core.models import Department, Scope, User
from ume.core.services import service

from ..models import Asset, ClassificationLevel
from ..permissions import ADD_ASSET
from .assets import REF_PATTERN, asset_create, asset_update, next_ref

REFERENCES = {"owner": User, "department": Department, "classification": ClassificationLevel}


def _resolve(values: dict[str, Any]) -> dict[str, Any]:
    """The preview's ids and ISO dates as the records and dates the services take."""
    data = dict(values)
    for name, model in REFERENCES.items():
        if data.get(name) is not None:
            data[name] = model.objects.filter(pk=data[name]).first()
            if data[name] is None:
                raise ValidationError(
                    _("A {field} named in the file no longer exists. Upload it again.").format(
                        field=model._meta.verbose_name
                    )
                )
    if data.get("last_reviewed_on"):
        data["last_reviewed_on"] = dt.date.fromisoformat(data["last_reviewed_on"])
    return data


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
    stale = []
    for ref, values in updates.items():
        asset = Asset.objects.filter(organisation=scope.organisation, scope=scope, ref=ref).first()
        if asset is None:
            raise ValidationError(
                _("The asset {ref} no longer exists. Upload the file again.").format(ref=ref)
            )
        try:
            asset_update(actor=actor, asset=asset, data=_resolve(values), version=versions[ref])
        except StaleEditError:
            stale.append(ref)
    if stale:
        raise StaleEditError(
            _(
                "{refs} changed after the preview was made. Upload the file again to see the "
                "current differences."
            ).format(refs=", ".join(stale)),
            code="stale",
        )
    # Numbers for rows without one: after the highest in the ledger and in the file.
    given = [int(m.group(1)) for v in creates if (m := REF_PATTERN.match(v.get("ref") or ""))]
    number = max(int(next_ref(scope.organisation).removeprefix("A-")), max(given, default=0) + 1)
    for values in creates:
        data = _resolve(values)
        if not (data.get("ref") or "").strip():  # numbered here, not by a scan per row
            data["ref"], number = f"A-{number:05d}", number + 1
        asset_create(actor=actor, scope=scope, data=data)
    return len(creates) + len(updates)

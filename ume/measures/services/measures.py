"""Measures (対策（実施事項）): create, edit, map to controls, delete."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ume.core.models import Organisation, User
from ume.core.policies import require, write_target
from ume.core.services import service, update_fields

from ..models import Measure
from ..permissions import CHANGE_MEASURE


def _check(organisation: Organisation, data: dict[str, Any]) -> None:
    errors = {}
    scope = data.get("scope")
    if scope is not None and scope.organisation_id != organisation.pk:
        errors["scope"] = _("Choose an ISMS scope of this organization.")
    owner = data.get("owner")
    if owner is not None and not owner.belongs_to(organisation):
        errors["owner"] = _("The owner must be a member of this organization.")
    if not str(data.get("title", "x")).strip():
        errors["title"] = _("Enter a title.")
    if errors:
        raise ValidationError(errors)


@service(perm=CHANGE_MEASURE, refs=("data.scope", "data.owner"))
def measure_create(*, actor: User, organisation: Organisation, data: dict[str, Any]) -> Measure:
    """Create a measure in a scope, or for the whole organisation (organisation-wide roles)."""
    _check(organisation, data)
    require(actor, CHANGE_MEASURE, write_target(organisation, data.get("scope")))
    controls = data.pop("controls", [])
    measure = Measure(organisation=organisation, **data)
    measure.full_clean()
    measure.save()
    measure.controls.set(controls)
    _mapping_changed(measure, added={getattr(c, "pk", c) for c in controls}, removed=set())
    return measure


@service(perm=CHANGE_MEASURE, on="measure", refs=("data.scope", "data.owner"), versioned="version")
def measure_update(
    *, actor: User, measure: Measure, data: dict[str, Any], version: int | None = None
) -> Measure:
    """Edit a measure; moving it to another scope (or to the whole organisation) needs the
    permission there too, so a role limited to one scope cannot move measures out of it."""
    _check(measure.organisation, data)
    if "scope" in data and data["scope"] != measure.scope:
        require(actor, CHANGE_MEASURE, write_target(measure.organisation, data["scope"]))
    before = set(measure.controls.values_list("pk", flat=True))
    updated = update_fields(measure, data, version=version)
    after = {getattr(c, "pk", c) for c in data.get("controls", before)}
    if updated.scope_id != measure.scope_id:  # moved: it now applies to other scopes' rows
        before = set()
    _mapping_changed(updated, added=after - before, removed=before - after)
    return updated


# Apps that link measures to their records by control (the SoA's rows) register a hook here
# from their AppConfig.ready(): it is called with the controls a measure was mapped to and
# unmapped from, so that the mapping is one relation seen from both sides.
MappingHook = Callable[[Measure, set[int], set[int]], None]
MAPPING_HOOKS: list[MappingHook] = []


def register_mapping_hook(hook: MappingHook) -> MappingHook:
    if hook not in MAPPING_HOOKS:
        MAPPING_HOOKS.append(hook)
    return hook


def _mapping_changed(measure: Measure, *, added: set[int], removed: set[int]) -> None:
    if added or removed:
        for hook in MAPPING_HOOKS:
            hook(measure, added, removed)


# Apps that keep frozen references to measures (the SoA's approved versions) register a check
# here from their AppConfig.ready(): it returns why the measure must stay, or None.
DeleteGuard = Callable[[Measure], str | None]
DELETE_GUARDS: list[DeleteGuard] = []


def register_delete_guard(guard: DeleteGuard) -> DeleteGuard:
    if guard not in DELETE_GUARDS:
        DELETE_GUARDS.append(guard)
    return guard


@service(perm=CHANGE_MEASURE, on="measure")
def measure_delete(*, actor: User, measure: Measure) -> None:
    """Delete a measure nothing frozen refers to; otherwise say why (retire it instead)."""
    reasons = [reason for guard in DELETE_GUARDS if (reason := guard(measure))]
    if reasons:
        raise ValidationError(reasons)
    measure.delete()

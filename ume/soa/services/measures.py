"""Measures (管理策の実施内容): create, edit, map to controls, delete."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ume.core.models import Organisation, User
from ume.core.policies import require, write_target
from ume.core.services import service, update_fields

from ..models import Measure


def _check(organisation: Organisation, data: dict[str, Any]) -> None:
    errors = {}
    scope = data.get("scope")
    if scope is not None and scope.organisation_id != organisation.pk:
        errors["scope"] = _("Choose an ISMS scope of this organisation.")
    owner = data.get("owner")
    if owner is not None and not owner.memberships.filter(organisation=organisation).exists():
        errors["owner"] = _("The owner must be a member of this organisation.")
    if not str(data.get("title", "x")).strip():
        errors["title"] = _("Enter a title.")
    if errors:
        raise ValidationError(errors)


@service(perm="soa.change_measure", refs=("data.scope", "data.owner"))
def measure_create(*, actor: User, organisation: Organisation, data: dict[str, Any]) -> Measure:
    """Create a measure in a scope, or for the whole organisation (organisation-wide roles)."""
    _check(organisation, data)
    require(actor, "soa.change_measure", write_target(organisation, data.get("scope")))
    controls = data.pop("controls", [])
    measure = Measure(organisation=organisation, **data)
    measure.full_clean()
    measure.save()
    measure.controls.set(controls)
    return measure


@service(
    perm="soa.change_measure", on="measure", refs=("data.scope", "data.owner"), versioned="version"
)
def measure_update(
    *, actor: User, measure: Measure, data: dict[str, Any], version: int | None = None
) -> Measure:
    """Edit a measure; moving it to another scope (or to the whole organisation) needs the
    permission there too, so a role limited to one scope cannot move measures out of it."""
    _check(measure.organisation, data)
    if "scope" in data and data["scope"] != measure.scope:
        require(actor, "soa.change_measure", write_target(measure.organisation, data["scope"]))
    return update_fields(measure, data, version=version)


@service(perm="soa.change_measure", on="measure")
def measure_delete(*, actor: User, measure: Measure) -> None:
    """Delete a measure that no approved SoA version refers to; retire it otherwise."""
    if measure.soa_versions.exists():
        raise ValidationError(
            _(
                "An approved Statement of Applicability refers to this measure. "
                "Set its status to retired instead of deleting it."
            )
        )
    measure.delete()

"""Security events that are not a change of a record (JIS Q 27002 8.15): who took a copy of
records out of Ume, and which."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .. import audit
from ..models import AuditEntry, Organisation, User
from ..permissions import VIEW_DASHBOARD
from .base import service


@service(perm=VIEW_DASHBOARD, refs=("obj",), members_may=True)
def export_record(
    *,
    actor: User,
    organisation: Organisation,
    name: str,
    obj: Any = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record an export (the SoA, the audit trail) in the organisation's audit trail; the
    caller has checked that the actor may export it. ``@service`` attributes it to the actor."""
    if obj is not None and getattr(obj, "organisation_id", organisation.pk) != organisation.pk:
        raise ValidationError(_("The record belongs to another organization."))
    return audit.record_event(organisation_id=organisation.pk, name=name, obj=obj, details=details)

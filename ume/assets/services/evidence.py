"""This app's records kept as evidence on the scope's Statement of Applicability, through the
measures app's evidence files (the file and its SHA-256 stay as they were on the day). The
services calling these have checked their own permission: a 管理責任者 who may record the
deletion of their asset keeps its certificate, though they may not upload other evidence."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ume.core.models import Scope, User
from ume.measures.models import EvidenceFile
from ume.measures.services import link_evidence, store_evidence
from ume.soa.selectors import soa_get, soa_row_list


def soa_rows(actor: User, scope: Scope, controls: tuple[str, ...]) -> dict:
    """The rows of ``controls`` on the scope's SoA (none while it has no SoA)."""
    soa = soa_get(actor=actor, scope=scope)
    if soa is None:
        return {}
    rows = soa_row_list(actor=actor, soa=soa).filter(control__ref__in=controls)
    return {r.control.ref: r for r in rows.select_related("control")}


def keep_as_evidence(
    actor: User,
    scope: Scope,
    uploaded,
    description: str,
    controls: tuple[str, ...],
    *,
    require_soa: bool = False,
) -> EvidenceFile:
    """Store ``uploaded`` as evidence of ``scope`` linked to the SoA rows of ``controls`` that
    exist; with ``require_soa``, refused unless every one of them does."""
    rows = soa_rows(actor, scope, controls)
    if require_soa and set(rows) != set(controls):
        raise ValidationError(
            _("Create the Statement of Applicability of {scope} first.").format(scope=scope.name)
        )
    evidence = store_evidence(
        actor=actor,
        organisation=scope.organisation,
        scope=scope,
        uploaded=uploaded,
        description=description[:300],
    )
    for ref in controls:
        if ref in rows:
            link_evidence(rows[ref], evidence)
    return evidence

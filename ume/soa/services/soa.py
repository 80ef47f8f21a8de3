"""The Statement of Applicability: create, edit rows (one or many), import, approve.

JIS Q 27001 6.1.3 d): for each Annex A control, whether it is included and why, or the
justification for its exclusion, and whether it is implemented.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ume.catalogue.models import Control
from ume.catalogue.recommend import profile_of, recommend
from ume.core.locking import StaleEditError, bump_version, check_version, require_version
from ume.core.models import Scope, User
from ume.core.policies import require
from ume.core.services import service
from ume.measures.models import Measure

from ..domain import snapshot_digest, snapshot_of, validate_row
from ..models import SoARow, SoAVersion, StatementOfApplicability
from ..permissions import APPROVE_SOA, CHANGE_SOA, VIEW_SOA


@service(perm=VIEW_SOA, on="scope")
def soa_get_or_create(*, actor: User, scope: Scope) -> StatementOfApplicability:
    """The scope's SoA; on first use, 93 rows with the recommended level as the target, each
    with the measures already mapped to its control (in this scope or organisation-wide)."""
    existing = StatementOfApplicability.objects.filter(scope=scope).first()
    if existing is not None:
        return existing
    require(actor, CHANGE_SOA, scope)
    soa = StatementOfApplicability.objects.create(organisation=scope.organisation, scope=scope)
    profile = profile_of(scope.organisation)
    mapped: dict[int, list[int]] = {}
    for measure_id, control_id in Measure.controls.through.objects.filter(
        Q(measure__scope=None) | Q(measure__scope=scope),
        measure__organisation=scope.organisation,
    ).values_list("measure_id", "control_id"):
        mapped.setdefault(control_id, []).append(measure_id)
    for control in Control.objects.order_by("sort_key"):
        row = SoARow.objects.create(
            soa=soa,
            organisation=scope.organisation,
            scope=scope,
            control=control,
            target_level=recommend(control, profile).level,
        )
        if control.pk in mapped:
            row.measures.set(mapped[control.pk])
    return soa


def _apply(row: SoARow, values: dict[str, Any], measures=None) -> SoARow:
    for name, value in values.items():
        setattr(row, name, value)
    bump_version(row)
    row.full_clean(exclude=["soa", "organisation", "scope", "control"])
    row.save()
    if measures is not None:
        bad = [
            m
            for m in measures
            if m.organisation_id != row.organisation_id
            or (m.scope_id and m.scope_id != row.scope_id)
        ]
        if bad:
            raise ValidationError(
                {"measures": _("Choose measures of this organization and ISMS scope.")}
            )
        row.measures.set(measures)
    return row


@service(perm=CHANGE_SOA, on="row.scope", refs=("data.measures",), versioned="version")
def soa_row_update(
    *, actor: User, row: SoARow, data: dict[str, Any], version: int | None = None
) -> SoARow:
    locked = (
        SoARow.objects.select_for_update(of=("self",))
        .select_related("control", "scope")
        .get(pk=row.pk)
    )
    check_version(locked, version)
    measures = data.pop("measures", None)
    return _apply(locked, validate_row(locked, data), measures)


@service(perm=CHANGE_SOA, on="soa.scope", versioned="versions")
def soa_rows_bulk_update(
    *, actor: User, soa: StatementOfApplicability, versions: dict[int, int], data: dict[str, Any]
) -> int:
    """Give several rows the same values, all or nothing; ``versions`` maps each row id to the
    version the user saw (a stale row refuses the whole change)."""
    if not data:  # no rows at all is refused by the contract (a version is required)
        raise ValidationError(_("Choose at least one row and one value to change."))
    rows = list(
        SoARow.objects.select_for_update(of=("self",))
        .select_related("control", "scope")
        .filter(soa=soa, pk__in=list(versions))
        .order_by("control__sort_key")
    )
    if len(rows) != len(versions):
        raise ValidationError(_("Some of the chosen rows do not belong to this SoA."))
    stale = []
    for row in rows:
        try:
            check_version(row, versions[row.pk])
        except StaleEditError:
            stale.append(row.control.ref)
    if stale:
        raise StaleEditError(
            _(
                "{refs} were changed by someone else after you opened the "
                "list. Reload the page and apply your change again."
            ).format(refs=", ".join(stale)),
            code="stale",
        )
    errors, planned = [], []
    for row in rows:
        try:
            planned.append((row, validate_row(row, dict(data))))
        except ValidationError as exc:
            errors += [f"{row.control.ref}: {m}" for m in exc.messages]
    if errors:
        raise ValidationError(errors)
    for row, values in planned:
        _apply(row, values)
    return len(rows)


@service(perm=CHANGE_SOA, on="soa.scope", versioned="versions")
def soa_rows_import(
    *,
    actor: User,
    soa: StatementOfApplicability,
    changes: dict[str, dict[str, Any]],
    versions: dict[str, int],
) -> int:
    """Apply an import (control ref → new values); ``versions`` maps each ref to the version
    of the row the preview was made from. Every row is checked first (a row changed since the
    preview, or any invalid value, changes nothing). Returns the number of rows changed."""
    rows = {
        r.control.ref: r
        for r in SoARow.objects.select_for_update(of=("self",))
        .select_related("control", "scope")
        .filter(soa=soa)
    }
    errors, planned, stale = [], [], []
    for ref, values in changes.items():
        row = rows.get(ref)
        if row is None:
            errors.append(_("{ref}: not a control of this SoA.").format(ref=ref))
            continue
        require_version(versions.get(ref))
        if row.version != versions[ref]:
            stale.append(ref)
            continue
        try:
            planned.append((row, validate_row(row, values)))
        except ValidationError as exc:
            errors += [f"{ref}: {m}" for m in exc.messages]
    if stale:
        raise StaleEditError(
            _("{refs} were changed by someone else after the file was read.").format(
                refs=", ".join(sorted(stale))
            ),
            code="stale",
            params={"refs": sorted(stale)},
        )
    if errors:
        raise ValidationError(errors)
    for row, values in planned:
        _apply(row, values)
    return len(planned)


@service(perm=APPROVE_SOA, on="soa.scope")
def soa_approve(*, actor: User, soa: StatementOfApplicability, comment: str = "") -> SoAVersion:
    """Freeze the current rows as the next version (top management or an administrator)."""
    StatementOfApplicability.objects.select_for_update().get(pk=soa.pk)
    snapshot = snapshot_of(soa)
    missing = [
        r["control"]
        for r in snapshot["rows"]
        if not r["applicable"] and not r["exclusion_justification"].strip()
    ]
    if missing:
        raise ValidationError(
            _("Justify the exclusion of {refs} before approving.").format(refs=", ".join(missing))
        )
    # JIS Q 27001 6.1.3 d) asks why each included control is included, not only why the
    # others are excluded.
    unreasoned = [r["control"] for r in snapshot["rows"] if r["applicable"] and not r["reasons"]]
    if unreasoned:
        raise ValidationError(
            ngettext(
                "Give the reason for including {refs} before approving.",
                "Give the reasons for including these {count} controls before approving: "
                "{refs}. The bulk edit of the Statement of Applicability sets a reason on "
                "many rows at once.",
                len(unreasoned),
            ).format(refs=", ".join(unreasoned), count=len(unreasoned)),
            code="no_reason",
            params={"refs": unreasoned},
        )
    last = soa.versions.order_by("-number").first()
    digest = snapshot_digest(snapshot)
    version = SoAVersion.objects.create(
        soa=soa,
        organisation=soa.organisation,
        scope=soa.scope,
        number=(last.number + 1) if last else 1,
        approved_by=actor,
        approved_at=timezone.now(),
        comment=comment.strip(),
        snapshot=snapshot,
        snapshot_sha256=digest,
    )
    version.measures.set({m["id"] for r in snapshot["rows"] for m in r["measures"]})
    version.evidence_files.set([e["id"] for r in snapshot["rows"] for e in r["evidence"]])
    return version

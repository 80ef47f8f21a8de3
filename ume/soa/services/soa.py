"""The Statement of Applicability: create, edit rows (one or many), import, approve.

JIS Q 27001 6.1.3 d): for each Annex A control, whether it is included and why, or the
justification for its exclusion, and whether it is implemented.
"""

import hashlib
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from ume.catalogue.choices import LEVEL_RANK
from ume.catalogue.models import Control
from ume.catalogue.recommend import profile_of, recommend
from ume.core.locking import StaleEditError, bump_version, check_version
from ume.core.models import Scope, User
from ume.core.policies import require
from ume.core.services import service

from ..choices import ImplementationStatus, InclusionReason
from ..models import Measure, SoARow, SoAVersion, StatementOfApplicability

EDITABLE = (
    "applicable",
    "reasons",
    "exclusion_justification",
    "status",
    "target_level",
    "current_level",
    "current_variant",
    "procedure",
    "notes",
)


@service(perm="soa.view_soa", on="scope")
def soa_get_or_create(*, actor: User, scope: Scope) -> StatementOfApplicability:
    """The scope's SoA; on first use, 93 rows with the recommended level as the target."""
    existing = StatementOfApplicability.objects.filter(scope=scope).first()
    if existing is not None:
        return existing
    require(actor, "soa.change_soa", scope)
    soa = StatementOfApplicability.objects.create(organisation=scope.organisation, scope=scope)
    profile = profile_of(scope.organisation)
    for control in Control.objects.order_by("sort_key"):
        SoARow.objects.create(
            soa=soa,
            organisation=scope.organisation,
            scope=scope,
            control=control,
            target_level=recommend(control, profile).level,
        )
    return soa


def validate_row(row: SoARow, data: dict[str, Any]) -> dict[str, Any]:
    """Check one row's new values against each other; returns the normalised values.

    Excluded rows need a justification and have the status 対象外; included rows cannot be
    対象外; a chosen implementation example belongs to the control and sets the level.
    """
    merged = {name: data.get(name, getattr(row, name)) for name in EDITABLE}
    errors: dict[str, str] = {}
    reasons = list(dict.fromkeys(merged["reasons"] or []))
    if set(reasons) - set(InclusionReason.values):
        errors["reasons"] = _("Choose reasons from the list.")
    if merged["applicable"]:
        if merged["status"] == ImplementationStatus.NOT_APPLICABLE:
            errors["status"] = _(
                "An included control cannot be “not applicable”. Exclude it, "
                "or choose its implementation status."
            )
        merged["exclusion_justification"] = merged["exclusion_justification"] or ""
    else:
        if not str(merged["exclusion_justification"] or "").strip():
            errors["exclusion_justification"] = _(
                "Enter the justification for excluding {ref}."
            ).format(ref=row.control.ref)
        merged["status"] = ImplementationStatus.NOT_APPLICABLE
        reasons = []
    variant = merged["current_variant"]
    if variant is not None:
        if variant.control_id != row.control_id:
            errors["current_variant"] = _("Choose an implementation example of {ref}.").format(
                ref=row.control.ref
            )
        else:
            merged["current_level"] = variant.level
    _check_text(merged, errors)
    if errors:
        raise ValidationError(errors)
    merged["reasons"] = reasons
    return merged


def _check_text(values: dict[str, Any], errors: dict[str, str]) -> None:
    """The text fields' own validators (no control characters), named by field: an import
    reports the messages of a row without their fields."""
    for name in ("exclusion_justification", "procedure", "notes"):
        field = SoARow._meta.get_field(name)
        try:
            field.run_validators(values[name] or "")
        except ValidationError as exc:
            errors.setdefault(
                name,
                _("{field}: {error}").format(
                    field=capfirst(field.verbose_name), error=" ".join(exc.messages)
                ),
            )


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
                {"measures": _("Choose measures of this organisation and ISMS scope.")}
            )
        row.measures.set(measures)
    return row


@service(perm="soa.change_soa", on="row.scope", refs=("data.measures",), versioned="version")
def soa_row_update(
    *, actor: User, row: SoARow, data: dict[str, Any], version: int | None = None
) -> SoARow:
    locked = SoARow.objects.select_for_update().select_related("control").get(pk=row.pk)
    check_version(locked, version)
    measures = data.pop("measures", None)
    return _apply(locked, validate_row(locked, data), measures)


@service(perm="soa.change_soa", on="soa.scope", versioned="versions")
def soa_rows_bulk_update(
    *, actor: User, soa: StatementOfApplicability, versions: dict[int, int], data: dict[str, Any]
) -> int:
    """Give several rows the same values, all or nothing; ``versions`` maps each row id to the
    version the user saw (a stale row refuses the whole change)."""
    if not versions or not data:
        raise ValidationError(_("Choose at least one row and one value to change."))
    rows = list(
        SoARow.objects.select_for_update()
        .select_related("control")
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


@service(perm="soa.change_soa", on="soa.scope")
def soa_rows_import(
    *, actor: User, soa: StatementOfApplicability, changes: dict[str, dict[str, Any]]
) -> int:
    """Apply an import (control ref → new values); every row is validated first, so an error
    anywhere changes nothing. Returns the number of rows changed."""
    rows = {
        r.control.ref: r
        for r in SoARow.objects.select_for_update().select_related("control").filter(soa=soa)
    }
    errors, planned = [], []
    for ref, values in changes.items():
        row = rows.get(ref)
        if row is None:
            errors.append(_("{ref}: not a control of this SoA.").format(ref=ref))
            continue
        try:
            planned.append((row, validate_row(row, values)))
        except ValidationError as exc:
            errors += [f"{ref}: {m}" for m in exc.messages]
    if errors:
        raise ValidationError(errors)
    for row, values in planned:
        _apply(row, values)
    return len(planned)


def snapshot_of(soa: StatementOfApplicability) -> dict:
    """Every row as approved: control, decisions, levels, measures and evidence hashes."""
    rows = (
        soa.rows.select_related("control", "current_variant")
        .prefetch_related("measures", "evidence_files", "measures__evidence_files")
        .order_by("control__sort_key")
    )
    out = []
    for r in rows:
        out.append(
            {
                "control": r.control.ref,
                "title_ja": r.control.title_ja,
                "title_en": r.control.title_en,
                "applicable": r.applicable,
                "reasons": r.reasons,
                "exclusion_justification": r.exclusion_justification,
                "status": r.status,
                "target_level": r.target_level,
                "current_level": r.current_level,
                "variant": r.current_variant.key if r.current_variant else "",
                "procedure": r.procedure,
                "notes": r.notes,
                "measures": [
                    {"id": m.pk, "title": m.title, "version": m.version} for m in r.measures.all()
                ],
                "evidence": [
                    {"id": e.pk, "name": e.name, "sha256": e.sha256} for e in r.evidence_files.all()
                ],
            }
        )
    return {"scope": soa.scope.name, "organisation": soa.organisation.name, "rows": out}


@service(perm="soa.approve_soa", on="soa.scope")
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
    last = soa.versions.order_by("-number").first()
    digest = hashlib.sha256(
        json.dumps(snapshot, ensure_ascii=False, sort_keys=True).encode()
    ).hexdigest()
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
    measure_ids = {m["id"] for r in snapshot["rows"] for m in r["measures"]}
    version.measures.set(Measure.objects.filter(pk__in=measure_ids))
    version.evidence_files.set([e["id"] for r in snapshot["rows"] for e in r["evidence"]])
    return version


def level_gap(row) -> bool:
    return bool(
        row.applicable and (LEVEL_RANK.get(row.current_level, 0) < LEVEL_RANK[row.target_level])
    )

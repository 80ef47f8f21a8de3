"""The SoA's own rules, apart from who may apply them: which row values fit together, what an
approved version freezes and its digest, and when a row falls short of its target level.
Services, importers, views and exports share them."""

import hashlib
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from ume.catalogue.choices import LEVEL_RANK
from ume.catalogue.selectors import without_guidance
from ume.measures.selectors import evidence_summaries, measure_summaries

from .choices import ImplementationStatus, InclusionReason
from .models import SoARow, StatementOfApplicability

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
    "review_note",
)


def validate_row(row: SoARow, data: dict[str, Any]) -> dict[str, Any]:
    """Check one row's new values against each other; returns the normalised values.

    Excluded rows need a justification, have the status 対象外 and no reasons for inclusion;
    included rows cannot be 対象外 and keep no exclusion justification; a chosen
    implementation example belongs to the control and sets the level.
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
        merged["exclusion_justification"] = ""  # as an excluded row has no reasons
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
    for name in ("exclusion_justification", "procedure", "notes", "review_note"):
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


def loaded_rows(soa: StatementOfApplicability) -> QuerySet[SoARow]:
    """The SoA's rows in control order with what a row shows and a snapshot holds: the control
    (without its guidance), the implementation example, measures and evidence."""
    return (
        SoARow.objects.filter(soa=soa)
        .select_related("control", "current_variant")
        .defer(*without_guidance("control__"))
        .prefetch_related(
            Prefetch("measures", queryset=measure_summaries()),
            Prefetch("evidence_files", queryset=evidence_summaries()),
        )
        .order_by("control__sort_key")
    )


def snapshot_of(soa: StatementOfApplicability, rows=None) -> dict:
    """Every row as approved: control, decisions, levels, measures and evidence hashes.

    ``rows``: all of the SoA's rows as ``loaded_rows`` gives them, when the caller has them
    already (the SoA page); read from the database if None."""
    rows = loaded_rows(soa) if rows is None else rows
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
                "review_note": r.review_note,
                "measures": [
                    {"id": m.pk, "title": m.title, "version": m.version} for m in r.measures.all()
                ],
                "evidence": [
                    {"id": e.pk, "name": e.name, "sha256": e.sha256} for e in r.evidence_files.all()
                ],
            }
        )
    return {"scope": soa.scope.name, "organisation": soa.organisation.name, "rows": out}


def changes_since(version, soa: StatementOfApplicability, rows=None) -> dict[str, list[str]]:
    """The rows of the draft that differ from approved ``version``: ref → changed fields
    (``rows`` as for ``snapshot_of``)."""
    return row_differences(version.snapshot["rows"], snapshot_of(soa, rows)["rows"])


def snapshot_digest(snapshot: dict) -> str:
    """SHA-256 of the snapshot's canonical JSON (sorted keys, UTF-8): stored with the version
    and printed on its exports, so anyone can check a version was not altered."""
    return hashlib.sha256(
        json.dumps(snapshot, ensure_ascii=False, sort_keys=True).encode()
    ).hexdigest()


# What a comparison of two snapshots looks at (and what counts as a change after approval).
COMPARED = (
    "applicable",
    "reasons",
    "exclusion_justification",
    "status",
    "target_level",
    "current_level",
    "variant",
    "procedure",
    "notes",
    "measures",
    "evidence",
)


def _compared_value(row: dict, name: str):
    value = row.get(name)
    if name in ("measures", "evidence"):
        return sorted((v.get("title") or v.get("name"), v.get("sha256", "")) for v in value or [])
    if name == "reasons":
        return sorted(value or [])
    return value


def row_differences(before: list[dict], after: list[dict]) -> dict[str, list[str]]:
    """``{control ref: [changed fields]}`` between two snapshots' rows, in ``before``'s order;
    a row present on one side only differs in every field."""
    after_by_ref = {r["control"]: r for r in after}
    out: dict[str, list[str]] = {}
    for row in before:
        other = after_by_ref.pop(row["control"], None)
        fields = (
            [f for f in COMPARED if _compared_value(row, f) != _compared_value(other, f)]
            if other is not None
            else list(COMPARED)
        )
        if fields:
            out[row["control"]] = fields
    for ref in after_by_ref:
        out[ref] = list(COMPARED)
    return out


def field_labels(fields) -> list[str]:
    """The row's own labels (in the active language) of compared field names."""
    names = {"variant": "current_variant", "evidence": "evidence_files"}
    return [str(capfirst(SoARow._meta.get_field(names.get(f, f)).verbose_name)) for f in fields]


def level_gap(row) -> bool:
    return bool(
        row.applicable and (LEVEL_RANK.get(row.current_level, 0) < LEVEL_RANK[row.target_level])
    )


def measure_in_approved_version(measure) -> str | None:
    """Why a measure cannot be deleted: an approved version froze it (it may be retired)."""
    if measure.soa_versions.exists():
        return _(
            "An approved Statement of Applicability refers to this measure. "
            "Set its status to retired instead of deleting it."
        )
    return None

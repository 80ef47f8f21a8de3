"""What both SoA imports share: reading the upload, the preview that a view keeps in the
session, and the all-or-nothing apply step.

DESIGN.md "Cross-cutting rules": bad input gets a clear, translated error and changes nothing;
uploads are size- and type-checked; imports are all-or-nothing with a row-by-row report.
"""

import bisect
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl.utils import get_column_letter

from ume.catalogue.models import LevelVariant
from ume.core.import_preview import ImportPreview as BasePreview
from ume.core.import_preview import RowError
from ume.core.importing import ImportLimits, Workbook, open_workbook, read_upload
from ume.core.locking import StaleEditError

from ..exports import COLUMN_BY_KEY, value_label, variant_label
from ..models import SoARow, StatementOfApplicability

# An SoA has 93 (2022) or 114 (2013) controls plus headings; these caps apply below the
# operator's settings.UME_IMPORT_MAX_* (ume.core.importing), never above them.
MAX_ROWS = 2_000  # sheet rows holding a value
MAX_CELLS = 300_000  # cells parsed per import (the 2013 import reads its sheets twice)
MAX_XML_TAGS = 300_000  # an export has about 5,000; bounds parsing to well under a second
MAX_SHEETS = 10


def soa_limits() -> ImportLimits:
    return ImportLimits.from_settings(
        max_rows=MAX_ROWS, max_cells=MAX_CELLS, max_xml_tags=MAX_XML_TAGS, max_sheets=MAX_SHEETS
    )


def open_soa_workbook(uploaded: Any) -> Workbook:
    """The uploaded workbook under the SoA's limits (ImportFileError when it cannot be read)."""
    limits = soa_limits()
    return open_workbook(read_upload(uploaded, limits), limits)


def report_formulas(preview: "ImportPreview", formulas, rows) -> None:
    """An error for each data row (sheet row numbers ``rows``) with cells holding a formula:
    their value is whatever the program that saved the file last calculated, or nothing, so
    it is never read silently."""
    wanted = set(rows)
    cells: dict[int, list[str]] = {}
    for row, column in formulas:
        if row in wanted:
            cells.setdefault(row, []).append(f"{get_column_letter(column)}{row}")
    for row, names in sorted(cells.items()):
        preview.error(
            row,
            "",
            ngettext(
                "The cell {cells} holds a formula. Replace it with its value (copy it, then "
                "paste it as a value) and upload the file again.",
                "The cells {cells} hold formulas. Replace them with their values (copy them, "
                "then paste them as values) and upload the file again.",
                len(names),
            ).format(cells=", ".join(names)),
        )


def variants_by_ref(refs) -> dict[str, dict[str, LevelVariant]]:
    out: dict[str, dict[str, LevelVariant]] = {}
    for v in LevelVariant.objects.filter(control__ref__in=list(refs)).select_related("control"):
        out.setdefault(v.control.ref, {})[v.key] = v
    return out


@dataclass
class RowChange:
    ref: str
    title: str
    field: str
    field_label: str
    before: str
    after: str


def _in_file_order(problem: "RowError") -> tuple[bool, int]:
    return (problem.row_number is not None, problem.row_number or 0)


@dataclass
class ReviewItem:
    ref: str
    title: str
    reason: str  # "merged" (統合) or "new" (新規)
    reason_label: str
    detail: str


@dataclass
class MappedRow:
    """A 2013 row of the file and where it went (every row found is accounted for)."""

    row_number: int
    ref_2013: str
    title: str
    decision: str
    targets: str


@dataclass(kw_only=True)
class ImportPreview(BasePreview):
    """The parsed file: ``changes`` (ref → field → serialisable new value) for the apply step,
    and the report."""

    format: str
    soa_id: int
    changes: dict[str, dict[str, Any]] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)  # rows as seen, for stale checks
    rows: list[RowChange] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    review: list[ReviewItem] = field(default_factory=list)
    mapped: list[MappedRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    row_count: int = 0

    nested: ClassVar[dict[str, type]] = {
        "rows": RowChange,
        "errors": RowError,
        "warnings": RowError,
        "review": ReviewItem,
        "mapped": MappedRow,
    }

    def error(self, row_number: int | None, ref: str, message: str) -> None:
        # In row order whichever check found it (file-level problems first), as the user
        # reads the file; problems of one row stay in the order found.
        bisect.insort(self.errors, RowError(row_number, ref, message), key=_in_file_order)

    def warn(self, row_number: int | None, ref: str, message: str) -> None:
        bisect.insort(self.warnings, RowError(row_number, ref, message), key=_in_file_order)


class StalePreviewError(ValidationError):
    """The SoA changed after the preview was made, or the preview is not the one shown."""


_TEXT_FIELDS = ("exclusion_justification", "procedure", "notes", "review_note")


def _text(value: Any) -> str:
    return str(value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _same(name: str, old: Any, new: Any) -> bool:
    if name == "reasons":
        return set(old or []) == set(new or [])
    if name in _TEXT_FIELDS:  # what a spreadsheet cell keeps of a text: no CR, no padding
        return _text(old) == _text(new)
    return old == new  # implementation examples: model instances are equal by primary key


def _plain(name: str, value: Any) -> Any:
    if name == "current_variant":
        return value.key if value else ""
    return str(value) if isinstance(value, str) else value  # choices members as plain text


def _differences(
    row: SoARow, raw: dict[str, Any], variants: dict[str, LevelVariant]
) -> dict[str, Any]:
    """The raw values that differ from the row, with examples as instances. A changed
    current level drops an unchanged example of another level (validate_row would otherwise
    put the example's level back)."""
    values = dict(raw)
    if "current_variant" in values:
        values["current_variant"] = variants.get(values["current_variant"])
    values = {k: v for k, v in values.items() if not _same(k, getattr(row, k), v)}
    if "current_level" in values and "current_variant" not in values:
        variant = row.current_variant
        if variant is not None and variant.level != values["current_level"]:
            values["current_variant"] = None
    return values


def plan_changes(
    preview: ImportPreview,
    soa: StatementOfApplicability,
    parsed: dict[str, tuple[int | None, str, dict[str, Any]]],
) -> None:
    """Diff each parsed row (ref → (row number, label for the report, raw values)) with the
    current row, validate those that differ with ``validate_row`` and record the changes."""
    from ..domain import EDITABLE, validate_row

    rows = {
        r.control.ref: r
        for r in SoARow.objects.filter(soa=soa, control__ref__in=parsed).select_related(
            "control", "current_variant"
        )
    }
    variants = variants_by_ref(parsed)
    max_procedure = SoARow._meta.get_field("procedure").max_length
    for ref, (row_number, label, raw) in parsed.items():
        row = rows[ref]
        values = _differences(row, raw, variants.get(ref, {}))
        if not values:
            continue
        example = values.get("current_variant")
        if example is not None and raw.get("current_level") not in ("", None, example.level):
            preview.error(
                row_number,
                label,
                _(
                    "The implementation example {example} is of level {level}; correct the "
                    "current level or the example."
                ).format(
                    example=variant_label(example.key),
                    level=value_label("current_level", example.level),
                ),
            )
            continue
        if len(str(values.get("procedure", ""))) > max_procedure:
            preview.error(
                row_number,
                label,
                _("The procedure is longer than {count} characters.").format(count=max_procedure),
            )
            continue
        try:
            merged = validate_row(row, values)
        except ValidationError as exc:
            for message in exc.messages:
                preview.error(row_number, label, message)
            continue
        changed = {k: merged[k] for k in EDITABLE if not _same(k, getattr(row, k), merged[k])}
        if not changed:
            continue
        title = row.control.tr("title")
        for name, value in changed.items():
            preview.rows.append(
                RowChange(
                    ref,
                    title,
                    name,
                    str(COLUMN_BY_KEY[name].label),
                    value_label(name, getattr(row, name)),
                    value_label(name, value),
                )
            )
        preview.changes[ref] = {k: _plain(k, v) for k, v in changed.items()}
        preview.versions[ref] = row.version
    if preview.errors:  # all or nothing: a file with errors plans no change at all
        preview.changes, preview.versions, preview.rows = {}, {}, []


def resolve_changes(changes: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The session form of ``changes`` with implementation examples as model instances."""
    variants = variants_by_ref(changes)
    out = {}
    for ref, values in changes.items():
        values = dict(values)
        if "current_variant" in values:
            key = values["current_variant"]
            values["current_variant"] = variants.get(ref, {}).get(key)  # "": no example
            if key and values["current_variant"] is None:
                raise ValidationError(
                    _("{ref}: the implementation example {key} no longer exists.").format(
                        ref=ref, key=key
                    )
                )
        out[ref] = values
    return out


def apply(*, actor, soa: StatementOfApplicability, preview: ImportPreview) -> int:
    """Apply a clean preview through ``soa_rows_import``, which locks the rows, refuses the
    whole import if a row changed since the preview and validates everything again."""
    from ..services import soa_rows_import

    if preview.soa_id != soa.pk:
        raise StalePreviewError(
            _("This preview belongs to another Statement of Applicability."), code="stale"
        )
    if preview.errors:
        raise ValidationError(_("The file has errors; nothing was imported."))
    if not preview.changes:
        return 0
    try:
        return soa_rows_import(
            actor=actor,
            soa=soa,
            changes=resolve_changes(preview.changes),
            versions=preview.versions,
        )
    except StaleEditError as exc:
        raise StalePreviewError(
            _(
                "{refs} changed after the preview was made. Upload the "
                "file again to see the current differences."
            ).format(refs=", ".join(exc.params["refs"])),
            code="stale",
        ) from exc

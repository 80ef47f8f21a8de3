"""Import of the SoA sheet that ``exports.soa_xlsx`` writes, including reasonable hand edits.

The header row is found among the first rows of the sheet 「適用宣言書」 (or of any sheet) by
the column names of ``exports.COLUMNS`` in Japanese or English. Values are read as the export
writes them, in either language (適用/除外 or ○/×, 実施済み …, 梅/竹/松, 梅1 or ume1).
Only fields that differ from the current rows become changes, so importing an unedited export
changes nothing. Columns marked ``imported=False`` (title, measures, evidence) are ignored.
"""

import re
from pathlib import PurePath
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ume.catalogue.models import Control, LevelVariant
from ume.core.importing import ImportFileError, Sheet, SheetRows, cell_text

from ..choices import ImplementationStatus, InclusionReason
from ..exports import (
    COLUMN_BY_KEY,
    COLUMNS,
    LEVEL_MARKS,
    SHEET_ALIASES,
    SHEET_TITLE,
    applicability_label,
    applicability_lookup,
    level_lookup,
    norm,
    reason_lookup,
    split_reasons,
    status_lookup,
    variant_label,
)
from ..models import SoARow, StatementOfApplicability
from .common import (
    ImportPreview,
    open_soa_workbook,
    plan_changes,
    report_formulas,
    variants_by_ref,
)

HEADER_SEARCH_ROWS = 10
_REF = re.compile(r"^(?:a\.?)?(\d{1,2})\.(\d{1,2})(?![\d.])")
_VARIANT = re.compile(r"^(\D+?)(\d*)$")


def header_lookup() -> dict[str, str]:
    """Normalised header text → column key, in both languages and the fixed aliases."""
    out = {}
    for column in COLUMNS:
        for language in ("en", "ja"):
            with translation.override(language):
                out[norm(column.label)] = column.key
        out.update({norm(alias): column.key for alias in column.aliases})
        out[norm(column.key)] = column.key
    return out


def _sheet_order(sheets: list[Sheet]) -> list[Sheet]:
    """The sheet named like the export's (適用宣言書) first, then the others in order."""
    names = set()
    for language in ("en", "ja"):
        with translation.override(language):
            names.add(norm(SHEET_TITLE))
    names |= {norm(a) for a in SHEET_ALIASES}
    return sorted(sheets, key=lambda sheet: norm(sheet.title) not in names)


def _read(uploaded: Any, lookup: dict[str, str]) -> tuple[SheetRows, int] | None:
    """(rows of the sheet with the best header row, index of that row), or None when the
    workbook has no rows. Only the first rows of each sheet are read to find the header; the
    sheet is then read at the header's width, so cells right of it are never built."""
    with open_soa_workbook(uploaded) as book:
        best, best_score = None, -1
        for sheet in _sheet_order(book.sheets):
            head = sheet.read(width=book.limits.max_columns, max_row=HEADER_SEARCH_ROWS)
            for index, row in enumerate(head.rows):
                keys = [lookup.get(norm(cell_text(cell))) for cell in row]
                score = len(set(filter(None, keys))) + (100 if "ref" in keys else 0)
                if score > best_score:
                    best, best_score = (sheet, index, head.extents[index]), score
        if best is None:
            return None
        sheet, index, extent = best
        return sheet.read(width=book.header_width(sheet, [extent])), index


def _columns(row: tuple, lookup: dict[str, str]) -> tuple[dict[str, int], list[str], set[str]]:
    """(key → column index, unknown headers, duplicated keys) of the header row."""
    keys = [lookup.get(norm(cell_text(cell))) for cell in row]
    columns: dict[str, int] = {}
    duplicates = set()
    for position, key in enumerate(keys):
        if key in columns:
            duplicates.add(key)
        elif key:
            columns[key] = position
    unknown = [cell_text(c) for c, k in zip(row, keys, strict=False) if cell_text(c) and not k]
    return columns, unknown, duplicates


def _ref(value: Any, title: str, titles: dict[str, set[str]]) -> str:
    """``5.7`` from 5.7, A.5.7, ５．７ or 「5.7 脅威インテリジェンス」. A number cell (Excel turned
    5.10 into 5.1) is disambiguated by the title in the next column."""
    text = norm(cell_text(value))
    match = _REF.match(text)
    if not match:
        return text
    ref = f"{int(match[1])}.{int(match[2])}"
    if isinstance(value, float) and norm(title) in titles.get(f"{ref}0", set()):
        return f"{ref}0"
    return ref


def _variant(text: str, choices: dict[str, LevelVariant], levels: dict[str, str]) -> str | None:
    key = norm(text)
    if key in choices:
        return key
    match = _VARIANT.match(key)
    level = levels.get(match[1]) if match else None
    if level is None:
        return None
    if match[2]:
        return f"{level}{match[2]}" if f"{level}{match[2]}" in choices else None
    same_level = [k for k in choices if choices[k].level == level]
    return same_level[0] if len(same_level) == 1 else None


def _bad(value: str, column: str, allowed: list[str]) -> str:
    return _("“{value}” is not a valid {column}. Use one of: {allowed}.").format(
        value=value, column=column, allowed=", ".join(allowed)
    )


def _values(
    cells: dict[str, str], lookups: dict[str, dict], choices: dict[str, LevelVariant]
) -> tuple[dict[str, Any], list[str]]:
    """The row's importable values (only the columns present) and its value errors."""
    raw: dict[str, Any] = {}
    errors: list[str] = []
    labels = {k: str(c.label) for k, c in COLUMN_BY_KEY.items()}
    applicable = lookups["applicable"].get(norm(cells["applicable"]))
    if applicable is None:
        errors.append(
            _bad(
                cells["applicable"],
                labels["applicable"],
                [applicability_label(True), applicability_label(False)],
            )
        )
    raw["applicable"] = applicable
    reasons = []
    for part in split_reasons(cells["reasons"]):
        reason = lookups["reasons"].get(norm(part))
        if reason is None:
            errors.append(_bad(part, labels["reasons"], lookups["reason_labels"]))
        elif reason not in reasons:
            reasons.append(reason)
    raw["reasons"] = reasons
    raw["exclusion_justification"] = cells["exclusion_justification"]
    if not cells["status"] and applicable is False:
        raw["status"] = ImplementationStatus.NOT_APPLICABLE
    elif (status := lookups["status"].get(norm(cells["status"]))) is None:
        errors.append(
            _bad(
                cells["status"],
                labels["status"],
                [str(label) for label in ImplementationStatus.labels],
            )
        )
    else:
        raw["status"] = status
    for name in ("target_level", "current_level"):
        if not cells[name] and name == "current_level":
            raw[name] = ""
        elif (level := lookups["levels"].get(norm(cells[name]))) is None:
            errors.append(_bad(cells[name], labels[name], lookups["level_marks"]))
        else:
            raw[name] = level
    if "current_variant" in cells:
        key = (
            _variant(cells["current_variant"], choices, lookups["levels"])
            if cells["current_variant"]
            else ""
        )
        if key is None:
            errors.append(
                _bad(
                    cells["current_variant"],
                    labels["current_variant"],
                    [variant_label(k) for k in choices],
                )
            )
        else:
            raw["current_variant"] = key
    for name in ("procedure", "notes"):
        if name in cells:
            raw[name] = cells[name]
    return raw, errors


def _lookups() -> dict[str, Any]:
    return {
        "applicable": applicability_lookup(),
        "status": status_lookup(),
        "reasons": reason_lookup(),
        "levels": level_lookup(),
        "reason_labels": [str(label) for label in InclusionReason.labels],
        "level_marks": [str(m) for m in LEVEL_MARKS.values()],
    }


def preview_2022(*, soa: StatementOfApplicability, uploaded: Any) -> ImportPreview:
    """Parse ``uploaded`` (an xlsx written by ``soa_xlsx``) against ``soa``; never writes."""
    preview = ImportPreview(
        format="2022", soa_id=soa.pk, filename=PurePath(getattr(uploaded, "name", "") or "").name
    )
    lookup = header_lookup()
    try:
        found = _read(uploaded, lookup)
    except ImportFileError as exc:
        preview.error(None, "", str(exc))
        return preview
    if found is None:
        preview.error(None, "", _("The workbook has no rows."))
        return preview
    read, header = found
    rows = read.rows
    report_formulas(preview, read.formulas, range(header + 2, len(rows) + 1))
    columns, unknown, duplicates = _columns(rows[header], lookup)
    missing = [str(c.label) for c in COLUMNS if c.required and c.key not in columns]
    if missing:
        preview.error(
            header + 1,
            "",
            _(
                "Required columns are missing: {columns}. Keep the header row of the exported file."
            ).format(columns=", ".join(missing)),
        )
        return preview
    for key in sorted(duplicates):
        preview.error(
            header + 1,
            "",
            _("The column “{column}” appears more than once.").format(
                column=next(str(c.label) for c in COLUMNS if c.key == key)
            ),
        )
    if unknown:
        preview.warn(
            header + 1,
            "",
            _("These columns were not recognised and were ignored: {columns}.").format(
                columns=", ".join(unknown)
            ),
        )
    parsed = _parse_rows(preview, soa, rows[header + 1 :], header + 2, columns)
    plan_changes(preview, soa, parsed)
    preview.notes.append(
        _(
            "The columns {columns} are for reference and are not imported; "
            "link measures and evidence in Ume."
        ).format(columns=", ".join(str(c.label) for c in COLUMNS if not c.imported))
    )
    return preview


def _parse_rows(
    preview: ImportPreview,
    soa: StatementOfApplicability,
    rows: list[tuple],
    first_number: int,
    columns: dict[str, int],
) -> dict[str, tuple]:
    refs = set(SoARow.objects.filter(soa=soa).values_list("control__ref", flat=True))
    titles: dict[str, set[str]] = {}
    for ref, title_ja, title_en in Control.objects.values_list("ref", "title_ja", "title_en"):
        titles[ref] = {norm(title_ja), norm(title_en)}
    choices = variants_by_ref(refs)
    lookups = _lookups()
    parsed: dict[str, tuple] = {}
    seen: dict[str, int] = {}
    for number, values in enumerate(rows, start=first_number):
        cells = {key: cell_text(values[i]) if i < len(values) else "" for key, i in columns.items()}
        if not any(cells.values()):
            continue
        preview.row_count += 1
        ref = _ref(
            values[columns["ref"]] if columns["ref"] < len(values) else None,
            cells.get("title", ""),
            titles,
        )
        if not ref:
            preview.error(number, "", _("Enter the control number (for example 5.7)."))
            continue
        if ref not in refs:
            preview.error(
                number,
                ref,
                _("{ref} is not a control of ISO/IEC 27001:2022 Annex A.").format(ref=ref),
            )
            continue
        if ref in seen:
            preview.error(
                number,
                ref,
                _(
                    "{ref} appears more than once (rows {first} and "
                    "{row}). Keep one row per control."
                ).format(ref=ref, first=seen[ref], row=number),
            )
            continue
        seen[ref] = number
        raw, errors = _values(cells, lookups, choices.get(ref, {}))
        for message in errors:
            preview.error(number, ref, message)
        if not errors:
            parsed[ref] = (number, ref, raw)
    missing = sorted(refs - set(seen), key=lambda r: tuple(int(p) for p in r.split(".")))
    if missing:
        preview.warn(
            None,
            "",
            ngettext(
                "{count} control is not in the file and stays as it is: {refs}.",
                "{count} controls are not in the file and stay as they are: {refs}.",
                len(missing),
            ).format(count=len(missing), refs=", ".join(missing)),
        )
    return parsed

"""Migration of an ISO/IEC 27001:2013 SoA workbook (Annex A, 114 controls) to the 2022 SoA.

How the file is read (shown on the import page as well):

* Sheet and id column: the sheet and column (of the first six) holding the most 2013 control
  numbers. A.5.1.1, A5.1.1, 5.1.1 and full-width digits are accepted, with the title either in
  the next column or after the number in the same cell. Rows numbered like a clause or category
  (A.5, A.5.1) are headings and are skipped; rows without a number are ignored.
* Header: the nearest row above the first control that has at least two filled cells and is
  not a heading (with the row above it when that is filled too: two-line headers).
* Width: the sheet is read only as far right as the header row(s) and the first control row
  reach; a header wider than 64 columns is refused (``ume.core.importing``, issue 15).
* Columns by header keywords (``columns2013``): applicability, reason for inclusion,
  justification for exclusion (or one combined 「適用理由／除外理由」 column for both),
  実施状況, 関連文書 (→ procedure), 担当部署 and 備考 (→ notes). Without an applicability
  header, the first column whose values are all marks is the applicability column. Without a
  justification column, excluded rows use the reason column. The preview lists every column
  read, with its use, and every column not read.
* Status: common wordings (実施済 / 一部実施 / 未実施 …) map to the 2022 status; a cell that
  says more (「実施済（年1回点検）」) is kept in the notes, as are the reason text, 担当部署 and
  備考, each prefixed with its 2013 number.
* Values: 適用 ○ 〇 Yes … = included; 除外 × ✕ No … = excluded.
* Mapping (ISO/IEC 27002:2022 Annex B, ``Control2013``): a 2022 control is included when any of
  its 2013 sources in the file is included; when all are excluded its justification joins
  theirs, each prefixed with the 2013 number. Reasons come from keywords in the reason text.
  Merged controls (several sources) and the 11 new ones are listed for review (merges that
  involve an exclusion first) and marked 要確認 on their rows (``SoARow.review_note``) until
  someone confirms them.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl.utils import get_column_letter

from ume.catalogue.models import Control2013
from ume.core.cells import nfkc
from ume.core.importing import ImportFileError, Sheet, SheetRows, cell_text

from ..choices import ImplementationStatus, InclusionReason
from ..exports import applicability_label, applicability_lookup, list_separator, norm
from ..models import SoARow, StatementOfApplicability
from . import columns2013
from .columns2013 import Status2013
from .common import (
    ImportPreview,
    MappedRow,
    ReviewItem,
    open_soa_workbook,
    plan_changes,
    report_formulas,
)

ID_COLUMNS = 6
_ID = re.compile(r"^a?\.?(\d{1,2})(?:\.(\d{1,2}))?(?:\.(\d{1,2}))?\.?(?=$|[^\d.])")
_ID_PREFIX = re.compile(r"^\s*[Aa]?\s*\.?\s*\d{1,2}(?:\s*\.\s*\d{1,2}){0,2}\.?\s*")
REASON_KEYWORDS = {
    InclusionReason.RISK: ("リスク", "risk"),
    InclusionReason.LEGAL: (
        "法令",
        "法律",
        "法的",
        "法規",
        "条例",
        "規制",
        "legal",
        "law",
        "regulat",
    ),
    InclusionReason.CONTRACT: ("契約", "contract"),
    InclusionReason.BUSINESS: ("事業", "業務", "business"),
}


@dataclass
class Row2013:
    number: int
    ref: str
    title: str
    applicable: bool
    reason: str
    justification: str
    status: Status2013 | None = None
    procedure: str = ""
    department: str = ""
    notes: str = ""


def parse_id(value: Any) -> tuple[str, int]:
    """(``A.5.1.1``, 3) for a control, (``A.5``, 1) for a heading, ("", 0) for anything else."""
    match = _ID.match(norm(cell_text(value)))
    if not match:
        return "", 0
    parts = [p for p in match.groups() if p is not None]
    return "A." + ".".join(str(int(p)) for p in parts), len(parts)


def inline_title(value: Any) -> str:
    """The title written after the number in the id cell (「A.5.1.1 情報セキュリティ…」)."""
    text = nfkc(value)
    match = _ID_PREFIX.match(text)
    return text[match.end() :].strip() if match else ""


def reasons_from_text(text: str) -> list[str]:
    found = norm(text)
    return [r for r, words in REASON_KEYWORDS.items() if any(w in found for w in words)]


def _locate(sheets: list[tuple[Sheet, list[tuple]]]) -> tuple[Sheet, int, int] | None:
    """(sheet, id column, index of the first control row) of the sheet and column (of the
    first ``ID_COLUMNS``) holding the most control numbers."""
    best, best_count = None, 0
    for sheet, rows in sheets:
        for column in range(ID_COLUMNS):
            controls = [
                i for i, r in enumerate(rows) if column < len(r) and parse_id(r[column])[1] == 3
            ]
            if len(controls) > best_count:
                best, best_count = (sheet, column, controls[0]), len(controls)
    return best


def _read(uploaded: Any) -> tuple[str, SheetRows, int, list[str]] | None:
    """(sheet title, rows, id column, header text per column) of the sheet with the most
    control numbers, or None. The id column is found in the first ``ID_COLUMNS`` columns; the
    sheet is then read as wide as its header row(s) and first control row reach, so cells far
    to the right are never built."""
    with open_soa_workbook(uploaded) as book:
        narrow = [(sheet, sheet.read(width=ID_COLUMNS).rows) for sheet in book.sheets]
        located = _locate(narrow)
        if located is None:
            return None
        sheet, id_col, first = located
        head = sheet.read(width=book.limits.max_columns, max_row=first + 1)
        picked = _header_rows(head.rows, id_col, first)
        width = max(
            book.header_width(sheet, [head.extents[i] for i in picked]),
            min(head.extents[first], book.limits.max_columns),
        )
        return (
            sheet.title,
            sheet.read(width=width),
            id_col,
            _headers([head.rows[i] for i in picked]),
        )


def _header_rows(rows: list[tuple], id_col: int, first: int) -> list[int]:
    """Indexes of the nearest filled non-heading row(s) above ``first`` (two-line headers)."""
    picked: list[int] = []
    for index in range(first - 1, -1, -1):
        row = rows[index]
        filled = sum(1 for c in row if cell_text(c))
        heading = id_col < len(row) and parse_id(row[id_col])[1] in (1, 2)
        if filled >= 2 and not heading:
            picked.insert(0, index)
            if len(picked) == 2:
                break
        elif picked:
            break
    return picked


def _headers(picked: list[tuple]) -> list[str]:
    """Header text per column of the header row(s), as written."""
    width = max((len(r) for r in picked), default=0)
    return [
        " ".join(t for r in picked if i < len(r) and (t := cell_text(r[i]).strip()))
        for i in range(width)
    ]


def _mark_column(rows, controls: list[int], skip: set[int], marks: dict) -> int | None:
    width = max((len(rows[i]) for i in controls), default=0)
    for column in range(width):
        values = [norm(cell_text(rows[i][column])) for i in controls if column < len(rows[i])]
        if column not in skip and values and all(v in marks for v in values if v) and any(values):
            return column
    return None


def _read_rows(
    preview: ImportPreview, rows, id_col: int, cols: dict[str, int], known: set[str]
) -> dict[str, Row2013]:
    marks = applicability_lookup()
    found: dict[str, Row2013] = {}

    def text(row, key):
        i = cols.get(key)
        return cell_text(row[i]) if i is not None and i < len(row) else ""

    for number, row in enumerate(rows, start=1):
        ref, parts = parse_id(row[id_col] if id_col < len(row) else None)
        if parts != 3:
            continue  # blank, heading (A.5 / A.5.1) or an unrelated row
        if ref not in known:
            preview.error(
                number,
                ref,
                _("{ref} is not a control of ISO/IEC 27001:2013 Annex A.").format(ref=ref),
            )
            continue
        if ref in found:
            preview.error(
                number,
                ref,
                _(
                    "{ref} appears more than once (rows {first} and "
                    "{row}). Keep one row per control."
                ).format(ref=ref, first=found[ref].number, row=number),
            )
            continue
        value = text(row, "applicable")
        applicable = marks.get(norm(value))
        if applicable is None:
            preview.error(
                number,
                ref,
                _("Enter whether {ref} is included: {yes} (○) or {no} (×).").format(
                    ref=ref, yes=applicability_label(True), no=applicability_label(False)
                ),
            )
            continue
        title = inline_title(row[id_col]) or text(row, "title")
        justification = (
            text(row, "justification") if "justification" in cols else text(row, "reason")
        )
        status = columns2013.read_status(text(row, "status")) if "status" in cols else None
        if status is not None and status.text and not status.status and applicable:
            preview.warn(
                number,
                ref,
                _(
                    "The implementation status “{text}” is not one Ume knows (実施済 / 一部実施 / "
                    "未実施); it is kept in the notes and the status is left as it is."
                ).format(text=status.text),
            )
        found[ref] = Row2013(
            number,
            ref,
            title,
            applicable,
            text(row, "reason"),
            justification,
            status,
            " ".join(text(row, "procedure").split()),
            text(row, "department"),
            text(row, "notes"),
        )
    return found


def preview_2013(*, soa: StatementOfApplicability, uploaded: Any) -> ImportPreview:
    """Parse a 2013 SoA workbook into changes of ``soa`` (2022); never writes."""
    preview = ImportPreview(
        format="2013", soa_id=soa.pk, filename=PurePath(getattr(uploaded, "name", "") or "").name
    )
    try:
        located = _read(uploaded)
    except ImportFileError as exc:
        preview.error(None, "", str(exc))
        return preview
    if located is None:
        preview.error(
            None,
            "",
            _(
                "No ISO/IEC 27001:2013 control numbers (A.5.1.1 … A.18.2.3) "
                "were found in the first columns of the workbook."
            ),
        )
        return preview
    sheet, read, id_col, headers = located
    rows = read.rows
    controls = [i for i, r in enumerate(rows) if id_col < len(r) and parse_id(r[id_col])[1] == 3]
    report_formulas(preview, read.formulas, (i + 1 for i in controls))
    inline = sum(1 for i in controls if inline_title(rows[i][id_col])) > len(controls) / 2
    skip = {id_col} if inline else {id_col, id_col + 1}
    cols = columns2013.classify([norm(h) for h in headers], skip)
    if "applicable" not in cols:
        column = _mark_column(rows, controls, skip, applicability_lookup())
        if column is None:
            preview.error(
                None,
                "",
                _(
                    "No applicability column was found. Name it “適用可否” "
                    "and enter 適用 or 除外 (○ or ×) in each control row."
                ),
            )
            return preview
        cols["applicable"] = column
    cols["id"] = id_col
    if not inline:
        cols["title"] = id_col + 1
    _describe_columns(preview, sheet, headers, cols)
    targets = {
        c.ref: sorted(
            (t.ref for t in c.targets.all()), key=lambda r: tuple(int(p) for p in r.split("."))
        )
        for c in Control2013.objects.prefetch_related("targets").order_by("sort_key")
    }
    found = _read_rows(preview, rows, id_col, cols, set(targets))
    preview.row_count = len(found)
    _migrate(preview, soa, found, targets)
    return preview


def _describe_columns(
    preview: ImportPreview, sheet: str, headers: list[str], cols: dict[str, int]
) -> None:
    described = {**cols}
    read, skipped = columns2013.describe(headers, described, lambda i: get_column_letter(i + 1))
    preview.columns_read, preview.columns_skipped = read, skipped
    preview.notes.append(_("Sheet “{sheet}”.").format(sheet=sheet))
    if "justification" not in cols and "reason" in cols:
        preview.notes.append(
            _(
                "No column for the justification for exclusion was found; the "
                "reason column is used for excluded controls."
            )
        )


def _migrate(
    preview: ImportPreview,
    soa: StatementOfApplicability,
    found: dict[str, Row2013],
    targets: dict[str, list[str]],
) -> None:
    sources: dict[str, list[str]] = defaultdict(list)
    for old, new_refs in targets.items():
        for ref in new_refs:
            sources[ref].append(old)
    sep = list_separator()
    for old in sorted(found.values(), key=lambda r: r.number):
        preview.mapped.append(
            MappedRow(
                old.number,
                old.ref,
                old.title,
                applicability_label(old.applicable),
                sep.join(targets[old.ref]),
            )
        )
        if old.applicable and old.reason and not reasons_from_text(old.reason):
            preview.warn(
                old.number,
                old.ref,
                _(
                    "The reason “{text}” matches none of the reasons for inclusion; it is "
                    "kept in the notes. Check the reasons after the import."
                ).format(text=old.reason),
            )
    for old in targets:
        if old not in found:
            preview.warn(
                None,
                old,
                _("Not in the file. It maps to {refs}.").format(refs=sep.join(targets[old])),
            )
    parsed: dict[str, tuple] = {}
    for row in (
        SoARow.objects.filter(soa=soa).select_related("control").order_by("control__sort_key")
    ):
        ref = row.control.ref
        title = row.control.tr("title")
        if not sources[ref]:
            detail = _("New in 2022; no 2013 control maps to it. It keeps its current values.")
            preview.review.append(ReviewItem(ref, title, "new", pgettext("annex a", "New"), detail))
            parsed[ref] = (None, ref, {"review_note": _review_note("new", detail)})
            continue
        present = [found[s] for s in sources[ref] if s in found]
        if not present:
            continue
        values = _values(row, present)
        if len(sources[ref]) > 1:
            detail = _merged_detail(sources[ref], found)
            preview.review.append(
                ReviewItem(ref, title, "merged", pgettext("annex a", "Merged"), detail)
            )
            values["review_note"] = _review_note("merged", detail)
        label = f"{sep.join(r.ref for r in present)} → {ref}"
        parsed[ref] = (present[0].number, label, values)
    preview.review.sort(key=lambda item: _review_order(item, sources, found))
    plan_changes(preview, soa, parsed)


def _review_order(item: ReviewItem, sources: dict[str, list[str]], found: dict) -> tuple:
    """Merges that involve an exclusion first (the decision most likely to be wrong), then
    the other merges, then the new controls; by control number within each."""
    excluded = any(s in found and not found[s].applicable for s in sources[item.ref])
    rank = 0 if item.reason == "merged" and excluded else 1 if item.reason == "merged" else 2
    return rank, tuple(int(p) for p in item.ref.split("."))


def _review_note(reason: str, detail: str) -> str:
    if reason == "new":
        return _(
            "Migrated from the 2013 SoA: new in 2022. Decide whether it applies and how far "
            "it is implemented."
        )
    return _(
        "Migrated from the 2013 SoA: merged from {detail}. Check the decision and the "
        "implementation status."
    ).format(detail=detail)


def _values(row: SoARow, present: list[Row2013]) -> dict[str, Any]:
    included = [r for r in present if r.applicable]
    values: dict[str, Any]
    if not included:
        values = {
            "applicable": False,
            "exclusion_justification": "\n".join(
                f"{r.ref}: {r.justification}" for r in present if r.justification
            ),
        }
    else:
        values = {"applicable": True}
        reasons = {reason for r in included for reason in reasons_from_text(r.reason)}
        if reasons:
            values["reasons"] = [r for r in InclusionReason.values if r in reasons]
        status = columns2013.combined_status(
            [r.status.status for r in included if r.status and r.status.status]
        )
        if status:
            values["status"] = status
        elif row.status == ImplementationStatus.NOT_APPLICABLE:
            values["status"] = ImplementationStatus.NOT_IMPLEMENTED
    procedures = list(dict.fromkeys(r.procedure for r in present if r.procedure))
    procedure = list_separator().join(procedures)
    max_procedure = SoARow._meta.get_field("procedure").max_length
    if procedure and len(procedure) <= max_procedure:
        values["procedure"] = procedure
    notes = _note_lines(included, present, procedure if len(procedure) > max_procedure else "")
    added = [line for line in notes if line not in row.notes]
    if added:
        values["notes"] = "\n".join([row.notes.strip(), *added]).strip()
    return values


def _note_lines(included: list[Row2013], present: list[Row2013], long_procedure: str) -> list:
    """What the 2013 file says that has no field of its own, one line each, with its source."""
    lines = []
    for r in present:
        if r in included and r.reason and not reasons_from_text(r.reason):
            lines.append(_("{ref} reason for inclusion: {text}").format(ref=r.ref, text=r.reason))
        if r in included and r.status and (r.status.says_more or not r.status.status):
            lines.append(
                _("{ref} implementation status: {text}").format(ref=r.ref, text=r.status.text)
            )
        if r.department:
            lines.append(
                _("{ref} department in charge: {text}").format(ref=r.ref, text=r.department)
            )
        if r.notes:
            lines.append(_("{ref} notes: {text}").format(ref=r.ref, text=r.notes))
    if long_procedure:
        lines.append(_("Related documents: {text}").format(text=long_procedure))
    return lines


def _merged_detail(refs: list[str], found: dict[str, Row2013]) -> str:
    parts = []
    for ref in refs:
        row = found.get(ref)
        if row is None:
            parts.append(_("{ref}: not in the file").format(ref=ref))
        elif not row.applicable and row.justification:
            parts.append(
                _("{ref}: {decision} ({text})").format(
                    ref=ref, decision=applicability_label(False), text=row.justification
                )
            )
        else:
            parts.append(f"{ref}: {applicability_label(row.applicable)}")
    return list_separator().join(parts)

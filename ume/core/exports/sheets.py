"""Spreadsheet exports (xlsx, csv) shared by every module.

DESIGN.md "Exports": a text cell that a spreadsheet could read as a formula (OWASP "CSV
Injection") is never one. In xlsx it is stored as text with Excel's quote-prefix style, so it
reads exactly as entered, with no visible apostrophe, and stays text when edited; csv has no
styles, so there it is prefixed with a single quote. Numbers and dates stay typed.
Every string written (cells, headers, sheet titles, the workbook's title) goes through
``clean_text`` first, so a control character can neither break the file nor hide a prefix.
Rows are consumed once, as an iterator, so a queryset ``.iterator()`` of 200k rows streams
through openpyxl's write-only mode without being held in memory.
"""

import codecs
import csv
import io
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .cleaning import clean_text, truncate_utf16

TOKYO = ZoneInfo("Asia/Tokyo")
# OWASP's list: a leading = + - @, tab or CR makes Excel/LibreOffice evaluate the cell.
FORMULA_PREFIXES = frozenset("=+-@\t\r")
# Defence in depth for Japanese input: the full-width forms that IMEs produce, which Excel's
# input conversion may treat as the ASCII operators.
FULLWIDTH_FORMULA_PREFIXES = frozenset("\uff1d\uff0b\uff0d\uff20")  # ＝＋－＠
DANGEROUS_PREFIXES = FORMULA_PREFIXES | FULLWIDTH_FORMULA_PREFIXES

EXCEL_CELL_MAX_CHARS = 32_767
SHEET_TITLE_MAX = 31
_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_WIDTH_SAMPLE_ROWS = 100
_CSV_CHUNK_ROWS = 1_000

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill(fill_type="solid", start_color="FFDCE6F1", end_color="FFDCE6F1")
_HEADER_BORDER = Border(bottom=Side(style="thin", color="FF7F8FA6"))
_HEADER_ALIGN = Alignment(vertical="center", wrap_text=True)


def neutralise_cell(value: Any) -> Any:
    """Prefix ``'`` to text a spreadsheet would read as a formula (csv); leave other values
    alone."""
    if is_dangerous(value):
        return "'" + value
    return value


def unneutralise_cell(text: str) -> str:
    """Undo ``neutralise_cell`` on text read back from an exported file (for importers)."""
    if len(text) > 1 and text[0] == "'" and text[1] in DANGEROUS_PREFIXES:
        return text[1:]
    return text


@dataclass
class Table:
    """One sheet (xlsx), file (csv) or document table (docx).

    ``rows`` is iterated exactly once, so it may be a generator or ``queryset.iterator()``.
    ``column_widths`` are Excel character units; when omitted they are estimated from the
    headers and the first rows, counting East Asian wide characters double.
    """

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    column_widths: Sequence[float] | None = None


def _local_naive(value: datetime) -> datetime:
    # Excel has no time zones: aware datetimes are shown in Japan time, as in the UI.
    if value.tzinfo is None:
        return value
    return value.astimezone(TOKYO).replace(tzinfo=None)


def xlsx_value(value: Any) -> Any:
    """The value as openpyxl should store it: typed if numeric/temporal, else cleaned text
    (cleaned first, so that a control character cannot hide a formula prefix)."""
    if value is None or isinstance(value, bool | int | float | Decimal | date | time):
        return _local_naive(value) if isinstance(value, datetime) else value
    return clean_text(value, max_length=EXCEL_CELL_MAX_CHARS)


def is_dangerous(value: Any) -> bool:
    return isinstance(value, str) and bool(value) and value[0] in DANGEROUS_PREFIXES


def xlsx_cell(ws, value: Any) -> Any:
    """What to append for ``value``: the plain value, or for text a spreadsheet would read as a
    formula a text cell with the quote-prefix style (openpyxl would write ``=…`` as a formula)."""
    value = xlsx_value(value)
    if not is_dangerous(value):
        return value
    return _as_text(WriteOnlyCell(ws, value=value))


def _as_text(cell: WriteOnlyCell) -> WriteOnlyCell:
    if is_dangerous(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal):
        return str(value)
    if isinstance(value, datetime):
        return _local_naive(value).isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    return neutralise_cell(clean_text(value))


def sheet_title(title: str, used: set[str]) -> str:
    """An Excel-valid, workbook-unique sheet name: one line of at most 31 UTF-16 units, none
    of ``[]:*?/\\``, not starting or ending with an apostrophe."""
    base = _INVALID_SHEET_CHARS.sub("_", clean_text(title, single_line=True))
    base = _trim(truncate_utf16(_trim(base), SHEET_TITLE_MAX)) or "Sheet"
    candidate, n = base, 2
    # Excel compares names case-insensitively and reserves "History".
    while candidate.casefold() in used or candidate.casefold() == "history":
        suffix = f" ({n})"
        candidate, n = truncate_utf16(base, SHEET_TITLE_MAX - len(suffix)) + suffix, n + 1
    used.add(candidate.casefold())
    return candidate


def _trim(title: str) -> str:
    return title.strip().strip("'").strip()


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _column_widths(table: Table) -> tuple[list[float], Iterator[Sequence[Any]]]:
    rows = iter(table.rows)
    if table.column_widths is not None:
        return list(table.column_widths), rows
    sample = list(itertools.islice(rows, _WIDTH_SAMPLE_ROWS))
    widths = []
    for idx, header in enumerate(table.headers):
        cells = [str(row[idx]) for row in sample if idx < len(row) and row[idx] is not None]
        longest = max(display_width(line) for c in [header, *cells] for line in c.split("\n"))
        widths.append(float(min(max(longest + 2, 8), 60)))
    return widths, itertools.chain(sample, rows)


def _header_cell(ws, value: str) -> WriteOnlyCell:
    cell = _as_text(WriteOnlyCell(ws, value=xlsx_value(value)))
    cell.font, cell.fill, cell.border, cell.alignment = (
        _HEADER_FONT,
        _HEADER_FILL,
        _HEADER_BORDER,
        _HEADER_ALIGN,
    )
    return cell


def _write_table_sheet(wb: Workbook, table: Table, *, title: str) -> None:
    ws = wb.create_sheet(title=title)
    widths, rows = _column_widths(table)
    # Write-only sheets take column and view settings only before the first row.
    for idx, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(idx)].width = width
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.append([_header_cell(ws, header) for header in table.headers])
    count = 0
    for row in rows:
        ws.append([xlsx_cell(ws, value) for value in row])
        count += 1
    # The filter is written in the sheet's tail on save, so it can cover every streamed row.
    last_column = get_column_letter(max(len(table.headers), 1))
    ws.auto_filter.ref = f"A1:{last_column}{count + 1}"


def _write_meta_sheet(wb: Workbook, meta: Mapping[str, str], *, title: str) -> None:
    ws = wb.create_sheet(title=title)
    ws.column_dimensions[get_column_letter(1)].width = min(max(map(display_width, meta)) + 4, 40)
    ws.column_dimensions[get_column_letter(2)].width = 60
    for key, value in meta.items():
        label = _as_text(WriteOnlyCell(ws, value=xlsx_value(key)))
        label.font = _HEADER_FONT
        ws.append([label, xlsx_cell(ws, value)])


def write_xlsx(
    tables: Sequence[Table],
    *,
    meta: Mapping[str, str] | None = None,
    meta_title: str | None = None,
    title: str | None = None,
) -> bytes:
    """An xlsx workbook: an optional first sheet of ``meta`` (organisation, exported at/by…),
    then one sheet per table with a bold, filled, frozen and filterable header row."""
    if not tables and not meta:
        raise ValueError("write_xlsx needs at least one table or meta")
    wb = Workbook(write_only=True)
    wb.properties.creator = "Ume"
    wb.properties.lastModifiedBy = "Ume"
    default_title = tables[0].title if tables else None
    wb.properties.title = clean_text(title or default_title, single_line=True) or None
    used: set[str] = set()
    if meta:
        _write_meta_sheet(wb, meta, title=sheet_title(meta_title or _("Information"), used))
    for table in tables:
        _write_table_sheet(wb, table, title=sheet_title(table.title, used))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def iter_csv(table: Table, *, chunk_rows: int = _CSV_CHUNK_ROWS) -> Iterator[bytes]:
    """CSV as UTF-8 chunks for ``StreamingHttpResponse``: BOM first (Excel on Japanese Windows
    otherwise reads Shift_JIS), CRLF line endings, neutralised text cells."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # the csv module ends lines with CRLF, as RFC 4180 asks

    def flush() -> bytes:
        data = buffer.getvalue().encode()  # UTF-8; clean_text left no lone surrogate
        buffer.seek(0)
        buffer.truncate()
        return data

    writer.writerow([csv_value(header) for header in table.headers])
    yield codecs.BOM_UTF8 + flush()
    for count, row in enumerate(table.rows, start=1):
        writer.writerow([csv_value(value) for value in row])
        if count % chunk_rows == 0:
            yield flush()
    if tail := flush():
        yield tail


def write_csv(table: Table) -> bytes:
    return b"".join(iter_csv(table))

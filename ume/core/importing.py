"""Bounded reading of uploaded spreadsheets (xlsx and csv), shared by every importer.

Security issue 15, finding 3: a 109 KB xlsx that declared ``A1:XFD1048576`` and put one cell in
column XFD on each of 2,000 rows made openpyxl's ``iter_rows`` build 2,000 tuples of 16,384
values (the probe measured 2.7 GB and 11 s). So nothing here trusts what a file says about itself:

* the declared dimension is ignored; rows are streamed from the sheet XML with expat and only
  the first ``width`` columns are kept, ``width`` being what the header row names (an importer
  reads the first rows at :attr:`ImportLimits.max_columns` to find its header, then the sheet at
  the header's width, see :meth:`Workbook.header_width`); cells further right are skipped;
* every limit is checked while reading, before memory is spent: the upload's size, its unpacked
  size and XML tags (a cheap count of ``<`` over every part, which bounds what openpyxl parses
  for the workbook, styles and shared strings), rows holding a value, cells read per import,
  characters per cell; for csv the same rows, columns and cells;
* a file over a limit raises :class:`ImportFileError` with a translated message; importers turn
  it into a file-level error of their preview, so nothing is changed (all or nothing).

Limits are :class:`ImportLimits`; defaults come from ``settings.UME_IMPORT_MAX_*`` (operators may
lower or raise them) and an importer may ask for lower ones (``ImportLimits.from_settings``).
"""

import csv
import io
import re
import zipfile
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext as _

from .exports.sheets import EXCEL_CELL_MAX_CHARS, unneutralise_cell

# Defaults of ImportLimits; each can be set as settings.UME_IMPORT_<NAME UPPER>.
DEFAULT_LIMITS: dict[str, int] = {
    "max_bytes": 5 * 1024 * 1024,  # the upload (settings.UME_IMPORT_MAX_BYTES)
    "max_inflated": 100 * 1024 * 1024,  # the xlsx's parts, unpacked
    "max_xml_tags": 2_000_000,  # "<" in all parts of an xlsx (every element costs one)
    "max_parts": 2_000,  # files inside the xlsx
    "max_sheets": 10,  # sheets an importer looks at
    "max_rows": 20_000,  # sheet rows holding a value
    "max_columns": 64,  # columns a header row may name
    "max_cells": 1_000_000,  # cells parsed per import, over every read of every sheet
}
CHUNK = 64 * 1024
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97–2003)
_ZIP_SIGNATURE = b"PK\x03\x04"
_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?\d*$")


@dataclass(frozen=True)
class ImportLimits:
    max_bytes: int
    max_inflated: int
    max_xml_tags: int
    max_parts: int
    max_sheets: int
    max_rows: int
    max_columns: int
    max_cells: int

    @classmethod
    def from_settings(cls, **caps: int) -> "ImportLimits":
        """The operator's limits (settings or defaults), each lowered to ``caps`` where given:
        an importer that never needs more (an SoA has 93 rows) says so."""
        values = {
            f.name: getattr(settings, f"UME_IMPORT_{f.name.upper()}", DEFAULT_LIMITS[f.name])
            for f in fields(cls)
        }
        return cls(**{k: min(v, caps.get(k, v)) for k, v in values.items()})


class ImportFileError(Exception):
    """The upload cannot be read, or exceeds a limit; the message is translated."""


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a spurious ``.0``, the export's formula guard undone."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    return unneutralise_cell(text)


def read_upload(uploaded: Any, limits: ImportLimits | None = None) -> bytes:
    """The uploaded file's bytes, refused when empty or over ``max_bytes``."""
    limit = (limits or ImportLimits.from_settings()).max_bytes
    too_big = ImportFileError(
        _(
            "The file is larger than {size} MB. Split it or remove "
            "unneeded sheets and upload it again."
        ).format(size=round(limit / 1024 / 1024, 1))
    )
    if (getattr(uploaded, "size", None) or 0) > limit:
        raise too_big
    data = uploaded.read(limit + 1)
    if len(data) > limit:
        raise too_big
    if not data:
        raise ImportFileError(_("The file is empty."))
    return data


# --- errors ----------------------------------------------------------------------------------


def _not_xlsx() -> ImportFileError:
    return ImportFileError(
        _(
            "The file is not an Excel workbook (.xlsx). Upload the .xlsx "
            "file exported from Ume, or save your file in Excel as "
            "“Excel Workbook (*.xlsx)”."
        )
    )


def _damaged(sheet: str) -> ImportFileError:
    return ImportFileError(
        _(
            "The sheet “{sheet}” cannot be read; the file may be damaged. Open it in "
            "Excel, save it again and upload it again."
        ).format(sheet=sheet)
    )


def _too_much_data() -> ImportFileError:
    return ImportFileError(
        _(
            "The workbook contains too much data to import. Remove sheets, images and "
            "formatting that are not needed, or split the file, and upload it again."
        )
    )


def _too_many_cells(limits: ImportLimits) -> ImportFileError:
    return ImportFileError(
        _(
            "The file holds more than {count} cells to read. Remove rows, columns "
            "or sheets that are not needed, or split the file, and upload it again."
        ).format(count=limits.max_cells)
    )


# --- the workbook and its sheets -------------------------------------------------------------


@dataclass
class SheetRows:
    """Rows as read: ``rows[i]`` is sheet row ``i + 1`` with exactly ``width`` values (rows
    without a value are ``(None,) * width``; rows after the last value are left out), and
    ``extents[i]`` the column number of its last value, also when that is beyond ``width``."""

    rows: list[tuple[Any, ...]]
    extents: list[int]
    # (row, column) of the kept cells that hold a formula: their value is only what the program
    # that saved the file last calculated (nothing, for a file written by a script), so the
    # importers report them instead of reading them.
    formulas: list[tuple[int, int]] = field(default_factory=list)


class Sheet(ABC):
    """One sheet of an upload (xlsx or csv); every :meth:`read` streams it again under the
    import's limits."""

    def __init__(self, book: "Workbook", title: str) -> None:
        self.book = book
        self.title = title

    @abstractmethod
    def read(self, *, width: int, max_row: int | None = None) -> SheetRows:
        """Rows up to ``max_row`` (all by default), keeping the first ``width`` columns."""

    def _collector(self, width: int) -> "_Rows":
        return _Rows(self, max(0, min(width, self.book.limits.max_columns)))


class Workbook:
    """An opened upload: ``sheets`` (at most ``max_sheets``) and the import's cell budget."""

    def __init__(self, limits: ImportLimits) -> None:
        self.limits = limits
        self.sheets: list[Sheet] = []
        self.cells_read = 0

    def header_width(self, sheet: Sheet, extents: Iterable[int]) -> int:
        """The width to read ``sheet`` at: the last column its header row(s) name. A header
        naming more than ``max_columns`` columns is refused."""
        width = max(extents, default=0)
        if width > self.limits.max_columns:
            raise ImportFileError(
                _(
                    "The header row of the sheet “{sheet}” has more than {count} columns. "
                    "Delete the columns that are not needed and upload the file again."
                ).format(sheet=sheet.title, count=self.limits.max_columns)
            )
        return width

    def count_cells(self, count: int = 1) -> None:
        self.cells_read += count
        if self.cells_read > self.limits.max_cells:
            raise _too_many_cells(self.limits)

    def close(self) -> None:
        pass

    def __enter__(self) -> "Workbook":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class _Rows:
    """Collects one read's rows: pads gaps, checks the row limit, keeps ``width`` columns."""

    def __init__(self, sheet: Sheet, width: int) -> None:
        self.sheet = sheet
        self.width = width
        self.empty = (None,) * width
        self.out = SheetRows([], [])

    def add(self, number: int, values: dict[int, Any], extent: int) -> None:
        """Row ``number`` (1-based): its non-empty values within the width by column number,
        and the column of its last value anywhere (0 for a row without values)."""
        if not extent:
            return
        limit = self.sheet.book.limits.max_rows
        if number > limit:
            raise ImportFileError(
                _(
                    "The sheet “{sheet}” has more than {count} rows. Remove the rows that "
                    "are not needed, or split the file, and upload it again."
                ).format(sheet=self.sheet.title, count=limit)
            )
        rows, extents = self.out.rows, self.out.extents
        if number <= len(rows):
            return  # a row out of order: skipped, as openpyxl does
        while len(rows) < number - 1:
            rows.append(self.empty)
            extents.append(0)
        kept = [None] * self.width
        for column, value in values.items():
            kept[column - 1] = value
        rows.append(tuple(kept))
        extents.append(extent)


def _column_number(ref: str) -> int | None:
    match = _CELL_REF.match(ref)
    if not match:
        return None
    number = 0
    for letter in match[1].upper():
        number = number * 26 + ord(letter) - 64
    return number


class _Stop(Exception):
    """Raised inside the expat handlers once the rows asked for are read."""


class XlsxSheet(Sheet):
    """A worksheet part, parsed with expat: no tree is built, cells right of ``width`` are
    counted and skipped, text is capped at Excel's 32,767 characters per cell."""

    def __init__(self, book: "XlsxWorkbook", title: str, path: str) -> None:
        super().__init__(book, title)
        self.xlsx = book
        self.path = path

    def read(self, *, width: int, max_row: int | None = None) -> SheetRows:
        rows = self._collector(width)
        state = _SheetState(self, rows, max_row)
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = state.refuse  # no DTD, so no entity expansion
        parser.StartElementHandler = state.start
        parser.EndElementHandler = state.end
        parser.CharacterDataHandler = state.text
        try:
            with self.xlsx.archive.open(self.path) as source:
                while chunk := source.read(CHUNK):
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except _Stop:
            pass
        except (
            expat.ExpatError,
            zipfile.BadZipFile,
            LookupError,
            ArithmeticError,
            ValueError,
            OSError,
        ) as exc:
            raise _damaged(self.title) from exc
        return rows.out


class _SheetState:
    """The expat handlers of one read (SpreadsheetML ``sheetData``/``row``/``c``/``v``/``is``;
    phonetic readings ``rPh`` are not part of the value, as in Excel and openpyxl)."""

    def __init__(self, sheet: XlsxSheet, rows: _Rows, max_row: int | None) -> None:
        self.sheet = sheet
        self.book = sheet.xlsx
        self.rows = rows
        self.max_row = max_row
        self.in_data = False
        self.row = 0
        self.values: dict[int, Any] = {}  # kept columns only
        self.extent = 0
        self.column = 0
        self.kind = "n"
        self.style = 0
        self.text_parts: list[str] = []
        self.text_length = 0
        self.collecting = False
        self.in_inline = False
        self.phonetic = 0
        self.formula = False

    def refuse(self, *args: object) -> None:
        raise ValueError("DTD in a worksheet")

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(" ")[2]
        if local == "sheetData":
            self.in_data = True
        elif not self.in_data:
            return
        elif local == "row":
            ref = attrs.get("r")
            self.row = int(float(ref)) if ref else self.row + 1
            if self.row < 1:
                raise ValueError(f"row number {ref!r}")
            if self.max_row is not None and self.row > self.max_row:
                raise _Stop
            self.values, self.column, self.extent = {}, 0, 0
        elif local == "c":
            self.book.count_cells()
            ref = attrs.get("r")
            column = _column_number(ref) if ref else self.column + 1
            if column is None:
                raise ValueError(f"cell reference {ref!r}")
            self.column, self.kind = column, attrs.get("t", "n")
            style = attrs.get("s", "0")
            self.style = int(style) if style.isdigit() else 0
            self.text_parts, self.text_length = [], 0
            self.formula = False
        elif local == "f":
            self.formula = True
        elif local == "v":
            self.collecting = self.kind != "inlineStr"
        elif local == "is":
            self.in_inline = True
        elif local == "rPh":
            self.phonetic += 1
        elif local == "t":
            self.collecting = self.in_inline and not self.phonetic

    def end(self, name: str) -> None:
        if not self.in_data:
            return
        local = name.rpartition(" ")[2]
        if local in ("v", "t"):
            self.collecting = False
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "is":
            self.in_inline = False
        elif local == "c":
            value = self.book.value(self.kind, self.style, "".join(self.text_parts))
            if self.formula and self.column <= self.rows.width:
                self.rows.out.formulas.append((self.row, self.column))
            if value is not None and value != "":
                self.extent = max(self.extent, self.column)
                if self.column <= self.rows.width:
                    self.values[self.column] = value
        elif local == "row":
            self.rows.add(self.row, self.values, self.extent)
            self.values, self.extent = {}, 0
        elif local == "sheetData":
            raise _Stop  # nothing after the cells is read

    def text(self, data: str) -> None:
        if not self.collecting:
            return
        self.text_length += len(data)
        if self.text_length > EXCEL_CELL_MAX_CHARS:
            raise ImportFileError(
                _(
                    "A cell in row {row} of the sheet “{sheet}” holds more than {count} "
                    "characters, more than Excel allows."
                ).format(row=self.row, sheet=self.sheet.title, count=EXCEL_CELL_MAX_CHARS)
            )
        self.text_parts.append(data)


class XlsxWorkbook(Workbook):
    """The workbook parts that openpyxl reads well and that are small once the XML tags are
    counted (content types, workbook, shared strings, styles); sheets are ours."""

    def __init__(self, data: bytes, limits: ImportLimits) -> None:
        from openpyxl.reader.excel import ExcelReader

        super().__init__(limits)
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        self.archive: zipfile.ZipFile = reader.archive
        try:
            self._check_parts()
            self._load(reader)
        except BaseException:
            self.archive.close()
            raise

    def _check_parts(self) -> None:
        infos = self.archive.infolist()
        if len(infos) > self.limits.max_parts:
            raise _too_much_data()
        if sum(info.file_size for info in infos) > self.limits.max_inflated:
            raise ImportFileError(_("The workbook is too large when unpacked."))
        tags = 0  # zipfile never returns more than a part's declared size
        for info in infos:
            with self.archive.open(info) as part:
                while chunk := part.read(CHUNK):
                    tags += chunk.count(b"<")
                    if tags > self.limits.max_xml_tags:
                        raise _too_much_data()

    def _load(self, reader: Any) -> None:
        # ExcelReader's steps that load_workbook(read_only=True) runs, minus its worksheets:
        # ReadOnlyWorksheet parses each sheet's dimension on load (the whole sheet when the
        # <dimension> element is missing); sheets are read by XlsxSheet instead.
        from openpyxl.styles.stylesheet import apply_stylesheet

        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(self.archive, reader.wb)
        wb = reader.wb
        self.strings: Sequence[str] = reader.shared_strings
        self.date_styles = set(wb._date_formats)
        self.timedelta_styles = set(wb._timedelta_formats)
        self.epoch = wb.epoch
        for sheet, rel in reader.parser.find_sheets():
            if len(self.sheets) == self.limits.max_sheets:
                break
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type:
                self.sheets.append(XlsxSheet(self, sheet.name, rel.target))

    def value(self, kind: str, style: int, text: str) -> Any:
        """A cell's value as openpyxl's data-only reader gives it."""
        from openpyxl.utils.datetime import from_excel, from_ISO8601

        if not text:
            return None
        if kind == "n":
            number = float(text) if any(c in text for c in ".eE") else int(text)
            if style in self.date_styles:
                try:
                    timedelta = style in self.timedelta_styles
                    return from_excel(number, self.epoch, timedelta=timedelta)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if kind == "s":
            return self.strings[int(text)]
        if kind == "b":
            return text.strip() not in ("0", "false")
        if kind == "d":
            try:
                return from_ISO8601(text)
            except ValueError:
                return text
        return text  # str, inlineStr, e (an error such as #N/A)

    def close(self) -> None:
        self.archive.close()


def open_workbook(data: bytes, limits: ImportLimits | None = None) -> XlsxWorkbook:
    """An xlsx upload, or ImportFileError saying what to do instead."""
    limits = limits or ImportLimits.from_settings()
    if data.startswith(_OLE_SIGNATURE):
        raise ImportFileError(
            _(
                "This is an old Excel file (.xls). Open it in Excel, save it as "
                "“Excel Workbook (*.xlsx)” and upload it again."
            )
        )
    if not data.startswith(_ZIP_SIGNATURE):
        raise _not_xlsx()
    try:
        return XlsxWorkbook(data, limits)
    except ImportFileError:
        raise
    except Exception:  # zipfile and openpyxl raise many types for a damaged or foreign file
        raise _not_xlsx() from None


# --- csv -------------------------------------------------------------------------------------


class CsvSheet(Sheet):
    def __init__(self, book: Workbook, title: str, text: str, delimiter: str) -> None:
        super().__init__(book, title)
        self.text = text
        self.delimiter = delimiter

    def read(self, *, width: int, max_row: int | None = None) -> SheetRows:
        rows = self._collector(width)
        reader: Iterator[list[str]] = csv.reader(
            io.StringIO(self.text, newline=""), delimiter=self.delimiter
        )
        try:
            for number, fields_ in enumerate(reader, start=1):
                if max_row is not None and number > max_row:
                    break
                self.book.count_cells(max(len(fields_), 1))
                if any(len(f) > EXCEL_CELL_MAX_CHARS for f in fields_):
                    raise ImportFileError(
                        _(
                            "A cell in row {row} of the sheet “{sheet}” holds more than "
                            "{count} characters, more than Excel allows."
                        ).format(row=number, sheet=self.title, count=EXCEL_CELL_MAX_CHARS)
                    )
                filled = [i for i, v in enumerate(fields_, start=1) if v.strip()]
                kept = {i: fields_[i - 1] for i in filled if i <= rows.width}
                rows.add(number, kept, max(filled, default=0))
        except csv.Error as exc:
            raise _damaged(self.title) from exc
        return rows.out


def open_csv(
    data: bytes, limits: ImportLimits | None = None, *, title: str = "CSV", delimiter: str = ","
) -> Workbook:
    """A csv upload (UTF-8 with or without BOM, or Shift_JIS/cp932 as Excel writes it in
    Japan) as a one-sheet workbook under the same limits as an xlsx."""
    limits = limits or ImportLimits.from_settings()
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(
            _(
                "The CSV file is neither UTF-8 nor Shift_JIS text. Save it in Excel as "
                "“CSV UTF-8 (Comma delimited)” and upload it again."
            )
        )
    if "\0" in text:
        raise _damaged(title)
    book = Workbook(limits)
    # The csv module builds a whole row before we can look at it, so the fields it could
    # build (an upper bound: every delimiter and line break) are counted before parsing.
    if text.count(delimiter) + text.count("\n") + 1 > limits.max_cells:
        raise _too_many_cells(limits)
    book.sheets.append(CsvSheet(book, title, text, delimiter))
    return book

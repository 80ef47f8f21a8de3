"""Hand-written xlsx files for import tests: what a hostile or odd writer can put in a workbook
that openpyxl's writer never would (a dimension of A1:XFD1048576, cells in column XFD, rows
out of order, inline and phonetic strings). Written with zipfile, so each test says exactly
which XML the importer meets."""

import io
import zipfile
from collections.abc import Iterable
from typing import Any
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

WIDE = "A1:XFD1048576"  # the whole grid; what the probe's 109 KB file declared
LAST_COLUMN = 16_384  # XFD

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
{sheets}
</Types>"""
SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="xl/workbook.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets>{sheets}</sheets></workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
{rels}</Relationships>"""
SHEET_REL = (
    '<Relationship Id="rId{n}" Target="worksheets/sheet{n}.xml" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)

Cells = Iterable[tuple[int, Any]]  # (column number, value); a value that is a str of XML
Rows = Iterable[tuple[int | None, Cells]]  # (row number or None for "no r attribute", cells)


def cell_xml(row: int | None, column: int, value: Any) -> str:
    ref = f' r="{get_column_letter(column)}{row}"' if row is not None else ""
    if isinstance(value, RawCell):
        return value.xml.format(ref=ref)
    if isinstance(value, bool):
        return f'<c{ref} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f"<c{ref}><v>{value}</v></c>"
    return f'<c{ref} t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


class RawCell:
    """A cell given as XML, ``{ref}`` standing for its ` r="B2"` attribute."""

    def __init__(self, xml: str) -> None:
        self.xml = xml


def sheet_xml(rows: Rows, dimension: str | None = WIDE) -> Iterable[str]:
    yield SHEET_HEAD
    if dimension:
        yield f'<dimension ref="{dimension}"/>'
    yield "<sheetData>"
    for number, cells in rows:
        ref = f' r="{number}"' if number is not None else ""
        yield f"<row{ref}>" + "".join(cell_xml(number, c, v) for c, v in cells) + "</row>"
    yield "</sheetData></worksheet>"


def xlsx(
    sheets: dict[str, Rows | str] | None = None,
    *,
    dimension: str | None = WIDE,
    extra: dict[str, str] | None = None,
) -> bytes:
    """A workbook with ``sheets`` (title → rows, or the sheet's XML as a str), each declaring
    ``dimension``; ``extra`` adds parts (name → text)."""
    sheets = sheets if sheets is not None else {"Sheet1": []}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        numbers = range(1, len(sheets) + 1)
        archive.writestr(
            "[Content_Types].xml",
            CONTENT_TYPES.format(sheets="".join(SHEET_TYPE.format(n=n) for n in numbers)),
        )
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr(
            "xl/workbook.xml",
            WORKBOOK.format(
                sheets="".join(
                    f'<sheet name="{escape(title)}" sheetId="{n}" r:id="rId{n}"/>'
                    for n, title in zip(numbers, sheets, strict=True)
                )
            ),
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            WORKBOOK_RELS.format(rels="".join(SHEET_REL.format(n=n) for n in numbers)),
        )
        for n, rows in zip(numbers, sheets.values(), strict=True):
            with archive.open(f"xl/worksheets/sheet{n}.xml", "w") as part:
                for chunk in [rows] if isinstance(rows, str) else sheet_xml(rows, dimension):
                    part.write(chunk.encode())
        for name, text in (extra or {}).items():
            archive.writestr(name, text)
    return buffer.getvalue()


def header_then_far_cells(header: list[str], rows: int, column: int = LAST_COLUMN) -> Rows:
    """The probe's shape: a valid header in row 1, then ``rows`` rows with one cell each in
    ``column`` (XFD), so a reader that trusts the dimension builds 16,384 values per row."""
    yield 1, enumerate(header, start=1)
    for number in range(2, rows + 2):
        yield number, [(column, "x")]

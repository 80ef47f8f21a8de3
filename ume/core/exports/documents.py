"""Word (docx) exports: a title, a metadata table, then headed sections of text and tables.

The document is A4 and its styles name a Japanese (East Asian) font explicitly: Word otherwise
takes the East Asian font from the theme, which on many installations is a Mincho face or one
that is missing, and Japanese text comes out in a fallback font.

Every string goes through ``clean_text``: lxml refuses control characters, and python-docx
refuses core properties longer than 255 characters.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from .cleaning import clean_text
from .sheets import TOKYO, Table

# Installed with Office on Windows and macOS; LibreOffice substitutes a Japanese gothic face
# (IPAexGothic, Noto Sans CJK JP) for it through fontconfig. IPAexGothic itself is the PDF font
# but is rarely installed where docx files are opened.
DEFAULT_EAST_ASIAN_FONT = "游ゴシック"
BODY_SIZE = Pt(10.5)  # the usual size of Japanese business documents
CORE_PROPERTY_MAX = 255  # python-docx raises ValueError on longer core properties


@dataclass
class Section:
    """A heading followed by paragraphs (``\\n`` becomes a line break) and an optional table."""

    heading: str
    paragraphs: Sequence[str] = ()
    table: Table | None = None
    level: int = 1


def docx_text(value: Any, *, single_line: bool = False) -> str:
    """Text for a run or cell: dates in Japan time, control characters removed (python-docx
    turns the ``\\n`` and ``\\t`` kept in multi-line text into breaks and tabs)."""
    if isinstance(value, datetime):
        local = value.astimezone(TOKYO) if value.tzinfo else value
        return local.strftime("%Y/%m/%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return clean_text(value, single_line=single_line)


def _set_east_asian_font(rpr, font: str) -> None:
    rfonts = rpr.get_or_add_rFonts()
    # A theme attribute wins over the explicit one, so it has to go.
    rfonts.attrib.pop(qn("w:eastAsiaTheme"), None)
    rfonts.set(qn("w:eastAsia"), font)


def _japanese_styles(doc: DocxDocument, *, east_asian_font: str) -> None:
    styles = doc.styles.element
    for rpr in styles.xpath("w:docDefaults/w:rPrDefault/w:rPr"):
        _set_east_asian_font(rpr, east_asian_font)
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:eastAsia"), "ja-JP")  # Japanese line-breaking (kinsoku) rules
    for rfonts in styles.xpath(".//w:rFonts[@w:eastAsiaTheme]"):
        rfonts.attrib.pop(qn("w:eastAsiaTheme"))
        rfonts.set(qn("w:eastAsia"), east_asian_font)
    normal = doc.styles["Normal"]
    normal.font.size = BODY_SIZE
    _set_east_asian_font(normal.element.get_or_add_rPr(), east_asian_font)


def _a4(doc: DocxDocument) -> None:
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin = section.bottom_margin = Mm(25)
        section.left_margin = section.right_margin = Mm(20)


def _repeat_as_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:tblHeader"))


def _bold_cell(cell, text: str) -> None:
    cell.paragraphs[0].add_run(text).bold = True


def _add_table(doc: DocxDocument, table: Table) -> None:
    columns = max(len(table.headers), 1)
    grid = doc.add_table(rows=1, cols=columns)
    grid.style = "Table Grid"
    for cell, header in zip(grid.rows[0].cells, table.headers, strict=False):
        _bold_cell(cell, docx_text(header))
    _repeat_as_header(grid.rows[0])
    for values in table.rows:
        cells = grid.add_row().cells
        for cell, value in zip(cells, values, strict=False):
            cell.text = docx_text(value)


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in when they lay out."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("separate", None), ("end", None)):
        if kind is None:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} "
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)


def _header_and_footer(doc: DocxDocument, *, header: str, alert: str) -> None:
    """On every page: ``header`` (organisation, title, version) at the top, ``alert`` (such as
    「下書き」) in red beside it, and 「x / y」 page numbers at the bottom."""
    for section in doc.sections:
        top = section.header.paragraphs[0]
        if alert:
            run = top.add_run(docx_text(alert, single_line=True) + "　")
            run.bold = True
            run.font.color.rgb = RGBColor(0xB0, 0x00, 0x00)
        top.add_run(docx_text(header, single_line=True)).font.size = Pt(8)
        bottom = section.footer.paragraphs[0]
        bottom.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _field(bottom, "PAGE")
        bottom.add_run(" / ")
        _field(bottom, "NUMPAGES")


def _add_meta(doc: DocxDocument, meta: Sequence[tuple[str, str]]) -> None:
    grid = doc.add_table(rows=0, cols=2)
    grid.style = "Table Grid"
    for label, value in meta:
        left, right = grid.add_row().cells
        _bold_cell(left, docx_text(label))
        right.text = docx_text(value)


def write_docx(
    *,
    title: str,
    meta: Sequence[tuple[str, str]],
    sections: Sequence[Section],
    east_asian_font: str = DEFAULT_EAST_ASIAN_FONT,
    header: str = "",
    alert: str = "",
) -> bytes:
    """A4 Word document: ``title``, a label/value table of ``meta`` (organisation, version,
    exported at…), then each section's heading, paragraphs and table. Every page has the
    running ``header`` (default: the title), an optional red ``alert`` and page x / y."""
    doc = Document()
    _a4(doc)
    _header_and_footer(doc, header=header or title, alert=alert)
    _japanese_styles(doc, east_asian_font=east_asian_font)
    props = doc.core_properties
    props.author = props.last_modified_by = "Ume"
    props.title = clean_text(title, single_line=True, max_length=CORE_PROPERTY_MAX)
    props.language = "ja-JP"
    props.created = props.modified = datetime.now(UTC)
    props.revision = 1

    doc.add_heading(docx_text(title, single_line=True), level=0)
    if meta:
        _add_meta(doc, meta)
    for section in sections:
        doc.add_heading(docx_text(section.heading, single_line=True), level=section.level)
        for text in section.paragraphs:
            doc.add_paragraph(docx_text(text))
        if section.table is not None:
            _add_table(doc, section.table)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()

"""Every string the export layer writes is cleaned: document properties, sheet titles, headers,
cells, docx text and core properties, PDF text and metadata, download file names (issue 15,
finding 6: a control character in a scope name made the SoA xlsx export answer 500)."""

import io
import re
from urllib.parse import unquote

import openpyxl
import pytest
from django.urls import reverse
from docx import Document
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from ume.core.choices import Role
from ume.core.exports import (
    Section,
    Table,
    clean_text,
    content_disposition,
    filename_for,
    write_csv,
    write_docx,
    write_xlsx,
)
from ume.core.exports.pdf import render_pdf
from ume.core.exports.sheets import SHEET_TITLE_MAX, sheet_title, xlsx_value
from ume.core.models import Organisation, Scope
from ume.soa import services as soa_services
from ume.soa.exports import SHEET_TITLE

# What legacy data, an import from another tool or a database edit can leave behind.
DIRTY = "本\x01社\x0b\x1b[0m\x7f\ufffe"
DIRTY_CLEAN = "本社[0m"
# Characters that no export may contain, in any string, after cleaning.
FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
FORBIDDEN_ON_ONE_LINE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


# --- the cleaning function -------------------------------------------------------------------


def test_clean_text_drops_controls_and_keeps_line_breaks_and_tabs():
    assert clean_text(DIRTY) == DIRTY_CLEAN
    assert clean_text("一行目\r\n二行目\tタブ") == "一行目\r\n二行目\tタブ"
    assert clean_text(None) == "" and clean_text(42) == "42"


def test_clean_text_on_one_line_turns_line_breaks_and_tabs_into_one_space():
    assert clean_text(" 本社\r\n\t東京\x01 ", single_line=True) == "本社 東京"


def test_clean_text_limits_length():
    assert clean_text("あ" * 300, max_length=255) == "あ" * 255
    # Excel counts UTF-16 units: a character outside the BMP counts two.
    assert clean_text("𠮷" * 20, max_length=31) == "𠮷" * 15


@given(st.text(), st.booleans())
def test_clean_text_never_leaves_a_forbidden_character(text, single_line):
    out = clean_text(text, single_line=single_line)
    pattern = FORBIDDEN_ON_ONE_LINE if single_line else FORBIDDEN
    assert not pattern.search(out)


def test_control_characters_cannot_hide_a_formula_prefix():
    assert xlsx_value("\x01=1+1") == "=1+1"
    ws = openpyxl.load_workbook(
        io.BytesIO(write_xlsx([Table(title="t", headers=["h"], rows=[["\x01=1+1"]])]))
    ).active
    assert (ws["A2"].value, ws["A2"].data_type, ws["A2"].quotePrefix) == ("=1+1", "s", True)
    rows = list(csv_rows(write_csv(Table(title="t", headers=["h\x01"], rows=[["\x7f@SUM(A1)"]]))))
    assert rows == [["h"], ["'@SUM(A1)"]]


def csv_rows(data: bytes):
    import csv

    return csv.reader(io.StringIO(data.decode("utf-8-sig")))


# --- the core writers ------------------------------------------------------------------------


def dirty_table() -> Table:
    return Table(
        title=f"管理策\t{DIRTY}\n[一覧]:*?/\\",
        headers=[f"値{DIRTY}", "備考\x02"],
        rows=[[DIRTY, "一行目\n二行目\x03"]],
    )


def test_xlsx_cleans_properties_sheet_titles_headers_and_cells():
    data = write_xlsx(
        [dirty_table()],
        meta={f"組織{DIRTY}": DIRTY},
        meta_title=f"情報{DIRTY}",
        title=f"適用宣言書 {DIRTY}\n",
    )
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.properties.title == f"適用宣言書 {DIRTY_CLEAN}"
    # Excel's forbidden []:*?/\\ become "_".
    assert wb.sheetnames == ["情報本社_0m", "管理策 本社_0m _一覧______"]
    info, sheet = wb.worksheets
    assert [c.value for c in info[1]] == [f"組織{DIRTY_CLEAN}", DIRTY_CLEAN]
    assert [c.value for c in sheet[1]] == [f"値{DIRTY_CLEAN}", "備考"]
    assert [c.value for c in sheet[2]] == [DIRTY_CLEAN, "一行目\n二行目"]


def test_xlsx_title_defaults_to_the_cleaned_table_title():
    wb = openpyxl.load_workbook(io.BytesIO(write_xlsx([dirty_table()])))
    assert not FORBIDDEN_ON_ONE_LINE.search(wb.properties.title)


def test_sheet_title_is_cut_to_31_utf16_units():
    title = sheet_title("𠮷野家" * 20, set())
    assert len(title.encode("utf-16-le")) // 2 <= SHEET_TITLE_MAX
    assert sheet_title("\x01\t\n", set()) == "Sheet"


def test_docx_cleans_core_properties_headings_paragraphs_and_tables():
    data = write_docx(
        title=f"適用宣言書 {DIRTY}\n" + "長" * 300,
        meta=[(f"範囲{DIRTY}", DIRTY)],
        sections=[Section(heading=DIRTY, paragraphs=[f"{DIRTY}\n次の行"], table=dirty_table())],
    )
    doc = Document(io.BytesIO(data))
    title = doc.core_properties.title
    assert title.startswith(f"適用宣言書 {DIRTY_CLEAN} 長") and len(title) <= 255
    texts = [p.text for p in doc.paragraphs]
    assert DIRTY_CLEAN in texts and f"{DIRTY_CLEAN}\n次の行" in texts
    cells = [c.text for table in doc.tables for row in table.rows for c in row.cells]
    assert f"範囲{DIRTY_CLEAN}" in cells and "一行目\n二行目" in cells
    assert not any(FORBIDDEN.search(t) for t in [title, *texts, *cells])


def test_pdf_cleans_text_and_metadata():
    html = (
        f"<html><head><title>適用宣言書 {DIRTY}</title>"
        f'<meta name="author" content="{DIRTY}"></head><body><p>{DIRTY}</p></body></html>'
    )
    reader = PdfReader(io.BytesIO(render_pdf(html)))
    assert reader.metadata.title == f"適用宣言書 {DIRTY_CLEAN}"
    assert reader.metadata.author == DIRTY_CLEAN
    assert DIRTY_CLEAN in reader.pages[0].extract_text()


def test_file_names_are_cleaned():
    name = filename_for(f"適用宣言書_{DIRTY}\t", "xlsx")
    assert name.startswith(f"適用宣言書_{DIRTY_CLEAN}_") and not FORBIDDEN_ON_ONE_LINE.search(name)
    header = content_disposition("a\x01\x7f\ufffe\nb.pdf")
    assert header.isascii() and "\n" not in header and "\x7f" not in header
    assert unquote(header.split("UTF-8''")[1]) == "a b.pdf"


# --- the SoA export of a scope whose name was stored without validation ---------------------


@pytest.fixture
def dirty_soa(world, catalogue):
    admin = world[Role.ADMIN]
    soa = soa_services.soa_get_or_create(actor=admin, scope=world.hq)
    # Written directly, bypassing validation, as legacy data or a database edit would be.
    Scope.objects.filter(pk=world.hq.pk).update(name=DIRTY)
    Organisation.objects.filter(pk=world.org.pk).update(name="梅商事\x08株式会社\x7f")
    soa.rows.filter(control__ref="5.1").update(notes=f"{DIRTY}\n二行目", procedure=DIRTY)
    return soa


def export(client, scope, kind):
    url = reverse("soa:soa_export", args=[scope.pk]) + f"?format={kind}"
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    disposition = response["Content-Disposition"]
    assert DIRTY_CLEAN in unquote(disposition.split("UTF-8''")[1])
    assert not FORBIDDEN_ON_ONE_LINE.search(unquote(disposition))
    return response.content


@pytest.mark.django_db
def test_soa_xlsx_of_a_scope_with_control_characters_opens(dirty_soa, world, admin_client):
    wb = openpyxl.load_workbook(io.BytesIO(export(admin_client, world.hq, "xlsx")))
    assert wb.properties.title == f"{SHEET_TITLE} {DIRTY_CLEAN}"
    values = {
        str(c.value)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    }
    assert {DIRTY_CLEAN, "梅商事株式会社", f"{DIRTY_CLEAN}\n二行目"} <= values
    assert not any(FORBIDDEN.search(v) for v in values)


@pytest.mark.django_db
def test_soa_docx_of_a_scope_with_control_characters_opens(dirty_soa, world, admin_client):
    doc = Document(io.BytesIO(export(admin_client, world.hq, "docx")))
    cells = {c.text for table in doc.tables for row in table.rows for c in row.cells}
    assert {DIRTY_CLEAN, "梅商事株式会社", f"{DIRTY_CLEAN}\n二行目"} <= cells
    assert not any(FORBIDDEN.search(c) for c in cells)


@pytest.mark.django_db
def test_soa_pdf_of_a_scope_with_control_characters_opens(dirty_soa, world, admin_client):
    reader = PdfReader(io.BytesIO(export(admin_client, world.hq, "pdf")))
    assert reader.metadata.author == "梅商事株式会社"
    text = reader.pages[0].extract_text()
    assert DIRTY_CLEAN in text and "梅商事株式会社" in text
    assert not FORBIDDEN.search(text)

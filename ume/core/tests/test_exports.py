"""The export layer: formula neutralisation, xlsx/csv/docx/pdf output, download responses."""

import csv
import io
import os
import shutil
import socket
import subprocess
import sys
import tracemalloc
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest
from django.template import engines
from django.utils import translation
from docx import Document
from docx.oxml.ns import qn
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from ume.core.exports import (
    Section,
    Table,
    clean_text,
    content_disposition,
    export_response,
    export_streaming_response,
    filename_for,
    iter_csv,
    neutralise_cell,
    write_csv,
    write_docx,
    write_xlsx,
)
from ume.core.exports.pdf import (
    FONT_PATH,
    BlockedURLError,
    LocalOnlyURLFetcher,
    render_pdf,
    render_pdf_template,
)
from ume.core.exports.sheets import DANGEROUS_PREFIXES, FORMULA_PREFIXES, sheet_title
from ume.core.importing import cell_text

# The first characters that make a spreadsheet read a cell as a formula, written out here and
# not taken from the implementation: OWASP's list (= + - @ tab CR) and their full-width forms
# (＝＋－＠), which Japanese IMEs type and Excel also treats as formulas.
ASCII_PREFIXES = ["=", "+", "-", "@", "\t", "\r"]
FULLWIDTH_PREFIXES = ["\uff1d", "\uff0b", "\uff0d", "\uff20"]  # ＝ ＋ － ＠
PREFIXES = ASCII_PREFIXES + FULLWIDTH_PREFIXES
FORMULAS = ["=1+1", "+81", "-5", "@SUM(A1)", "\tx", "\rx", "＝1+1", "＋81", "－5", "＠SUM(A1)"]
REPO = Path(__file__).resolve().parents[3]


def sample_table(**kwargs) -> Table:
    rows = [[formula, index] for index, formula in enumerate(FORMULAS)]
    rows += [["梅商事株式会社", -5], ["安全な文字列", None]]
    return Table(title=kwargs.pop("title", "管理策"), headers=["値", "数"], rows=rows, **kwargs)


# --- neutralise_cell ------------------------------------------------------------------------


@pytest.mark.parametrize("formula", FORMULAS)
def test_formula_prefixes_are_neutralised(formula):
    assert neutralise_cell(formula) == "'" + formula


@pytest.mark.parametrize("formula", [f for f in FORMULAS if not f[0].isspace()])
def test_importers_read_a_neutralised_cell_back_as_typed(formula):
    assert cell_text("'" + formula) == formula  # (cells are read stripped: no tab or CR case)
    assert cell_text("'" + "梅" + formula) == "'梅" + formula  # a quote the user typed stays


@pytest.mark.parametrize(
    "value", ["", "梅", "ISMS", "'=already", " =1", 42, -5, 1.5, None, date(2026, 11, 24)]
)
def test_safe_values_are_unchanged(value):
    assert neutralise_cell(value) == value


def test_the_formula_examples_cover_every_prefix():
    assert {f[0] for f in FORMULAS} == set(PREFIXES)


dangerous_text = st.builds(lambda head, tail: head + tail, st.sampled_from(PREFIXES), st.text())


@given(st.one_of(st.text(), dangerous_text))
def test_neutralised_text_never_starts_dangerously(text):
    out = neutralise_cell(text)
    assert not out or out[0] not in PREFIXES
    if not text or text[0] not in PREFIXES:
        assert out == text
    else:
        assert out == "'" + text


@given(st.one_of(st.text(), dangerous_text))
def test_csv_round_trips_any_text_cleaned_and_neutralised(text):
    data = write_csv(Table(title="t", headers=["h"], rows=[[text]]))
    [[header], [cell]] = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert header == "h"
    assert cell == neutralise_cell(clean_text(text))


# --- xlsx -----------------------------------------------------------------------------------


def read_xlsx(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_xlsx_keeps_formula_like_text_as_quote_prefixed_text_and_keeps_types():
    at = datetime(2026, 11, 24, 0, 35, tzinfo=UTC)
    table = sample_table()
    table.rows = [*table.rows, [at, date(2026, 4, 1)], [1.5, True]]
    data = write_xlsx([table])
    ws = read_xlsx(data)["管理策"]
    # Text exactly as entered (no visible apostrophe), stored as text with the quote-prefix
    # style: Excel neither evaluates it on opening nor when the cell is edited.
    for row, formula in zip(ws.iter_rows(min_row=2), FORMULAS, strict=False):
        assert (row[0].value, row[0].data_type, row[0].quotePrefix) == (formula, "s", True)
        assert not row[1].quotePrefix
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")  # no formula anywhere
    values = [row for row in ws.iter_rows(min_row=2, values_only=True)]
    assert not ws.cell(len(FORMULAS) + 2, 1).quotePrefix  # ordinary text keeps no style
    assert values[len(FORMULAS)] == ("梅商事株式会社", -5)
    assert isinstance(values[len(FORMULAS)][1], int)  # a real number stays numeric
    assert values[-2] == (datetime(2026, 11, 24, 9, 35), datetime(2026, 4, 1))  # Japan time
    assert values[-1] == (1.5, True)


def test_xlsx_header_is_frozen_filtered_and_styled():
    data = write_xlsx(
        [sample_table()], meta={"組織": "梅商事株式会社", "出力者": "=cmd"}, meta_title="情報"
    )
    wb = read_xlsx(data)
    assert wb.sheetnames == ["情報", "管理策"]
    ws = wb["管理策"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:B{len(FORMULAS) + 3}"
    assert ws["A1"].value == "値" and ws["A1"].font.b
    assert ws["A1"].fill.fill_type == "solid"
    assert ws.column_dimensions["A"].width >= 8
    meta = wb["情報"]
    assert [row for row in meta.iter_rows(values_only=True)] == [
        ("組織", "梅商事株式会社"),
        ("出力者", "=cmd"),
    ]
    assert meta["B2"].quotePrefix and meta["B2"].data_type == "s"
    assert wb.properties.creator == "Ume"
    assert wb.properties.title == "管理策"


def test_xlsx_meta_sheet_title_is_translated():
    with translation.override("en"):
        wb = read_xlsx(write_xlsx([sample_table()], meta={"Organisation": "Ume"}))
    assert wb.sheetnames[0] == "Information"


def test_sheet_titles_are_sanitised_and_unique():
    used: set[str] = set()
    long_title = "ISO/IEC 27001:2022 [附属書A] 管理策* の一覧? とその適用状況\\まとめ"
    first, second = sheet_title(long_title, used), sheet_title(long_title, used)
    for title in (first, second):
        assert len(title) <= 31 and not set(title) & set("[]:*?/\\")
    assert first != second and second.endswith("(2)")
    assert sheet_title("'''", used) == "Sheet"
    wb = read_xlsx(write_xlsx([sample_table(title=long_title), sample_table(title=long_title)]))
    assert wb.sheetnames == [first, second]


def test_xlsx_streams_rows_in_bounded_memory():
    rows_made = 0

    def rows():
        nonlocal rows_made
        for index in range(20_000):
            rows_made += 1
            yield (index, f"管理策 {index} 情報セキュリティ", "=SUM(A1)", date(2026, 1, 1), 1.5)

    tracemalloc.start()
    data = write_xlsx([Table(title="大量", headers=list("ABCDE"), rows=rows())])
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert rows_made == 20_000
    # An in-memory workbook of 100k cells needs tens of MiB; write-only mode stays near the
    # size of the finished file (~0.5 MiB here).
    assert peak < 16 * 2**20
    ws = openpyxl.load_workbook(io.BytesIO(data), read_only=True)["大量"]
    assert sum(1 for _row in ws.iter_rows(values_only=True)) == 20_001


# --- csv ------------------------------------------------------------------------------------


def test_csv_has_bom_crlf_and_neutralised_cells():
    data = write_csv(sample_table())
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") == len(FORMULAS) + 3
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["値", "数"]
    assert [row[0] for row in rows[1 : len(FORMULAS) + 1]] == ["'" + f for f in FORMULAS]
    assert rows[len(FORMULAS) + 1] == ["梅商事株式会社", "-5"]  # an int is not prefixed
    assert rows[-1] == ["安全な文字列", ""]


def test_iter_csv_yields_chunks_equal_to_the_whole():
    chunks = list(iter_csv(sample_table(), chunk_rows=2))
    assert len(chunks) > 2
    assert chunks[0].startswith(b"\xef\xbb\xbf") and b"\xef\xbb\xbf" not in b"".join(chunks[1:])
    assert b"".join(chunks) == write_csv(sample_table())


# --- docx -----------------------------------------------------------------------------------


def test_docx_has_japanese_title_table_font_and_a4():
    data = write_docx(
        title="情報セキュリティ基本方針",
        meta=[("組織", "梅商事株式会社"), ("版", "1.2")],
        sections=[
            Section(heading="目的", paragraphs=["本方針は…を定める。\n第二行"]),
            Section(heading="適用範囲", table=sample_table()),
        ],
    )
    doc = Document(io.BytesIO(data))
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[0] == "情報セキュリティ基本方針"
    assert "目的" in paragraphs and "適用範囲" in paragraphs
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    assert "梅商事株式会社" in cells and "=1+1" in cells and "値" in cells
    assert doc.core_properties.title == "情報セキュリティ基本方針"
    assert doc.core_properties.author == "Ume"
    rfonts = doc.styles["Normal"].element.rPr.rFonts
    assert rfonts.get(qn("w:eastAsia")) == "游ゴシック"
    page = doc.sections[0]
    assert (round(page.page_width.mm), round(page.page_height.mm)) == (210, 297)  # A4
    header_row = doc.tables[1].rows[0]._tr
    assert header_row.trPr.find(qn("w:tblHeader")) is not None  # repeats on every page


# --- pdf ------------------------------------------------------------------------------------

JAPANESE_HTML = """<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8">
<title>適用宣言書</title></head><body><h1>適用宣言書</h1><p>梅商事株式会社</p></body></html>"""


def embedded_fonts(data: bytes) -> dict[str, bool]:
    """BaseFont name → whether a font file is embedded, for every font the pages use."""
    fonts: dict[str, bool] = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        for ref in page["/Resources"].get_object().get("/Font", {}).values():
            font = ref.get_object()
            parts = [font, *(d.get_object() for d in font.get("/DescendantFonts", []))]
            descriptors = [
                p["/FontDescriptor"].get_object() for p in parts if "/FontDescriptor" in p
            ]
            fonts[str(font["/BaseFont"])] = any(
                key in d for d in descriptors for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    return fonts


@pytest.fixture
def no_network(monkeypatch):
    """Fail loudly (and record) if anything opens a socket or resolves a host name."""
    attempts: list[object] = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access during a PDF export")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


def test_pdf_embeds_ipaex_and_extracts_japanese(tmp_path):
    data = render_pdf(JAPANESE_HTML)
    assert data.startswith(b"%PDF-")
    fonts = embedded_fonts(data)
    ipaex = [name for name in fonts if "IPAex" in name]
    assert ipaex and all(fonts[name] for name in ipaex), fonts
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "適用宣言書" in text and "梅商事株式会社" in text
    if pdffonts := shutil.which("pdffonts"):
        path = tmp_path / "soa.pdf"
        path.write_bytes(data)
        listing = subprocess.run(
            [pdffonts, str(path)], capture_output=True, text=True, check=True
        ).stdout
        ipaex_lines = [line for line in listing.splitlines() if "IPAex" in line]
        assert ipaex_lines, listing
        # Columns: name type encoding emb sub uni; "emb" must say yes.
        assert all(line.split()[-5] == "yes" for line in ipaex_lines), listing


def test_pdf_never_fetches_remote_urls(no_network):
    html = """<html><head><style>@import url(https://example.com/evil.css);</style>
    <link rel="stylesheet" href="https://example.com/x.css"></head><body>
    <p>適用宣言書</p><img src="http://example.com/x.png"><img src="ftp://example.com/y.png">
    <img src="file:///etc/passwd"><img src="file://example.com/etc/hosts">
    <img src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7">
    </body></html>"""
    fetcher = LocalOnlyURLFetcher()
    data = render_pdf(html, url_fetcher=fetcher)
    assert "適用宣言書" in PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert no_network == []
    assert set(fetcher.blocked) >= {
        "https://example.com/evil.css",
        "https://example.com/x.css",
        "http://example.com/x.png",
        "ftp://example.com/y.png",
        "file:///etc/passwd",
        "file://example.com/etc/hosts",
    }
    assert FONT_PATH.as_uri() in fetcher.fetched
    assert any(url.startswith("data:image/gif") for url in fetcher.fetched)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "https://example.com/a.css",
        "ftp://example.com/a",
        "gopher://x/",
        "file:///etc/passwd",
        f"{FONT_PATH.parent.as_uri()}/../../settings/base.py",
        f"file://example.com{FONT_PATH}",
        "javascript:alert(1)",
    ],
)
def test_fetcher_blocks_everything_but_local_assets(url, no_network):
    fetcher = LocalOnlyURLFetcher()
    with pytest.raises(BlockedURLError):
        fetcher.fetch(url)
    assert fetcher.blocked == [url] and no_network == []


def test_pdf_template_has_header_footer_and_content():
    context = {
        "title": "適用宣言書",
        "organisation": "梅商事株式会社",
        "classification": "社外秘",
        "meta": [("版", "1.2")],
        "exported_at": "2026-11-24 09:35",
    }
    text = (
        PdfReader(io.BytesIO(render_pdf_template("core/pdf/base.html", context)))
        .pages[0]
        .extract_text()
    )
    assert "適用宣言書" in text and "梅商事株式会社" in text and "社外秘" in text
    assert "1 / 1" in text
    child = engines["django"].from_string(
        '{% extends "core/pdf/base.html" %}{% block content %}'
        "<table><thead><tr><th>管理策</th></tr></thead><tbody>"
        "{% for row in rows %}<tr><td>{{ row }}</td></tr>{% endfor %}</tbody></table>"
        "{% endblock %}"
    )
    rows = [f"5.{n} 情報セキュリティのための方針群" for n in range(80)]
    html = child.render({**context, "rows": rows})
    reader = PdfReader(io.BytesIO(render_pdf(html)))
    assert len(reader.pages) >= 2
    assert f"2 / {len(reader.pages)}" in reader.pages[1].extract_text()


# --- http -----------------------------------------------------------------------------------


def test_filename_for_uses_japan_time_and_drops_unsafe_characters():
    at = datetime(2026, 11, 24, 0, 35, tzinfo=UTC)
    assert filename_for("監査証跡", "xlsx", at=at) == "監査証跡_20261124-0935.xlsx"
    assert filename_for('リスク/台帳:"2026"', ".PDF", at=at) == "リスク_台帳_2026_20261124-0935.pdf"


def test_content_disposition_has_rfc5987_and_ascii_fallback():
    header = content_disposition("監査証跡_20261124-0935.xlsx")
    assert header == (
        'attachment; filename="export_20261124-0935.xlsx"; '
        "filename*=UTF-8''%E7%9B%A3%E6%9F%BB%E8%A8%BC%E8%B7%A1_20261124-0935.xlsx"
    )
    assert 'filename="SoA_v2.pdf"' in content_disposition("SoA 適用宣言書 v2.pdf")
    hostile = content_disposition('a"\r\nSet-Cookie: x=1.csv')
    assert "\r" not in hostile and "\n" not in hostile and hostile.count('"') == 2


@pytest.mark.parametrize(
    ("kind", "content_type"),
    [
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("csv", "text/csv; charset=utf-8"),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("pdf", "application/pdf"),
    ],
)
def test_export_response_headers(kind, content_type):
    response = export_response(b"data", filename=f"適用宣言書.{kind}", kind=kind)
    assert response["Content-Type"] == content_type
    assert response["Content-Length"] == "4"
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert f'filename="export.{kind}"' in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    assert response.content == b"data"


def test_export_response_rejects_unknown_kind():
    with pytest.raises(ValueError, match="Unknown export kind"):
        export_response(b"", filename="x.exe", kind="exe")


def test_streaming_response_serves_iter_csv():
    response = export_streaming_response(iter_csv(sample_table()), filename="台帳.csv", kind="csv")
    assert b"".join(response.streaming_content) == write_csv(sample_table())
    assert response["Content-Disposition"].startswith("attachment; ")


def test_importing_exports_does_not_load_weasyprint():
    code = (
        "import sys, ume.core.exports as e; assert 'weasyprint' not in sys.modules; "
        "e.render_pdf; assert 'weasyprint' in sys.modules"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO, env=env)


def test_formula_prefix_set_covers_owasp_list():
    assert set(ASCII_PREFIXES) == FORMULA_PREFIXES
    assert set(PREFIXES) == DANGEROUS_PREFIXES

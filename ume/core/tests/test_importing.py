"""The bounded spreadsheet reader every importer uses (security issue 15, finding 3): what it
reads (values as openpyxl gives them, only the columns asked for, rows where the sheet has
them), what it ignores (the declared dimension, formatting-only cells, phonetic readings) and
each limit it enforces, for xlsx and csv."""

import io
import tracemalloc
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook as OpenpyxlWorkbook
from openpyxl.styles import Font

from ume.core.importing import (
    DEFAULT_LIMITS,
    ImportFileError,
    ImportLimits,
    cell_text,
    open_csv,
    open_workbook,
    read_upload,
)

from .workbooks import LAST_COLUMN, RawCell, header_then_far_cells, xlsx


def limits(**changes: int) -> ImportLimits:
    return ImportLimits(**{**DEFAULT_LIMITS, **changes})


def refused(call, *, match: str) -> None:
    with translation.override("en"), pytest.raises(ImportFileError, match=match):
        call()


def openpyxl_bytes(rows: list[list]) -> bytes:
    wb = OpenpyxlWorkbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- what is read ----------------------------------------------------------------------------


def test_values_are_read_as_openpyxl_reads_them():
    when = datetime(2025, 4, 1, 9, 30)
    data = openpyxl_bytes([["番号", "名前", "数", "真偽", "日付"], ["A-1", "梅", 3, True, when]])
    with open_workbook(data, limits()) as book:
        rows = book.sheets[0].read(width=5).rows
    assert rows == [("番号", "名前", "数", "真偽", "日付"), ("A-1", "梅", 3, True, when)]


def test_rows_keep_their_sheet_numbers_and_only_the_columns_asked_for():
    data = openpyxl_bytes([["a", "b", "c", "d"], [], [None, None, None, "far"], ["x"]])
    with open_workbook(data, limits()) as book:
        read = book.sheets[0].read(width=2)
    assert read.rows == [("a", "b"), (None, None), (None, None), ("x", None)]
    assert read.extents == [4, 0, 4, 1]


def test_the_declared_dimension_is_ignored():
    data = xlsx({"S": [(1, [(1, "a"), (2, "b")]), (2, [(1, 1)])]}, dimension="A1:XFD1048576")
    with open_workbook(data, limits()) as book:
        assert book.sheets[0].read(width=64).rows == [
            ("a", "b") + (None,) * 62,
            (1,) + (None,) * 63,
        ]


def test_the_probe_shape_is_read_at_the_header_width_in_bounded_memory():
    """2,000 rows with one cell in XFD: read at the header's width, each row is 3 values."""
    data = xlsx({"S": header_then_far_cells(["a", "b", "c"], 2_000)})
    tracemalloc.start()
    try:
        with open_workbook(data, limits()) as book:
            sheet = book.sheets[0]
            head = sheet.read(width=book.limits.max_columns, max_row=1)
            read = sheet.read(width=book.header_width(sheet, head.extents))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"
    assert len(read.rows) == 2_001 and read.rows[1] == (None, None, None)
    assert read.extents[1] == LAST_COLUMN


def test_formatting_only_cells_are_not_rows():
    wb = OpenpyxlWorkbook()
    wb.active.append(["a"])
    for row in range(2, 3_000):
        wb.active.cell(row, 1).font = Font(bold=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    with open_workbook(buffer.getvalue(), limits(max_rows=10)) as book:
        assert book.sheets[0].read(width=1).rows == [("a",)]


def test_inline_rich_and_phonetic_text_and_missing_references():
    phonetic = '<c{ref} t="inlineStr"><is><t>梅</t><rPh sb="0" eb="1"><t>うめ</t></rPh></is></c>'
    rich = '<c{ref} t="inlineStr"><is><r><t>竹</t></r><r><t>松</t></r></is></c>'
    rows = [
        (1, [(1, RawCell(phonetic)), (2, RawCell(rich))]),
        (None, [(1, RawCell("<c><v>1</v></c>")), (2, RawCell("<c><v>2.5</v></c>"))]),
        (1, [(1, "out of order: skipped")]),
    ]
    with open_workbook(xlsx({"S": rows}), limits()) as book:
        assert book.sheets[0].read(width=2).rows == [("梅", "竹松"), (1, 2.5)]


def test_max_row_stops_reading_early_and_sheets_are_capped():
    data = xlsx({f"S{n}": [(r, [(1, r)]) for r in range(1, 100)] for n in range(12)})
    with open_workbook(data, limits(max_sheets=10)) as book:
        assert [s.title for s in book.sheets] == [f"S{n}" for n in range(10)]
        assert book.sheets[0].read(width=1, max_row=3).rows == [(1,), (2,), (3,)]
        assert book.cells_read == 3


# --- the limits ------------------------------------------------------------------------------


def test_limits_come_from_settings_and_an_importer_may_only_lower_them(settings):
    settings.UME_IMPORT_MAX_ROWS = 50
    settings.UME_IMPORT_MAX_BYTES = 1234
    assert ImportLimits.from_settings().max_rows == 50
    assert ImportLimits.from_settings(max_rows=10).max_rows == 10
    assert ImportLimits.from_settings(max_rows=99).max_rows == 50
    assert ImportLimits.from_settings().max_bytes == 1234
    del settings.UME_IMPORT_MAX_COLUMNS
    assert ImportLimits.from_settings().max_columns == DEFAULT_LIMITS["max_columns"] == 64


def test_rows_beyond_the_limit_are_refused():
    data = xlsx({"台帳": [(1, [(1, "a")]), (11, [(LAST_COLUMN, "x")])]})
    with open_workbook(data, limits(max_rows=10)) as book:
        refused(lambda: book.sheets[0].read(width=1), match="“台帳” has more than 10 rows")
        assert book.sheets[0].read(width=1, max_row=10).rows == [("a",)]


def test_a_header_wider_than_the_column_limit_is_refused():
    data = xlsx({"台帳": [(1, [(n, f"h{n}") for n in range(1, 66)])]})
    with open_workbook(data, limits()) as book:
        sheet = book.sheets[0]
        head = sheet.read(width=64, max_row=1)
        assert head.extents == [65] and len(head.rows[0]) == 64
        refused(lambda: book.header_width(sheet, head.extents), match="more than 64 columns")
        assert book.header_width(sheet, [64]) == 64


def test_cells_are_counted_over_every_read_also_right_of_the_width():
    data = xlsx({"S": [(r, [(1, r), (LAST_COLUMN, "x")]) for r in range(1, 31)]})
    with open_workbook(data, limits(max_cells=100)) as book:
        book.sheets[0].read(width=1)  # 60 cells
        refused(lambda: book.sheets[0].read(width=1), match="more than 100 cells")


def test_xml_tags_parts_and_unpacked_size_are_capped():
    data = xlsx({"S": [(r, [(1, r)]) for r in range(1, 500)]})
    refused(lambda: open_workbook(data, limits(max_xml_tags=1_000)), match="too much data")
    refused(lambda: open_workbook(data, limits(max_parts=3)), match="too much data")
    refused(lambda: open_workbook(data, limits(max_inflated=1_000)), match="too large")
    open_workbook(data, limits()).close()


def test_a_cell_longer_than_excel_allows_is_refused():
    data = xlsx({"S": [(1, [(1, "x" * 32_768)])]})
    with open_workbook(data, limits()) as book:
        refused(lambda: book.sheets[0].read(width=1), match="more than 32767 characters")


@pytest.mark.parametrize(
    "cell",
    [
        '<c r="1A"><v>1</v></c>',  # not a cell reference
        '<c r="A1" t="s"><v>7</v></c>',  # no such shared string
        '<c r="A1"><v>12abc</v></c>',  # not a number
        '<c r="A1"><v>1</v>',  # not well-formed
    ],
)
def test_a_damaged_sheet_is_refused_clearly(cell):
    data = xlsx({"台帳": [(1, [(1, RawCell(cell))])]})
    with open_workbook(data, limits()) as book:
        refused(lambda: book.sheets[0].read(width=1), match="“台帳” cannot be read")


def test_a_document_type_declaration_is_refused():
    """No DTD in a sheet, so no entity expansion ("billion laughs")."""
    laughs = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">]>'
    sheet = f'<?xml version="1.0"?>{laughs}<worksheet><sheetData><row><c t="inlineStr">'
    sheet += "<is><t>&b;</t></is></c></row></sheetData></worksheet>"
    with open_workbook(xlsx({"S": sheet}), limits()) as book:
        refused(lambda: book.sheets[0].read(width=1), match="cannot be read")


def test_files_that_are_not_xlsx_are_refused():
    refused(lambda: open_workbook(b"PK\x03\x04 broken", limits()), match=r"\(\.xlsx\)")
    refused(lambda: open_workbook(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 9), match=".xls")
    refused(lambda: open_workbook(b"a,b\n1,2\n", limits()), match=r"\(\.xlsx\)")


def test_read_upload_checks_the_size_and_emptiness():
    assert read_upload(SimpleUploadedFile("a.xlsx", b"abc"), limits(max_bytes=3)) == b"abc"
    too_big = SimpleUploadedFile("a.xlsx", b"abcd")
    refused(lambda: read_upload(too_big, limits(max_bytes=3)), match="larger than")
    refused(lambda: read_upload(SimpleUploadedFile("a.xlsx", b""), limits()), match="empty")


def test_cell_text_undoes_the_export_guard_and_drops_the_spurious_decimal():
    assert cell_text("'=1+1") == "=1+1" and cell_text(3.0) == "3" and cell_text(None) == ""


# --- csv -------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp932"])
def test_csv_in_the_encodings_excel_writes(encoding):
    data = "資産名,分類,備考\n社内サーバー,ハードウェア,\n\n".encode(encoding)
    with open_csv(data, limits(), title="台帳.csv") as book:
        sheet = book.sheets[0]
        assert sheet.title == "台帳.csv"
        assert sheet.read(width=2).rows == [("資産名", "分類"), ("社内サーバー", "ハードウェア")]


def test_csv_has_the_same_limits():
    wide = ("a" + "," * 20_000 + "x\n").encode()
    with open_csv(wide, limits()) as book:
        read = book.sheets[0].read(width=1)
        assert read.rows == [("a",)] and read.extents == [20_001]
    refused(lambda: open_csv(wide, limits(max_cells=1_000)), match="more than 1000 cells")
    rows = "".join(f"{n}\n" for n in range(20)).encode()
    with open_csv(rows, limits(max_rows=10), title="台帳") as book:
        refused(lambda: book.sheets[0].read(width=1), match="“台帳” has more than 10 rows")
    long = ("x" * 32_768).encode()
    with open_csv(long, limits()) as book:
        refused(lambda: book.sheets[0].read(width=1), match="more than 32767 characters")


def test_csv_that_is_not_text_is_refused():
    refused(lambda: open_csv(b"\xff\xfe\x00\x80\x81", limits()), match="UTF-8 nor Shift_JIS")
    refused(lambda: open_csv(b"a,b\x00\n", limits(), title="x.csv"), match="cannot be read")

"""How an exported workbook and CSV file are laid out (ume/core/exports/sheets.py): column
widths that fit Japanese text, the meta sheet, print settings, CSV chunks and typed values.
An office worker opens these files in Excel; a column too narrow to read or a header missing
from the printed pages is what they would notice."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.utils import translation

from ume.core.exports import Table, iter_csv, write_xlsx
from ume.core.exports.sheets import csv_value, display_width, unneutralise_cell

from .test_exports import read_xlsx


def widths(ws) -> list[float]:
    return [ws.column_dimensions[letter].width for letter in "ABCD"]


@pytest.mark.parametrize(
    ("text", "width"),
    [("", 0), ("abc", 3), ("情報", 4), ("ＡＢ", 4), ("ｱｲ", 2), ("梅 Ume", 6)],
    ids=["empty", "ascii", "kanji", "full-width", "half-width-kana", "mixed"],
)
def test_display_width_counts_wide_characters_double(text, width):
    assert display_width(text) == width


def test_column_widths_fit_the_longest_line_of_the_header_and_first_rows():
    rows = [
        ["a", "情報" * 5, None, "短い\n長い説明 長い説明 長い説明"],
        ["b"],  # a short row: its missing cells count for nothing
        *[["c", "", "", ""]] * 98,
        ["x" * 50, "", "", ""],  # row 101: past the sample
    ]
    table = Table(title="幅", headers=["番号", "管理策名", "備考", "説明"], rows=rows)
    ws = read_xlsx(write_xlsx([table]))["幅"]
    # 8 at least; the longest line + 2; at most 60.
    assert widths(ws) == [8.0, 22.0, 8.0, 28.0]
    assert ws.max_row == 102  # every row written, the sampled ones and the rest
    wide = Table(title="広い", headers=["本文"], rows=[["あ" * 40]])
    assert read_xlsx(write_xlsx([wide]))["広い"].column_dimensions["A"].width == 60.0


def test_given_column_widths_are_used_as_they_are():
    table = Table(title="指定", headers=["A", "B"], rows=[["x" * 80, "y"]], column_widths=[12, 30])
    ws = read_xlsx(write_xlsx([table]))["指定"]
    assert widths(ws)[:2] == [12.0, 30.0]


def test_a_table_sheet_prints_on_a4_with_its_header_on_every_page():
    table = Table(title="一覧", headers=["管理策"], rows=[["方針"], ["役割"]])
    ws = read_xlsx(write_xlsx([table]))["一覧"]
    assert ws.page_setup.paperSize == 9  # A4 in OOXML's paper size codes
    assert ws.print_title_rows == "$1:$1"
    assert ws.auto_filter.ref == "A1:A3"


def test_the_meta_sheet_has_bold_labels_and_columns_sized_to_them():
    meta = {"組織": "梅商事株式会社", "出力日時": "2026-12-06 10:00"}
    ws = read_xlsx(write_xlsx([], meta=meta, meta_title="情報"))["情報"]
    assert [c.font.b for c in ws["A"]] == [True, True]
    assert not ws["B1"].font.b
    assert (ws.column_dimensions["A"].width, ws.column_dimensions["B"].width) == (12, 60)
    long_label = {"この書き出しに含まれる管理策と適用範囲の説明": "…"}
    ws = read_xlsx(write_xlsx([], meta=long_label)).worksheets[0]
    assert ws.column_dimensions["A"].width == 40


def test_a_workbook_needs_a_table_or_meta_and_names_ume_as_its_author():
    with pytest.raises(ValueError, match=r"^write_xlsx needs at least one table or meta$"):
        write_xlsx([])
    with translation.override("ja"):
        wb = read_xlsx(write_xlsx([], meta={"組織": "梅商事"}, title="適用宣言書"))
    assert wb.sheetnames == ["情報"]
    assert (wb.properties.creator, wb.properties.lastModifiedBy) == ("Ume", "Ume")
    assert wb.properties.title == "適用宣言書"


def test_csv_chunks_hold_exactly_chunk_rows_rows_after_the_header():
    table = Table(title="t", headers=["番号"], rows=[[n] for n in range(1, 6)])
    chunks = list(iter_csv(table, chunk_rows=2))
    assert chunks == [
        b"\xef\xbb\xbf\xe7\x95\xaa\xe5\x8f\xb7\r\n",  # BOM and 番号
        b"1\r\n2\r\n",
        b"3\r\n4\r\n",
        b"5\r\n",
    ]
    even = Table(title="t", headers=["番号"], rows=[[1], [2]])
    assert list(iter_csv(even, chunk_rows=2))[1:] == [b"1\r\n2\r\n"]  # no empty tail


def test_csv_writes_times_in_japan_time_to_the_second():
    at = datetime(2026, 11, 24, 0, 35, 7, 123456, tzinfo=UTC)
    assert csv_value(at) == "2026-11-24 09:35:07"
    line = b"".join(iter_csv(Table(title="t", headers=["日時"], rows=[[at]]))).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(line)))[1] == ["2026-11-24 09:35:07"]


@pytest.mark.parametrize(
    ("text", "read_back"),
    [("'=1+1", "=1+1"), ("'=", "="), ("'", "'"), ("''", "''"), ("'abc", "'abc"), ("", "")],
)
def test_only_the_quote_put_before_a_formula_prefix_is_removed_on_import(text, read_back):
    assert unneutralise_cell(text) == read_back

"""The shared cell readers (ume.core.cells): text normalisation, ○/× marks, dates (Excel
serials, 西暦 and 和暦 text, strict era boundaries), 「同上」 cells, header rows and trailing
blank rows. Expected dates are computed here independently of the module (its era table is
not imported)."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import translation
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ume.core.cells import (
    CellError,
    combine_two_row_headers,
    find_header,
    header_columns,
    header_groups,
    nfkc,
    normalise,
    read_date,
    read_mark,
    same_as_above,
    trim_blank_rows,
    wareki,
)

# Written here, not imported: (name, letter, first day).
ERAS = (
    ("昭和", "S", date(1926, 12, 25)),
    ("平成", "H", date(1989, 1, 8)),
    ("令和", "R", date(2019, 5, 1)),
)
EXCEL_DAY_ZERO = date(1899, 12, 30)  # serials from 61 on count from here


def full_width(text: str) -> str:
    """ASCII letters, digits and punctuation as their 全角 forms, spaces as U+3000."""
    return "".join(
        "\u3000" if c == " " else chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text
    )


def english_error(call) -> str:
    with translation.override("en"), pytest.raises(CellError) as caught:
        call()
    assert str(caught.value) == caught.value.message
    return caught.value.message


# --- normalise -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("", ""),
        ("  梅  ", "梅"),
        ("ＡＢＣ　１２３", "ABC 123"),  # 全角 letters, digits and space
        ("ｱｲｳ", "アイウ"),  # 半角カナ → 全角
        ("管理\n番号", "管理 番号"),
        ("a \t\u3000\r\n b", "a b"),
        ("㍻", "平成"),
        (3.0, "3"),  # cell_text first: no spurious .0
        (True, "TRUE"),
        ("'=1+2", "=1+2"),  # the export's formula guard undone
    ],
)
def test_normalise(value, expected):
    assert normalise(value) == expected


def test_equal_cells_of_different_types_read_as_their_own_text():
    # Each distinct cell is read once: True, 1 and 1.0 are equal in Python, not in a sheet.
    assert [normalise(v) for v in (1, True, 1.0, 1.5, 1, True)] == [
        "1",
        "TRUE",
        "1",
        "1.5",
        "1",
        "TRUE",
    ]
    assert [normalise(v) for v in (False, 0, 0.0)] == ["FALSE", "0", "0"]
    assert normalise(["ａ"]) == "['a']"  # not hashable: read all the same


def test_nfkc_keeps_line_breaks_and_inner_spaces():
    assert nfkc("Ａ．５\n情報　 セキュリティ") == "A.5\n情報  セキュリティ"


@given(st.text())
def test_normalise_is_one_stripped_line_and_idempotent(text):
    once = normalise(text)
    assert normalise(once) == once
    assert once == once.strip()
    assert "  " not in once
    assert not any(c in once for c in "\n\r\t\u3000")


@given(st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E)))
def test_full_width_ascii_reads_as_ascii(text):
    # Compared with the text itself: normalise(text) would undo a leading "'" (the export's
    # formula guard), which a 全角 ＇ never is.
    assert normalise(full_width(text)) == text


# --- marks -----------------------------------------------------------------------------------

YES = ["○", "〇", "◯", "●", "✓", "✔", "レ", "有", "あり", "はい", "Yes", "Y", "TRUE", "1"]
NO = ["×", "✕", "✖", "無", "なし", "いいえ", "No", "N", "FALSE", "0"]
UNSET = [None, "", "   ", "\u3000", "－", "-", "ー", "ｰ", "—", "‐"]


@pytest.mark.parametrize("mark", YES)
def test_yes_marks(mark):
    assert read_mark(mark) is True
    assert read_mark(f"\u3000{mark} ") is True


@pytest.mark.parametrize("mark", NO)
def test_no_marks(mark):
    assert read_mark(mark) is False
    assert read_mark(f" {mark}\n") is False


@pytest.mark.parametrize("value", UNSET)
def test_blank_and_dashes_are_unset(value):
    assert read_mark(value) is None


# 全角, 半角カナ (ﾚ, ｰ), case, an emoji variation selector (✔️) and cell types.
@pytest.mark.parametrize(
    "value", ["yes", "YES", "ｙｅｓ", "Ｙ", "true", "１", "ﾚ", "✔️", 1, 1.0, True]
)
def test_yes_ignores_case_width_and_type(value):
    assert read_mark(value) is True


@pytest.mark.parametrize("value", ["no", "ＮＯ", "false", "０", 0, 0.0, False])
def test_no_ignores_case_width_and_type(value):
    assert read_mark(value) is False


@pytest.mark.parametrize("value", ["maybe", "適用", "除外", "△", "2", "○×", "yes!", "有無"])
def test_other_values_are_refused_with_the_accepted_marks(value):
    message = english_error(lambda: read_mark(value))
    assert f"“{value}”" in message
    assert "○" in message and "×" in message and "Yes" in message and "No" in message


def test_a_long_value_is_cut_in_the_message():
    message = english_error(lambda: read_mark("あ" * 500))
    assert "あ" * 39 + "…" in message
    assert "あ" * 40 not in message


def test_cell_error_is_a_value_error_with_its_message():
    with pytest.raises(ValueError, match="not a yes/no mark"), translation.override("en"):
        read_mark("?")


# --- dates: values and Excel serials ---------------------------------------------------------


def test_blank_and_dashes_are_no_date():
    for value in UNSET:
        assert read_date(value) is None


def test_date_and_datetime_values():
    assert read_date(date(2024, 4, 1)) == date(2024, 4, 1)
    read = read_date(datetime(2024, 4, 1, 23, 59))
    assert read == date(2024, 4, 1)
    assert type(read) is date


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        (1, date(1900, 1, 1)),
        (2, date(1900, 1, 2)),
        (31, date(1900, 1, 31)),
        (59, date(1900, 2, 28)),
        (61, date(1900, 3, 1)),
        (45383, date(2024, 4, 1)),
        (45383.0, date(2024, 4, 1)),
        (45383.999, date(2024, 4, 1)),  # a time of day is dropped
        (1.5, date(1900, 1, 1)),
        (2958465, date(9999, 12, 31)),
    ],
)
def test_excel_serials(serial, expected):
    assert read_date(serial) == expected


@pytest.mark.parametrize("serial", [0, 0.5, -1, 2958466, 10**7, float("nan"), float("inf")])
def test_serials_out_of_range_are_refused(serial):
    message = english_error(lambda: read_date(serial))
    assert "2958465" in message


def test_excels_fictitious_1900_02_29_is_refused():
    assert "1900-02-29" in english_error(lambda: read_date(60))
    assert "1900-02-29" in english_error(lambda: read_date(60.25))


@pytest.mark.parametrize("value", [True, False])
def test_booleans_are_not_dates(value):
    assert "not a date" in english_error(lambda: read_date(value))


def test_an_eight_digit_number_reads_as_written():
    assert read_date(20240401) == date(2024, 4, 1)
    assert read_date(20240401.0) == date(2024, 4, 1)
    assert "not a day" in english_error(lambda: read_date(20230229))
    assert "2958465" in english_error(lambda: read_date(20240401.5))  # a serial, out of range


@settings(deadline=None)
@given(st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 12, 31)), st.booleans())
def test_any_date_reads_back_from_its_excel_serial(day, as_float):
    serial = (day - EXCEL_DAY_ZERO).days
    assert read_date(float(serial) + 0.5 if as_float else serial) == day


# --- dates: 西暦 text ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2024/4/1",
        "2024/04/01",
        "2024-04-01",
        "2024-4-1",
        "2024.4.1",
        "2024年4月1日",
        "2024年04月01日",
        "2024 年 4 月 1 日",
        "2024年4月1",
        "20240401",
        "２０２４／４／１",
        "２０２４年４月１日",
        "２０２４０４０１",
        "2024/4/1 9:30",
        "2024/4/1 09:30:15",
        "2024-04-01T09:30:00",
        " 2024/4/1\n",
    ],
)
def test_western_text(text):
    assert read_date(text) == date(2024, 4, 1)


@pytest.mark.parametrize(
    "text", ["2023/2/29", "2024/2/30", "2024/4/31", "2024-13-01", "2024/0/1", "20240431"]
)
def test_days_that_do_not_exist_are_refused(text):
    assert "not a day of the calendar" in english_error(lambda: read_date(text))


def test_leap_days():
    assert read_date("2024/2/29") == date(2024, 2, 29)
    assert read_date("2000/2/29") == date(2000, 2, 29)
    with pytest.raises(CellError):
        read_date("1900/2/29")


@pytest.mark.parametrize(
    "text", ["abc", "24/4/1", "2024/4", "4月1日", "2024/4-1", "2024//4/1", "R", "令和", "9:30"]
)
def test_text_that_is_not_a_date_is_refused(text):
    message = english_error(lambda: read_date(text))
    assert "not a date" in message
    assert "令和6年4月1日" in message


WESTERN_STYLES = (
    lambda d: f"{d.year}/{d.month}/{d.day}",
    lambda d: f"{d.year:04}-{d.month:02}-{d.day:02}",
    lambda d: f"{d.year}.{d.month}.{d.day}",
    lambda d: f"{d.year}年{d.month}月{d.day}日",
    lambda d: f"{d.year:04}{d.month:02}{d.day:02}",
)


@settings(deadline=None)
@given(
    st.dates(min_value=date(1000, 1, 1)),
    st.sampled_from(WESTERN_STYLES),
    st.booleans(),
)
def test_any_date_reads_back_from_western_text(day, style, wide):
    text = style(day)
    assert read_date(full_width(text) if wide else text) == day


@given(st.integers(1900, 2100), st.integers(1, 12), st.integers(1, 31), st.sampled_from("/-."))
def test_western_text_reads_exactly_the_days_that_exist(year, month, day, separator):
    try:
        expected = date(year, month, day)
    except ValueError:
        expected = None
    text = f"{year}{separator}{month}{separator}{day}"
    if expected is None:
        with pytest.raises(CellError):
            read_date(text)
    else:
        assert read_date(text) == expected


# --- dates: 和暦 text ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和6年4月1日", date(2024, 4, 1)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("令和1年5月1日", date(2019, 5, 1)),
        ("R6.4.1", date(2024, 4, 1)),
        ("R06/04/01", date(2024, 4, 1)),
        ("r6-4-1", date(2024, 4, 1)),
        ("R元.5.1", date(2019, 5, 1)),
        ("Ｒ６．４．１", date(2024, 4, 1)),
        ("令和６年４月１日", date(2024, 4, 1)),
        ("令和 6 年 4 月 1 日", date(2024, 4, 1)),
        ("令和6年4月1日 10:00", date(2024, 4, 1)),
        ("令和6年4月1", date(2024, 4, 1)),  # 日 left out
        ("令和100年1月1日", date(2118, 1, 1)),
        ("㋿6年4月1日", date(2024, 4, 1)),
        ("H31.4.30", date(2019, 4, 30)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("H1.1.8", date(1989, 1, 8)),
        ("㍻2年2月1日", date(1990, 2, 1)),
        ("S64.1.7", date(1989, 1, 7)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("昭和元年12月25日", date(1926, 12, 25)),
        ("S50.10.10", date(1975, 10, 10)),
        ("平成12年2月29日", date(2000, 2, 29)),
        ("大正元年7月30日", date(1912, 7, 30)),
        ("T15.12.24", date(1926, 12, 24)),
        ("明治45年7月29日", date(1912, 7, 29)),
        ("M33.1.1", date(1900, 1, 1)),
    ],
)
def test_japanese_era_text(text, expected):
    assert read_date(text) == expected


@pytest.mark.parametrize(
    ("text", "last_day", "last_iso"),
    [
        ("平成31年5月1日", "平成31年4月30日", "2019-04-30"),
        ("H31.5.1", "平成31年4月30日", "2019-04-30"),
        ("平成32年1月1日", "平成31年4月30日", "2019-04-30"),
        ("昭和64年1月8日", "昭和64年1月7日", "1989-01-07"),
        ("S65.1.1", "昭和64年1月7日", "1989-01-07"),
        ("大正15年12月25日", "大正15年12月24日", "1926-12-24"),
        ("明治45年7月30日", "明治45年7月29日", "1912-07-29"),
    ],
)
def test_dates_after_their_era_are_refused_naming_its_last_day(text, last_day, last_iso):
    message = english_error(lambda: read_date(text))
    assert last_day in message
    assert last_iso in message


def test_the_refusal_says_how_to_write_that_day():
    message = english_error(lambda: read_date("平成31年5月1日"))
    assert "令和元年5月1日" in message
    assert "2019-05-01" in message


@pytest.mark.parametrize(
    ("text", "first_day"),
    [
        ("令和元年4月30日", "令和元年5月1日"),
        ("R1.1.1", "令和元年5月1日"),
        ("平成元年1月7日", "平成元年1月8日"),
        ("昭和元年12月24日", "昭和元年12月25日"),
        ("令和0年6月1日", "令和元年5月1日"),
    ],
)
def test_dates_before_their_era_are_refused_naming_its_first_day(text, first_day):
    assert first_day in english_error(lambda: read_date(text))


@pytest.mark.parametrize("text", ["令和5年13月1日", "令和5年2月29日", "平成31年4月31日", "R6.2.30"])
def test_japanese_days_that_do_not_exist_are_refused(text):
    assert "not a day of the calendar" in english_error(lambda: read_date(text))


@pytest.mark.parametrize(
    "text", ["令和6年", "X6.4.1", "令和六年四月一日", "R6/4.1", "令和6年4月1日日"]
)
def test_japanese_text_that_is_not_a_date_is_refused(text):
    with pytest.raises(CellError):
        read_date(text)


def era_of(day: date) -> tuple[str, str, int]:
    """(name, letter, year in the era) from the table above."""
    name, letter, start = next(e for e in reversed(ERAS) if e[2] <= day)
    return name, letter, day.year - start.year + 1


JAPANESE_STYLES = (
    lambda name, letter, y, d: f"{name}{'元' if y == 1 else y}年{d.month}月{d.day}日",
    lambda name, letter, y, d: f"{name}{y}年{d.month:02}月{d.day:02}日",
    lambda name, letter, y, d: f"{letter}{y}.{d.month}.{d.day}",
    lambda name, letter, y, d: f"{letter}{y:02}/{d.month:02}/{d.day:02}",
    lambda name, letter, y, d: f"{letter.lower()}{y}-{d.month}-{d.day}",
)


@settings(deadline=None)
@given(
    st.dates(min_value=date(1989, 1, 8), max_value=date(2200, 12, 31)),
    st.sampled_from(JAPANESE_STYLES),
    st.booleans(),
)
@example(date(1989, 1, 8), JAPANESE_STYLES[0], False)  # 平成元年1月8日
@example(date(2019, 4, 30), JAPANESE_STYLES[0], False)  # 平成31年4月30日
@example(date(2019, 5, 1), JAPANESE_STYLES[0], False)  # 令和元年5月1日
@example(date(2019, 12, 31), JAPANESE_STYLES[0], True)  # 令和元年, a month end, 全角
@example(date(2020, 2, 29), JAPANESE_STYLES[0], False)  # 令和2年2月29日
@example(date(1996, 2, 29), JAPANESE_STYLES[3], True)  # H08/02/29
@example(date(2024, 4, 30), JAPANESE_STYLES[2], False)
@example(date(2023, 11, 30), JAPANESE_STYLES[1], True)
def test_any_date_reads_back_from_japanese_era_text(day, style, wide):
    text = style(*era_of(day), day)
    assert read_date(full_width(text) if wide else text) == day


@settings(deadline=None)
@given(
    st.dates(min_value=date(1926, 12, 25), max_value=date(2100, 12, 31)),
    st.sampled_from(range(len(ERAS))),
)
@example(date(2019, 5, 1), 1)  # 平成31年5月1日
@example(date(1989, 1, 8), 0)  # 昭和64年1月8日
@example(date(2019, 4, 30), 2)  # 令和元年4月30日
def test_era_text_reads_only_within_its_era(day, index):
    name, _letter, start = ERAS[index]
    end = ERAS[index + 1][2] - timedelta(days=1) if index + 1 < len(ERAS) else date.max
    year = day.year - start.year + 1
    text = f"{name}{year}年{day.month}月{day.day}日"
    if start <= day <= end:
        assert read_date(text) == day
    else:
        with pytest.raises(CellError):
            read_date(text)


def test_wareki_writes_the_era_form():
    assert wareki(date(2019, 5, 1)) == "令和元年5月1日"
    assert wareki(date(2019, 4, 30)) == "平成31年4月30日"
    assert wareki(date(2024, 12, 31)) == "令和6年12月31日"
    assert wareki(date(1800, 1, 1)) == "1800-01-01"


# --- 同上 ------------------------------------------------------------------------------------


def test_same_as_above_copies_the_value_above_and_chains():
    rows = [
        ["A-1", "総務部", "PC", 1],
        ["A-2", "同上", "〃", "〃"],
        ["A-3", "″", '"', "同"],
        ["A-4", "　同上　", "＂", "経理"],
        ["A-5", "営業部", "同上", None],
    ]
    assert same_as_above(rows, [1, 2]) == [
        ["A-1", "総務部", "PC", 1],
        ["A-2", "総務部", "PC", "〃"],  # column 3 was not asked for
        ["A-3", "総務部", "PC", "同"],
        ["A-4", "総務部", "PC", "経理"],
        ["A-5", "営業部", "PC", None],
    ]


def test_same_as_above_does_not_change_its_input_and_takes_tuples():
    rows = [("総務部", "PC"), ("〃", "〃")]
    out = same_as_above(rows, (0, 1))
    assert out == [["総務部", "PC"], ["総務部", "PC"]]
    assert rows == [("総務部", "PC"), ("〃", "〃")]
    lists = [["a"], ["〃"]]
    same_as_above(lists, [0])
    assert lists == [["a"], ["〃"]]


def test_only_a_whole_mark_is_replaced():
    rows = [["総務部"], ["同上記のとおり"], ["〃〃"], [""], ["同上"]]
    assert same_as_above(rows, [0]) == [["総務部"], ["同上記のとおり"], ["〃〃"], [""], [""]]


def test_short_rows():
    assert same_as_above([["a"], ["b", "〃"], ["c"]], [1]) == [["a"], ["b", None], ["c"]]


def test_custom_marks():
    rows = [["x"], ["same"], ["〃"]]
    assert same_as_above(rows, [0], marks=("same",)) == [["x"], ["x"], ["〃"]]


def test_a_mark_in_the_first_row_is_refused():
    with translation.override("en"), pytest.raises(CellError) as caught:
        same_as_above([["A-1", "〃"], ["A-2", "x"]], [1])
    assert caught.value.row == 0
    assert caught.value.column == 1
    assert "“〃”" in caught.value.message
    assert "no row above" in caught.value.message


# --- headers ---------------------------------------------------------------------------------

EXPECTED = {
    "number": {"管理番号", "No.", "番号"},
    "name": {"資産名", "名称", "Asset name"},
    "owner": {"管理責任者", "Owner"},
}


def test_find_header_below_merged_title_rows():
    rows = [
        ("情報資産管理台帳", None, None, None),
        (None, None, None, "2024年4月1日現在"),
        ("資産名", None, None, None),  # one header name only: a note, not the header
        ("管理番号", "資産名", "分類", "管理責任者"),
        ("A-1", "顧客名簿", "情報", "総務部長"),
    ]
    assert find_header(rows, EXPECTED) == 3
    assert find_header(rows, EXPECTED, min_matches=3) == 3
    assert find_header(rows, EXPECTED, min_matches=1) == 2
    assert find_header(rows, EXPECTED, min_matches=4) is None


def test_find_header_compares_normalised_case_folded_text():
    rows = [[None], ["ＮＯ．", "asset　NAME", " 管理\n責任者 "]]
    assert find_header(rows, EXPECTED, min_matches=3) == 1
    assert header_columns(rows[1], EXPECTED) == {"number": 0, "name": 1, "owner": 2}


def test_find_header_counts_fields_not_cells():
    rows = [["番号", "管理番号", "No."], ["番号", "名称"]]
    assert find_header(rows, EXPECTED) == 1


def test_find_header_without_a_header():
    assert find_header([], EXPECTED) is None
    assert find_header([["a", "b"], [None, 1]], EXPECTED) is None


def test_header_columns_keeps_the_first_of_a_field():
    assert header_columns(["備考", "名称", "資産名", "Owner"], EXPECTED) == {"name": 1, "owner": 3}


def test_a_header_text_of_two_fields_is_a_programming_error():
    with pytest.raises(ValueError, match="both"):
        find_header([["a"]], {"a": {"名称"}, "b": {"名称 "}})


TOP = ["管理番号", "資産名", "重要度", None, None, "備考", "評価", None]
BOTTOM = [None, None, "機密性", "完全性", "可用性", None, "機密性", "可用性"]


def test_two_row_headers():
    names = "管理番号 資産名 機密性 完全性 可用性 備考 機密性 可用性"
    assert combine_two_row_headers(TOP, BOTTOM) == names.split()
    assert header_groups(TOP, BOTTOM) == [
        ("", "管理番号"),
        ("", "資産名"),
        ("重要度", "機密性"),
        ("重要度", "完全性"),
        ("重要度", "可用性"),
        ("", "備考"),
        ("評価", "機密性"),
        ("評価", "可用性"),
    ]


def test_a_group_ends_at_a_column_blank_in_both_rows_or_at_a_top_only_header():
    top = ["重要度", None, None, None, "備考", None]
    bottom = ["機密性", "完全性", None, "担当", None, "補足"]
    assert header_groups(top, bottom) == [
        ("重要度", "機密性"),
        ("重要度", "完全性"),
        ("", ""),
        ("", "担当"),
        ("", "備考"),
        ("", "補足"),
    ]


def test_two_row_headers_of_different_lengths_are_normalised():
    assert header_groups(["ＩＤ", "重要度\n（ＣＩＡ）"], [None, "機密性", "完全性"]) == [
        ("", "ID"),
        ("重要度 (CIA)", "機密性"),
        ("重要度 (CIA)", "完全性"),
    ]
    assert combine_two_row_headers([], []) == []


# --- blank rows ------------------------------------------------------------------------------


def test_trim_blank_rows_drops_only_trailing_blank_rows():
    rows = [("a", None), (None, None), ("b", 1), (None, ""), ("\u3000", " \n"), ()]
    assert trim_blank_rows(rows) == [("a", None), (None, None), ("b", 1)]
    assert rows[-1] == ()  # not changed
    assert trim_blank_rows([(None,), ("",)]) == []
    assert trim_blank_rows([]) == []
    assert trim_blank_rows([[0]]) == [[0]]  # 0 is a value, not a blank

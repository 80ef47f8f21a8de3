"""Shared readers of spreadsheet cells: every importer reads the mess of real Japanese
spreadsheets (asset ledgers, SoAs) the same way.

* :func:`normalise`: a cell as one line of text, NFKC (全角英数字・空白 → 半角), spaces collapsed.
* :func:`read_mark`: ○/×-style yes/no marks (○ 〇 ✓ レ 有 はい Yes 1 / × 無 いいえ No 0 / - blank).
* :func:`read_date`: dates as Excel gives them (date objects, serial numbers) or as people type
  them (2024/4/1, 2024年4月1日, 20240401, 令和6年4月1日, R6.4.1, H31.4.30 …).
* :func:`same_as_above`: 「同上」「〃」 cells replaced by the value above them.
* :func:`find_header`, :func:`header_columns`, :func:`header_groups`,
  :func:`combine_two_row_headers`: the header row below merged title rows, and two-row headers
  whose group cell (重要度) is merged over its columns (機密性・完全性・可用性).
* :func:`trim_blank_rows`: the rows without the blank ones at the end.

Everything here is pure (no models, no database). A value that cannot be read raises
:class:`CellError`, whose message is translated and says what to write instead.
"""

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _

from .importing import cell_text

SHOWN_CHARS = 40  # of a cell quoted in an error message
EXCEL_MAX_SERIAL = 2_958_465  # 9999-12-31
DITTO_MARKS = ("同上", "〃", "″", '"', "同")


class CellError(ValueError):
    """A cell that cannot be read. ``message`` is translated; ``row`` and ``column`` (indexes
    into the rows given, when known) let the importer name the cell."""

    def __init__(self, message: str, *, row: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column


# --- text ------------------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")


def nfkc(value: Any) -> str:
    """A cell as text (:func:`~ume.core.importing.cell_text`) in Unicode NFKC, line breaks and
    spaces kept as written."""
    return unicodedata.normalize("NFKC", cell_text(value))


def normalise(value: Any) -> str:
    """A cell as one line of text: NFKC (全角 digits, letters and spaces → half-width, ㍻ → 平成),
    every run of whitespace (U+3000, tabs, line breaks) → one space, stripped."""
    try:
        return _normalised(value)
    except TypeError:  # not hashable
        return _normalise(value)


def _normalise(value: Any) -> str:
    return _SPACES.sub(" ", nfkc(value)).strip()


# A sheet repeats its marks, levels, names and dates: each distinct cell is read once (typed:
# True, 1 and 1.0 are different cells).
_normalised = lru_cache(maxsize=8192, typed=True)(_normalise)


def _shown(text: str) -> str:
    """A cell's text as quoted in a message: long cells are cut."""
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


# --- marks -----------------------------------------------------------------------------------

YES_MARKS = (
    "○",
    "〇",
    "◯",
    "●",
    "✓",
    "✔",
    "レ",
    "有",
    "有り",
    "あり",
    "はい",
    "Yes",
    "Y",
    "TRUE",
    "1",
)
NO_MARKS = ("×", "✕", "✖", "無", "無し", "なし", "いいえ", "No", "N", "FALSE", "0")
# Blank or a dash: nothing stated. － and ｰ become - and ー under NFKC.
UNSET_MARKS = ("-", "－", "ー", "—", "‐", "–", "―", "−")


def _mark_key(value: Any) -> str:
    # Emoji variation selectors (✔️ typed on a phone) are not part of the mark.
    return normalise(value).casefold().replace("\ufe0f", "").replace("\ufe0e", "")


_UNSET = {_mark_key(m) for m in UNSET_MARKS}
_MARKS: dict[str, bool | None] = {
    **dict.fromkeys(_UNSET),
    **{_mark_key(m): True for m in YES_MARKS},
    **{_mark_key(m): False for m in NO_MARKS},
}


def read_mark(value: Any) -> bool | None:
    """True for a yes mark (○ 〇 ◯ ● ✓ ✔ レ 有 有り あり はい Yes Y TRUE 1), False for a no
    mark (× ✕ ✖ 無 無し なし いいえ No N FALSE 0), None for a blank cell or a dash (- － ー — ‐,
    also – ― −).
    Compared after :func:`normalise`, ignoring case (ｙｅｓ, YES, yes). Anything else raises
    :class:`CellError` listing the accepted marks."""
    key = _mark_key(value)
    if not key:
        return None
    if key in _MARKS:
        return _MARKS[key]
    raise CellError(
        _(
            "“{value}” is not a yes/no mark. Enter one of {yes} for yes or one of {no} for "
            "no, or leave the cell blank (or enter -) when it does not apply."
        ).format(value=_shown(normalise(value)), yes=" ".join(YES_MARKS), no=" ".join(NO_MARKS))
    )


# --- dates -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Era:
    name: str  # 令和
    letter: str  # R
    start: date  # its first day (Gregorian)


# 明治 starts on 1868-01-25, the Gregorian day of 明治元年1月1日 (the era was proclaimed on
# 1868-10-23, back-dated to the start of the year). Dates before 明治6年 (1873) were lunisolar;
# they are read as Gregorian month and day, without conversion.
ERAS = (
    Era("明治", "M", date(1868, 1, 25)),
    Era("大正", "T", date(1912, 7, 30)),
    Era("昭和", "S", date(1926, 12, 25)),
    Era("平成", "H", date(1989, 1, 8)),
    Era("令和", "R", date(2019, 5, 1)),
)
_ERA_BY_NAME = {e.name: e for e in ERAS} | {e.letter: e for e in ERAS}
_EXCEL_EPOCH = date(1899, 12, 30)  # serial 0 for serials from 61 on
_TIME = re.compile(r"(?:[ T]|^)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_WESTERN = (
    re.compile(r"(\d{4})([/.-])(\d{1,2})\2(\d{1,2})"),
    re.compile(r"(\d{4})年()(\d{1,2})月(\d{1,2})日?"),
    re.compile(r"(\d{4})()(\d{2})(\d{2})"),
)
_ERA_NAMES = "|".join(e.name for e in ERAS) + "|[" + "".join(e.letter for e in ERAS) + "]"
_JAPANESE = (
    re.compile(rf"({_ERA_NAMES})(元|\d{{1,3}})年()(\d{{1,2}})月(\d{{1,2}})日?"),
    re.compile(rf"({_ERA_NAMES})(元|\d{{1,3}})([/.-])(\d{{1,2}})\3(\d{{1,2}})"),
)


def _era_end(era: Era) -> date | None:
    later = [e.start for e in ERAS if e.start > era.start]
    return min(later) - timedelta(days=1) if later else None


def wareki(day: date) -> str:
    """``day`` in 和暦 as 令和6年4月1日 (元年 for year 1); before 明治, in 西暦 ISO form."""
    era = next((e for e in reversed(ERAS) if e.start <= day), None)
    if era is None:
        return day.isoformat()
    year = day.year - era.start.year + 1
    return f"{era.name}{'元' if year == 1 else year}年{day.month}月{day.day}日"


def _not_a_date(text: str) -> CellError:
    return CellError(
        _(
            "“{value}” is not a date. Write it like 2024/4/1, 2024-04-01, 2024年4月1日 "
            "or 令和6年4月1日."
        ).format(value=_shown(text))
    )


def _no_such_day(text: str) -> CellError:
    return CellError(
        _("“{value}” is not a day of the calendar. Check the year, month and day.").format(
            value=_shown(text)
        )
    )


def _from_serial(number: int | float) -> date:
    """An Excel serial number (1900 date system) as a date; a time of day is dropped."""
    if not math.isfinite(number) or not 1 <= number < EXCEL_MAX_SERIAL + 1:
        raise CellError(
            _(
                "{value} is not a date: Excel date numbers run from 1 (1900-01-01) to "
                "{last} (9999-12-31). Enter the date like 2024/4/1."
            ).format(value=cell_text(number), last=EXCEL_MAX_SERIAL)
        )
    days = int(number)
    if days == 60:  # Excel's 1900-02-29, kept for Lotus 1-2-3, never existed
        raise CellError(
            _(
                "60 is the date number Excel gives to 1900-02-29, a day that never existed. "
                "Enter the date like 2024/4/1."
            )
        )
    # Serials 1–59 count from 1899-12-31; from 61 on, one day less because of that 60.
    return _EXCEL_EPOCH + timedelta(days=days + (1 if days < 60 else 0))


def _in_era(era: Era, year: int, month: int, day: int, text: str) -> date:
    """The date of 和暦 ``era`` ``year``/``month``/``day``, refused outside the era."""
    try:
        found = date(era.start.year + year - 1, month, day)
    except ValueError:
        raise _no_such_day(text) from None
    if found < era.start:  # also year 0
        raise CellError(
            _(
                "“{value}” is before the start of the {era} era, whose first day was {first} "
                "({first_iso})."
            ).format(
                value=_shown(text),
                era=era.name,
                first=wareki(era.start),
                first_iso=era.start.isoformat(),
            )
        )
    end = _era_end(era)
    if end is not None and found > end:
        raise CellError(
            _(
                "“{value}” is after the end of the {era} era, whose last day was {last} "
                "({last_iso}). For that day, write {same} or {same_iso}."
            ).format(
                value=_shown(text),
                era=era.name,
                last=wareki(end),
                last_iso=end.isoformat(),
                same=wareki(found),
                same_iso=found.isoformat(),
            )
        )
    return found


def _from_text(text: str) -> date:
    compact = _TIME.sub("", text).replace(" ", "")  # 2024/4/1 0:00 from a csv; 令和 6 年
    for pattern in _WESTERN:
        if match := pattern.fullmatch(compact):
            year, _sep, month, day = match.groups()
            try:
                return date(int(year), int(month), int(day))
            except ValueError:
                raise _no_such_day(text) from None
    for pattern in _JAPANESE:
        if match := pattern.fullmatch(compact.upper()):
            name, year, _sep, month, day = match.groups()
            number = 1 if year == "元" else int(year)
            return _in_era(_ERA_BY_NAME[name], number, int(month), int(day), text)
    raise _not_a_date(text)


def read_date(value: Any) -> date | None:
    """A cell as a date, or None when blank (or a dash, as in :func:`read_mark`).

    Accepted: ``datetime``/``date`` values (the time is dropped); Excel serial numbers of the
    1900 date system, 1 (1900-01-01) to 2958465 (9999-12-31), with Excel's fictitious
    1900-02-29 (serial 60) refused and any fraction (a time) dropped; an integer of the form
    20240401, which a sheet shows as typed, read like the text 20240401; text, after
    :func:`normalise` (so 全角 digits and ㍻-style era signs are fine): 2024/4/1, 2024-04-01,
    2024.4.1, 2024年4月1日, 20240401, and 和暦 令和6年4月1日, 令和元年5月1日, R6.4.1,
    R06/04/01, H31.4.30, S64.1.7 (eras 明治 M, 大正 T, 昭和 S, 平成 H, 令和 R; see ``ERAS``).
    Spaces inside the text and a final 日 left out are fine; a trailing time (2024/4/1 9:30)
    is ignored.

    Strict: a day that does not exist (2023/2/29, 令和5年13月1日) and a 和暦 date outside its
    era (平成31年5月1日, 昭和64年1月8日, 令和元年4月30日) raise :class:`CellError`; the message
    names the era's last (or first) day."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 19_000_101 <= value <= 99_991_231:
            return _from_text(cell_text(value))
        return _from_serial(value)
    text = normalise(value)
    if not text or _mark_key(text) in _UNSET:
        return None
    if isinstance(value, bool):
        raise _not_a_date(text)
    return _from_text(text)


# --- rows ------------------------------------------------------------------------------------


def same_as_above(
    rows: Sequence[Sequence[Any]],
    columns: Iterable[int],
    marks: Iterable[str] = DITTO_MARKS,
) -> list[list[Any]]:
    """New rows in which a cell of ``columns`` (indexes) that says only 「同上」「〃」… (one of
    ``marks``, compared after :func:`normalise`) holds the value of the same column in the row
    before, after that row's own replacement (so chains of 〃 work). A row too short to have the
    column above copies None. A mark in the first row raises :class:`CellError` (``row`` 0).
    ``rows`` is not changed."""
    wanted = {normalise(m) for m in marks}
    wanted.discard("")
    indexes = sorted(set(columns))
    out: list[list[Any]] = []
    for index, row in enumerate(rows):
        new = list(row)
        for column in indexes:
            if column >= len(new) or normalise(new[column]) not in wanted:
                continue
            if index == 0:
                raise CellError(
                    _(
                        "The first row says “{mark}” (same as above) in column {column}, but "
                        "there is no row above it. Enter the value itself."
                    ).format(mark=normalise(new[column]), column=column + 1),
                    row=index,
                    column=column,
                )
            above = out[index - 1]
            new[column] = above[column] if column < len(above) else None
        out.append(new)
    return out


def trim_blank_rows(rows: Sequence[Sequence[Any]]) -> list[Sequence[Any]]:
    """``rows`` without the trailing rows whose cells are all blank (None, "" or spaces)."""
    end = len(rows)
    while end and not any(normalise(cell) for cell in rows[end - 1]):
        end -= 1
    return list(rows[:end])


# --- headers ---------------------------------------------------------------------------------


def header_key(value: Any) -> str:
    """A header cell in compare form: :func:`normalise`, case-folded, without spaces (a header
    wrapped inside its cell, 「管理\\n番号」, matches 管理番号)."""
    return normalise(value).casefold().replace(" ", "")


def _header_lookup(expected: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """Compare form of each accepted header text → its field key."""
    lookup: dict[str, str] = {}
    for key, texts in expected.items():
        for text in texts:
            known = header_key(text)
            if lookup.setdefault(known, key) != key:
                raise ValueError(f"{text!r} is a header of both {lookup[known]!r} and {key!r}")
    return lookup


def header_columns(row: Sequence[Any], expected: Mapping[str, Iterable[str]]) -> dict[str, int]:
    """Field key → index of the first column of ``row`` whose header is one of the field's
    accepted texts (``expected``: key → texts; compared with :func:`header_key`)."""
    lookup = _header_lookup(expected)
    found: dict[str, int] = {}
    for index, cell in enumerate(row):
        key = lookup.get(header_key(cell))
        if key is not None:
            found.setdefault(key, index)
    return found


def find_header(
    rows: Sequence[Sequence[Any]],
    expected: Mapping[str, Iterable[str]],
    min_matches: int = 2,
) -> int | None:
    """Index of the header row: the first row naming at least ``min_matches`` different fields
    of ``expected`` (see :func:`header_columns`), so merged title rows above it (「情報資産管理
    台帳」) are passed over; None when no row does."""
    lookup = _header_lookup(expected)
    for index, row in enumerate(rows):
        named = {lookup[k] for cell in row if (k := header_key(cell)) in lookup}
        if len(named) >= max(min_matches, 1):
            return index
    return None


def header_groups(top: Sequence[Any], bottom: Sequence[Any]) -> list[tuple[str, str]]:
    """(group, name) per column of a two-row header, texts normalised.

    openpyxl gives a merged cell's value in its first cell only, so a group cell (重要度 over
    機密性・完全性・可用性) is carried rightwards over the blank top cells of the columns that have
    a bottom text. A column's name is its bottom text, or its top text when the bottom is blank
    (a cell merged over both rows, 資産名). Its group is the carried top text when it has a
    bottom text, "" otherwise: [("", "資産名"), ("重要度", "機密性"), ("重要度", "完全性"), …]."""
    out: list[tuple[str, str]] = []
    group = ""
    for index in range(max(len(top), len(bottom))):
        upper = normalise(top[index]) if index < len(top) else ""
        lower = normalise(bottom[index]) if index < len(bottom) else ""
        if upper or not lower:
            # A group starts where a top text has a bottom text below it; a top text alone
            # (merged over both rows) or a column blank in both rows ends the group.
            group = upper if lower else ""
        out.append((group, lower) if lower else ("", upper))
    return out


def combine_two_row_headers(top: Sequence[Any], bottom: Sequence[Any]) -> list[str]:
    """The header text per column of a two-row header: the bottom text, or the top text where
    the bottom is blank (see :func:`header_groups` for the group of each column)."""
    return [name for _group, name in header_groups(top, bottom)]

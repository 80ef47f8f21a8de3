"""Retention periods by 民法 第140条〜第143条: worked examples and properties against an oracle
written independently here (month-by-month stepping, ordinals, try/except instead of
divmod, calendar.monthrange and timedelta)."""

from dataclasses import FrozenInstanceError
from datetime import date, datetime, timedelta

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from ume.assets.periods import Period, deletable_from, retention_end

# --- Oracle ---------------------------------------------------------------------------------


def _day(d: date, offset: int) -> date:
    return date.fromordinal(d.toordinal() + offset)


def _step_months(year: int, month: int, count: int) -> tuple[int, int]:
    """Walk forward one month at a time."""
    for _ in range(count):
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return year, month


def _last_day_of(year: int, month: int) -> date:
    """The day before the 1st of the next month."""
    next_year, next_month = _step_months(year, month, 1)
    return _day(date(next_year, next_month, 1), -1)


def oracle_end(event: date, years: int, months: int, days: int, first_day_counts: bool) -> date:
    start = event if first_day_counts else _day(event, 1)
    total = years * 12 + months
    if total == 0:
        months_end = _day(start, -1)
    else:
        year, month = _step_months(start.year, start.month, total)
        try:
            months_end = _day(date(year, month, start.day), -1)
        except ValueError:
            months_end = _last_day_of(year, month)
    return _day(months_end, days)


# --- Worked examples (computed by hand from the articles) -----------------------------------

F, T = False, True

EXAMPLES = [
    # (event, years, months, days, first_day_counts, last day kept)
    # Product spec: 退職日 2025-03-31 + 5年; counting starts 04-01, ends the day before 2030-04-01.
    (date(2025, 3, 31), 5, 0, 0, F, date(2030, 3, 31)),
    # Same, counting from the event day itself: ends the day before 2030-03-31.
    (date(2025, 3, 31), 5, 0, 0, T, date(2030, 3, 30)),
    # Start 01-31 has no day in February: ends on February's last day (leap and common year).
    (date(2024, 1, 30), 0, 1, 0, F, date(2024, 2, 29)),
    (date(2023, 1, 30), 0, 1, 0, F, date(2023, 2, 28)),
    (date(2024, 1, 31), 0, 1, 0, T, date(2024, 2, 29)),
    (date(2023, 1, 31), 0, 1, 0, T, date(2023, 2, 28)),
    # Event 01-31, first day not counted: start 02-01, corresponding 03-01, ends on Feb's last day.
    (date(2024, 1, 31), 0, 1, 0, F, date(2024, 2, 29)),
    # Start 2024-02-29 + 1年: 2025 has no 02-29, so the end is 2025-02-28.
    (date(2024, 2, 28), 1, 0, 0, F, date(2025, 2, 28)),
    (date(2024, 2, 29), 1, 0, 0, T, date(2025, 2, 28)),
    # Start 2024-02-29 + 4年: 2028-02-29 exists, so the end is the day before it.
    (date(2024, 2, 29), 4, 0, 0, T, date(2028, 2, 28)),
    # 2100 is not a leap year.
    (date(2096, 2, 29), 4, 0, 0, T, date(2100, 2, 28)),
    # Event 02-29, first day not counted: start 03-01, ends the day before 2025-03-01.
    (date(2024, 2, 29), 1, 0, 0, F, date(2025, 2, 28)),
    # Start 08-31 + 6か月: February has no 31st.
    (date(2024, 8, 30), 0, 6, 0, F, date(2025, 2, 28)),
    (date(2024, 8, 31), 0, 6, 0, T, date(2025, 2, 28)),
    (date(2023, 8, 31), 0, 6, 0, T, date(2024, 2, 29)),
    # Event 08-31, first day not counted: start 09-01, ends the day before 2025-03-01.
    (date(2024, 8, 31), 0, 6, 0, F, date(2025, 2, 28)),
    # Start 10-31 + 1か月: November has 30 days, ends 11-30.
    (date(2025, 10, 31), 0, 1, 0, T, date(2025, 11, 30)),
    # A start on the 1st ends on the previous month's last day; across a year boundary.
    (date(2024, 11, 30), 0, 1, 0, F, date(2024, 12, 31)),
    (date(2024, 12, 31), 0, 1, 0, F, date(2025, 1, 31)),
    (date(2024, 12, 15), 0, 1, 0, T, date(2025, 1, 14)),
    # Months beyond a year carry into the year.
    (date(2025, 3, 31), 0, 24, 0, F, date(2027, 3, 31)),
    (date(2025, 5, 15), 0, 19, 0, F, date(2026, 12, 15)),
    # Days: n days end on start + n - 1.
    (date(2025, 3, 31), 0, 0, 1, F, date(2025, 4, 1)),
    (date(2025, 3, 31), 0, 0, 1, T, date(2025, 3, 31)),
    (date(2025, 3, 31), 0, 0, 7, F, date(2025, 4, 7)),
    (date(2025, 3, 31), 0, 0, 7, T, date(2025, 4, 6)),
    (date(2024, 2, 27), 0, 0, 3, F, date(2024, 3, 1)),
    (date(2024, 12, 31), 0, 0, 365, F, date(2025, 12, 31)),
    # Combined: 13 months by 第143条, then the days from the day after.
    (date(2025, 3, 31), 1, 2, 10, F, date(2026, 6, 10)),
    (date(2024, 1, 30), 1, 1, 1, F, date(2025, 3, 1)),
    # 2024-02-29 + 1年1か月 is 13 months (2025-03-28), not 1年 then 1か月 (2025-03-31).
    (date(2024, 2, 29), 1, 1, 0, T, date(2025, 3, 28)),
]


@pytest.mark.parametrize(("event", "years", "months", "days", "first", "end"), EXAMPLES)
def test_worked_examples(event, years, months, days, first, end):
    period = Period(years=years, months=months, days=days)
    assert retention_end(event, period, first_day_counts=first) == end
    assert deletable_from(event, period, first_day_counts=first) == end + timedelta(days=1)


@pytest.mark.parametrize(("event", "years", "months", "days", "first", "end"), EXAMPLES)
def test_oracle_agrees_with_worked_examples(event, years, months, days, first, end):
    """The oracle the properties trust is itself checked against the hand-computed cases."""
    assert oracle_end(event, years, months, days, first) == end


def test_product_spec_retirement_plus_five_years():
    period = Period(years=5)
    assert retention_end(date(2025, 3, 31), period) == date(2030, 3, 31)
    assert deletable_from(date(2025, 3, 31), period) == date(2030, 4, 1)


def test_first_day_not_counted_is_the_default():
    period = Period(years=5)
    assert retention_end(date(2025, 3, 31), period) == retention_end(
        date(2025, 3, 31), period, first_day_counts=False
    )
    assert deletable_from(date(2025, 3, 31), period, first_day_counts=True) == date(2030, 3, 31)


def test_end_on_a_sunday_or_holiday_is_not_moved():
    """第142条 is not applied: the spec case ends on a Sunday and stays there, and so does an
    end on 元日."""
    end = retention_end(date(2025, 3, 31), Period(years=5))
    assert end == date(2030, 3, 31)
    assert end.weekday() == 6
    assert retention_end(date(2024, 1, 1), Period(years=2)) == date(2026, 1, 1)
    assert retention_end(date(2025, 12, 31), Period(days=1)) == date(2026, 1, 1)


def test_weeks_are_seven_days():
    # 2 weeks from Tuesday 2025-04-01 (first day not counted): start 04-02 (Wed), ends 04-15 (Tue).
    end = retention_end(date(2025, 4, 1), Period(days=14))
    assert end == date(2025, 4, 15)
    assert end.weekday() == date(2025, 4, 1).weekday()


def test_returns_a_plain_date():
    assert type(retention_end(date(2025, 3, 31), Period(years=1))) is date
    assert type(deletable_from(date(2025, 3, 31), Period(days=1))) is date


def test_rejects_a_datetime_event():
    with pytest.raises(TypeError):
        retention_end(datetime(2025, 3, 31, 0, 0), Period(years=1))
    with pytest.raises(TypeError):
        deletable_from(datetime(2025, 3, 31, 0, 0), Period(years=1))


def test_rejects_a_non_period():
    with pytest.raises(TypeError):
        retention_end(date(2025, 3, 31), 5)


def test_past_date_max_overflows():
    with pytest.raises(OverflowError):
        retention_end(date(9999, 12, 1), Period(months=1))
    with pytest.raises(OverflowError):
        retention_end(date(9999, 12, 31), Period(days=1))
    assert retention_end(date(9999, 11, 30), Period(months=1)) == date(9999, 12, 31)


# --- Period ---------------------------------------------------------------------------------


def test_period_defaults_and_total_months():
    assert Period(days=1) == Period(0, 0, 1)
    assert Period(years=2, months=3).total_months == 27
    assert Period(months=5).total_months == 5
    assert Period(days=30).total_months == 0


@pytest.mark.parametrize("kwargs", [{"years": -1}, {"months": -1, "years": 1}, {"days": -1}])
def test_period_rejects_negative(kwargs):
    with pytest.raises(ValueError, match="negative"):
        Period(**kwargs)


def test_period_rejects_empty():
    with pytest.raises(ValueError, match="empty"):
        Period()
    with pytest.raises(ValueError, match="empty"):
        Period(years=0, months=0, days=0)


@pytest.mark.parametrize("kwargs", [{"years": 1.0}, {"months": "1"}, {"days": True}])
def test_period_rejects_non_int(kwargs):
    with pytest.raises(TypeError):
        Period(**kwargs)


def test_period_is_frozen():
    period = Period(years=1)
    with pytest.raises(FrozenInstanceError):
        period.years = 2


@pytest.mark.parametrize("kwargs", [{"years": 1}, {"months": 1}, {"days": 1}])
def test_period_accepts_a_single_unit(kwargs):
    assert Period(**kwargs).total_months + Period(**kwargs).days >= 1


# --- Properties -----------------------------------------------------------------------------

EVENTS = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))
PARTS = st.tuples(
    st.integers(min_value=0, max_value=30),
    st.integers(min_value=0, max_value=24),
    st.integers(min_value=0, max_value=400),
)
NON_EMPTY_PARTS = PARTS.filter(any)
FIRST_DAY_COUNTS = st.booleans()


@given(event=EVENTS, parts=NON_EMPTY_PARTS, first=FIRST_DAY_COUNTS)
@example(event=date(2024, 2, 28), parts=(1, 0, 0), first=False)
@example(event=date(2023, 8, 31), parts=(0, 6, 0), first=True)
@example(event=date(2099, 2, 28), parts=(1, 0, 0), first=False)
def test_matches_oracle(event, parts, first):
    assert retention_end(event, Period(*parts), first_day_counts=first) == oracle_end(
        event, *parts, first
    )


@given(event=EVENTS, parts=NON_EMPTY_PARTS, first=FIRST_DAY_COUNTS)
def test_end_is_never_before_the_event(event, parts, first):
    end = retention_end(event, Period(*parts), first_day_counts=first)
    assert end >= event
    if not first:
        # The event day itself is not counted, so at least one more day is kept.
        assert end > event


@given(event=EVENTS, parts=NON_EMPTY_PARTS, first=FIRST_DAY_COUNTS)
def test_deletable_from_is_the_day_after_the_end(event, parts, first):
    period = Period(*parts)
    end = retention_end(event, period, first_day_counts=first)
    assert deletable_from(event, period, first_day_counts=first) == _day(end, 1)


@given(event=EVENTS, parts=NON_EMPTY_PARTS)
def test_counting_the_first_day_is_counting_from_the_day_before(event, parts):
    period = Period(*parts)
    assert retention_end(event, period, first_day_counts=True) == retention_end(
        _day(event, -1), period, first_day_counts=False
    )


@given(
    event=EVENTS,
    years=st.integers(min_value=0, max_value=30),
    months=st.integers(min_value=0, max_value=24),
    days=st.integers(min_value=0, max_value=400),
)
def test_day_before_the_corresponding_day(event, years, months, days):
    """第143条 with the first day not counted, when the final month has the starting day."""
    total = years * 12 + months
    assume(total > 0)
    start = _day(event, 1)
    index = start.year * 12 + (start.month - 1) + total
    try:
        corresponding = date(index // 12, index % 12 + 1, start.day)
    except ValueError:
        assume(False)
    end = retention_end(event, Period(years, months, days))
    assert end == _day(corresponding, days - 1)
    if days == 0:
        assert _day(end, 1) == corresponding


# Starting days of 29, 30 or 31, which some months lack.
LATE_STARTS = st.tuples(EVENTS, st.integers(min_value=0, max_value=2)).map(
    lambda pair: _day(_last_day_of(pair[0].year, pair[0].month), -pair[1])
)


@given(
    start=LATE_STARTS,
    total=st.integers(min_value=1, max_value=30 * 12 + 24),
    first=FIRST_DAY_COUNTS,
)
@example(start=date(2024, 1, 31), total=1, first=False)
@example(start=date(2024, 2, 29), total=12, first=True)
def test_no_corresponding_day_ends_on_the_months_last_day(start, total, first):
    """第143条 ただし書: the final month is too short for the starting day."""
    event = start if first else _day(start, -1)
    year, month = _step_months(start.year, start.month, total)
    assume(_last_day_of(year, month).day < start.day)
    end = retention_end(event, Period(months=total), first_day_counts=first)
    assert (end.year, end.month) == (year, month)
    assert _day(end, 1).day == 1


@given(event=EVENTS, parts=NON_EMPTY_PARTS, first=FIRST_DAY_COUNTS)
def test_years_are_twelve_months(event, parts, first):
    years, months, days = parts
    assert retention_end(event, Period(years, months, days), first_day_counts=first) == (
        retention_end(event, Period(0, years * 12 + months, days), first_day_counts=first)
    )


@given(event=EVENTS, parts=NON_EMPTY_PARTS, extra=NON_EMPTY_PARTS, first=FIRST_DAY_COUNTS)
def test_a_longer_period_never_ends_earlier(event, parts, extra, first):
    """Monotonic (in fact strictly) in each of years, months and days."""
    shorter = Period(*parts)
    longer = Period(*(a + b for a, b in zip(parts, extra, strict=True)))
    assert retention_end(event, shorter, first_day_counts=first) < retention_end(
        event, longer, first_day_counts=first
    )


@given(event=EVENTS, parts=NON_EMPTY_PARTS, first=FIRST_DAY_COUNTS)
def test_one_more_day_ends_one_day_later(event, parts, first):
    years, months, days = parts
    end = retention_end(event, Period(years, months, days), first_day_counts=first)
    assert retention_end(event, Period(years, months, days + 1), first_day_counts=first) == _day(
        end, 1
    )

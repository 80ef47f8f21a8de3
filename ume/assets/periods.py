"""Retention periods (保存期限) computed by the Japanese Civil Code, 民法 第140条〜第143条.

A retention rule says "keep for N years/months/days after an event" (退職日, 契約終了日, ...).
This module turns the event date and the period into the last day the record must be kept.
Pure functions on ``datetime.date``: no database, no time zone, standard library only.

- 第140条 (初日不算入): the day of the event is not counted; counting starts the next day. The
  article's exception (a period that starts at 午前零時) is the rule field ``first_day_counts``:
  when true, counting starts on the event date itself.
- 第141条: a period ends when its last day ends, so the last day is still "kept" and the record
  becomes deletable the day after (``deletable_from``).
- 第143条: years and months are counted by the calendar, not as a number of days. The period ends
  on the day before the day of the final month that corresponds to the first counted day
  (起算日); if the final month has no such day (31日 in a 30-day month, 2月29日 in a common
  year), it ends on that month's last day. Weeks are whole sets of seven days, so a period in
  weeks is written as ``Period(days=7 * n)`` with the same result.
- 第142条 (a last day on a Sunday or 国民の祝日 moves to the next business day) is deliberately
  NOT applied: it extends the deadline for an act that must be done by then, while retention is
  an obligation to keep, and moving the end would only shift the deletion date by chance.

Combined periods (e.g. 1年6か月と10日) apply years and months together as one month count
(``years * 12 + months``) by 第143条, then count the days from the day after that end. Counting
the years first and the months after them can end elsewhere: from 2024-02-29, 1年 ends on
2025-02-28 and a further 1か月 on 2025-03-31, while 13か月 ends on 2025-03-28. Counting the
days first would let the day count move the 起算日 of the month count.
"""

import calendar
from dataclasses import dataclass
from datetime import MAXYEAR, date, datetime, timedelta

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """A length of time in calendar years, calendar months and days (all non-negative)."""

    years: int = 0
    months: int = 0
    days: int = 0

    def __post_init__(self) -> None:
        for name in ("years", "months", "days"):
            value = getattr(self, name)
            # bool is an int subclass; Period(years=True) is a bug, not one year.
            if not isinstance(value, int) or isinstance(value, bool):
                raise TypeError(f"Period.{name} must be an int, not {type(value).__name__}")
            if value < 0:
                raise ValueError(f"Period.{name} must not be negative (got {value})")
        if self.years == self.months == self.days == 0:
            raise ValueError("Period must not be empty")

    @property
    def total_months(self) -> int:
        """Years and months as one month count, the unit 第143条 counts in."""
        return self.years * 12 + self.months


def _first_counted_day(event: date, first_day_counts: bool) -> date:
    """The 起算日 by 第140条: the event date itself, or the day after it."""
    return event if first_day_counts else event + ONE_DAY


def _last_day_of_month(start: date, months: int) -> date:
    """The last day of the month ``months`` calendar months after ``start``'s month."""
    year, month_index = divmod(start.year * 12 + start.month - 1 + months, 12)
    if year > MAXYEAR:
        raise OverflowError("retention period ends after date.max")
    month = month_index + 1
    return date(year, month, calendar.monthrange(year, month)[1])


def _end_of_months(start: date, months: int) -> date:
    """第143条: last day of a period of ``months`` calendar months whose first day is ``start``."""
    if months == 0:
        # An empty month part "ends" the day before it starts, so the days follow on directly.
        return start - ONE_DAY
    if start.day == 1:
        # The day before the corresponding 1st is the previous month's last day.
        return _last_day_of_month(start, months - 1)
    last = _last_day_of_month(start, months)
    if start.day > last.day:
        # No corresponding day in the final month: the period ends on its last day.
        return last
    # The day before the corresponding day.
    return last.replace(day=start.day - 1)


def retention_end(event: date, period: Period, *, first_day_counts: bool = False) -> date:
    """The last day the record must be kept: the end of ``period`` counted from ``event``.

    ``first_day_counts`` false (the default, 第140条 本文): counting starts the day after
    ``event``. True: it starts on ``event`` (the 午前零時 exception). The end is never moved off
    a Sunday or holiday (第142条 does not apply to retention). Raises OverflowError past
    ``date.max``.
    """
    # datetime is a date subclass, but date + timedelta would then return a datetime.
    if not isinstance(event, date) or isinstance(event, datetime):
        raise TypeError(f"event must be a date, not {type(event).__name__}")
    if not isinstance(period, Period):
        raise TypeError(f"period must be a Period, not {type(period).__name__}")
    start = _first_counted_day(event, first_day_counts)
    # A period of n days ends on start + n - 1; after the months, on their end + n.
    return _end_of_months(start, period.total_months) + timedelta(days=period.days)


def deletable_from(event: date, period: Period, *, first_day_counts: bool = False) -> date:
    """The first day the record may be deleted: the day after ``retention_end`` (第141条)."""
    return retention_end(event, period, first_day_counts=first_day_counts) + ONE_DAY

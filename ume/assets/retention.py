"""How a retention rule reads to the organization: the period its dates follow (本則, or the
transitional period when chosen), the words for it (「5年」, 「期間の定めなし（永年保存）」), and
its state (要選択 until an organization chooses between 本則 and 経過措置)."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import models
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from .choices import EventType, NoPeriod
from .models import RetentionRule
from .periods import Period, retention_end


class RuleState(models.TextChoices):
    FIXED = "fixed", _("Fixed period")
    NEEDS_CHOICE = "needs_choice", _("Choice needed")
    MAIN = "main", _("Main rule chosen")
    TRANSITIONAL = "transitional", _("Transitional period chosen")
    NO_PERIOD = "no_period", _("No fixed period")


def describe(period: Period | None, no_period: str = "") -> str:
    """「5年」「1年6か月」 or, for a rule without a period, what it says instead."""
    if period is None:
        label = NoPeriod(no_period).label if no_period in NoPeriod.values else ""
        return str(_("No fixed period ({what})").format(what=label)) if label else ""
    parts = []
    if period.years:
        parts.append(ngettext("%(n)d year", "%(n)d years", period.years) % {"n": period.years})
    if period.months:
        parts.append(ngettext("%(n)d month", "%(n)d months", period.months) % {"n": period.months})
    if period.days:
        parts.append(ngettext("%(n)d day", "%(n)d days", period.days) % {"n": period.days})
    # 「1年6か月」 in Japanese, "1 year 6 months" in English.
    return ("" if (get_language() or "ja").startswith("ja") else " ").join(parts)


def state(rule: RetentionRule, use_transitional: bool | None) -> RuleState:
    """``use_transitional``: the organization's choice, None when it has made none."""
    if rule.main_period() is None:
        return RuleState.NO_PERIOD
    if not rule.has_transitional:
        return RuleState.FIXED
    if use_transitional is None:
        return RuleState.NEEDS_CHOICE
    return RuleState.TRANSITIONAL if use_transitional else RuleState.MAIN


def effective_period(rule: RetentionRule, use_transitional: bool | None) -> Period | None:
    """The period dates follow: the 本則 until the transitional period is chosen."""
    return rule.period(bool(use_transitional))


def effective_label(rule: RetentionRule, use_transitional: bool | None) -> str:
    return describe(effective_period(rule, use_transitional), rule.no_period)


# --- Dates of one item -------------------------------------------------------------------------

DERIVED = (EventType.FISCAL_YEAR_END, EventType.TAX_FILING_DEADLINE)
# The people a batch is about, for its name: 「2025年度退職者の履歴書」.
BATCH_NOUNS = {
    EventType.LEAVING: _("leavers"),
    EventType.CONTRACT_END: _("ended contracts"),
    EventType.FISCAL_YEAR_END: _("closed books"),
    EventType.TAX_FILING_DEADLINE: _("filed tax returns"),
    EventType.CREATED: _("records created"),
    EventType.COMPLETED: _("records completed"),
    EventType.MEETING: _("meetings held"),
    EventType.OTHER: _("other events"),
}


@dataclass(frozen=True)
class RuleDate:
    """One rule's answer for one item: the event it counts from and the last day it keeps the
    record, or why it gives no date (``missing``: the event is not recorded yet)."""

    rule_id: int
    event_type: str
    event_date: date | None
    keep_until: date | None
    note: str = ""  # "", "missing", "no_period", "permanent"

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule_id,
            "event_type": self.event_type,
            "event_date": self.event_date.isoformat() if self.event_date else None,
            "keep_until": self.keep_until.isoformat() if self.keep_until else None,
            "note": self.note,
        }


@dataclass(frozen=True)
class ItemDates:
    keep_until: date | None
    rule_id: int | None
    start_date: date | None
    permanent: bool
    basis: list[RuleDate]


def event_date(event_type: str, events: dict[str, date], organisation) -> date | None:
    """The date a rule counts from. The closing of the books and the tax filing deadline
    follow from the organization's fiscal year, for the year of the record's creation (or,
    without one, of its earliest event), unless they were recorded themselves."""
    if event_type in events:
        return events[event_type]
    if event_type in DERIVED and events:
        anchor = events.get(EventType.CREATED) or min(events.values())
        if event_type == EventType.FISCAL_YEAR_END:
            return organisation.fiscal_year_end(anchor)
        return organisation.tax_filing_deadline(anchor)
    return None


def item_dates(rules, events: dict[str, date], organisation) -> ItemDates:
    """``rules``: (rule, use_transitional) pairs of one record class; ``events``: the
    subject's dates by event type. When several rules apply, the latest date wins: their
    start events differ, so the longest period does not always end last. A permanent rule
    keeps the record for good; a rule without a period or without its event gives no date."""
    basis: list[RuleDate] = []
    for rule, use_transitional in rules:
        start = event_date(rule.event_type, events, organisation)
        period = rule.period(bool(use_transitional))
        if rule.no_period == NoPeriod.PERMANENT:
            basis.append(RuleDate(rule.pk, rule.event_type, start, None, "permanent"))
        elif period is None:
            basis.append(RuleDate(rule.pk, rule.event_type, start, None, "no_period"))
        elif start is None:
            basis.append(RuleDate(rule.pk, rule.event_type, None, None, "missing"))
        else:
            end = retention_end(start, period, first_day_counts=rule.first_day_counts)
            basis.append(RuleDate(rule.pk, rule.event_type, start, end))
    permanent = any(b.note == "permanent" for b in basis)
    dated = [b for b in basis if b.keep_until is not None]
    if permanent or not dated:
        return ItemDates(None, None, None, permanent, basis)
    latest = max(dated, key=lambda b: b.keep_until)  # the first of equal dates
    return ItemDates(latest.keep_until, latest.rule_id, latest.event_date, False, basis)


def before_start(event_type: str, day: date, started_on: date | None) -> str:
    """Why an event dated ``day`` cannot have happened when what it ends began on
    ``started_on`` (入社日, 契約開始日), or "" when it can (or the start is not known)."""
    if started_on is None or day >= started_on:
        return ""
    if event_type == EventType.LEAVING:
        text = _("The leaving date {date} is before the join date {start}.")
    elif event_type == EventType.CONTRACT_END:
        text = _("The contract end {date} is before the contract start {start}.")
    else:
        text = _("The date of the event {date} is before the start date {start}.")
    return str(text).format(date=day.isoformat(), start=started_on.isoformat())


def batch_label(batch) -> str:
    """「2025年度 退職者の履歴書」 / "FY2025 leavers: résumés"."""
    noun = BATCH_NOUNS.get(batch.event_type, "")
    return str(_("FY{year} {noun}: {record}")).format(
        year=batch.fiscal_year, noun=noun, record=batch.asset.name
    )


# --- Due dates ---------------------------------------------------------------------------------


class Due(models.TextChoices):
    """Where a batch or an item stands against today: its last day to keep has passed
    (deletable from the next day), falls this month, within 90 days, or later."""

    OVERDUE = "overdue", _("Overdue")
    THIS_MONTH = "this_month", _("Due this month")
    SOON = "soon", _("Due within 90 days")
    LATER = "later", _("Later")
    NO_DATE = "no_date", _("No date")
    DELETED = "deleted", _("All deleted")


SOON_DAYS = 90


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def due(keep_until: date | None, today: date) -> Due:
    """A record kept until ``keep_until`` may be deleted from the day after."""
    if keep_until is None:
        return Due.NO_DATE
    if keep_until < today:
        return Due.OVERDUE
    if keep_until <= month_end(today):
        return Due.THIS_MONTH
    if keep_until <= today + timedelta(days=SOON_DAYS):
        return Due.SOON
    return Due.LATER


def due_range(state: str, today: date) -> models.Q:
    """The condition on a batch's first due date for ``state``."""
    deleted = models.Q(deleted_count__gt=0, deleted_count=models.F("item_count"))
    end = month_end(today)
    return {
        Due.OVERDUE: models.Q(first_due__lt=today),
        Due.THIS_MONTH: models.Q(first_due__gte=today, first_due__lte=end),
        Due.SOON: models.Q(first_due__gt=end, first_due__lte=today + timedelta(days=SOON_DAYS)),
        Due.LATER: models.Q(first_due__gt=today + timedelta(days=SOON_DAYS)),
        Due.NO_DATE: models.Q(first_due__isnull=True) & ~deleted,
        Due.DELETED: deleted,
    }[Due(state)]

"""How a retention rule reads to the organization: the period its dates follow (本則, or the
transitional period when chosen), the words for it (「5年」, 「期間の定めなし（永年保存）」), and
its state (要選択 until an organization chooses between 本則 and 経過措置)."""

from django.db import models
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from .choices import NoPeriod
from .models import RetentionRule
from .periods import Period


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

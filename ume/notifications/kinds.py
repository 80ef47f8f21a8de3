"""Reminder kinds: what a module declares so that its due dates reach people.

A module registers a ``ReminderKind`` when its app is ready (``kinds.register(...)``). The
scheduler asks each kind for its open items per organisation and raises, for each item, the
newest reminder stage that has come: one of the lead times before the due date, the due date
itself, then every ``overdue_every`` days while the item stays open."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

import jpholiday
from django.utils.functional import Promise

# Who receives a kind's reminders (resolved in ``recipients.py``).
OWNER = "owner"  # the person responsible for the record
DEPARTMENT_HEAD = "department_head"  # the owner's 部門責任者
SECRETARIAT = "secretariat"  # the organisation's ISMS 事務局 (administrators when it has none)
ADMINISTRATORS = "administrators"  # who manage members and settings in Ume


@dataclass(frozen=True)
class DueItem:
    """An open item with a due date, as a kind's ``due_items`` yields it."""

    record: Any
    due: date
    title: str
    owner: Any = None  # a User, or None
    department: Any = None  # a Department, or None (then the owner's membership's)


@dataclass(frozen=True)
class ReminderKind:
    """``due_items(organisation, today)`` yields the open ``DueItem``s (each module reads its
    own records); ``permission`` with ``permission_object(record)`` is what a recipient must
    hold to be told, checked when the reminder is raised and again when it is shown;
    ``url(record)`` opens the record."""

    code: str
    label: str | Promise
    module: str | Promise
    due_items: Callable[[Any, date], Iterable[DueItem]]
    permission: str
    permission_object: Callable[[Any], Any]
    url: Callable[[Any], str]
    lead_days: tuple[int, ...] = (30, 7, 1)
    overdue_every: int | None = 7
    recipients: tuple[str, ...] = (OWNER, DEPARTMENT_HEAD, SECRETARIAT)
    help_text: str | Promise = field(default="", compare=False)
    business_days: bool = False  # lead times count weekdays that are not public holidays

    def stage(self, due: date, today: date) -> int | None:
        """The newest stage that has come by ``today`` (days from ``due``), or None. With
        ``business_days``, the reminder ``d`` days before comes ``d`` business days before
        (its stage is still −d)."""
        offset = (today - due).days
        if offset >= 0:
            return offset - offset % self.overdue_every if self.overdue_every else 0
        passed = [-d for d in self.lead_days if self._lead_date(due, d) <= today]
        return max(passed) if passed else None

    def _lead_date(self, due: date, days: int) -> date:
        if not self.business_days:
            return due - timedelta(days=days)
        day = due
        while days:
            day -= timedelta(days=1)
            if day.weekday() < 5 and not jpholiday.is_holiday(day):
                days -= 1
        return day


_KINDS: dict[str, ReminderKind] = {}


def register(kind: ReminderKind) -> ReminderKind:
    """Declare a kind (once, from the module's ``AppConfig.ready``)."""
    if kind.code in _KINDS and _KINDS[kind.code] != kind:
        raise ValueError(f"reminder kind {kind.code!r} is already registered")
    if any(d <= 0 for d in kind.lead_days) or (kind.overdue_every or 1) <= 0:
        raise ValueError(f"{kind.code}: lead times and the overdue interval are whole days > 0")
    _KINDS[kind.code] = kind
    return kind


def get(code: str) -> ReminderKind | None:
    return _KINDS.get(code)


def for_organisation(kind: ReminderKind, setting) -> ReminderKind:
    """``kind`` with an organisation's own lead times (a ``KindSetting``, or None)."""
    if setting is None:
        return kind
    return replace(
        kind,
        lead_days=tuple(setting.lead_days),
        overdue_every=setting.overdue_every,
        business_days=setting.business_days,
    )


def all_kinds() -> list[ReminderKind]:
    return sorted(_KINDS.values(), key=lambda k: k.code)

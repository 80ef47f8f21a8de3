"""Pages of notifications: the inbox and the bell, a user's settings and calendar address, the
delivery log, and the organisation's reminder rules."""

from .inbox import (
    BadgeView,
    CalendarIssueView,
    CalendarRevokeView,
    DeliveryExportView,
    DeliveryLogView,
    InboxView,
    MarkAllReadView,
    MarkReadView,
    OpenView,
    PreferenceView,
    calendar_feed,
    unsubscribe,
)
from .rules import RuleEditView, RuleListView

__all__ = [
    "BadgeView",
    "CalendarIssueView",
    "CalendarRevokeView",
    "DeliveryExportView",
    "DeliveryLogView",
    "InboxView",
    "MarkAllReadView",
    "MarkReadView",
    "OpenView",
    "PreferenceView",
    "RuleEditView",
    "RuleListView",
    "calendar_feed",
    "unsubscribe",
]

"""Pages of notifications: the inbox and the bell, a user's settings and calendar address, the
delivery log, and the organisation's reminder rules."""

from .deliveries import DeliveryExportView, DeliveryLogView
from .inbox import BadgeView, InboxView, MarkAllReadView, MarkReadView, OpenView
from .rules import RuleEditView, RuleListView
from .settings import (
    CalendarIssueView,
    CalendarRevokeView,
    PreferenceView,
    calendar_feed,
    unsubscribe,
)
from .webhooks import (
    WebhookCreateView,
    WebhookDeleteView,
    WebhookEditView,
    WebhookListView,
    WebhookTestView,
)

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
    "WebhookCreateView",
    "WebhookDeleteView",
    "WebhookEditView",
    "WebhookListView",
    "WebhookTestView",
    "calendar_feed",
    "unsubscribe",
]

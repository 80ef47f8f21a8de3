"""Permission names of the inbox, declared once (policies in ``rules.py``)."""

VIEW_INBOX = "notifications.view_inbox"
READ_NOTIFICATION = "notifications.read_notification"
VIEW_DELIVERY_LOG = "notifications.view_delivery_log"
CHANGE_REMINDER_RULES = "notifications.change_reminder_rules"
MANAGE_WEBHOOKS = "notifications.manage_webhooks"

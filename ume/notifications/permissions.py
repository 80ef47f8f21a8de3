"""Permission names of the inbox, declared once (policies in ``rules.py``)."""

VIEW_INBOX = "notifications.view_inbox"
READ_NOTIFICATION = "notifications.read_notification"

"""Reminders and notifications for every module (issue: notifications).

A module declares a reminder kind (``kinds.register``): what is due, for whom, with which lead
times. ``scheduler.compute_reminders`` (``manage.py send_reminders``, run by the worker) turns
the due items into notifications through one write, ``services.notify``; a unique key per
recipient, record, kind, due date and stage means a second run or a second worker never
sends the same reminder twice. The inbox shows a user their notifications, each checked again
against the record's permission when shown."""

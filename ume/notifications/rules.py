"""Authorisation policy of notifications (default deny; see ume/core/rules.py)."""

import rules

from ume.core.choices import Role
from ume.core.policies import has_role, is_member

from .permissions import (
    CHANGE_REMINDER_RULES,
    MANAGE_WEBHOOKS,
    READ_NOTIFICATION,
    VIEW_DELIVERY_LOG,
    VIEW_INBOX,
)


@rules.predicate
def is_recipient(user, notification=None) -> bool:
    """A notification is its recipient's alone, whatever their role."""
    return (
        notification is not None
        and getattr(notification, "recipient_id", None) == user.pk
        and is_member(user, notification.organisation)
    )


rules.add_perm(VIEW_INBOX, is_member)
rules.add_perm(READ_NOTIFICATION, is_recipient)
# The 事務局 and administrators read (and export) what was mailed to whom, and why not.
rules.add_perm(VIEW_DELIVERY_LOG, has_role(Role.ADMIN, Role.SECRETARIAT, org_wide=True))
# The 事務局 and administrators set the organisation's lead times and mandatory e-mail.
rules.add_perm(CHANGE_REMINDER_RULES, has_role(Role.ADMIN, Role.SECRETARIAT, org_wide=True))
rules.add_perm(MANAGE_WEBHOOKS, has_role(Role.ADMIN, Role.SECRETARIAT, org_wide=True))

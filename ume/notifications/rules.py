"""Authorisation policy of notifications (default deny; see ume/core/rules.py)."""

import rules

from ume.core.policies import is_member

from .permissions import READ_NOTIFICATION, VIEW_INBOX


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

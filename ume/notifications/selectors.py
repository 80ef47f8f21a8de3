"""Reads of the inbox: the actor's own notifications in one organisation, each shown only while
the actor may still see its record (a role may have changed since it was raised)."""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from ume.core.models import Organisation, User
from ume.core.policies import can, is_member

from . import kinds
from .models import Delivery, KindSetting, Notification, Webhook
from .permissions import VIEW_DELIVERY_LOG, VIEW_INBOX

BADGE_LIMIT = 99  # the bell shows "99+" past this


def notification_list(*, actor: User, organisation: Organisation) -> QuerySet[Notification]:
    if not can(actor, VIEW_INBOX, organisation):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=actor, organisation=organisation)


def webhook_list(*, actor: User, organisation: Organisation) -> QuerySet[Webhook]:
    """The organisation's webhooks, for its members (their pages require MANAGE_WEBHOOKS, so a
    member without it is refused, not told the webhook does not exist)."""
    if not is_member(actor, organisation):
        return Webhook.objects.none()
    return Webhook.objects.filter(organisation=organisation).order_by("name", "pk")


def mandatory_kinds(organisation) -> set[str]:
    """Kinds whose e-mail the organisation made mandatory (members cannot switch them off)."""
    return set(
        KindSetting.objects.filter(organisation=organisation, mandatory=True).values_list(
            "kind", flat=True
        )
    )


def delivery_list(*, actor: User, organisation: Organisation) -> QuerySet[Delivery]:
    """The organisation's e-mail deliveries, newest first (the delivery log)."""
    if not can(actor, VIEW_DELIVERY_LOG, organisation):
        return Delivery.objects.none()
    return (
        Delivery.objects.filter(organisation=organisation)
        .select_related("recipient", "notification")
        .order_by("-created_at", "-pk")
    )


@dataclass
class Shown:
    """A notification as the inbox shows it: with its kind and the link to its record, or
    ``hidden`` when the record is gone or no longer visible to the recipient."""

    notification: Notification
    kind: kinds.ReminderKind | None
    record: Any
    url: str
    hidden: bool

    @property
    def days(self) -> int:
        """Days from today to the due date (negative: overdue)."""
        return (self.notification.due - timezone.localdate()).days

    @property
    def when(self) -> str:
        return due_when(self.days)


def due_when(days: int) -> str:
    """How far a due date is, as the inbox, the mail and webhooks say it: あと n 日 / 今日 /
    n 日超過."""
    if days > 0:
        return ngettext("in %(days)s day", "in %(days)s days", days) % {"days": days}
    if days == 0:
        return gettext("today")
    return ngettext("%(days)s day overdue", "%(days)s days overdue", -days) % {"days": -days}


def due_key(n: Notification) -> tuple:
    """One reminder whatever its stage: the kind, the record and the due date."""
    return (n.kind, n.content_type_id, n.object_id, n.due)


def newest_per_due(notifications: QuerySet[Notification]) -> dict[tuple, Notification]:
    """The newest notification of each kind, record and due date (a reminder is raised
    again at each stage), by ``due_key``."""
    return {due_key(n): n for n in notifications.order_by("created_at", "pk")}


def visible(actor: User, notifications: list[Notification]) -> list[Shown]:
    """Each notification with its record, loaded once per record type, and checked against
    the kind's permission on that record now."""
    ids: dict[int, set[int]] = defaultdict(set)
    for n in notifications:
        ids[n.content_type_id].add(n.object_id)
    records: dict[tuple[int, int], Any] = {}
    for type_id, pks in ids.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is not None:
            for pk, record in model._default_manager.in_bulk(pks).items():
                records[(type_id, pk)] = record
    shown = []
    for n in notifications:
        kind = kinds.get(n.kind)
        record = records.get((n.content_type_id, n.object_id))
        ok = (
            kind is not None
            and record is not None
            and can(actor, kind.permission, kind.permission_object(record))
        )
        shown.append(Shown(n, kind, record, kind.url(record) if ok else "", not ok))
    return shown


def unread_count(*, actor: User, organisation: Organisation) -> int:
    """Unread notifications the actor may still see, counted up to ``BADGE_LIMIT`` + 1."""
    unread = list(
        notification_list(actor=actor, organisation=organisation).filter(read_at__isnull=True)[
            : BADGE_LIMIT + 1
        ]
    )
    return sum(not s.hidden for s in visible(actor, unread))

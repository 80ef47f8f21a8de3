"""E-mail of notifications: what each user gets (a mail per notification, a daily digest, or
none, per their settings), sending with retries, and the reasons when it fails.

``queue_email`` decides what is owed and records it as ``Delivery`` rows (unique keys: one per
notification, one digest per user and day), ``send_due`` sends what is owed now. A failed send
is tried again after 5 minutes, 30 minutes, 2 hours and 12 hours, then given up; the reason is
kept for the delivery log. Two workers at once never send one delivery twice: a worker claims
it with a conditional update before sending."""

import datetime as dt
from urllib.parse import urljoin

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from ume.core.policies import is_member

from .models import (
    Delivery,
    DeliveryStatus,
    EmailMode,
    KindSetting,
    Notification,
    Preference,
)
from .selectors import due_key, mandatory_kinds, newest_per_due, visible

RETRY_AFTER = (dt.timedelta(minutes=5), dt.timedelta(minutes=30), dt.timedelta(hours=2))
RETRY_AFTER += (dt.timedelta(hours=12),)
ATTEMPTS = len(RETRY_AFTER) + 1
UNMAILED_FOR = dt.timedelta(days=7)  # older unmailed notifications are left to the inbox
DIGEST_LINES = 50
DUE_SOON = dt.timedelta(days=7)  # a digest also lists unread items due within a week, or late
UNSUBSCRIBE_SALT = "ume.notifications.unsubscribe"


def preference_of(user, organisation) -> Preference:
    found = Preference.objects.filter(user=user, organisation=organisation).first()
    return found or Preference(user=user, organisation=organisation)


def _unmailed(now) -> QuerySet[Notification]:
    mailed_alone = Delivery.objects.filter(notification=OuterRef("pk"))
    in_digest = Delivery.notifications.through.objects.filter(notification=OuterRef("pk"))
    return Notification.objects.filter(created_at__gte=now - UNMAILED_FOR).filter(
        ~Exists(mailed_alone), ~Exists(in_digest)
    )


def queue_email(*, now: dt.datetime | None = None) -> int:
    """Record the e-mails owed now: each unmailed notification of a user who wants them as they
    come, and today's digest of one who wants a digest. Returns how many were queued."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    queued = 0
    pending: dict[tuple[int, int], list[Notification]] = {}
    for n in _unmailed(now).select_related("recipient", "organisation").order_by("pk"):
        pending.setdefault((n.recipient_id, n.organisation_id), []).append(n)
    mandatory = set(
        KindSetting.objects.filter(mandatory=True).values_list("organisation_id", "kind")
    )
    for notes in pending.values():
        user, organisation = notes[0].recipient, notes[0].organisation
        pref = preference_of(user, organisation)
        # Kinds the organisation made mandatory are mailed whatever the user chose (by the
        # daily digest when they chose none).
        notes = [
            n
            for n in notes
            if (organisation.pk, n.kind) in mandatory
            or (pref.email != EmailMode.OFF and n.kind not in pref.muted_kinds)
        ]
        if not notes:
            continue
        with transaction.atomic():
            if pref.email == EmailMode.IMMEDIATE:
                made = Delivery.objects.bulk_create(
                    [
                        Delivery(organisation=organisation, recipient=user, notification=n)
                        for n in notes
                    ],
                    ignore_conflicts=True,
                )
                queued += len(made)
            elif not Delivery.objects.filter(
                recipient=user, organisation=organisation, digest_day=today
            ).exists():
                digest = Delivery.objects.create(
                    organisation=organisation, recipient=user, digest_day=today
                )
                digest.notifications.set(notes)
                queued += 1
    return queued


def send_due(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Send every delivery owed by ``now``; returns the count per outcome."""
    now = now or timezone.now()
    outcome = {"sent": 0, "failed": 0, "gave_up": 0}
    due = Delivery.objects.filter(
        Q(status=DeliveryStatus.PENDING) | Q(status=DeliveryStatus.FAILED, next_attempt_at__lte=now)
    ).order_by("pk")
    for delivery in due.select_related("recipient", "organisation", "notification"):
        if not claim(delivery, now):
            continue  # another worker has it
        outcome[_send(delivery, now)] += 1
    return outcome


def claim(delivery, now) -> bool:
    """Take a delivery (an e-mail or a webhook post) for this worker: its attempt count moves
    on only if no one else's did. Until this attempt ends it waits as if it had failed (a crash
    is retried later)."""
    wait = RETRY_AFTER[min(delivery.attempts, len(RETRY_AFTER) - 1)]
    taken = (
        type(delivery)
        .objects.filter(pk=delivery.pk, attempts=delivery.attempts, status=delivery.status)
        .update(
            attempts=delivery.attempts + 1,
            status=DeliveryStatus.FAILED,
            next_attempt_at=now + wait,
        )
    )
    delivery.attempts += 1
    return bool(taken)


def _send(delivery: Delivery, now) -> str:
    user, organisation = delivery.recipient, delivery.organisation
    if not (user.is_active and is_member(user, organisation)):
        return finish(delivery, DeliveryStatus.GAVE_UP, "the recipient is no longer a member")
    notes = [delivery.notification] if delivery.notification_id else []
    notes = notes or list(delivery.notifications.order_by("due", "pk"))
    shown = [s for s in visible(user, notes) if not s.hidden]
    if not shown:
        return finish(delivery, DeliveryStatus.GAVE_UP, "nothing the recipient may still see")
    still_open = _still_open(delivery, notes) if delivery.digest_day else []
    try:
        message = _message(delivery, shown, still_open)
        message.send()
    except Exception as exc:  # SMTP refused, connection lost, an address that bounced …
        if delivery.attempts >= ATTEMPTS:
            return finish(delivery, DeliveryStatus.GAVE_UP, reason_of(exc))
        Delivery.objects.filter(pk=delivery.pk).update(last_error=reason_of(exc))
        return "failed"
    return finish(delivery, DeliveryStatus.SENT, "", sent_at=now, subject=message.subject)


def _still_open(delivery: Delivery, new: list[Notification]) -> list:
    """For a digest: the recipient's unread notifications, mailed before, that are overdue or
    due within ``DUE_SOON`` (the newest of each record and due date), so the day's mail shows
    everything due as well as what is new."""
    user, organisation = delivery.recipient, delivery.organisation
    today = timezone.localdate()
    seen = {due_key(n) for n in new}
    unread = Notification.objects.filter(
        recipient=user, organisation=organisation, read_at__isnull=True, due__lte=today + DUE_SOON
    ).exclude(pk__in=[n.pk for n in new])
    latest = [n for key, n in newest_per_due(unread).items() if key not in seen]
    found = sorted(latest, key=lambda n: (n.due, n.pk))
    return [s for s in visible(user, found) if not s.hidden]


def finish(delivery, status: str, reason: str, **extra) -> str:
    """End an attempt at a delivery (an e-mail or a webhook post): its status, the reason
    when it failed, nothing more to retry. Returns the status."""
    type(delivery).objects.filter(pk=delivery.pk).update(
        status=status, last_error=reason[:500], next_attempt_at=None, **extra
    )
    return str(status)


def reason_of(exc: Exception) -> str:
    """Why a send failed, as the delivery logs keep it."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)[:500]
    return f"{type(exc).__name__}: {exc}"[:500]


def site_url(path: str) -> str:
    return urljoin(settings.UME_SITE_URL, path)


def unsubscribe_token(user, organisation, kind: str) -> str:
    return signing.dumps({"u": user.pk, "o": organisation.pk, "k": kind}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> dict | None:
    try:
        return signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=dt.timedelta(days=90))
    except signing.BadSignature:
        return None


def open_url(notification: Notification) -> str:
    return site_url(reverse("notifications:open", args=[notification.pk]))


def _message(delivery: Delivery, shown: list, still_open: list) -> EmailMultiAlternatives:
    user, organisation = delivery.recipient, delivery.organisation
    required = mandatory_kinds(organisation)  # no link to stop these
    stoppable = [k for k in {s.kind.code: s.kind for s in shown}.values() if k.code not in required]
    with translation.override(user.language or "ja"):
        context = {
            "user": user,
            "organisation": organisation,
            "digest": delivery.digest_day is not None,
            "items": [{"shown": s, "url": open_url(s.notification)} for s in shown[:DIGEST_LINES]],
            "more": max(0, len(shown) - DIGEST_LINES),
            "still_open": [
                {"shown": s, "url": open_url(s.notification)} for s in still_open[:DIGEST_LINES]
            ],
            "inbox_url": site_url(reverse("notifications:inbox")),
            "settings_url": site_url(reverse("notifications:settings")),
            "unsubscribe": [
                (
                    k.label,
                    site_url(
                        reverse(
                            "notifications:unsubscribe",
                            args=[unsubscribe_token(user, organisation, k.code)],
                        )
                    ),
                )
                for k in stoppable
            ],
        }
        subject = " ".join(render_to_string("notifications/email/subject.txt", context).split())
        text = render_to_string("notifications/email/body.txt", context)
        html = render_to_string("notifications/email/body.html", context)
    message = EmailMultiAlternatives(subject, text, None, [user.email])
    message.attach_alternative(html, "text/html")
    return message

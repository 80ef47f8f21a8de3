"""Writes of notifications: ``notify`` (the one call every module's reminders go through) and
the recipient's own marking of what they have read."""

from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ume.core.models import Organisation, User
from ume.core.policies import can
from ume.core.services import service, update_fields

from . import ical, kinds, selectors, webhooks
from .models import CalendarFeed, KindSetting, Notification, Preference, Webhook
from .permissions import CHANGE_REMINDER_RULES, MANAGE_WEBHOOKS, READ_NOTIFICATION, VIEW_INBOX


def notify(
    *,
    kind: kinds.ReminderKind,
    organisation: Organisation,
    record: Any,
    recipients: list[User],
    due: date,
    stage: int = 0,
    title: str = "",
) -> list[Notification]:
    """Raise ``kind``'s notification about ``record`` for each recipient who may see it, once:
    one already raised for the same recipient, record, kind, due date and stage is left as it
    is. A system write, not a user's: no actor, no audit entry. Returns the new ones."""
    target = kind.permission_object(record)
    key = {
        "kind": kind.code,
        "content_type": ContentType.objects.get_for_model(record),
        "object_id": record.pk,
        "due": due,
        "stage": stage,
    }
    new = store(
        [
            Notification(
                organisation=organisation, recipient=user, title=(title or str(record))[:300], **key
            )
            for user in {u.pk: u for u in recipients}.values()
            if can(user, kind.permission, target)
        ]
    )
    if not new:
        return []
    # Read back: an insert that skips conflicts does not return the new rows' ids.
    return list(
        Notification.objects.filter(recipient__in=[n.recipient_id for n in new], **key).order_by(
            "pk"
        )
    )


def store(notifications: list[Notification]) -> list[Notification]:
    """Save the notifications not raised before (by their unique key); returns those (without
    their ids). The unique key also holds against a concurrent worker that saved the same ones
    since the read: the insert skips them."""
    if not notifications:
        return []
    key = ("recipient_id", "kind", "content_type_id", "object_id", "due", "stage")

    def key_of(n) -> tuple:
        return tuple(getattr(n, f) for f in key)

    with transaction.atomic():
        existing: set[tuple] = set()
        for chunk in _chunks(notifications, 500):
            existing.update(
                Notification.objects.filter(
                    recipient_id__in={n.recipient_id for n in chunk},
                    kind__in={n.kind for n in chunk},
                    object_id__in={n.object_id for n in chunk},
                    due__in={n.due for n in chunk},
                ).values_list(*key)
            )
        new = list({key_of(n): n for n in notifications if key_of(n) not in existing}.values())
        Notification.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    return new


# The columns of ``store_new``'s rows, in order (``created_at`` is added).
INSERTED = (
    "organisation_id",
    "recipient_id",
    "kind",
    "content_type_id",
    "object_id",
    "title",
    "due",
    "stage",
)


def store_new(rows: list[tuple]) -> None:
    """Save rows (``INSERTED`` columns) the caller has just found new, as the scheduler's plan
    does: one ``INSERT … ON CONFLICT DO NOTHING`` per thousand, SQLite and PostgreSQL alike
    (a row a concurrent worker saved since is skipped). Building and saving a model instance
    per row took most of a run that raises tens of thousands."""
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    due = INSERTED.index("due")
    table = ops.quote_name(Notification._meta.db_table)
    columns = ", ".join(ops.quote_name(c) for c in (*INSERTED, "created_at"))
    placeholders = ", ".join(["%s"] * (len(INSERTED) + 1))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) ON CONFLICT DO NOTHING"
    with transaction.atomic(), connection.cursor() as cursor:
        for chunk in _chunks(rows, 1000):
            cursor.executemany(
                sql,
                [(*r[:due], ops.adapt_datefield_value(r[due]), *r[due + 1 :], now) for r in chunk],
            )


MAX_LEAD_TIMES, MAX_LEAD_DAYS = 6, 365


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


@service(perm=READ_NOTIFICATION, on="notification", members_may=True)
def notification_mark_read(*, actor: User, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@service(perm=VIEW_INBOX, on="organisation", members_may=True)
def notifications_mark_all_read(*, actor: User, organisation: Organisation, kind: str = "") -> int:
    """Mark the actor's unread notifications in ``organisation`` read (of one kind, if given)."""
    unread = Notification.objects.filter(
        recipient=actor, organisation=organisation, read_at__isnull=True
    )
    if kind:
        unread = unread.filter(kind=kind)
    return unread.update(read_at=timezone.now())


@service(perm=VIEW_INBOX, on="organisation", members_may=True, versioned="version")
def preference_update(
    *, actor: User, organisation: Organisation, data: dict[str, Any], version: int | None = None
) -> Preference:
    """The actor's own e-mail settings in ``organisation`` (created on first save)."""
    known = {k.code for k in kinds.all_kinds()} - selectors.mandatory_kinds(organisation)
    muted = data.get("muted_kinds")
    if muted is not None and not set(muted) <= known:
        raise ValidationError({"muted_kinds": _("Choose kinds from the list.")})
    pref, _created = Preference.objects.get_or_create(user=actor, organisation=organisation)
    return update_fields(pref, data, version=version)


def unsubscribe(*, user: User, organisation: Organisation, kind: str) -> Preference:
    """Stop e-mail of one kind, from the signed link in a mail (no login: the signature is the
    proof). Not a ``@service``: the link's holder acts, not a logged-in actor. A kind the
    organisation made mandatory cannot be stopped."""
    if kind in selectors.mandatory_kinds(organisation):
        raise ValidationError(
            _("Your organization made this e-mail mandatory: it cannot be stopped.")
        )
    pref, _created = Preference.objects.get_or_create(user=user, organisation=organisation)
    if kind not in pref.muted_kinds:
        Preference.objects.filter(pk=pref.pk).update(
            muted_kinds=[*pref.muted_kinds, kind], version=F("version") + 1
        )
        pref.refresh_from_db()
    return pref


@service(perm=VIEW_INBOX, on="organisation", members_may=True)
def calendar_feed_issue(*, actor: User, organisation: Organisation) -> tuple[CalendarFeed, str]:
    """Issue the actor's calendar address in ``organisation`` (replacing any earlier one, which
    stops working). Returns the feed and its token, which is not kept and shown only now."""
    token = ical.new_token()
    feed, _created = CalendarFeed.objects.update_or_create(
        user=actor,
        organisation=organisation,
        defaults={"token_sha256": ical.token_hash(token), "last_used_at": None},
    )
    return feed, token


@service(perm=VIEW_INBOX, on="organisation", members_may=True)
def calendar_feed_revoke(*, actor: User, organisation: Organisation) -> int:
    """Stop the actor's calendar address in ``organisation`` from working."""
    deleted, _detail = CalendarFeed.objects.filter(user=actor, organisation=organisation).delete()
    return deleted


@service(perm=CHANGE_REMINDER_RULES, on="organisation", versioned="version")
def kind_setting_update(
    *,
    actor: User,
    organisation: Organisation,
    kind: str,
    data: dict[str, Any],
    version: int | None = None,
) -> KindSetting:
    """The organisation's own lead times and mandatory e-mail for one kind (created on first
    save, from the kind's defaults)."""
    declared = kinds.get(kind)
    if declared is None:
        raise ValidationError(_("Unknown reminder kind."))
    lead = data.get("lead_days")
    if lead is not None and (
        len(lead) > MAX_LEAD_TIMES or any(not 1 <= d <= MAX_LEAD_DAYS for d in lead)
    ):
        raise ValidationError(
            {"lead_days": _("Give up to six whole numbers of days from 1 to 365.")}
        )
    setting, _created = KindSetting.objects.get_or_create(
        organisation=organisation,
        kind=kind,
        defaults={"lead_days": list(declared.lead_days), "overdue_every": declared.overdue_every},
    )
    return update_fields(setting, data, version=version)


def _check_webhook(data: dict[str, Any]) -> None:
    if "url" in data:
        try:
            webhooks.check_url(data["url"])
        except ValidationError as exc:
            raise ValidationError({"url": exc.messages}) from exc
    chosen = data.get("kinds")
    if chosen is not None and not set(chosen) <= {k.code for k in kinds.all_kinds()}:
        raise ValidationError({"kinds": _("Choose kinds from the list.")})


@service(perm=MANAGE_WEBHOOKS, on="organisation")
def webhook_create(*, actor: User, organisation: Organisation, data: dict[str, Any]) -> Webhook:
    _check_webhook(data)
    webhook = Webhook(organisation=organisation, **data)
    webhook.full_clean()
    webhook.save()
    return webhook


@service(perm=MANAGE_WEBHOOKS, on="webhook.organisation", versioned="version")
def webhook_update(
    *, actor: User, webhook: Webhook, data: dict[str, Any], version: int | None = None
) -> Webhook:
    """Edit a webhook; an empty secret keeps the one set before (it is never shown again)."""
    if not data.get("secret", "x"):
        data = {k: v for k, v in data.items() if k != "secret"}
    _check_webhook(data)
    return update_fields(webhook, data, version=version)


@service(perm=MANAGE_WEBHOOKS, on="webhook.organisation")
def webhook_delete(*, actor: User, webhook: Webhook) -> None:
    webhook.delete()

"""A notification: one reminder or message for one user about one record."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ume.core.models import (
    AuditedModel,
    Organisation,
    TimeStampedModel,
    User,
    VersionedModel,
)
from ume.core.validators import SINGLE_LINE


class Notification(models.Model):
    """``kind`` is a registered reminder kind's code (``kinds.py``); ``stage`` the days from
    ``due`` at which it was raised (−7: a week before, 0: on the day, 14: two weeks late).
    ``title`` names the record as it was then; it is shown only while the recipient may still
    see the record."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("organization"),
    )
    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=64)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    title = models.CharField(_("title"), max_length=300)
    due = models.DateField(_("due date"))
    stage = models.SmallIntegerField(_("days from the due date"), default=0)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One reminder per recipient, record, kind, due date and stage: a second run of
            # the scheduler, or a second worker beside the first, adds nothing.
            models.UniqueConstraint(
                fields=["recipient", "kind", "content_type", "object_id", "due", "stage"],
                name="notification_once",
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "organisation", "read_at"]),
            models.Index(fields=["recipient", "organisation", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.title} ({self.due})"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class EmailMode(models.TextChoices):
    OFF = "off", _("No e-mail")
    IMMEDIATE = "immediate", _("Each notification as it comes")
    DAILY = "daily", _("One digest a day")


class Preference(VersionedModel, TimeStampedModel):
    """How one user wants their notifications of one organisation by e-mail. Without a row,
    the defaults apply: a daily digest of every kind."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    email = models.CharField(
        _("e-mail"), max_length=16, choices=EmailMode.choices, default=EmailMode.DAILY
    )
    muted_kinds = models.JSONField(_("kinds not sent by e-mail"), default=list, blank=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="preference_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} / {self.organisation}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will retry")
    GAVE_UP = "gave_up", _("Gave up")


class Delivery(models.Model):
    """One e-mail to one user: a notification sent as it came, or a day's digest. The unique
    keys mean a second worker never sends the same one twice; failures are retried with a
    growing wait, and the reason is kept."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+", verbose_name=_("recipient")
    )
    notification = models.ForeignKey(
        Notification,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("notification"),
    )
    digest_day = models.DateField(_("digest of"), null=True, blank=True)
    notifications = models.ManyToManyField(
        Notification, blank=True, related_name="+", verbose_name=_("notifications")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.CharField(_("reason"), max_length=500, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification"],
                condition=models.Q(notification__isnull=False),
                name="delivery_once_per_notification",
            ),
            models.UniqueConstraint(
                fields=["recipient", "organisation", "digest_day"],
                condition=models.Q(digest_day__isnull=False),
                name="delivery_one_digest_a_day",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.recipient} {self.subject} ({self.status})"


class CalendarFeed(models.Model):
    """A user's secret calendar address (iCal) for one organisation. Only the SHA-256 of its
    token is kept: the address is shown once when issued; issuing again replaces it, and
    deleting the row revokes it."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="calendar_feed_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} / {self.organisation}"


class KindSetting(AuditedModel, VersionedModel, TimeStampedModel):
    """An organisation's own lead times for one reminder kind, and whether its e-mail is
    mandatory (members cannot switch it off). Without a row, the kind's defaults apply."""

    audit_exclude = ("created_at", "updated_at")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    kind = models.CharField(_("kind"), max_length=64, validators=SINGLE_LINE)
    lead_days = models.JSONField(_("days before the due date"), default=list, blank=True)
    overdue_every = models.PositiveSmallIntegerField(
        _("repeat every n days while overdue"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Leave empty for one reminder on the day only."),
    )
    business_days = models.BooleanField(
        _("count the days before as business days"),
        default=False,
        help_text=_("Weekends and Japanese public holidays are not counted."),
    )
    mandatory = models.BooleanField(
        _("mandatory e-mail"),
        default=False,
        help_text=_("Members cannot switch off e-mail of this kind."),
    )

    class Meta:
        verbose_name = _("reminder rule")
        verbose_name_plural = _("reminder rules")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind"], name="kind_setting_once")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} / {self.kind}"


class WebhookPreset(models.TextChoices):
    GENERIC = "generic", _("JSON (signed with the secret)")
    SLACK = "slack", _("Slack incoming webhook")
    TEAMS = "teams", _("Microsoft Teams incoming webhook")
    CHATWORK = "chatwork", _("Chatwork (API token as the secret)")


class Webhook(AuditedModel, VersionedModel, TimeStampedModel):
    """An organisation's outgoing webhook: which kinds of notification it posts, where, and in
    which format. ``secret`` signs the JSON format (HMAC-SHA256) or, for Chatwork, is the API
    token; it is never shown again after it is set, nor written to the audit trail."""

    audit_exclude = ("created_at", "updated_at", "secret")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    name = models.CharField(_("name"), max_length=100, validators=SINGLE_LINE)
    url = models.URLField(_("address (URL)"), max_length=500, validators=SINGLE_LINE)
    preset = models.CharField(
        _("format"), max_length=16, choices=WebhookPreset.choices, default=WebhookPreset.GENERIC
    )
    secret = models.CharField(_("secret"), max_length=200, blank=True, validators=SINGLE_LINE)
    kinds = models.JSONField(_("kinds sent"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    """One notification posted to one webhook (once: a reminder raised for several people is
    one post). Retried like e-mail; the status and the answer are kept."""

    webhook = models.ForeignKey(
        Webhook, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("webhook")
    )
    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="+", verbose_name=_("notification")
    )
    event = models.CharField(max_length=200)  # kind, record, due date and stage
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    last_error = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["webhook", "event"], name="webhook_post_once")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.webhook} {self.event} ({self.status})"

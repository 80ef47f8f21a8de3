"""A notification: one reminder or message for one user about one record."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from ume.core.models import Organisation, User


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

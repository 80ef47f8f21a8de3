"""The delivery log table (django-tables2)."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ume.core.html import html
from ume.core.tables import DateTimeColumn

from .models import Delivery, DeliveryStatus

STATUS_COLOURS = {
    DeliveryStatus.PENDING: "secondary",
    DeliveryStatus.SENT: "green",
    DeliveryStatus.FAILED: "yellow",
    DeliveryStatus.GAVE_UP: "red",
}
STATUS_LABELS = dict(DeliveryStatus.choices)
NOWRAP = {"td": {"class": "text-nowrap"}}


class DeliveryTable(tables.Table):
    created_at = DateTimeColumn(
        verbose_name=_("created at"), attrs={"td": {"class": "text-nowrap"}}
    )
    recipient = tables.Column(verbose_name=_("recipient"), order_by=("recipient__email",))
    subject = tables.Column(verbose_name=_("subject"))
    status = tables.Column(verbose_name=_("status"))
    attempts = tables.Column(verbose_name=_("attempts"), attrs={"td": {"class": "text-end"}})
    last_error = tables.Column(verbose_name=_("reason"), orderable=False)
    sent_at = DateTimeColumn(verbose_name=_("sent at"), attrs=NOWRAP)

    class Meta:
        model = Delivery
        fields = (
            "created_at",
            "recipient",
            "subject",
            "status",
            "attempts",
            "last_error",
            "sent_at",
        )
        empty_text = _(
            "No e-mail has been sent yet. Notifications are mailed as each user chose in their "
            "notification settings (a daily digest unless changed)."
        )

    def render_recipient(self, record: Delivery):
        return record.recipient.email

    def render_subject(self, record: Delivery):
        return record.subject or (
            _("Daily digest") if record.digest_day else (record.notification or "—")
        )

    def render_status(self, record: Delivery):
        return html(
            '<span class="badge bg-{}-lt">{}</span>',
            STATUS_COLOURS.get(record.status, "secondary"),
            STATUS_LABELS.get(record.status, record.status),
        )

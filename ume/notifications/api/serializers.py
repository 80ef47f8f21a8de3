"""Notifications API serializers: a notification as its recipient sees it, and the body Ume
posts to a generic webhook (documented in the OpenAPI description's ``webhooks``)."""

from rest_framework import serializers

from .. import delivery


class NotificationSerializer(serializers.Serializer):
    """A ``selectors.Shown``: the notification with its kind and the link to its record."""

    id = serializers.IntegerField(source="notification.pk", read_only=True)
    kind = serializers.CharField(source="notification.kind", read_only=True)
    kind_label = serializers.SerializerMethodField()
    module = serializers.SerializerMethodField()
    title = serializers.CharField(source="notification.title", read_only=True)
    due = serializers.DateField(source="notification.due", read_only=True)
    stage = serializers.IntegerField(
        source="notification.stage",
        read_only=True,
        help_text="Days from the due date at which it was raised (−7: a week before).",
    )
    days = serializers.IntegerField(
        read_only=True, help_text="Days from today to the due date (negative: overdue)."
    )
    when = serializers.CharField(read_only=True, help_text="The same, in words.")
    record_url = serializers.SerializerMethodField(help_text="The record's page.")
    open_url = serializers.SerializerMethodField(
        help_text="Opens the record's page and marks the notification read."
    )
    created_at = serializers.DateTimeField(source="notification.created_at", read_only=True)
    read_at = serializers.DateTimeField(source="notification.read_at", read_only=True)

    def get_kind_label(self, shown) -> str:
        return str(shown.kind.label) if shown.kind else shown.notification.kind

    def get_module(self, shown) -> str:
        return str(shown.kind.module) if shown.kind else ""

    def get_record_url(self, shown) -> str:
        return delivery.site_url(shown.url)

    def get_open_url(self, shown) -> str:
        return delivery.open_url(shown.notification)


class ReadAllSerializer(serializers.Serializer):
    kind = serializers.CharField(
        required=False, allow_blank=True, help_text="Only this kind (all kinds when empty)."
    )


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications were marked read.")


class WebhookPayloadSerializer(serializers.Serializer):
    """What Ume posts to a webhook of the generic format. The headers ``X-Ume-Timestamp``
    (seconds since the epoch) and ``X-Ume-Signature`` (``sha256=`` and the hex HMAC-SHA256 of
    ``<timestamp>.<body>`` with the webhook's secret) let the receiver check the sender and
    refuse replays."""

    event = serializers.ChoiceField(
        choices=["ume.notification", "ume.test"],
        help_text="ume.test for the settings page's test button.",
    )
    kind = serializers.CharField(help_text="The reminder kind's code, e.g. soa.revision.")
    kind_label = serializers.CharField(help_text="The kind's name in the organization's language.")
    module = serializers.CharField(help_text="The module that raised it.")
    title = serializers.CharField(help_text="The record the reminder is about.")
    due = serializers.DateField()
    stage = serializers.IntegerField(help_text="Days from the due date (−7: a week before).")
    url = serializers.URLField(help_text="Opens the record in Ume (after login).")
    organisation = serializers.CharField(help_text="The organization's name.")
    text = serializers.CharField(help_text="One line for chat: module, kind, record and due date.")

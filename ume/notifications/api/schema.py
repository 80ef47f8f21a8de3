"""The webhook Ume posts, described in the OpenAPI document (``webhooks``, OpenAPI 3.1), so a
receiver can be written from /api/docs/ alone. Chat presets (Slack, Teams, Chatwork) post
their service's own format instead."""

from drf_spectacular.utils import OpenApiResponse, OpenApiWebhook, extend_schema

from .serializers import WebhookPayloadSerializer

notification_webhook = OpenApiWebhook(
    name="ume.notification",
    decorator=extend_schema(
        summary="A reminder or notification, posted to a webhook of the generic format",
        description=(
            "Posted once per reminder (however many people it was raised for) to each active "
            "webhook of the organization whose kinds include it. Headers: X-Ume-Timestamp "
            "(seconds since the epoch) and, when the webhook has a secret, X-Ume-Signature: "
            "sha256=<hex HMAC-SHA256 of '<timestamp>.<body>' keyed with the secret>. Refuse "
            "a timestamp more than a few minutes old. Any 2xx answer counts as delivered; "
            "otherwise Ume retries with exponential backoff and logs the failure."
        ),
        request=WebhookPayloadSerializer,
        responses={200: OpenApiResponse(description="Received (any 2xx).")},
    ),
)

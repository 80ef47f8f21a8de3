"""Outgoing webhooks: a notification posted to Slack, Microsoft Teams, Chatwork or any HTTPS
endpoint (JSON signed with HMAC-SHA256 and a timestamp against replay).

One client for every post: a timeout, no redirects (a redirect could lead anywhere), and an
address check that refuses loopback, private and link-local hosts in production (tests and
closed networks switch it off with UME_WEBHOOK_ALLOW_PRIVATE). A reminder raised for several
people is posted once per webhook; failures are retried as e-mail is (``delivery``)."""

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import socket
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Exists, Min, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import kinds
from .delivery import RETRY_AFTER, claim, finish, open_url, reason_of, site_url
from .models import DeliveryStatus, Notification, Webhook, WebhookDelivery, WebhookPreset
from .selectors import due_when

TIMEOUT = 10  # seconds
UNSENT_FOR = dt.timedelta(days=7)
SIGNATURE = "X-Ume-Signature"  # sha256=<hex of HMAC(secret, "<timestamp>.<body>")>
TIMESTAMP = "X-Ume-Timestamp"  # seconds since the epoch; refuse old ones to stop replays
KEPT = 100  # deliveries kept per webhook


def check_url(url: str) -> None:
    """Refuse an address Ume must not post to: not https (in production), or a host that is
    (or resolves to) loopback, private, link-local or otherwise not global."""
    parts = urlsplit(url)
    allowed = ("https", "http") if settings.UME_WEBHOOK_ALLOW_HTTP else ("https",)
    if parts.scheme not in allowed or not parts.hostname:
        raise ValidationError(_("Give an https:// address."))
    if settings.UME_WEBHOOK_ALLOW_PRIVATE:
        return
    try:  # an address written as an IP is checked as it is, without asking the resolver
        addresses = [ipaddress.ip_address(parts.hostname)]
    except ValueError:
        try:
            infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
        except OSError as exc:
            raise ValidationError(_("The host of this address could not be found.")) from exc
        addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    if not all(address.is_global for address in addresses):
        raise ValidationError(_("Addresses inside your network cannot receive webhooks."))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 3xx answer is returned as an error, not followed


_OPENER = urllib.request.build_opener(_NoRedirect)


def payload(webhook: Webhook, notification: Notification, *, test: bool = False) -> dict:
    """The body posted for ``notification`` in the webhook's format."""
    kind = kinds.get(notification.kind)
    label = str(kind.label) if kind else notification.kind
    module = str(kind.module) if kind else ""
    link = open_url(notification) if notification.pk else site_url("/")
    text = _("{module}: {label} — {title} (due {due}, {when})").format(
        module=module,
        label=label,
        title=notification.title,
        due=f"{notification.due:%Y/%m/%d}",
        when=due_when((notification.due - timezone.localdate()).days),
    )
    if test:
        text = _("Test from Ume: {text}").format(text=text)
    if webhook.preset == WebhookPreset.SLACK:
        return {"text": f"{text}\n<{link}>"}
    if webhook.preset == WebhookPreset.TEAMS:
        return {"text": f"{text}  \n[{link}]({link})"}
    if webhook.preset == WebhookPreset.CHATWORK:
        return {"body": f"[info][title]Ume[/title]{text}\n{link}[/info]"}
    return {
        "event": "ume.test" if test else "ume.notification",
        "kind": notification.kind,
        "kind_label": label,
        "module": module,
        "title": notification.title,
        "due": notification.due.isoformat(),
        "stage": notification.stage,
        "url": link,
        "organisation": webhook.organisation.name,
        "text": text,
    }


def post(webhook: Webhook, body: dict) -> int:
    """Post ``body``; returns the HTTP status of a 2xx answer, raises otherwise."""
    check_url(webhook.url)
    headers = {"User-Agent": "Ume-Webhook/1"}
    if webhook.preset == WebhookPreset.CHATWORK:
        data = urllib.parse.urlencode(body).encode()
        headers["X-ChatWorkToken"] = webhook.secret
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    else:
        data = json.dumps(body, ensure_ascii=False).encode()
        headers["Content-Type"] = "application/json; charset=utf-8"
    if webhook.preset == WebhookPreset.GENERIC and webhook.secret:
        stamp = str(int(time.time()))
        headers[TIMESTAMP] = stamp
        headers[SIGNATURE] = "sha256=" + signature(webhook.secret, stamp, data)
    request = urllib.request.Request(webhook.url, data=data, headers=headers, method="POST")
    with _OPENER.open(request, timeout=TIMEOUT) as response:
        return response.status


def signature(secret: str, stamp: str, body: bytes) -> str:
    """What a receiver recomputes to check a post: HMAC-SHA256 of ``<timestamp>.<body>``."""
    return hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def queue(*, now: dt.datetime | None = None) -> int:
    """Record a post per active webhook for each new notification of its kinds (once per
    reminder, however many people it was raised for)."""
    now = now or timezone.now()
    made = 0
    for webhook in Webhook.objects.filter(active=True).select_related("organisation"):
        notes = Notification.objects.filter(
            organisation=webhook.organisation, created_at__gte=now - UNSENT_FOR
        )
        if webhook.kinds:
            notes = notes.filter(kind__in=webhook.kinds)
        firsts = (
            notes.values("kind", "content_type_id", "object_id", "due", "stage")
            .annotate(first=Min("pk"))
            .values_list("first", flat=True)
        )
        posted = WebhookDelivery.objects.filter(webhook=webhook, notification=OuterRef("pk"))
        new = [
            WebhookDelivery(webhook=webhook, notification=n, event=_event(n))
            for n in Notification.objects.filter(pk__in=list(firsts)).filter(~Exists(posted))
        ]
        made += len(WebhookDelivery.objects.bulk_create(new, ignore_conflicts=True))
    return made


def _event(n: Notification) -> str:
    return f"{n.kind}:{n.content_type_id}:{n.object_id}:{n.due:%Y%m%d}:{n.stage}"


def send_due(*, now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    outcome = {"sent": 0, "failed": 0, "gave_up": 0}
    due = WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING) | (
        WebhookDelivery.objects.filter(status=DeliveryStatus.FAILED, next_attempt_at__lte=now)
    )
    for item in due.select_related("webhook__organisation", "notification").order_by("pk"):
        if claim(item, now):  # else another worker has it
            outcome[_send(item, now)] += 1
    return outcome


def _send(item: WebhookDelivery, now) -> str:
    if not item.webhook.active:
        return finish(item, DeliveryStatus.GAVE_UP, _("the webhook was switched off"))
    try:
        with translation.override("ja"):
            status = post(item.webhook, payload(item.webhook, item.notification))
    except (ValidationError, urllib.error.URLError, OSError, ValueError) as exc:
        code = getattr(exc, "code", None)
        reason = f"HTTP {code}" if code else reason_of(exc)
        if item.attempts > len(RETRY_AFTER):
            return finish(item, DeliveryStatus.GAVE_UP, reason, response_status=code)
        WebhookDelivery.objects.filter(pk=item.pk).update(last_error=reason, response_status=code)
        return "failed"
    _trim(item.webhook)
    return finish(item, DeliveryStatus.SENT, "", response_status=status, sent_at=now)


def _trim(webhook: Webhook) -> None:
    """Keep the newest ``KEPT`` finished deliveries of a webhook."""
    old = WebhookDelivery.objects.filter(webhook=webhook).order_by("-created_at", "-pk")[KEPT:]
    WebhookDelivery.objects.filter(pk__in=list(old.values_list("pk", flat=True))).exclude(
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED]
    ).delete()

"""Webhooks, against a real HTTP server on 127.0.0.1: the JSON format signed with HMAC-SHA256
and a timestamp, the Slack, Teams and Chatwork formats, one post per reminder, retries on a
failing answer, no redirect followed, and addresses inside the network refused in production."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ume.core.choices import Role
from ume.core.models import AuditEntry, Membership, Organisation
from ume.core.tests.factories import local_today
from ume.notifications import webhooks
from ume.notifications.builtin import MEMBERSHIP_EXPIRY
from ume.notifications.models import DeliveryStatus, Webhook, WebhookDelivery
from ume.notifications.scheduler import compute_reminders
from ume.notifications.services import webhook_create, webhook_update


class Receiver:
    """A local endpoint that records what it receives and answers ``status``."""

    def __init__(self) -> None:
        self.posts: list[dict] = []
        self.status = 200
        self.location = ""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver.posts.append({"path": self.path, "headers": headers, "body": body})
                self.send_response(receiver.status)
                if receiver.location:
                    self.send_header("Location", receiver.location)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.UME_WEBHOOK_ALLOW_HTTP = True
    settings.UME_WEBHOOK_ALLOW_PRIVATE = True
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def reminded(world):
    """The external auditor's access ends in a week: one reminder, raised for two people."""
    Membership.objects.filter(organisation=world.org, role=Role.EXTERNAL_AUDITOR).update(
        valid_until=local_today() + dt.timedelta(days=7)
    )
    compute_reminders(
        today=local_today(), organisations=Organisation.objects.filter(pk=world.org.pk)
    )
    return world


def _hook(world, receiver, **data) -> Webhook:
    values = {"name": "ISMS 通知", "url": receiver.url, "preset": "generic", "secret": "s3cret"}
    return webhook_create(actor=world[Role.ADMIN], organisation=world.org, data={**values, **data})


def test_a_reminder_is_posted_once_signed_and_verifiable(reminded, receiver):
    _hook(reminded, receiver)
    assert webhooks.queue() == 1  # raised for the administrator and the secretariat: one post
    assert webhooks.queue() == 0
    assert webhooks.send_due() == {"sent": 1, "failed": 0, "gave_up": 0}
    [post] = receiver.posts
    body = json.loads(post["body"])
    assert body["event"] == "ume.notification" and body["kind"] == MEMBERSHIP_EXPIRY
    assert body["title"] == str(reminded[Role.EXTERNAL_AUDITOR]) and body["stage"] == -7
    stamp = post["headers"]["x-ume-timestamp"]
    expected = "sha256=" + webhooks.signature("s3cret", stamp, post["body"])
    assert post["headers"]["x-ume-signature"] == expected
    assert webhooks.signature("wrong", stamp, post["body"]) not in expected
    sent = WebhookDelivery.objects.get()
    assert (sent.status, sent.response_status) == (DeliveryStatus.SENT, 200)


@pytest.mark.parametrize(
    ("preset", "check"),
    [
        ("slack", lambda p: "アカウントの利用期限" in json.loads(p["body"])["text"]),
        ("teams", lambda p: "あと 7 日" in json.loads(p["body"])["text"]),
        (
            "chatwork",
            lambda p: (
                p["headers"]["x-chatworktoken"] == "s3cret"
                and "[info]" in parse_qs(p["body"].decode())["body"][0]
            ),
        ),
    ],
)
def test_the_presets_post_what_each_service_reads(reminded, receiver, preset, check):
    _hook(reminded, receiver, preset=preset)
    webhooks.queue()
    webhooks.send_due()
    [post] = receiver.posts
    assert check(post)
    assert "x-ume-signature" not in post["headers"]


def test_a_failing_endpoint_is_retried_then_given_up(reminded, receiver):
    receiver.status = 500
    _hook(reminded, receiver)
    webhooks.queue()
    now = timezone.now()
    assert webhooks.send_due(now=now)["failed"] == 1
    failed = WebhookDelivery.objects.get()
    assert (failed.last_error, failed.response_status) == ("HTTP 500", 500)
    at = now
    for wait in webhooks.RETRY_AFTER:
        at += wait
        webhooks.send_due(now=at)
    assert WebhookDelivery.objects.get().status == DeliveryStatus.GAVE_UP
    assert len(receiver.posts) == 5


def test_a_redirect_is_not_followed(reminded, receiver):
    receiver.status, receiver.location = 302, "http://169.254.169.254/latest/meta-data/"
    _hook(reminded, receiver)
    webhooks.queue()
    assert webhooks.send_due()["failed"] == 1
    assert WebhookDelivery.objects.get().last_error == "HTTP 302"
    assert len(receiver.posts) == 1


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://hooks.example.com/x", "https://"),
        ("https://127.0.0.1/hook", "ネットワークの内側"),
        ("https://10.0.0.8/hook", "ネットワークの内側"),
        ("https://[::1]/hook", "ネットワークの内側"),
        ("ftp://example.com/", "https://"),
    ],
)
def test_addresses_inside_the_network_or_not_https_are_refused(world, settings, url, message):
    settings.UME_WEBHOOK_ALLOW_PRIVATE = False  # as in production
    with pytest.raises(ValidationError, match=message):
        webhook_create(
            actor=world[Role.ADMIN],
            organisation=world.org,
            data={"name": "x", "url": url, "preset": "generic"},
        )
    assert not Webhook.objects.exists()


def test_kinds_chosen_limit_what_is_posted(reminded, receiver):
    _hook(reminded, receiver, kinds=["soa.revision_recommended"])
    assert webhooks.queue() == 0


def test_an_empty_secret_keeps_the_old_one_and_the_trail_never_holds_it(reminded, receiver):
    hook = _hook(reminded, receiver)
    hook = webhook_update(
        actor=reminded[Role.ADMIN], webhook=hook, data={"secret": "", "name": "改名"}, version=1
    )
    assert (hook.secret, hook.name) == ("s3cret", "改名")
    trail = AuditEntry.objects.filter(model_label="notifications.webhook")
    assert trail.count() == 2 and all("s3cret" not in str(e.changes) for e in trail)


def test_the_pages_add_test_and_delete_a_webhook(world, receiver, admin_client):
    response = admin_client.post(
        reverse("notifications:webhook_create"),
        {"name": "Slack #isms", "url": receiver.url, "preset": "slack", "active": "on"},
    )
    assert response.status_code == 302
    hook = Webhook.objects.get()
    listing = admin_client.get(reverse("notifications:webhooks")).content.decode()
    assert "Slack #isms" in listing
    test = admin_client.post(reverse("notifications:webhook_test", args=[hook.pk]), follow=True)
    assert "テストを送信しました（HTTP 200）" in test.content.decode()
    assert "Ume からのテスト" in json.loads(receiver.posts[0]["body"])["text"]
    receiver.status = 404
    failed = admin_client.post(reverse("notifications:webhook_test", args=[hook.pk]), follow=True)
    assert "テストに失敗しました: HTTP 404" in failed.content.decode()
    delete = reverse("notifications:webhook_delete", args=[hook.pk])
    assert "削除しますか" in admin_client.get(delete).content.decode()
    admin_client.post(delete)
    assert not Webhook.objects.exists()


@pytest.mark.parametrize("role", [Role.STAFF, Role.DEPARTMENT_HEAD, Role.INTERNAL_AUDITOR])
def test_only_the_secretariat_and_administrators_manage_webhooks(world, login, role):
    client = login(world[role])
    assert client.get(reverse("notifications:webhooks")).status_code == 403
    assert client.post(reverse("notifications:webhook_create"), {"name": "x"}).status_code == 403

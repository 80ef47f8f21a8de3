"""Notifications by e-mail: a daily digest by default, one mail per notification or none as
each user chooses, per kind switched off by a signed link; sending retried with a growing wait
and given up with the reason; never sent twice."""

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from ume.core.choices import Role
from ume.core.locking import StaleEditError
from ume.core.models import Membership, Organisation
from ume.core.tests.factories import local_today
from ume.notifications import delivery
from ume.notifications.builtin import MEMBERSHIP_EXPIRY
from ume.notifications.models import Delivery, DeliveryStatus, EmailMode, Preference
from ume.notifications.scheduler import compute_reminders
from ume.notifications.services import preference_update


class RefusingBackend:
    """An SMTP server that refuses every message."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"x": (550, b"no such user")})


@pytest.fixture
def expiring(world):
    """The external auditor's access ends in a week: the 7-day reminder is due today."""
    Membership.objects.filter(organisation=world.org, role=Role.EXTERNAL_AUDITOR).update(
        valid_until=local_today() + dt.timedelta(days=7)
    )
    compute_reminders(
        today=local_today(), organisations=Organisation.objects.filter(pk=world.org.pk)
    )
    return world


def _set(world, role, **data):
    user = world[role]
    pref = delivery.preference_of(user, world.org)
    return preference_update(actor=user, organisation=world.org, data=data, version=pref.version)


def test_a_daily_digest_by_default_once(expiring):
    admin = expiring[Role.ADMIN]
    assert delivery.queue_email() == 2  # the administrator's and the secretariat's digests
    assert delivery.queue_email() == 0
    assert delivery.send_due() == {"sent": 2, "failed": 0, "gave_up": 0}
    assert delivery.send_due() == {"sent": 0, "failed": 0, "gave_up": 0}
    message = next(m for m in mail.outbox if m.to == [admin.email])
    assert message.subject == "[Ume] 梅商事株式会社: 通知 1 件"
    assert "あと 7 日" in message.body and str(expiring[Role.EXTERNAL_AUDITOR]) in message.body
    assert (
        "/notifications/settings/" in message.body and "/notifications/unsubscribe/" in message.body
    )
    html, kind = message.alternatives[0]
    assert kind == "text/html" and "アカウントの利用期限" in html
    sent = Delivery.objects.get(recipient=admin)
    assert (sent.status, sent.attempts, sent.digest_day) == (DeliveryStatus.SENT, 1, local_today())


def test_each_notification_as_it_comes_or_none(expiring):
    _set(expiring, Role.ADMIN, email=EmailMode.IMMEDIATE)
    _set(expiring, Role.SECRETARIAT, email=EmailMode.OFF)
    assert delivery.queue_email() == 1
    delivery.send_due()
    [message] = mail.outbox
    assert message.to == [expiring[Role.ADMIN].email]
    due = (local_today() + dt.timedelta(days=7)).strftime("%Y/%m/%d")
    assert message.subject == (
        f"[Ume] アカウントの利用期限: {expiring[Role.EXTERNAL_AUDITOR]} (期限 {due})"
    )


def test_english_users_get_english_mail(expiring):
    admin = expiring[Role.ADMIN]
    admin.language = "en"
    admin.save(update_fields=["language"])
    delivery.queue_email()
    delivery.send_due()
    message = next(m for m in mail.outbox if m.to == [admin.email])
    assert message.subject == "[Ume] 梅商事株式会社: 1 notification"
    assert "in 7 days" in message.body and "Account access ends" in message.body


def test_a_refused_mail_is_retried_later_then_given_up(expiring, settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusingBackend"}}
    _set(expiring, Role.SECRETARIAT, email=EmailMode.OFF)
    delivery.queue_email()
    now = timezone.now()
    assert delivery.send_due(now=now) == {"sent": 0, "failed": 1, "gave_up": 0}
    failed = Delivery.objects.get()
    assert failed.status == DeliveryStatus.FAILED and "SMTPRecipientsRefused" in failed.last_error
    assert failed.next_attempt_at == now + dt.timedelta(minutes=5)
    assert delivery.send_due(now=now + dt.timedelta(minutes=4))["failed"] == 0  # not yet
    waits = [dt.timedelta(minutes=30), dt.timedelta(hours=2), dt.timedelta(hours=12)]
    at = now + dt.timedelta(minutes=5)
    for wait in waits:
        assert delivery.send_due(now=at)["failed"] == 1
        assert Delivery.objects.get().next_attempt_at == at + wait
        at += wait
    assert delivery.send_due(now=at) == {"sent": 0, "failed": 0, "gave_up": 1}
    given_up = Delivery.objects.get()
    assert (given_up.status, given_up.attempts) == (DeliveryStatus.GAVE_UP, 5)
    assert "SMTPRecipientsRefused" in given_up.last_error
    assert delivery.send_due(now=at + dt.timedelta(days=1))["gave_up"] == 0
    assert mail.outbox == []


def test_a_recipient_who_left_gets_nothing_and_the_log_says_why(expiring):
    delivery.queue_email()
    Membership.objects.filter(user=expiring[Role.SECRETARIAT]).update(is_active=False)
    assert delivery.send_due()["gave_up"] == 1
    left = Delivery.objects.get(recipient=expiring[Role.SECRETARIAT])
    assert left.status == DeliveryStatus.GAVE_UP and "no longer a member" in left.last_error
    assert [m.to for m in mail.outbox] == [[expiring[Role.ADMIN].email]]


def test_a_second_worker_does_not_send_what_the_first_took(expiring):
    delivery.queue_email()
    first = Delivery.objects.order_by("pk").first()
    stale_copy = Delivery.objects.get(pk=first.pk)
    assert delivery.claim(first, timezone.now())
    assert not delivery.claim(stale_copy, timezone.now())  # its attempt count moved on


def test_a_kind_switched_off_by_the_link_is_not_mailed(expiring, client):
    admin = expiring[Role.ADMIN]
    token = delivery.unsubscribe_token(admin, expiring.org, MEMBERSHIP_EXPIRY)
    url = reverse("notifications:unsubscribe", args=[token])
    page = client.get(url)  # asks only: a mail scanner following the link changes nothing
    assert page.status_code == 200 and "アカウントの利用期限" in page.content.decode()
    assert not Preference.objects.filter(user=admin).exists()
    done = client.post(url)
    assert 'data-testid="unsubscribed"' in done.content.decode()
    assert Preference.objects.get(user=admin).muted_kinds == [MEMBERSHIP_EXPIRY]
    client.post(url)  # twice: still once
    assert Preference.objects.get(user=admin).muted_kinds == [MEMBERSHIP_EXPIRY]
    assert delivery.queue_email() == 1  # the secretariat's only
    assert not Delivery.objects.filter(recipient=admin).exists()


@pytest.mark.parametrize("token", ["nonsense", "eyJ1IjoxfQ:1abc:forged"])
def test_a_bad_unsubscribe_link_changes_nothing(world, client, token):
    response = client.post(reverse("notifications:unsubscribe", args=[token]))
    assert response.status_code == 400 and "有効ではない" in response.content.decode()
    assert not Preference.objects.exists()


def test_the_settings_page_saves_and_refuses_a_stale_edit(world, admin_client):
    url = reverse("notifications:settings")
    page = admin_client.get(url)
    assert page.status_code == 200 and "1日1回のまとめ" in page.content.decode()
    response = admin_client.post(
        url, {"email": EmailMode.IMMEDIATE, "muted_kinds": [MEMBERSHIP_EXPIRY], "version": 1}
    )
    assert response.status_code == 302
    pref = Preference.objects.get(user=world[Role.ADMIN])
    assert (pref.email, pref.muted_kinds, pref.version) == (
        EmailMode.IMMEDIATE,
        [MEMBERSHIP_EXPIRY],
        2,
    )
    stale = admin_client.post(url, {"email": EmailMode.OFF, "version": 1})
    assert stale.status_code == 200 and "別のユーザーが変更しました" in stale.content.decode()
    assert Preference.objects.get(user=world[Role.ADMIN]).email == EmailMode.IMMEDIATE
    bad = admin_client.post(url, {"email": EmailMode.OFF, "muted_kinds": ["nope"], "version": 2})
    assert bad.status_code == 200
    assert Preference.objects.get(user=world[Role.ADMIN]).email == EmailMode.IMMEDIATE


def test_a_stale_version_is_refused_by_the_service(world):
    _set(world, Role.ADMIN, email=EmailMode.OFF)
    with pytest.raises(StaleEditError):
        preference_update(
            actor=world[Role.ADMIN], organisation=world.org, data={"email": "daily"}, version=1
        )


def test_the_delivery_log_shows_what_failed_and_why_and_exports(expiring, settings, login):
    import io

    import openpyxl

    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusingBackend"}}
    delivery.queue_email()
    delivery.send_due()
    client = login(expiring[Role.SECRETARIAT])
    url = reverse("notifications:deliveries")
    body = client.get(url).content.decode()
    assert body.count('bg-yellow-lt">失敗（再送予定）') == 2 and "SMTPRecipientsRefused" in body
    assert expiring[Role.ADMIN].email in body
    assert client.get(url, {"status": "sent"}).context["table"].rows.__len__() == 0
    found = client.get(url, {"q": expiring[Role.ADMIN].email}).context["table"]
    assert len(found.rows) == 1
    export = client.get(reverse("notifications:delivery_export"), {"status": "failed"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).worksheets[-1]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][:4] == ["作成日時", "受信者", "件名", "状態"]
    assert len(values) == 3 and all(v[3] == "失敗（再送予定）" for v in values[1:])


@pytest.mark.parametrize("role", [Role.STAFF, Role.DEPARTMENT_HEAD, Role.EXTERNAL_AUDITOR])
def test_only_the_secretariat_and_administrators_read_the_delivery_log(expiring, login, role):
    client = login(expiring[role])
    assert client.get(reverse("notifications:deliveries")).status_code == 403
    assert client.get(reverse("notifications:delivery_export")).status_code == 403


def test_another_organisations_deliveries_are_not_listed(expiring, other_world, login):
    delivery.queue_email()
    client = login(other_world[Role.ADMIN])
    assert len(client.get(reverse("notifications:deliveries")).context["table"].rows) == 0


def test_a_digest_also_lists_what_is_still_unread_and_due_soon(expiring):
    from ume.notifications import kinds
    from ume.notifications.services import notify

    admin = expiring[Role.ADMIN]
    delivery.queue_email()
    delivery.send_due()
    mail.outbox.clear()
    # Tomorrow another member's access is about to end: a new reminder for the administrator.
    staff = Membership.objects.get(organisation=expiring.org, role=Role.STAFF)
    tomorrow = timezone.now() + dt.timedelta(days=1)
    notify(
        kind=kinds.get(MEMBERSHIP_EXPIRY),
        organisation=expiring.org,
        record=staff,
        recipients=[admin],
        due=local_today() + dt.timedelta(days=3),
        stage=-7,
    )
    assert delivery.queue_email(now=tomorrow) == 1
    delivery.send_due(now=tomorrow)
    [message] = mail.outbox
    new, still = message.body.split("未読のまま、1週間以内に期限を迎える通知と期限を過ぎた通知】")
    assert str(expiring[Role.STAFF]) in new and str(expiring[Role.EXTERNAL_AUDITOR]) not in new
    assert str(expiring[Role.EXTERNAL_AUDITOR]) in still  # mailed yesterday, still unread
    assert message.subject == "[Ume] 梅商事株式会社: 通知 1 件"

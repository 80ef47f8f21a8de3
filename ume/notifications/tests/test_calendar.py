"""The calendar feed: a secret address per user and organisation, an RFC 5545 calendar that
parses back (icalendar), revoked or replaced on request, and nothing a user may no longer see."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from icalendar import Calendar

from ume.core.choices import Role
from ume.core.models import Membership, Organisation
from ume.core.tests.factories import local_today
from ume.notifications.models import CalendarFeed
from ume.notifications.scheduler import compute_reminders


@pytest.fixture
def reminded(world):
    Membership.objects.filter(organisation=world.org, role=Role.EXTERNAL_AUDITOR).update(
        valid_until=local_today() + dt.timedelta(days=7)
    )
    orgs = Organisation.objects.filter(pk=world.org.pk)
    compute_reminders(
        today=local_today() - dt.timedelta(days=5), organisations=orgs
    )  # 14-day stage
    compute_reminders(today=local_today(), organisations=orgs)  # 7-day stage: the same due date
    return world


def _issue(client) -> str:
    page = client.post(reverse("notifications:calendar_issue")).content.decode()
    return re.search(r'value="(http[^"]+\.ics)"', page).group(1)


def test_the_feed_lists_each_due_date_once_and_parses_back(reminded, admin_client, client):
    address = _issue(admin_client)
    path = address.replace("http://127.0.0.1:8000", "")
    assert address.startswith("http://127.0.0.1:8000/notifications/calendar/")
    client.logout()
    response = client.get(path)  # a calendar application: no session
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert len(events) == 1  # two reminders of one due date: one event
    event = events[0]
    assert event.decoded("dtstart") == local_today() + dt.timedelta(days=7)
    assert event.decoded("dtend") == local_today() + dt.timedelta(days=8)
    assert str(event["summary"]) == f"アカウントの利用期限: {reminded[Role.EXTERNAL_AUDITOR]}"
    assert "/notifications/" in str(event["url"])
    assert CalendarFeed.objects.get().last_used_at is not None


def test_only_a_hash_is_kept_and_reissuing_or_revoking_stops_the_old_address(
    reminded, admin_client
):
    first = _issue(admin_client).replace("http://127.0.0.1:8000", "")
    token = first.rsplit("/", 1)[1].removesuffix(".ics")
    assert token not in CalendarFeed.objects.get().token_sha256
    second = _issue(admin_client).replace("http://127.0.0.1:8000", "")
    assert admin_client.get(first).status_code == 404
    assert admin_client.get(second).status_code == 200
    admin_client.post(reverse("notifications:calendar_revoke"))
    assert admin_client.get(second).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_a_member_who_left_or_lost_the_right_gets_no_events(reminded, login, client):
    secretariat = reminded[Role.SECRETARIAT]
    path = _issue(login(secretariat)).replace("http://127.0.0.1:8000", "")
    client.logout()
    Membership.objects.filter(user=secretariat).update(role=Role.STAFF)  # may not see members
    assert Calendar.from_ical(client.get(path).content).walk("VEVENT") == []
    Membership.objects.filter(user=secretariat).update(is_active=False)
    assert client.get(path).status_code == 404


def test_an_unknown_address_is_not_found(world, client):
    assert client.get(reverse("notifications:calendar_feed", args=["nope"])).status_code == 404


def test_the_settings_page_offers_and_describes_the_address(reminded, admin_client):
    page = admin_client.get(reverse("notifications:settings")).content.decode()
    assert 'data-testid="calendar-issue"' in page and "calendar-revoke" not in page
    _issue(admin_client)
    page = admin_client.get(reverse("notifications:settings")).content.decode()
    assert 'data-testid="calendar-revoke"' in page and "発行：" in page

"""The inbox and the bell: a user sees only their own notifications in the current
organisation, each only while they may see its record; opening one marks it read."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ume.core.choices import Role
from ume.core.models import Membership
from ume.core.tests.factories import local_today
from ume.notifications import kinds, selectors
from ume.notifications.builtin import MEMBERSHIP_EXPIRY
from ume.notifications.models import Notification
from ume.notifications.services import notify


def _raise(world, recipient, *, days=7, stage=-7):
    membership = Membership.objects.get(organisation=world.org, role=Role.EXTERNAL_AUDITOR)
    return notify(
        kind=kinds.get(MEMBERSHIP_EXPIRY),
        organisation=world.org,
        record=membership,
        recipients=[recipient],
        due=local_today() + dt.timedelta(days=days),
        stage=stage,
    )[0]


@pytest.fixture
def note(world):
    return _raise(world, world[Role.ADMIN])


def test_the_inbox_lists_the_users_notifications_with_their_due_dates(world, note, admin_client):
    _raise(world, world[Role.ADMIN], days=-3, stage=0)
    _raise(world, world[Role.SECRETARIAT])  # someone else's
    page = admin_client.get(reverse("notifications:inbox"))
    body = page.content.decode()
    assert body.count('data-testid="notification"') == 2
    assert "あと 7 日" in body and "3 日超過" in body
    assert str(world[Role.EXTERNAL_AUDITOR]) in body
    assert reverse("notifications:open", args=[note.pk]) in body


def test_the_filter_narrows_by_state_and_kind(world, note, admin_client):
    read = _raise(world, world[Role.ADMIN], days=1, stage=-1)
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    url = reverse("notifications:inbox")
    unread = admin_client.get(url, {"state": "unread"}).context["shown"]
    assert [s.notification.pk for s in unread] == [note.pk]
    done = admin_client.get(url, {"state": "read"}).context["shown"]
    assert [s.notification.pk for s in done] == [read.pk]
    other = admin_client.get(url, {"kind": "soa.revision_recommended"})
    assert other.context["shown"] == [] and "条件に合う通知はありません" in other.content.decode()
    assert admin_client.get(url, {"state": "<script>"}).status_code == 200  # ignored, no error


def test_opening_marks_read_and_goes_to_the_record(world, note, admin_client):
    response = admin_client.get(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "core:member_detail", args=[world[Role.EXTERNAL_AUDITOR].pk]
    )
    note.refresh_from_db()
    assert note.read_at is not None


def test_mark_read_and_mark_all_read(world, note, admin_client):
    second = _raise(world, world[Role.ADMIN], days=1, stage=-1)
    theirs = _raise(world, world[Role.SECRETARIAT])
    response = admin_client.post(reverse("notifications:read", args=[note.pk]))
    assert response.status_code == 302
    assert Notification.objects.get(pk=note.pk).read_at is not None
    assert Notification.objects.get(pk=second.pk).read_at is None
    admin_client.post(reverse("notifications:read_all"))
    assert Notification.objects.get(pk=second.pk).read_at is not None
    assert Notification.objects.get(pk=theirs.pk).read_at is None  # not the admin's


def test_mark_read_returns_only_to_this_site(world, note, admin_client):
    url = reverse("notifications:read", args=[note.pk])
    inbox = reverse("notifications:inbox")
    assert admin_client.post(url, {"next": f"{inbox}?state=unread"})["Location"] == (
        f"{inbox}?state=unread"
    )
    assert admin_client.post(url, {"next": "https://evil.example/"})["Location"] == inbox


def test_another_users_notification_is_not_found(world, note, login):
    client = login(world[Role.SECRETARIAT])
    for name in ("notifications:open", "notifications:read"):
        url = reverse(name, args=[note.pk])
        assert (client.post(url) if name.endswith("read") else client.get(url)).status_code == 404
    assert Notification.objects.get(pk=note.pk).read_at is None


def test_a_notification_the_user_may_no_longer_see_is_hidden_and_not_counted(world, login):
    secretariat = world[Role.SECRETARIAT]
    note = _raise(world, secretariat)
    client = login(secretariat)
    assert selectors.unread_count(actor=secretariat, organisation=world.org) == 1
    # The secretariat role is taken away: the user is now staff, who may not see members.
    Membership.objects.filter(user=secretariat, organisation=world.org).update(role=Role.STAFF)
    secretariat = type(secretariat).objects.get(pk=secretariat.pk)  # roles are cached per user
    assert selectors.unread_count(actor=secretariat, organisation=world.org) == 0
    client = login(secretariat)
    body = client.get(reverse("notifications:inbox")).content.decode()
    assert str(world[Role.EXTERNAL_AUDITOR]) not in body
    assert "1 件の通知は表示していません" in body
    assert client.get(reverse("notifications:open", args=[note.pk])).status_code == 404


def test_the_bell_shows_the_unread_count(world, note, admin_client):
    badge = reverse("notifications:badge")
    assert 'data-testid="bell-count"' in admin_client.get(badge).content.decode()
    assert admin_client.get(badge).context["label"] == 1
    Notification.objects.all().update(read_at=timezone.now())
    assert "bell-count" not in admin_client.get(badge).content.decode()
    page = admin_client.get(reverse("core:dashboard")).content.decode()
    assert f'hx-get="{badge}"' in page  # every page loads it after rendering


def test_the_bell_caps_its_count(world, admin_client, monkeypatch):
    monkeypatch.setattr(selectors, "BADGE_LIMIT", 2)
    for days in (1, 2, 3, 4):
        _raise(world, world[Role.ADMIN], days=days, stage=-days)
    assert admin_client.get(reverse("notifications:badge")).context["label"] == "2+"


def test_notifications_of_another_organisation_are_not_shown(world, other_world, login):
    from ume.core.tests.factories import make_user

    both = make_user("both@example.jp")
    Membership.objects.create(user=both, organisation=world.org, role=Role.ADMIN)
    _raise(world, both)
    assert selectors.notification_list(actor=both, organisation=other_world.org).count() == 0
    assert selectors.notification_list(actor=both, organisation=world.org).count() == 1


def test_an_empty_inbox_explains_what_will_appear(admin_client):
    body = admin_client.get(reverse("notifications:inbox")).content.decode()
    assert "通知はありません" in body and "mark-read" not in body and "read-all" not in body


def test_the_inbox_page_takes_a_fixed_number_of_queries(
    world, admin_client, django_assert_max_num_queries
):
    for days in range(1, 30):
        _raise(world, world[Role.ADMIN], days=days, stage=-days)
    with django_assert_max_num_queries(14):
        assert admin_client.get(reverse("notifications:inbox")).status_code == 200

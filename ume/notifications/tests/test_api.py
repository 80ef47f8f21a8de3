"""The notifications API: a user's own inbox as JSON (what the bell shows, no more), marking
read, and the webhook body described in the OpenAPI document exactly as Ume posts it."""

import datetime as dt

import jsonschema
import pytest
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from ume.core import services as core_services
from ume.core.choices import Role
from ume.core.models import Membership
from ume.core.tests.factories import local_today
from ume.notifications import kinds, webhooks
from ume.notifications.builtin import MEMBERSHIP_EXPIRY
from ume.notifications.models import Notification, Webhook, WebhookPreset
from ume.notifications.services import notify

pytestmark = pytest.mark.django_db


LIST = "/api/v1/notifications/"


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


def api(user, organisation, *, read_only=False) -> APIClient:
    _token, key = core_services.api_token_create(
        actor=user, organisation=organisation, name="inbox", read_only=read_only
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def test_the_list_shows_the_callers_own_notifications_newest_first(world):
    admin = world[Role.ADMIN]
    week = _raise(world, admin)
    late = _raise(world, admin, days=-3, stage=0)
    _raise(world, world[Role.SECRETARIAT])  # someone else's
    data = api(admin, world.org).get(LIST).json()
    assert data["count"] == 2
    assert [n["id"] for n in data["results"]] == [late.pk, week.pk]
    first = data["results"][0]
    assert first["kind"] == MEMBERSHIP_EXPIRY and first["due"] == str(late.due)
    assert (first["stage"], first["days"], first["read_at"]) == (0, -3, None)
    assert first["title"] == late.title and first["module"]
    member_page = reverse("core:member_detail", args=[world[Role.EXTERNAL_AUDITOR].pk])
    assert first["record_url"].endswith(member_page)
    assert first["open_url"].endswith(reverse("notifications:open", args=[late.pk]))


def test_the_list_filters_by_state_and_kind(world):
    admin = world[Role.ADMIN]
    unread = _raise(world, admin)
    read = _raise(world, admin, days=1, stage=-1)
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    client = api(admin, world.org)
    assert [n["id"] for n in client.get(LIST, {"state": "unread"}).json()["results"]] == [unread.pk]
    assert [n["id"] for n in client.get(LIST, {"state": "read"}).json()["results"]] == [read.pk]
    assert client.get(LIST, {"kind": "soa.revision_recommended"}).json()["count"] == 0
    assert client.get(LIST, {"state": "maybe"}).status_code == 400


def test_read_marks_one_and_read_all_marks_only_the_callers_own(world):
    admin, secretariat = world[Role.ADMIN], world[Role.SECRETARIAT]
    first, second = _raise(world, admin), _raise(world, admin, days=1, stage=-1)
    theirs = _raise(world, secretariat)
    client = api(admin, world.org)
    answer = client.post(f"{LIST}{first.pk}/read/")
    assert answer.status_code == 200 and answer.json()["read_at"]
    assert Notification.objects.get(pk=second.pk).read_at is None
    assert client.post(f"{LIST}read-all/", {"kind": "soa.revision_recommended"}).json() == {
        "marked": 0
    }
    assert client.post(f"{LIST}read-all/").json() == {"marked": 1}
    assert Notification.objects.get(pk=second.pk).read_at is not None
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_another_users_notification_is_not_found_and_stays_unread(world, other_world):
    note = _raise(world, world[Role.ADMIN])
    for client in (
        api(world[Role.SECRETARIAT], world.org),
        api(other_world[Role.ADMIN], other_world.org),
    ):
        assert client.get(f"{LIST}{note.pk}/").status_code == 404
        assert client.post(f"{LIST}{note.pk}/read/").status_code == 404
        assert client.get(LIST).json()["count"] == 0
    assert Notification.objects.get(pk=note.pk).read_at is None


def test_a_notification_the_user_may_no_longer_see_is_left_out(world):
    secretariat = world[Role.SECRETARIAT]
    note = _raise(world, secretariat)
    client = api(secretariat, world.org)
    assert client.get(LIST).json()["results"][0]["id"] == note.pk
    Membership.objects.filter(user=secretariat, organisation=world.org).update(role=Role.STAFF)
    assert client.get(LIST).json()["results"] == []
    assert client.get(f"{LIST}{note.pk}/").status_code == 404
    assert client.post(f"{LIST}{note.pk}/read/").status_code == 404


def test_a_read_only_token_reads_but_marks_nothing(world):
    note = _raise(world, world[Role.ADMIN])
    client = api(world[Role.ADMIN], world.org, read_only=True)
    assert client.get(LIST).json()["count"] == 1
    assert client.post(f"{LIST}{note.pk}/read/").status_code == 403
    assert client.post(f"{LIST}read-all/").status_code == 403
    assert Notification.objects.get(pk=note.pk).read_at is None


def test_the_documented_webhook_body_is_the_one_posted(world):
    """The OpenAPI description's webhook schema, checked against a real generic post."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert schema["openapi"].startswith("3.1")
    body = schema["webhooks"]["ume.notification"]["post"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    hook = Webhook.objects.create(
        organisation=world.org,
        name="監視",
        url="https://hooks.example.jp/ume",
        preset=WebhookPreset.GENERIC,
    )
    note = _raise(world, world[Role.ADMIN])
    for test in (False, True):
        posted = webhooks.payload(hook, note, test=test)
        jsonschema.Draft202012Validator(component).validate(posted)
        assert set(posted) == set(component["properties"]) == set(component["required"])

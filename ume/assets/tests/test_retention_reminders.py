"""Reminders of retention: a batch's owner and the 事務局 are told before its first item's 保存期限
and while it stays due; a held item is not due; a hold's owner is told when its review day
comes, with a leaver named only by number."""

import datetime as dt

import pytest

from ume.assets import services
from ume.assets.models import RetentionItem, RetentionRule
from ume.assets.reminders import DUE, HOLD_REVIEW
from ume.core.choices import Role
from ume.core.models import Organisation
from ume.notifications.models import Notification
from ume.notifications.scheduler import compute_reminders

pytestmark = pytest.mark.django_db
D = dt.date


def run(world, today, code):
    organisations = Organisation.objects.filter(pk=world.org.pk)
    return compute_reminders(today=today, organisations=organisations, codes=(code,))[code]


@pytest.fixture
def leaver(world, retention_rules):
    rule = RetentionRule.objects.get(
        organisation__isnull=True, code="labour-standards-109-hiring-records"
    )
    services.asset_create(
        actor=world[Role.ADMIN],
        scope=world.hq,
        data={"name": "履歴書", "retention_rules": [rule], "owner": world[Role.DEPARTMENT_HEAD]},
    )
    services.retention_event_record(
        actor=world[Role.ADMIN],
        organisation=world.org,
        source="manual",
        subject="山田 太郎",
        event_type="leaving",
        date=D(2025, 10, 15),
    )
    return RetentionItem.objects.get()


def test_the_owner_and_the_secretariat_are_told_before_and_after_the_date(world, leaver, japanese):
    assert leaver.keep_until == D(2030, 10, 15)
    assert run(world, D(2030, 9, 1), DUE) == 0  # more than 30 days ahead
    assert run(world, D(2030, 10, 8), DUE) == 2
    notes = Notification.objects.filter(kind=DUE)
    assert {n.recipient for n in notes} == {world[Role.DEPARTMENT_HEAD], world[Role.SECRETARIAT]}
    assert {(n.due, n.stage, n.title) for n in notes} == {
        (D(2030, 10, 15), -7, "2025年度 退職者の履歴書")
    }
    assert run(world, D(2030, 10, 29), DUE) == 2  # two weeks overdue: told again


def test_a_held_item_is_not_due_but_its_review_is(world, leaver, japanese):
    services.retention_hold_set(
        actor=world[Role.ADMIN],
        item=leaver,
        data={
            "hold_reason": "労働審判の証拠",
            "hold_owner": world[Role.SECRETARIAT],
            "hold_review_on": D(2027, 1, 31),
        },
        version=1,
    )
    assert run(world, D(2030, 10, 8), DUE) == 0
    assert run(world, D(2027, 1, 24), HOLD_REVIEW) == 1
    note = Notification.objects.get(kind=HOLD_REVIEW)
    assert note.recipient == world[Role.SECRETARIAT]
    assert note.title == f"2025年度 退職者の履歴書 / 退職者 No.{leaver.subject_id}"
    assert "山田" not in note.title


# --- The API ------------------------------------------------------------------------------------


def test_the_api_lists_events_batches_and_items_naming_leavers_only_to_whom_may_see(
    world, other_world, leaver
):
    from ume.core.tests.factories import api_client

    secretariat = api_client(world[Role.SECRETARIAT], world.org)
    staff = api_client(world[Role.STAFF], world.org)
    events = secretariat.get("/api/v1/retention-events/").json()["results"]
    assert [(e["subject"], e["event_type"], e["date"]) for e in events] == [
        ("山田 太郎", "leaving", "2025-10-15")
    ]
    masked = staff.get("/api/v1/retention-events/").json()["results"]
    assert masked[0]["subject"] == f"退職者 No.{leaver.subject_id}"
    assert staff.get("/api/v1/retention-events/", {"q": "山田"}).json()["count"] == 0
    batches = secretariat.get("/api/v1/retention-batches/", {"due": "later"}).json()["results"]
    assert [(b["label"], b["first_due"], b["item_count"]) for b in batches] == [
        ("2025年度 退職者の履歴書", "2030-10-15", 1)
    ]
    items = staff.get("/api/v1/retention-items/", {"batch": leaver.batch_id}).json()["results"]
    assert items[0]["keep_until"] == "2030-10-15" and "山田" not in str(items)
    assert items[0]["basis"][0]["keep_until"] == "2030-10-15"
    other = api_client(other_world[Role.ADMIN], other_world.org)
    for url in ("retention-events", "retention-batches", "retention-items"):
        assert other.get(f"/api/v1/{url}/").json()["count"] == 0
    assert other.get(f"/api/v1/retention-batches/{leaver.batch_id}/").status_code == 404
    # Events are recorded through the API too (test_api.py); an empty one is refused.
    assert secretariat.post("/api/v1/retention-events/", {}).status_code == 400
    assert staff.post("/api/v1/retention-events/", {}).status_code == 403

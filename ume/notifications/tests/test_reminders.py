"""Reminder kinds, the scheduler and ``notify``: stages, recipients, permissions, idempotence
(also between two workers at once), and the platform's own kind (an account's access ending;
the SoA's 改訂推奨 is tested in ume/soa)."""

import datetime as dt
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import close_old_connections

from ume.core import services as core_services
from ume.core.choices import Role
from ume.core.models import Membership, Organisation
from ume.core.tests.factories import local_today
from ume.notifications import kinds, scheduler
from ume.notifications.builtin import MEMBERSHIP_EXPIRY
from ume.notifications.models import Notification
from ume.notifications.services import notify


def _kind(**changes) -> kinds.ReminderKind:
    values = dict(
        code="test.kind",
        label="kind",
        module="test",
        due_items=lambda organisation, today: [],
        permission="core.view_organisation",
        permission_object=lambda record: record,
        url=lambda record: "/",
    )
    values.update(changes)
    return kinds.ReminderKind(**values)


@pytest.mark.parametrize(
    ("days_to_due", "stage"),
    [
        (45, None),  # before the first lead time
        (30, -30),
        (20, -30),  # a missed day: the newest stage that has come, once
        (7, -7),
        (2, -7),
        (1, -1),
        (0, 0),
        (-6, 0),
        (-7, 7),
        (-20, 14),
    ],
)
def test_the_newest_stage_that_has_come(days_to_due, stage):
    kind = _kind(lead_days=(30, 7, 1), overdue_every=7)
    assert kind.stage(local_today() + dt.timedelta(days=days_to_due), local_today()) == stage


def test_without_a_repeat_an_overdue_item_keeps_the_stage_of_its_day():
    kind = _kind(lead_days=(14,), overdue_every=None)
    assert kind.stage(local_today() - dt.timedelta(days=40), local_today()) == 0
    assert kind.stage(local_today() + dt.timedelta(days=3), local_today()) == -14


@pytest.fixture
def registry(monkeypatch):
    """Kinds registered by a test are gone after it."""
    monkeypatch.setattr(kinds, "_KINDS", dict(kinds._KINDS))


def test_a_kind_is_registered_once_with_whole_days(registry):
    kind = kinds.register(_kind(code="test.once"))
    assert kinds.get("test.once") is kind
    with pytest.raises(ValueError, match="already registered"):
        kinds.register(_kind(code="test.once", lead_days=(3,)))
    with pytest.raises(ValueError, match="whole days"):
        kinds.register(_kind(code="test.zero", lead_days=(0,)))
    assert kinds.get("test.zero") is None


def _expiry_notes(world):
    return Notification.objects.filter(organisation=world.org, kind=MEMBERSHIP_EXPIRY)


def _auditor_ends_in(world, days: int) -> Membership:
    membership = Membership.objects.get(organisation=world.org, role=Role.EXTERNAL_AUDITOR)
    Membership.objects.filter(pk=membership.pk).update(
        valid_until=local_today() + dt.timedelta(days=days)
    )
    membership.refresh_from_db()
    return membership


def _run(world, today=None, codes=()):
    today = today or local_today()
    return scheduler.compute_reminders(
        today=today, organisations=Organisation.objects.filter(pk=world.org.pk), codes=codes
    )


def test_an_ending_access_reminds_administrators_and_the_secretariat_once(world, other_world):
    _auditor_ends_in(world, 10)
    assert _run(world)[MEMBERSHIP_EXPIRY] == 2
    notes = _expiry_notes(world)
    assert {n.recipient for n in notes} == {world[Role.ADMIN], world[Role.SECRETARIAT]}
    assert {(n.stage, n.due, n.title) for n in notes} == {
        (-14, local_today() + dt.timedelta(days=10), str(world[Role.EXTERNAL_AUDITOR]))
    }
    assert _run(world)[MEMBERSHIP_EXPIRY] == 0 and notes.count() == 2  # a second run: nothing
    # Three days later the 7-day stage has come: one more each.
    assert _run(world, local_today() + dt.timedelta(days=3))[MEMBERSHIP_EXPIRY] == 2
    assert sorted(_expiry_notes(world).values_list("stage", flat=True)) == [-14, -14, -7, -7]
    assert not Notification.objects.filter(organisation=other_world.org).exists()


def test_an_access_far_from_its_end_or_ended_raises_nothing(world):
    _auditor_ends_in(world, 30)
    assert _run(world)[MEMBERSHIP_EXPIRY] == 0
    _auditor_ends_in(world, -1)  # ended yesterday: no longer effective
    assert _run(world)[MEMBERSHIP_EXPIRY] == 0


def test_without_a_secretariat_the_administrators_are_told(world):
    Membership.objects.filter(organisation=world.org, role=Role.SECRETARIAT).update(is_active=False)
    _auditor_ends_in(world, 1)
    _run(world)
    assert [n.recipient for n in _expiry_notes(world)] == [world[Role.ADMIN]]


def test_notify_skips_recipients_who_may_not_see_the_record(world):
    membership = _auditor_ends_in(world, 5)
    kind = kinds.get(MEMBERSHIP_EXPIRY)
    due = membership.valid_until
    new = notify(
        kind=kind,
        organisation=world.org,
        record=membership,
        recipients=[world[Role.STAFF], world[Role.TOP_MANAGEMENT], world[Role.TOP_MANAGEMENT]],
        due=due,
        stage=-7,
    )
    assert [n.recipient for n in new] == [world[Role.TOP_MANAGEMENT]]  # staff may not see members
    again = notify(
        kind=kind,
        organisation=world.org,
        record=membership,
        recipients=[world[Role.TOP_MANAGEMENT]],
        due=due,
        stage=-7,
    )
    assert again == [] and Notification.objects.count() == 1


def test_department_heads_and_owners_are_resolved(world):
    from ume.notifications.recipients import Recipients

    head, staff = world[Role.DEPARTMENT_HEAD], world[Role.STAFF]
    core_services.department_update(
        actor=world[Role.ADMIN],
        department=world.dept,
        data={"head": head},
        version=world.dept.version,
    )
    kind = _kind(recipients=(kinds.OWNER, kinds.DEPARTMENT_HEAD))
    item = kinds.DueItem(record=world.org, due=local_today(), title="t", owner=staff)
    assert Recipients(world.org, local_today()).of(kind, item) == [staff, head]
    staff.is_active = False
    assert Recipients(world.org, local_today()).of(kind, item) == [head]  # left: not told


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_raise_each_reminder_once():
    from ume.core.tests.factories import make_org

    world = make_org()
    _auditor_ends_in(world, 1)
    errors = []

    def work():
        try:
            _run(world)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            close_old_connections()

    workers = [threading.Thread(target=work) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    assert _expiry_notes(world).count() == 2


def test_the_command_lists_in_a_dry_run_and_raises_otherwise(world, capsys):
    _auditor_ends_in(world, 7)
    call_command("send_reminders", "--dry-run", "--organisation", str(world.org.pk))
    out = capsys.readouterr().out
    assert "core.membership_expiry" in out and "stage -7" in out and "2 would be raised" in out
    assert not Notification.objects.exists()
    call_command("send_reminders", "--kind", MEMBERSHIP_EXPIRY)
    assert "2 new reminders" in capsys.readouterr().out
    assert Notification.objects.count() == 2
    call_command("send_reminders", "--dry-run")
    assert "already raised" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "2026-13-01"], "not a date"),
        (["--kind", "nope.kind"], "unknown kind"),
        (["--organisation", "999999"], "no organisation"),
    ],
)
def test_the_command_refuses_bad_arguments(world, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("send_reminders", *args)
    assert not Notification.objects.exists()


def test_the_worker_runs_again_at_the_next_time_of_day():
    from zoneinfo import ZoneInfo

    from ume.notifications.management.commands.send_reminders import next_run

    tokyo = ZoneInfo("Asia/Tokyo")
    at = dt.time(7, 0)
    early = dt.datetime(2026, 12, 7, 6, 59, tzinfo=tokyo)
    late = dt.datetime(2026, 12, 7, 7, 0, tzinfo=tokyo)
    assert next_run(early, at) == dt.datetime(2026, 12, 7, 7, 0, tzinfo=tokyo)
    assert next_run(late, at) == dt.datetime(2026, 12, 8, 7, 0, tzinfo=tokyo)
    with pytest.raises(CommandError, match="HH:MM"):
        call_command("send_reminders", "--daily", "25:00")

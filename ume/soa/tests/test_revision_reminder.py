"""The SoA's 改訂推奨 reminder: raised for the ISMS 事務局 once the SoA moves away from its newest
approved version, repeated every 14 days, and no more once a new version is approved."""

import datetime as dt

from ume.core.choices import Role
from ume.core.models import Organisation
from ume.core.tests.factories import local_today
from ume.notifications.models import Notification
from ume.notifications.scheduler import compute_reminders
from ume.soa import services as soa_services
from ume.soa.reminders import REVISION
from ume.soa.tests.helpers import give_reasons


def _run(world, today=None):
    today = today or local_today()
    return compute_reminders(
        today=today, organisations=Organisation.objects.filter(pk=world.org.pk), codes=(REVISION,)
    )[REVISION]


def _approved_soa(world):
    admin = world[Role.ADMIN]
    soa = soa_services.soa_get_or_create(actor=admin, scope=world.hq)
    give_reasons(soa)
    soa_services.soa_approve(actor=admin, soa=soa, comment="")
    return soa


def test_an_soa_edited_after_approval_asks_the_secretariat_for_a_revision(world, catalogue):
    soa = _approved_soa(world)
    assert _run(world) == 0  # as approved: nothing to say
    row = soa.rows.get(control__ref="5.7")
    soa_services.soa_row_update(
        actor=world[Role.ADMIN], row=row, data={"procedure": "脅威情報の手順"}, version=row.version
    )
    assert _run(world) == 1
    note = Notification.objects.get(kind=REVISION)
    assert (note.recipient, note.due, note.stage, note.title) == (
        world[Role.SECRETARIAT],
        local_today(),
        0,
        "本社",
    )
    # Two weeks on, still not approved: reminded again; once a new version is approved, not.
    assert _run(world, local_today() + dt.timedelta(days=14)) == 1
    soa_services.soa_approve(actor=world[Role.ADMIN], soa=soa, comment="第2版")
    assert _run(world, local_today() + dt.timedelta(days=28)) == 0


def test_an_soa_whose_measure_changed_after_approval_asks_for_a_revision(world, catalogue):
    from ume.measures import services as measure_services

    soa = _approved_soa(world)
    admin = world[Role.ADMIN]
    measure = measure_services.measure_create(
        actor=admin, organisation=world.org, data={"title": "脅威情報の収集", "scope": world.hq}
    )
    row = soa.rows.get(control__ref="5.7")
    soa_services.soa_row_update(
        actor=admin, row=row, data={"measures": [measure]}, version=row.version
    )
    soa_services.soa_approve(actor=admin, soa=soa, comment="第2版")
    assert _run(world) == 0
    measure_services.measure_update(
        actor=admin,
        measure=measure,
        data={"title": "脅威情報の収集と共有"},
        version=measure.version,
    )
    assert _run(world) == 1

"""The organisation's reminder rules: its own lead times (typed as Japanese offices type them),
business days that skip weekends and public holidays, and e-mail made mandatory."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from ume.core.choices import Role
from ume.core.models import AuditEntry, Membership, Organisation
from ume.core.tests.factories import local_today
from ume.notifications import delivery, kinds
from ume.notifications.builtin import MEMBERSHIP_EXPIRY
from ume.notifications.models import EmailMode, KindSetting, Notification, Preference
from ume.notifications.scheduler import compute_reminders

URL = reverse("notifications:rule_edit", args=[MEMBERSHIP_EXPIRY])


def _ends_in(world, days):
    Membership.objects.filter(organisation=world.org, role=Role.EXTERNAL_AUDITOR).update(
        valid_until=local_today() + dt.timedelta(days=days)
    )


def _run(world):
    return compute_reminders(
        today=local_today(), organisations=Organisation.objects.filter(pk=world.org.pk)
    )


def test_the_rules_page_lists_each_kind_with_its_defaults(world, login):
    page = login(world[Role.SECRETARIAT]).get(reverse("notifications:rules")).content.decode()
    assert 'data-testid="rule-core.membership_expiry"' in page and "14, 7, 1" in page
    assert 'data-testid="rule-soa.revision_recommended"' in page and "14 日ごと" in page


@pytest.mark.parametrize("role", [Role.STAFF, Role.TOP_MANAGEMENT, Role.EXTERNAL_AUDITOR])
def test_only_the_secretariat_and_administrators_set_rules(world, login, role):
    client = login(world[role])
    assert client.get(reverse("notifications:rules")).status_code == 403
    assert client.post(URL, {"lead_days": "3", "version": 1}).status_code == 403
    assert not KindSetting.objects.exists()


def test_own_lead_times_change_when_reminders_come(world, admin_client):
    _ends_in(world, 10)
    response = admin_client.post(URL, {"lead_days": "３、1", "version": 1})  # full-width, 、
    assert response.status_code == 302
    assert KindSetting.objects.get().lead_days == [3, 1]
    trail = AuditEntry.objects.filter(model_label="notifications.kindsetting")
    assert {e.actor_id for e in trail} == {world[Role.ADMIN].pk}  # in the audit trail
    assert "[3,1]" in str(trail.order_by("seq").last().changes)
    assert sum(_run(world).values()) == 0  # 10 days before: no stage of (3, 1) has come
    _ends_in(world, 3)
    _run(world)
    assert set(Notification.objects.values_list("stage", flat=True)) == {-3}


@pytest.mark.parametrize("typed", ["abc", "0", "400", "1, 2, 3, 4, 5, 6, 7"])
def test_lead_times_out_of_range_are_refused_and_change_nothing(world, admin_client, typed):
    response = admin_client.post(URL, {"lead_days": typed, "version": 1})
    assert response.status_code == 200 and response.context["form"].errors
    assert not KindSetting.objects.exists()


def test_a_stale_rule_edit_is_refused(world, admin_client):
    admin_client.post(URL, {"lead_days": "5", "version": 1})
    stale = admin_client.post(URL, {"lead_days": "9", "version": 1})
    assert "別のユーザーが変更しました" in stale.content.decode()
    assert KindSetting.objects.get().lead_days == [5]


def test_business_days_skip_weekends_and_public_holidays():
    kind = kinds.get(MEMBERSHIP_EXPIRY)
    by_calendar = kinds.for_organisation(
        kind, KindSetting(lead_days=[1], overdue_every=None, business_days=False)
    )
    by_business = kinds.for_organisation(
        kind, KindSetting(lead_days=[1], overdue_every=None, business_days=True)
    )
    due = dt.date(2026, 11, 4)  # a Wednesday; the Tuesday before is 文化の日
    assert by_calendar.stage(due, dt.date(2026, 11, 2)) is None
    assert by_business.stage(due, dt.date(2026, 11, 2)) == -1
    monday = dt.date(2026, 12, 7)  # the business day before is Friday 4 December
    assert by_business.stage(monday, dt.date(2026, 12, 4)) == -1
    assert by_business.stage(monday, dt.date(2026, 12, 3)) is None


def test_mandatory_email_reaches_members_who_switched_it_off(world, admin_client, login):
    admin_client.post(URL, {"lead_days": "14, 7, 1", "mandatory": "on", "version": 1})
    secretariat = world[Role.SECRETARIAT]
    Preference.objects.create(
        user=secretariat,
        organisation=world.org,
        email=EmailMode.OFF,
        muted_kinds=[MEMBERSHIP_EXPIRY],
    )
    _ends_in(world, 7)
    _run(world)
    delivery.queue_email()
    delivery.send_due()
    assert {m.to[0] for m in mail.outbox} == {world[Role.ADMIN].email, secretariat.email}
    assert all("/notifications/unsubscribe/" not in m.body for m in mail.outbox)
    token = delivery.unsubscribe_token(secretariat, world.org, MEMBERSHIP_EXPIRY)
    page = login(secretariat).post(reverse("notifications:unsubscribe", args=[token]))
    assert 'data-testid="mandatory"' in page.content.decode()
    settings_page = login(secretariat).get(reverse("notifications:settings")).content.decode()
    assert 'value="core.membership_expiry"' not in settings_page  # not offered to switch off

"""Reminders in the browser: the daily run raises one for the administrator (the external
auditor's access ends in a week); the bell shows it, opening it lands on the member and marks it
read, and "mark all read" clears the rest."""

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from ume.core.choices import Role
from ume.core.models import Membership, Organisation
from ume.core.tests.factories import PASSWORD
from ume.notifications.models import Notification, Preference
from ume.notifications.scheduler import compute_reminders

from .conftest import login


def test_the_bell_counts_reminders_and_the_inbox_opens_and_clears_them(page, live_server, world):
    today = timezone.localdate()
    Membership.objects.filter(organisation=world.org, role=Role.EXTERNAL_AUDITOR).update(
        valid_until=today + dt.timedelta(days=7)
    )
    orgs = Organisation.objects.filter(pk=world.org.pk)
    compute_reminders(today=today - dt.timedelta(days=5), organisations=orgs)  # 14-day stage
    compute_reminders(today=today, organisations=orgs)  # and the 7-day stage today
    admin = world[Role.ADMIN]
    assert Notification.objects.filter(recipient=admin).count() == 2

    login(page, live_server, admin.email, PASSWORD)
    count = page.get_by_test_id("bell-count")
    expect(count).to_have_text("2")  # loaded after the page
    page.get_by_test_id("bell").click()
    expect(page).to_have_url(f"{live_server.url}/notifications/")
    items = page.get_by_test_id("notification")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("アカウントの利用期限")
    expect(items.first).to_contain_text("あと 7 日")

    with page.expect_navigation():
        items.first.get_by_test_id("notification-link").click()
    expect(page).to_have_url(f"{live_server.url}/members/{world[Role.EXTERNAL_AUDITOR].pk}/")
    expect(page.get_by_test_id("bell-count")).to_have_text("1")

    page.get_by_test_id("bell").click()
    page.locator("select[name=state]").select_option("unread")
    with page.expect_navigation():
        page.get_by_role("button", name="絞り込み").click()
    expect(page.get_by_test_id("notification")).to_have_count(1)
    with page.expect_navigation():
        page.get_by_test_id("read-all").click()
    expect(page.locator(".alert")).to_contain_text("1 件の通知を既読にしました。")
    expect(page.get_by_test_id("notification")).to_have_count(0)
    expect(page.get_by_text("条件に合う通知はありません")).to_be_visible()
    expect(page.get_by_test_id("bell-count")).to_have_count(0)
    assert not Notification.objects.filter(recipient=admin, read_at__isnull=True).exists()


def test_a_user_changes_how_notifications_reach_them_by_email(page, live_server, world):
    staff = world[Role.STAFF]
    login(page, live_server, staff.email, PASSWORD)
    page.get_by_test_id("bell").click()
    expect(page.get_by_text("通知はありません")).to_be_visible()  # the empty state explains
    with page.expect_navigation():
        page.get_by_test_id("notification-settings").click()
    daily = page.get_by_label("1日1回のまとめで受け取る")
    expect(daily).to_be_checked()  # the default
    page.get_by_label("通知のたびに受け取る").check()
    page.get_by_label("適用宣言書: 改訂推奨").check()
    with page.expect_navigation():
        page.get_by_test_id("save").click()
    expect(page.locator(".alert")).to_contain_text("通知の設定を保存しました。")
    expect(page.get_by_label("通知のたびに受け取る")).to_be_checked()
    expect(page.get_by_label("適用宣言書: 改訂推奨")).to_be_checked()
    pref = Preference.objects.get(user=staff, organisation=world.org)
    assert (pref.email, pref.muted_kinds) == ("immediate", ["soa.revision_recommended"])

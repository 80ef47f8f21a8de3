"""Retention dates in the browser: the 事務局 records a leaver and finds them in 「2025年度
退職者の履歴書」 with a due date; choosing 当分の間3年 for the rule moves the dates; a hold is
put on the leaver's 履歴書 from the batch page."""

from playwright.sync_api import expect

from ume.assets import services
from ume.assets.models import RetentionItem, RetentionRule
from ume.assets.reference import load_retention_rules
from ume.core.choices import Role
from ume.core.tests.factories import PASSWORD

from .conftest import login

HIRING = "labour-standards-109-hiring-records"


def test_a_leaver_is_recorded_dated_and_moved_by_the_transitional_choice(page, live_server, world):
    from django.db import transaction

    with transaction.atomic():
        load_retention_rules()
    rule = RetentionRule.objects.get(organisation__isnull=True, code=HIRING)
    services.asset_create(
        actor=world[Role.ADMIN],
        scope=world.hq,
        data={"name": "履歴書", "retention_rules": [rule]},
    )
    login(page, live_server, world[Role.SECRETARIAT].email, PASSWORD)
    page.goto(f"{live_server.url}/assets/due/")
    expect(page.get_by_test_id("due-empty-help")).to_be_visible()
    page.goto(f"{live_server.url}/assets/events/new/")
    page.fill("#id_subject", "山田 太郎")
    page.select_option("#id_event_type", "leaving")
    page.fill("#id_date", "2025-10-15")
    with page.expect_navigation():
        page.get_by_test_id("save").click()
    expect(page.locator(".alert")).to_contain_text("起算事由を登録しました。")
    expect(page.get_by_test_id("event-items")).to_contain_text("2025年度 退職者の履歴書")
    expect(page.get_by_test_id("event-items")).to_contain_text("2030/10/15")

    page.goto(f"{live_server.url}/assets/due/")
    with page.expect_navigation():
        page.get_by_test_id("batch-link").filter(has_text="2025年度 退職者の履歴書").click()
    expect(page.get_by_test_id("batch-first-due")).to_have_text("2030/10/15")

    page.goto(f"{live_server.url}/assets/retention/{rule.pk}/")
    page.get_by_label("経過措置").check()
    with page.expect_navigation():
        page.get_by_test_id("choice-save").click()
    page.goto(f"{live_server.url}/assets/due/")
    with page.expect_navigation():
        page.get_by_test_id("batch-link").first.click()
    expect(page.get_by_test_id("batch-first-due")).to_have_text("2028/10/15")

    with page.expect_navigation():
        page.get_by_test_id("item-hold").click()
    page.fill("#id_hold_reason", "労働審判の証拠")
    page.fill("#id_hold_review_on", "2027-01-31")
    with page.expect_navigation():
        page.get_by_test_id("save").click()
    expect(page.get_by_test_id("item-held")).to_be_visible()
    assert RetentionItem.objects.get().held

"""Users and roles in the browser: inviting, accepting an invitation, invalid input and
pages a role may not open."""

import re

from django.core import mail
from playwright.sync_api import expect

from ume.core.choices import Role
from ume.core.models import Invitation, Membership
from ume.core.tests.factories import PASSWORD

from .conftest import login

NEWCOMER = "newcomer@example.jp"


def _invitation_url(live_server, email: str) -> str:
    """The link from the invitation e-mail (sent by a task after the commit)."""
    for message in mail.outbox:
        if email in message.to:
            match = re.search(r"https?://\S+/invitations/\S+/", message.body)
            assert match, message.body
            return match.group(0)
    # Fallback when the mail backend is not the in-process one.
    return f"{live_server.url}/invitations/{Invitation.objects.get(email=email).token}/"


def test_admin_invites_a_user_who_accepts_and_lands_on_the_dashboard(
    page, live_server, world, new_context
):
    mail.outbox.clear()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    login(page, live_server, "admin@example.jp", PASSWORD)
    page.goto(f"{live_server.url}/members/")
    with page.expect_navigation():
        page.get_by_test_id("create").click()
    expect(page).to_have_url(f"{live_server.url}/members/invite/")

    page.locator("input[name=email]").fill(NEWCOMER)
    page.locator("select[name=role]").select_option(label="従業者")
    with page.expect_navigation():
        page.get_by_test_id("save").click()

    expect(page).to_have_url(f"{live_server.url}/members/")
    expect(page.locator(".ume-messages")).to_contain_text(f"{NEWCOMER} に招待を送信しました。")
    invitations = page.locator(".card", has_text="承諾待ちの招待")
    row = invitations.locator("tbody tr", has_text=NEWCOMER)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("従業者")

    # The invitation e-mail was sent (in Japanese) with a one-time link.
    sent = [m for m in mail.outbox if NEWCOMER in m.to]
    assert len(sent) == 1, [m.to for m in mail.outbox]
    assert "梅商事株式会社" in sent[0].subject
    url = _invitation_url(live_server, NEWCOMER)
    # The same link can be copied from the open invitation, for when the mail does not arrive.
    copy = row.locator("button[data-copy]")
    expect(copy).to_have_text("リンクをコピー")
    copy.click()
    expect(copy).to_have_text("コピーしました")
    assert page.evaluate("navigator.clipboard.readText()") == url

    # The invited person opens the link in their own browser.
    guest = new_context().new_page()
    guest.goto(url)
    expect(guest.locator("h1")).to_contain_text("梅商事株式会社")
    expect(guest.locator("body")).to_contain_text(NEWCOMER)
    guest.locator("input[name=full_name]").fill("梅田 花子")
    guest.locator("input[name=password1]").fill("plum-blossom-2026-spring")
    guest.locator("input[name=password2]").fill("plum-blossom-2026-spring")
    with guest.expect_navigation():
        guest.get_by_test_id("accept").click()

    expect(guest).to_have_url(f"{live_server.url}/")
    expect(guest.locator("h1.page-title")).to_have_text("ダッシュボード")
    expect(guest.get_by_test_id("org-switcher")).to_contain_text("梅商事株式会社")
    expect(guest.locator(".ume-messages")).to_contain_text("梅商事株式会社へようこそ。")
    expect(guest.get_by_test_id("user-menu")).to_contain_text("梅田")
    membership = Membership.objects.get(user__email=NEWCOMER)
    assert (membership.organisation_id, membership.role) == (world.org.pk, Role.STAFF)

    # The link works once: opened again it says so.
    again = new_context().new_page()
    again.goto(url)
    expect(again.locator(".alert-warning")).to_be_visible()
    expect(again.get_by_test_id("accept")).to_have_count(0)

    # Inviting the new member again, with another role, is refused: roles are added on their page.
    page.goto(f"{live_server.url}/members/invite/")
    page.locator("input[name=email]").fill(NEWCOMER.upper())
    page.locator("select[name=role]").select_option(label="内部監査員")
    with page.expect_navigation():
        page.get_by_test_id("save").click()
    expect(page.locator(".invalid-feedback, [data-testid=form-errors]").first).to_contain_text(
        "既にこの組織のメンバーです"
    )
    assert Invitation.objects.filter(email=NEWCOMER).count() == 1


def test_inviting_an_invalid_address_shows_a_japanese_error_and_creates_nothing(
    page, live_server, world
):
    mail.outbox.clear()
    login(page, live_server, "admin@example.jp", PASSWORD)
    page.goto(f"{live_server.url}/members/invite/")
    page.locator("input[name=email]").fill("not-an-email")
    page.locator("select[name=role]").select_option(label="従業者")
    with page.expect_navigation():
        page.get_by_test_id("save").click()

    expect(page).to_have_url(f"{live_server.url}/members/invite/")
    email = page.locator("input[name=email]")
    expect(email).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(email).to_have_value("not-an-email")
    error = page.locator(".invalid-feedback", has_text="メールアドレス")
    expect(error).to_be_visible()
    expect(error).to_contain_text(re.compile(r"有効なメールアドレス"))
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_staff_is_refused_the_members_page_and_has_no_link_to_it(page, live_server, world):
    login(page, live_server, "staff@example.jp", PASSWORD)
    sidebar = page.locator("#sidebar-menu")
    expect(sidebar.get_by_role("link", name="ダッシュボード")).to_be_visible()
    expect(sidebar.get_by_role("link", name="適用範囲")).to_be_visible()
    expect(sidebar.get_by_role("link", name="ユーザーと役割")).to_have_count(0)
    expect(sidebar.get_by_role("link", name="監査証跡")).to_have_count(0)

    response = page.goto(f"{live_server.url}/members/")
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("アクセスできません")
    expect(page.locator("body")).to_contain_text("このページを開く権限がありません")
    response = page.goto(f"{live_server.url}/members/invite/")
    assert response.status == 403


def test_external_auditor_cannot_open_the_new_scope_form(page, live_server, world):
    login(page, live_server, "external_auditor@example.jp", PASSWORD)
    expect(page.locator("h1.page-title")).to_have_text("ダッシュボード")
    response = page.goto(f"{live_server.url}/scopes/new/")
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("アクセスできません")
    expect(page.locator("input[name=name]")).to_have_count(0)
    # The read-only auditor sees the scope list without a create button.
    page.goto(f"{live_server.url}/scopes/")
    expect(page.locator("#list-results")).to_contain_text("本社")
    expect(page.get_by_test_id("create")).to_have_count(0)

"""Login with a password, and multi-factor authentication set up and used in the browser."""

import re

from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from ume.core.choices import Role
from ume.core.tests.factories import PASSWORD

from .conftest import login, submit, totp_code


def test_password_login_lands_on_the_dashboard_with_the_login_notice(page, live_server, world):
    login(page, live_server, "admin@example.jp", PASSWORD)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.locator("h1.page-title")).to_have_text("ダッシュボード")
    expect(page.get_by_test_id("org-switcher")).to_contain_text("梅商事株式会社")
    expect(page.locator(".page-header")).to_contain_text("梅商事株式会社")
    notice = page.get_by_test_id("login-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("今回が初めてのログインです。")
    # The scopes of the organisation are on the dashboard.
    expect(page.locator(".card", has_text="適用範囲").first).to_contain_text("本社")


def test_wrong_password_stays_on_the_login_page(page, live_server, world):
    login(page, live_server, "admin@example.jp", "wrong-password")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_test_id("login-submit")).to_be_visible()
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_totp_setup_then_login_asks_for_the_code(page, live_server, world):
    admin = world[Role.ADMIN]
    login(page, live_server, admin.email, PASSWORD)
    expect(page.locator("h1.page-title")).to_have_text("ダッシュボード")

    # Set up the authenticator app: allauth asks for the password again first.
    page.goto(f"{live_server.url}/accounts/2fa/totp/activate/")
    if "/accounts/reauthenticate/" in page.url:
        page.locator("input[name=password]").fill(PASSWORD)
        submit(page, "input[name=password]")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    secret = page.locator("#authenticator_secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{16,}=*", secret), secret
    page.locator("input[name=code]").fill(totp_code(secret))
    submit(page, "input[name=code]")
    expect(page).not_to_have_url(re.compile(r"/totp/activate/"))

    # The MFA page shows the app as active and the recovery codes generated with it.
    page.goto(f"{live_server.url}/accounts/2fa/")
    body = page.locator("body")
    expect(body).to_contain_text("認証アプリを使用した認証が有効です。")
    expect(body).to_contain_text("リカバリーコード")
    expect(body).to_contain_text(re.compile(r"10 個中 10 個"))
    assert set(Authenticator.objects.filter(user=admin).values_list("type", flat=True)) == {
        Authenticator.Type.TOTP,
        Authenticator.Type.RECOVERY_CODES,
    }

    # Log out through the user menu.
    page.goto(f"{live_server.url}/")
    page.get_by_test_id("user-menu").click()
    with page.expect_navigation():
        page.get_by_test_id("logout").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    # The password alone is not enough any more: the code step appears.
    login(page, live_server, admin.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    expect(page.locator("h1")).to_contain_text("多要素認証")
    page.goto(f"{live_server.url}/")
    expect(page).not_to_have_url(f"{live_server.url}/")  # not logged in yet
    page.goto(f"{live_server.url}/accounts/2fa/authenticate/")

    good = totp_code(secret)
    wrong = "000000" if good != "000000" else "111111"
    page.locator("input[name=code]").fill(wrong)
    submit(page, "input[name=code]")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    expect(page.locator("form", has=page.locator("input[name=code]"))).to_contain_text(
        "コードが正しくありません。"
    )

    page.locator("input[name=code]").fill(totp_code(secret))
    submit(page, "input[name=code]")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("h1.page-title")).to_have_text("ダッシュボード")
    expect(page.get_by_test_id("org-switcher")).to_contain_text("梅商事株式会社")
    expect(page.get_by_test_id("login-notice")).to_contain_text("前回のログイン")

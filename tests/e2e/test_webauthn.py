"""A WebAuthn security key, through Chromium's virtual authenticator (DevTools protocol):
set up, then used as the second factor at login. Recovery codes come with it, so a key is
never the only factor (JIS Q 27002 8.5)."""

import re

from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from ume.core.choices import Role
from ume.core.tests.factories import PASSWORD

from .conftest import add_virtual_authenticator, login, submit


def test_security_key_is_registered_and_used_at_login(
    new_context, live_server, transactional_db, world
):
    context = new_context()
    page = context.new_page()
    add_virtual_authenticator(context, page)
    admin = world[Role.ADMIN]
    login(page, live_server, admin.email, PASSWORD)

    page.goto(f"{live_server.url}/accounts/2fa/webauthn/add/")
    if "/accounts/reauthenticate/" in page.url:
        page.locator("input[name=password]").fill(PASSWORD)
        submit(page, "input[name=password]")
    expect(page).to_have_url(re.compile(r"/webauthn/add/"))
    page.locator("input[name=name]").fill("USB キー")
    with page.expect_navigation():
        page.locator("#mfa_webauthn_add").click()
    types = set(Authenticator.objects.filter(user=admin).values_list("type", flat=True))
    assert types == {Authenticator.Type.WEBAUTHN, Authenticator.Type.RECOVERY_CODES}

    page.goto(f"{live_server.url}/account/security/")
    expect(page.locator("body")).to_contain_text("セキュリティキー")

    page.get_by_test_id("user-menu").click()
    with page.expect_navigation():
        page.get_by_test_id("logout").click()
    login(page, live_server, admin.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    with page.expect_navigation():
        page.locator("#mfa_webauthn_authenticate").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("h1.page-title")).to_have_text("ダッシュボード")

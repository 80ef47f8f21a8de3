"""An API token issued in the browser, used by a program, revoked, then refused; and the
same token suspended when the organisation starts requiring MFA."""

from playwright.sync_api import expect

from ume.core.choices import MfaRequirement, Role
from ume.core.models import Organisation
from ume.core.tests.factories import PASSWORD

from .conftest import login, submit


def issue(page, live_server, name: str) -> str:
    page.goto(f"{live_server.url}/account/security/")
    page.locator("input[name=name]").fill(name)
    submit(page, "input[name=name]")
    key = page.get_by_test_id("api-token")
    expect(key).to_be_visible()
    return key.inner_text().strip()


def call(page, live_server, key: str, path: str = "/api/v1/scopes/"):
    # A program calling the API: no browser cookies, only the Authorization header.
    request = page.context.request
    return request.get(
        f"{live_server.url}{path}",
        headers={"Authorization": f"Bearer {key}", "Cookie": ""},
    )


def test_issue_use_and_revoke_a_token(page, live_server, world):
    login(page, live_server, world[Role.SECRETARIAT].email, PASSWORD)
    key = issue(page, live_server, "資産台帳の同期")
    scopes = call(page, live_server, key)
    assert scopes.status == 200
    assert {s["name"] for s in scopes.json()["results"]} == {"本社", "開発センター"}

    page.reload()
    expect(page.get_by_test_id("api-token")).to_have_count(0)  # shown once
    row = page.get_by_test_id("token-row").filter(has_text="資産台帳の同期")
    expect(row).to_contain_text(key[:12])
    page.once("dialog", lambda dialog: dialog.accept())  # the confirmation before revoking
    with page.expect_navigation():
        row.get_by_test_id("revoke-token").click()
    expect(page.get_by_test_id("token-row").filter(has_text="資産台帳の同期")).to_contain_text(
        "失効"
    )
    assert call(page, live_server, key).status == 401


def test_a_token_stops_when_mfa_becomes_required(page, live_server, world):
    login(page, live_server, world[Role.STAFF].email, PASSWORD)
    key = issue(page, live_server, "日報集計")
    assert call(page, live_server, key).status == 200
    Organisation.objects.filter(pk=world.org.pk).update(require_mfa=MfaRequirement.EVERYONE)
    refused = call(page, live_server, key)
    assert refused.status == 401 and "多要素認証" in refused.json()["detail"]
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/2fa/")
    expect(page.locator(".alert")).to_contain_text("API トークン")

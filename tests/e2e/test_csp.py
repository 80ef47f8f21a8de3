"""The pages work under the Content-Security-Policy (issue 15, finding 9).

A user walks the main pages in Chromium, including the htmx interactions (filters that swap a
fragment, measure suggestions), the inline script of the measure form (nonce), the account and
MFA pages with a WebAuthn key (allauth's scripts), the Swagger UI API docs and DRF's browsable
API. Every ``securitypolicyviolation`` event and every console error is recorded; there must be
none.
"""

import re

import pytest
from playwright.sync_api import expect

from ume.core.choices import Role
from ume.core.tests.factories import PASSWORD
from ume.soa import services
from ume.soa.models import SoARow

from .conftest import add_virtual_authenticator, login, submit

# Runs before any script of every document: records each CSP violation on window and reports
# it to the test at once (the window's list is lost on the next navigation).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const v = {
    page: document.location.href,
    directive: e.effectiveDirective || e.violatedDirective,
    blocked: e.blockedURI,
    source: e.sourceFile + ":" + e.lineNumber,
    sample: e.sample,
  };
  window.__cspViolations.push(v);
  window.__umeReportCspViolation(v);
}, true);
"""


class Watch:
    """CSP violations and console errors of every page of one browser context."""

    def __init__(self, context):
        self.violations: list[dict] = []
        self.console: list[str] = []
        context.expose_function("__umeReportCspViolation", self._violation)
        context.add_init_script(RECORD_VIOLATIONS)
        context.on("page", self.watch)

    def watch(self, page) -> None:
        page.on("console", lambda m: self._console(page, m))
        page.on("pageerror", lambda e: self.console.append(f"{page.url}: uncaught {e}"))

    def _violation(self, violation: dict) -> None:
        self.violations.append(violation)

    def _console(self, page, message) -> None:
        text = message.text
        if message.type == "error" or "Content Security Policy" in text:
            self.console.append(f"{page.url}: [{message.type}] {text}")

    def assert_clean(self, page=None) -> None:
        if page is not None:  # events still queued in the page are delivered first
            page.evaluate("window.__cspViolations.length")
        assert not self.violations, "CSP violations:\n" + "\n".join(map(str, self.violations))
        assert not self.console, "console errors:\n" + "\n".join(self.console)


@pytest.fixture
def watched(new_context, live_server, transactional_db):
    """A function returning (context, page, watch) for a fresh context of the given options."""

    watches = []

    def _watched(**options):
        context = new_context(**options)
        watch = Watch(context)
        watches.append(watch)
        return context, context.new_page(), watch

    yield _watched
    # A step that failed on its own (e.g. a blocked script left a button dead) shows why.
    for watch in watches:
        for line in [*map(str, watch.violations), *watch.console]:
            print("CSP watch:", line)


def _visit(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.ok, (url, response and response.status)
    policy = response.header_value("content-security-policy") or ""
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy, (url, policy)


def _same_page(page) -> None:
    """Mark the document; ``_still_same_page`` proves a later change was an htmx swap."""
    page.evaluate("window.__umeSamePage = true")


def _still_same_page(page) -> None:
    assert page.evaluate("window.__umeSamePage === true"), "the page was reloaded, not swapped"


def _catalogue(page, url: str) -> None:
    _visit(page, f"{url}/catalogue/")
    rows = page.locator("#control-results tr[data-ref]")
    expect(rows).to_have_count(93)
    _same_page(page)
    with page.expect_response(re.compile(r"/catalogue/\?.*theme=technological")):
        page.get_by_test_id("catalogue-filter").locator("select[name=theme]").select_option(
            "technological"
        )
    expect(rows).to_have_count(34)
    _still_same_page(page)
    _visit(page, f"{url}/catalogue/5.7/")
    expect(page.get_by_test_id("levels")).to_be_visible()


def _soa(page, url: str, scope) -> None:
    _visit(page, f"{url}/soa/")
    soa_url = f"{url}/soa/{scope.pk}/"
    _visit(page, soa_url)
    rows = page.locator("#soa-rows tr[data-ref]")
    expect(rows).to_have_count(93)
    # The theme filter swaps the rows (htmx); "tick all" is ume.js; the bulk panel opens.
    _same_page(page)
    with page.expect_response(re.compile(r"/soa/\d+/\?.*theme=people")):
        page.locator("form.ume-filter select[name=theme]").select_option("people")
    expect(rows).to_have_count(8)
    _still_same_page(page)
    page.locator("#soa-rows input[data-check-all]").check()
    expect(page.locator("#soa-rows input[name=rows]:checked")).to_have_count(8)
    page.get_by_test_id("bulk-panel").locator("summary").click()
    expect(page.locator("#bulk-form select[name=bulk-status]")).to_be_visible()
    # A row edited and saved.
    with page.expect_navigation():
        page.get_by_test_id("edit-6.3").click()
    page.locator("select[name=status]").select_option("partial")
    with page.expect_navigation():
        page.get_by_test_id("save").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(soa_url)}#row-\d+"))
    assert SoARow.objects.get(soa__scope=scope, control__ref="6.3").status == "partial"
    _visit(page, f"{soa_url}gap/")
    expect(page.get_by_test_id("gap-chart")).to_be_visible()
    _visit(page, f"{soa_url}versions/")


def _measures(page, url: str) -> None:
    _visit(page, f"{url}/measures/")
    _visit(page, f"{url}/measures/new/")
    # Typing asks for suggestions (htmx); "Add" runs the form's inline script (nonce).
    with page.expect_response(re.compile(r"/measures/suggest/")):
        page.locator("#measure-form textarea[name=description]").fill(
            "毎晩NASにバックアップを取得し、月1回復元テストを行う"
        )
    suggestion = page.get_by_test_id("suggestion-8.13")
    expect(suggestion).to_be_visible()
    suggestion.click()
    expect(page.locator('#measure-form input[name=controls][data-ref="8.13"]')).to_be_checked()
    expect(page.get_by_test_id("measure-selected-controls")).to_contain_text("8.13")


def _organisation(page, url: str, world) -> None:
    _visit(page, f"{url}/scopes/")
    _visit(page, f"{url}/scopes/{world.hq.pk}/")
    _visit(page, f"{url}/departments/")
    # "Cancel" on a form goes back (ume.js, formerly a javascript: URL).
    _visit(page, f"{url}/departments/new/")
    with page.expect_navigation():
        page.locator(".card-footer .btn-ghost-secondary").click()
    expect(page).to_have_url(f"{url}/departments/")
    _visit(page, f"{url}/organisation/")
    _visit(page, f"{url}/organisation/api-tokens/")
    _visit(page, f"{url}/members/")
    _visit(page, f"{url}/members/{world[Role.STAFF].pk}/")
    _visit(page, f"{url}/audit/")
    rows = page.locator("#list-results tbody tr")
    expect(rows.first).to_be_visible()
    _same_page(page)
    with page.expect_response(re.compile(r"/audit/\?.*model_label=core\.scope")):
        page.locator("select[name=model_label]").select_option("core.scope")
    types = rows.locator("td:nth-child(5)")
    expect(types.first).to_have_text("適用範囲")
    assert {t.strip() for t in types.all_inner_texts()} == {"適用範囲"}
    _still_same_page(page)


def _mfa_with_security_key(context, page, live_server, user) -> None:
    """Account pages, TOTP set-up page (QR code), then a WebAuthn key through Chromium's
    virtual authenticator: allauth's WebAuthn and recovery-code scripts must run."""
    url = live_server.url
    _visit(page, f"{url}/account/security/")
    _visit(page, f"{url}/accounts/password/change/")
    _visit(page, f"{url}/accounts/2fa/")
    _visit(page, f"{url}/accounts/2fa/totp/activate/")
    if "/reauthenticate/" in page.url:
        page.locator("input[name=password]").fill(PASSWORD)
        submit(page, "input[name=password]")
    expect(page.locator("img[src^='data:']").first).to_be_visible()

    add_virtual_authenticator(context, page)
    _visit(page, f"{url}/accounts/2fa/webauthn/add/")
    if "/reauthenticate/" in page.url:
        page.locator("input[name=password]").fill(PASSWORD)
        submit(page, "input[name=password]")
    page.locator("input[name=name]").fill("USB キー")
    with page.expect_navigation():
        page.locator("#mfa_webauthn_add").click()  # webauthn.js creates the credential
    assert user.authenticator_set.filter(type="webauthn").exists()
    _visit(page, f"{url}/accounts/2fa/recovery-codes/")
    _visit(page, f"{url}/accounts/2fa/webauthn/")

    # Log in again: the second step is the key (allauth's inline JSON + webauthn.js).
    page.get_by_test_id("user-menu").click()
    with page.expect_navigation():
        page.get_by_test_id("logout").click()
    login(page, live_server, user.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    with page.expect_navigation():
        page.locator("#mfa_webauthn_authenticate").click()
    expect(page).to_have_url(f"{url}/")


def _api_docs(page, url: str) -> None:
    _visit(page, f"{url}/api/docs/")
    # Swagger UI renders only if its bundle and the init script (?script) ran.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Ume API")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()


def test_main_pages_work_under_the_content_security_policy(watched, live_server, world, catalogue):
    services.soa_get_or_create(actor=world[Role.ADMIN], scope=world.hq)
    context, page, watch = watched()
    url = live_server.url
    page.on("dialog", lambda d: d.accept())

    _visit(page, f"{url}/accounts/login/")
    login(page, live_server, "admin@example.jp", PASSWORD)
    expect(page.locator("h1.page-title")).to_have_text("ダッシュボード")
    watch.assert_clean(page)

    _catalogue(page, url)
    watch.assert_clean(page)
    _soa(page, url, world.hq)
    watch.assert_clean(page)
    _measures(page, url)
    watch.assert_clean(page)
    _organisation(page, url, world)
    watch.assert_clean(page)
    _api_docs(page, url)
    watch.assert_clean(page)
    _mfa_with_security_key(context, page, live_server, world[Role.ADMIN])
    watch.assert_clean(page)

    # DRF's browsable API: its filter dialog (Bootstrap 3 and jQuery) still opens.
    _visit(page, f"{url}/api/v1/scopes/")
    page.locator("[data-target='#filtersModal']").click()
    expect(page.locator("#filtersModal")).to_be_visible()
    watch.assert_clean(page)

    # The language switch posts a form (form-action 'self') and comes back.
    _visit(page, f"{url}/")
    with page.expect_navigation():
        page.get_by_test_id("lang-en").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    watch.assert_clean(page)
    # The error page too (its 404 status is the one console error expected).
    assert page.goto(f"{url}/no-such-page/").status == 404
    expect(page.locator("h1")).to_be_visible()
    watch.console = [m for m in watch.console if "status of 404" not in m]
    watch.assert_clean(page)


def test_phone_width_menu_works_under_the_content_security_policy(watched, live_server, world):
    _context, page, watch = watched(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    login(page, live_server, "staff@example.jp", PASSWORD)
    sidebar = page.locator("#sidebar-menu")
    expect(sidebar).to_be_hidden()
    page.locator("button.navbar-toggler[data-bs-target='#sidebar-menu']").click()  # Tabler JS
    expect(sidebar).to_be_visible()
    page.get_by_test_id("user-menu").click()
    expect(page.get_by_test_id("logout")).to_be_visible()
    watch.assert_clean(page)


def test_a_script_without_the_nonce_is_blocked_and_reported(watched, live_server, world):
    """The harness itself: an inline script without the nonce is refused and recorded, one
    with the page's nonce runs."""
    _context, page, watch = watched()
    login(page, live_server, "admin@example.jp", PASSWORD)
    nonce = page.locator("script[nonce]").first.evaluate("s => s.nonce")
    assert nonce
    page.evaluate(
        """(nonce) => {
            for (const [id, n] of [["with", nonce], ["without", null]]) {
                const s = document.createElement("script");
                if (n) { s.nonce = n; }
                s.textContent = `window.__ran_${id} = true;`;
                document.body.append(s);
            }
        }""",
        nonce,
    )
    assert page.evaluate("window.__ran_with === true")
    assert page.evaluate("window.__ran_without === undefined")
    page.wait_for_function("window.__cspViolations.length > 0")
    assert [v["directive"] for v in watch.violations] == ["script-src-elem"]
    watch.violations.clear()
    watch.console.clear()

"""End-to-end harness: real headless Chromium (Debian's /usr/bin/chromium) against
pytest-django's live server. Every test in this folder is marked ``e2e``.

Run: DJANGO_SETTINGS_MODULE=ume.settings.test DJANGO_ALLOW_ASYNC_UNSAFE=true \
     .venv/bin/python -m pytest tests/e2e -m e2e -q -p no:xdist
"""

import os
import re
import time
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a
# thread with a running loop unless told otherwise.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

E2E_DIR = Path(__file__).resolve().parent
RESULTS_DIR = E2E_DIR.parent.parent / "test-results"
CHROMIUM = os.environ.get("UME_E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
TIMEOUT_MS = 10_000


def _in_e2e(item) -> bool:
    return E2E_DIR in Path(str(item.path)).resolve().parents


@pytest.hookimpl(tryfirst=True)  # before `-m e2e` deselects anything
def pytest_collection_modifyitems(config, items):
    for item in items:
        if _in_e2e(item):
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"_e2e_report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, django_db_modify_db_settings_parallel_suffix):
    """A run of only e2e tests uses its own test database (var/test.sqlite3_e2e), so it does
    not collide with a unit-test run going on at the same time."""
    if request.session.items and all(_in_e2e(i) for i in request.session.items):
        from pytest_django.fixtures import _set_suffix_to_test_databases

        _set_suffix_to_test_databases(suffix="e2e")


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    p = sync_playwright().start()
    yield p
    p.stop()


@pytest.fixture(scope="session")
def browser(playwright_instance):
    b = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield b
    b.close()


@pytest.fixture
def new_context(browser, request):
    """Open browser contexts (each a fresh cookie jar); on failure each page is screenshotted
    to test-results/."""
    contexts = []

    def _new_context(**options):
        options = {
            "viewport": {"width": 1366, "height": 900},
            "locale": "ja-JP",
            "timezone_id": "Asia/Tokyo",
            "accept_downloads": True,
            **options,
        }
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield _new_context
    report = getattr(request.node, "_e2e_report_call", None)
    if report is not None and report.failed:
        RESULTS_DIR.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid.split("::", 1)[-1])
        n = 0
        for context in contexts:
            for pg in context.pages:
                n += 1
                try:
                    pg.screenshot(path=str(RESULTS_DIR / f"{name}-{n}.png"), full_page=True)
                except Exception as exc:  # a crashed page must not hide the real failure
                    print(f"screenshot failed: {exc}")
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context, live_server, transactional_db):
    """A page in a fresh context (1366x900, ja-JP). Requests the live server and a
    transactional database, so data created in the test is visible to the server."""
    return new_context().new_page()


def login(page, live_server, email: str, password: str) -> None:
    """Log in through the real allauth form; waits for the page after it, asserts nothing."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.get_by_test_id("login-submit").click()


def submit(page, field_selector: str) -> None:
    """Click the submit button of the form holding ``field_selector`` and wait for the next
    page (pages also hold the language switcher, itself a form of submit buttons)."""
    form = page.locator("form", has=page.locator(field_selector))
    with page.expect_navigation():
        form.locator("button[type=submit], button:not([type])").first.click()


def totp_code(secret: str) -> str:
    """The current code of an authenticator app; waits out the last seconds of a period so
    the server (tolerance 0) still sees the same period."""
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import hotp_value, yield_hotp_counters_from_time

    period = app_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < 3:
        time.sleep(left + 0.2)
    counters = list(yield_hotp_counters_from_time())
    return f"{hotp_value(secret, counters[len(counters) // 2]):06d}"


def add_virtual_authenticator(context, page) -> None:
    """Chromium's virtual security key (CTAP2 over USB, touch simulated) for ``page``."""
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )

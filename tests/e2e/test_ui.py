"""The application frame: language switch, ISMS scope switcher, phone-width layout."""

import re

from playwright.sync_api import expect

from ume.core.tests.factories import PASSWORD

from .conftest import login


def test_switching_the_language_to_english_and_back(page, live_server, world):
    login(page, live_server, "admin@example.jp", PASSWORD)
    sidebar = page.locator("#sidebar-menu")
    expect(sidebar.get_by_role("link", name="ダッシュボード")).to_be_visible()

    with page.expect_navigation():
        page.get_by_test_id("lang-en").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(sidebar.get_by_role("link", name="Dashboard")).to_be_visible()
    expect(sidebar.get_by_role("link", name="Audit trail")).to_be_visible()
    expect(sidebar.get_by_role("link", name="Users and roles")).to_be_visible()
    expect(page.locator("h1.page-title")).to_have_text("Dashboard")
    expect(sidebar).not_to_contain_text("ダッシュボード")
    # The choice sticks on the next page.
    page.goto(f"{live_server.url}/audit/")
    expect(page.locator("h1.page-title")).to_have_text("Audit trail")

    with page.expect_navigation():
        page.get_by_test_id("lang-ja").click()
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page).to_have_url(re.compile(r"/audit/"))
    expect(sidebar.get_by_role("link", name="ダッシュボード")).to_be_visible()
    expect(sidebar.get_by_role("link", name="監査証跡")).to_be_visible()
    expect(page.locator("h1.page-title")).to_have_text("監査証跡")


def test_scope_switcher_limits_the_view_to_the_chosen_scope(page, live_server, world):
    login(page, live_server, "admin@example.jp", PASSWORD)
    switcher = page.get_by_test_id("scope-switcher")
    expect(switcher).to_have_text(re.compile(r"すべての適用範囲"))

    switcher.click()
    menu = page.locator(".dropdown-menu.show")
    expect(menu).to_be_visible()
    with page.expect_navigation():
        menu.get_by_role("button", name="開発センター").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(switcher).to_have_text(re.compile(r"開発センター"))
    expect(page.locator(".page-header")).to_contain_text("梅商事株式会社 — 開発センター")
    # The choice is kept in the session: the next page shows it too.
    page.goto(f"{live_server.url}/scopes/")
    expect(page.get_by_test_id("scope-switcher")).to_have_text(re.compile(r"開発センター"))
    page.get_by_test_id("scope-switcher").click()
    expect(page.locator(".dropdown-menu.show button.active")).to_have_text("開発センター")


def test_phone_width_collapses_the_sidebar_behind_the_toggler(
    new_context, live_server, transactional_db, world
):
    page = new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    ).new_page()
    login(page, live_server, "staff@example.jp", PASSWORD)
    expect(page.locator("h1.page-title")).to_have_text("ダッシュボード")
    expect(page.get_by_test_id("login-notice")).to_be_visible()

    sidebar = page.locator("#sidebar-menu")
    toggler = page.locator("button.navbar-toggler[data-bs-target='#sidebar-menu']")
    expect(toggler).to_be_visible()
    expect(toggler).to_have_attribute("aria-label", "メニュー")
    expect(sidebar).to_be_hidden()
    expect(sidebar.get_by_role("link", name="適用範囲")).to_be_hidden()

    toggler.click()
    expect(sidebar).to_be_visible()
    link = sidebar.get_by_role("link", name="適用範囲")
    expect(link).to_be_visible()
    with page.expect_navigation():
        link.click()
    expect(page).to_have_url(f"{live_server.url}/scopes/")
    expect(page.locator("#list-results")).to_contain_text("本社")
    # Nothing is wider than the phone screen.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width


def test_the_soa_table_fits_a_laptop_in_both_languages(page, live_server, world, catalogue):
    """At 1366 px every column of the SoA table, up to its Edit buttons, is on screen without
    scrolling sideways: English headers are long, Japanese ones must not break mid-word."""
    from ume.core.choices import Role
    from ume.soa import services

    services.soa_get_or_create(actor=world[Role.ADMIN], scope=world.hq)
    login(page, live_server, "admin@example.jp", PASSWORD)
    for language in ("en", "ja"):
        with page.expect_navigation():
            page.get_by_test_id(f"lang-{language}").click()
        page.goto(f"{live_server.url}/soa/{world.hq.pk}/")
        table = page.locator(".ume-soa").first
        expect(table).to_be_visible()
        sizes = table.evaluate("t => [t.parentElement.scrollWidth, t.parentElement.clientWidth]")
        assert sizes[0] <= sizes[1], (language, sizes)
        expect(page.get_by_test_id("edit-5.1")).to_be_in_viewport()

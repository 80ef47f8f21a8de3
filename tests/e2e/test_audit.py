"""Editing a record in the browser: the audit trail shows the change (filter, Excel export)
and a stale edit is refused without losing the first change."""

import re

import openpyxl
from playwright.sync_api import expect

from ume.core.models import Scope
from ume.core.tests.factories import PASSWORD

from .conftest import login

SITE = "東京都千代田区"
RECORD_TYPE = 5  # column of the audit table: #, date and time, user, operation, record type


def _edit_sites(page, live_server, scope, sites: str) -> None:
    page.locator("textarea[name=sites]").fill(sites)
    with page.expect_navigation():
        page.get_by_test_id("save").click()


def test_scope_edit_shows_in_the_audit_trail_filter_and_excel_export(
    page, live_server, world, tmp_path
):
    login(page, live_server, "admin@example.jp", PASSWORD)
    page.goto(f"{live_server.url}/scopes/{world.hq.pk}/edit/")
    expect(page.locator("h1.page-title")).to_contain_text("本社")
    _edit_sites(page, live_server, world.hq, SITE)
    expect(page).to_have_url(f"{live_server.url}/scopes/{world.hq.pk}/")
    expect(page.locator("dl.row")).to_contain_text(SITE)
    expect(page.locator("#history")).to_contain_text(SITE)

    page.goto(f"{live_server.url}/audit/")
    expect(page.locator("h1.page-title")).to_have_text("監査証跡")
    rows = page.locator("#list-results tbody tr")
    newest = rows.first
    expect(newest).to_contain_text("本社")
    expect(newest).to_contain_text(SITE)
    expect(newest.locator(f"td:nth-child({RECORD_TYPE})")).to_have_text("適用範囲")
    types = {t.strip() for t in rows.locator(f"td:nth-child({RECORD_TYPE})").all_inner_texts()}
    assert "適用範囲" in types and len(types) > 1, types  # organisation, department, … too

    # Filter by record type: htmx swaps the results in place (no full page load).
    page.evaluate("window.__e2eSamePage = true")
    with page.expect_response(re.compile(r"/audit/\?.*model_label=core\.scope")):
        page.locator("select[name=model_label]").select_option(label="適用範囲")
    expect(page).to_have_url(re.compile(r"model_label=core\.scope"))
    cells = rows.locator(f"td:nth-child({RECORD_TYPE})")
    expect(cells.first).to_have_text("適用範囲")
    types = {t.strip() for t in cells.all_inner_texts()}
    assert types == {"適用範囲"}, types
    expect(rows).to_have_count(3)  # 本社 and 開発センター created, 本社 edited
    assert page.evaluate("window.__e2eSamePage") is True

    # Export → Excel: an .xlsx with the change in it.
    page.get_by_test_id("export").click()
    with page.expect_download() as info:
        page.get_by_test_id("export-xlsx").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx"), download.suggested_filename
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    book = openpyxl.load_workbook(path, read_only=True)
    text = "\n".join(
        str(v)
        for ws in book.worksheets
        for row in ws.iter_rows(values_only=True)
        for v in row
        if v is not None
    )
    assert SITE in text
    assert "本社" in text and "梅商事株式会社" in text


def test_stale_edit_is_refused_and_the_first_change_is_kept(page, live_server, world):
    login(page, live_server, "admin@example.jp", PASSWORD)
    url = f"{live_server.url}/scopes/{world.hq.pk}/edit/"
    first = page
    second = page.context.new_page()
    first.goto(url)
    second.goto(url)

    _edit_sites(first, live_server, world.hq, "東京都千代田区")
    expect(first).to_have_url(f"{live_server.url}/scopes/{world.hq.pk}/")

    _edit_sites(second, live_server, world.hq, "大阪府大阪市北区")
    expect(second).to_have_url(url)
    errors = second.get_by_test_id("form-errors")
    expect(errors).to_be_visible()
    expect(errors).to_contain_text("別のユーザーが変更しました")
    # The second user's input is still in the form, to apply again.
    expect(second.locator("textarea[name=sites]")).to_have_value("大阪府大阪市北区")

    assert Scope.objects.get(pk=world.hq.pk).sites == "東京都千代田区"
    second.goto(f"{live_server.url}/scopes/{world.hq.pk}/")
    expect(second.locator("dl.row")).to_contain_text("東京都千代田区")
    expect(second.locator("dl.row")).not_to_contain_text("大阪府")


def _exported_record_types(path) -> set[str]:
    """The 'record type' column of the exported trail (the sheet whose header names it)."""
    book = openpyxl.load_workbook(path, read_only=True)
    for ws in book.worksheets:
        rows = ws.iter_rows(values_only=True)
        for row in rows:
            if row and "対象の種類" in row:
                column = row.index("対象の種類")
                return {r[column] for r in rows if r and r[column] is not None}
    raise AssertionError("no 対象の種類 column in the export")


def test_excel_export_follows_the_filter_chosen_on_the_page(page, live_server, world, tmp_path):
    """Choosing a record type updates the list via htmx; Export must export that list."""
    login(page, live_server, "admin@example.jp", PASSWORD)
    page.goto(f"{live_server.url}/audit/")
    with page.expect_response(re.compile(r"/audit/\?.*model_label=core\.scope")):
        page.locator("select[name=model_label]").select_option(label="適用範囲")
    expect(page).to_have_url(re.compile(r"model_label=core\.scope"))
    expect(page.locator(f"#list-results tbody td:nth-child({RECORD_TYPE})")).to_have_count(2)

    page.get_by_test_id("export").click()
    with page.expect_download() as info:
        page.get_by_test_id("export-xlsx").click()
    path = tmp_path / "export.xlsx"
    info.value.save_as(path)
    assert _exported_record_types(path) == {"適用範囲"}, (
        "the export ignores the filter chosen on the page; export link: "
        + str(page.get_by_test_id("export-xlsx").get_attribute("href"))
    )

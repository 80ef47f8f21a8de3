"""The Statement of Applicability in the browser, as an ISMS secretariat works through it:
browse the Annex A catalogue, register a measure (with suggested controls), create and edit the
SoA (one row, an exclusion, several rows at once), have top management approve it, export it
(xlsx, docx, pdf), import an edited sheet, and see 改訂推奨 once an approved measure changes.

Selectors are data-testid / name / data-ref (translations are still being added); visible labels
are checked in either language where they matter.
"""

import io
import re

import openpyxl
from docx import Document
from playwright.sync_api import expect
from pypdf import PdfReader

from ume.catalogue.models import LevelVariant
from ume.core.choices import Role
from ume.core.tests.factories import PASSWORD
from ume.soa import services
from ume.soa.exports import COLUMNS
from ume.soa.models import SoARow, SoAVersion, StatementOfApplicability

from .conftest import login
from .test_measures import MEASURE_TEXT, MEASURE_TITLE, create_measure

ORG = "梅商事株式会社"
PROCEDURE = "バックアップ手順書"
JUSTIFICATION = "全員が在宅勤務のため、雇用後の教育は5.1の方針と6.3で実施する"
PARTIAL = {"一部実施", "Partially implemented"}
# Status labels as the SoA table shows them (glossary Japanese, or English until translated).
SHOWN_STATUS = {
    "partial": re.compile(r"^\s*(一部実施|Partially implemented)\s*$"),
    "implemented": re.compile(r"^\s*(実施済み|Implemented)\s*$"),
    "not_applicable": re.compile(r"^\s*(対象外|Not applicable)\s*$"),
}
STATUS_CELL = 4  # checkbox, control, applicability, reasons / justification, status
COL = {c.key: i for i, c in enumerate(COLUMNS)}  # the sheet's columns, as exported


def _rows(soa) -> dict[str, SoARow]:
    return {r.control.ref: r for r in SoARow.objects.filter(soa=soa).select_related("control")}


def _download(page, testid: str, tmp_path):
    page.get_by_test_id("soa-export").click()  # the dropdown menu
    with page.expect_download() as info:
        page.get_by_test_id(testid).click()
    download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    return path


def _catalogue(page, url):
    page.goto(f"{url}/catalogue/")
    rows = page.locator("#control-results tr[data-ref]")
    expect(rows).to_have_count(93)
    with page.expect_response(re.compile(r"/catalogue/\?.*theme=technological")):
        page.get_by_test_id("catalogue-filter").locator("select[name=theme]").select_option(
            "technological"
        )
    expect(rows).to_have_count(34)
    expect(page.get_by_test_id("result-count")).to_contain_text("34")
    expect(page).to_have_url(re.compile(r"theme=technological"))
    refs = rows.evaluate_all("rs => rs.map(r => r.dataset.ref)")
    assert all(ref.startswith("8.") for ref in refs), refs

    search = page.get_by_test_id("catalogue-filter").locator("input[name=q]")
    search.fill("ぜい弱性")
    with page.expect_response(re.compile(r"/catalogue/\?.*q=")):
        search.press("Enter")
    expect(page.locator('#control-results tr[data-ref="8.8"]')).to_be_visible()
    expect(rows).not_to_have_count(34)
    assert 0 < rows.count() < 34  # still within the technological theme

    page.goto(f"{url}/catalogue/")
    with page.expect_navigation():
        page.locator('#control-results tr[data-ref="5.7"] a').first.click()
    expect(page).to_have_url(f"{url}/catalogue/5.7/")
    expect(page.get_by_test_id("levels")).to_be_visible()
    expect(page.get_by_test_id("recommendation")).to_be_visible()
    expect(page.get_by_test_id("recommended-level")).not_to_be_empty()


def _expect_status(page, ref: str, status: str):
    row = page.locator(f'#soa-rows tr[data-ref="{ref}"]')
    expect(row.locator("td").nth(STATUS_CELL)).to_have_text(SHOWN_STATUS[status])


def _edit_row(page, ref: str):
    with page.expect_navigation():
        page.get_by_test_id(f"edit-{ref}").click()


def _save_row(page):
    with page.expect_navigation():
        page.get_by_test_id("save").click()


def test_soa_from_catalogue_to_approval_export_import_and_revision(
    page, new_context, live_server, world, catalogue, tmp_path
):
    url = live_server.url
    hq = world.hq
    page.on("dialog", lambda d: d.accept())
    login(page, live_server, "admin@example.jp", PASSWORD)

    # 1. The catalogue: filter by theme and search (htmx), then one control's guidance.
    _catalogue(page, url)

    # 2. A measure, with 8.13 taken from the suggestions while typing.
    measure = create_measure(page, url, world)

    # 3. The SoA of 本社: created with 93 rows, then one row edited and one excluded.
    soa_url = f"{url}/soa/{hq.pk}/"
    page.goto(soa_url)
    assert not StatementOfApplicability.objects.filter(scope=hq).exists()
    with page.expect_navigation():
        page.get_by_test_id("soa-create").click()
    table_rows = page.locator("#soa-rows tr[data-ref]")
    expect(table_rows).to_have_count(93)
    soa = StatementOfApplicability.objects.get(scope=hq)
    assert soa.rows.count() == 93

    variant = LevelVariant.objects.get(control__ref="8.13", key="ume1")
    _edit_row(page, "8.13")
    page.locator("input[name=reasons][value=risk]").check()
    page.locator("select[name=status]").select_option("partial")
    page.locator("select[name=current_variant]").select_option(str(variant.pk))
    page.locator(f"input[name=measures][value='{measure.pk}']").check()
    page.locator("input[name=procedure]").fill(PROCEDURE)
    _save_row(page)
    row = _rows(soa)["8.13"]
    expect(page).to_have_url(f"{soa_url}#row-{row.pk}")
    shown = page.locator('#soa-rows tr[data-ref="8.13"]')
    expect(shown).to_contain_text(MEASURE_TITLE)
    expect(shown).to_contain_text(PROCEDURE)
    expect(shown).to_contain_text("梅1")  # the example, as the seed numbers it
    _expect_status(page, "8.13", "partial")
    assert row.reasons == ["risk"] and row.status == "partial"
    assert row.current_variant_id == variant.pk and row.current_level == variant.level
    assert row.procedure == PROCEDURE
    assert list(row.measures.values_list("pk", flat=True)) == [measure.pk]

    before = _rows(soa)["7.4"]
    _edit_row(page, "7.4")
    page.locator("input[name=applicable][value='0']").check()
    page.locator("textarea[name=exclusion_justification]").fill("")
    _save_row(page)
    expect(page).to_have_url(f"{soa_url}rows/{before.pk}/")
    justification = page.locator("textarea[name=exclusion_justification]")
    expect(justification).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator(".invalid-feedback, [data-testid=form-errors]").first).to_contain_text(
        "7.4"
    )
    after = _rows(soa)["7.4"]
    assert (after.applicable, after.status, after.version) == (True, before.status, before.version)
    justification.fill(JUSTIFICATION)
    _save_row(page)
    expect(page).to_have_url(f"{soa_url}#row-{before.pk}")
    expect(page.locator('#soa-rows tr[data-ref="7.4"]')).to_contain_text(JUSTIFICATION[:20])
    _expect_status(page, "7.4", "not_applicable")
    after = _rows(soa)["7.4"]
    assert not after.applicable and after.status == "not_applicable"
    assert after.exclusion_justification == JUSTIFICATION

    # 4. Bulk edit: the 8 people controls (theme filter via htmx), all set to implemented.
    with page.expect_response(re.compile(r"/soa/\d+/\?.*theme=people")):
        page.locator("form.ume-filter select[name=theme]").select_option("people")
    expect(table_rows).to_have_count(8)
    refs = table_rows.evaluate_all("rs => rs.map(r => r.dataset.ref)")
    assert refs == [f"6.{n}" for n in range(1, 9)], refs
    page.locator("#soa-rows input[data-check-all]").check()
    expect(page.locator("#soa-rows input[name=rows]:checked")).to_have_count(8)
    page.get_by_test_id("bulk-panel").locator("summary").click()
    page.locator("#bulk-form select[name=bulk-status]").select_option("implemented")
    with page.expect_navigation():
        page.get_by_test_id("bulk-apply").click()
    expect(table_rows).to_have_count(93)
    for n in range(1, 9):
        _expect_status(page, f"6.{n}", "implemented")
    rows = _rows(soa)
    assert {ref: r.status for ref, r in rows.items() if ref.startswith("6.")} == {
        f"6.{n}": "implemented" for n in range(1, 9)
    }
    assert rows["5.1"].status == "not_implemented" and rows["8.13"].status == "partial"
    assert not page.get_by_test_id("latest-version").count()

    # 5. Top management approves: refused while 91 included controls have no reason for
    #    inclusion; the secretariat sets one on all of them at once, then version 1.
    boss_page = new_context().new_page()
    boss_page.on("dialog", lambda d: d.accept())
    login(boss_page, live_server, "top_management@example.jp", PASSWORD)
    boss_page.goto(f"{soa_url}approve/")
    expect(boss_page.get_by_test_id("without-reason")).to_contain_text("91")
    with boss_page.expect_navigation():
        boss_page.get_by_test_id("approve-confirm").click()
    expect(boss_page.get_by_test_id("form-errors")).to_contain_text("91")
    expect(boss_page.get_by_test_id("form-errors")).to_contain_text("5.1, 5.2")
    assert not SoAVersion.objects.filter(soa=soa).exists()
    page.goto(f"{soa_url}?gap=no_reason")
    expect(table_rows).to_have_count(91)
    assert not table_rows.filter(has_text="8.13").count()
    page.locator("#soa-rows input[data-check-all]").check()
    page.get_by_test_id("bulk-panel").locator("summary").click()
    page.locator("#bulk-form input[name=bulk-reasons][value=risk]").check()
    with page.expect_navigation():
        page.get_by_test_id("bulk-apply").click()
    assert not soa.rows.filter(applicable=True, reasons=[]).exists()
    assert _rows(soa)["6.1"].status == "implemented"  # the bulk edit changed only the reasons
    boss_page.goto(f"{soa_url}approve/")
    expect(boss_page.get_by_test_id("without-reason")).to_have_count(0)
    boss_page.locator("textarea[name=comment]").fill("初版承認")
    with boss_page.expect_navigation():
        boss_page.get_by_test_id("approve-confirm").click()
    expect(boss_page).to_have_url(f"{soa_url}versions/1/")
    version = SoAVersion.objects.get(soa=soa)
    assert version.number == 1 and version.comment == "初版承認"
    assert version.approved_by.email == "top_management@example.jp"
    assert list(version.measures.all()) == [measure]
    boss_page.goto(soa_url)
    expect(boss_page.get_by_test_id("latest-version")).to_be_visible()
    expect(boss_page.get_by_test_id("stale")).to_have_count(0)

    # 6. Export: Excel, Word and PDF, read back.
    page.goto(soa_url)
    expect(page.get_by_test_id("latest-version")).to_be_visible()
    xlsx = _download(page, "soa-export-xlsx", tmp_path)
    docx = _download(page, "soa-export-docx", tmp_path)
    pdf = _download(page, "soa-export-pdf", tmp_path)
    assert (xlsx.suffix, docx.suffix, pdf.suffix) == (".xlsx", ".docx", ".pdf")

    book = openpyxl.load_workbook(xlsx)
    sheet = next(
        ws
        for ws in book.worksheets
        if any(r and r[COL["ref"]] == "8.13" for r in ws.iter_rows(values_only=True))
    )
    by_ref = {r[COL["ref"]]: r for r in sheet.iter_rows(values_only=True) if r}
    assert by_ref["8.13"][COL["status"]] in PARTIAL, by_ref["8.13"]
    assert by_ref["8.9"][COL["status"]] != "実施済み"

    document = Document(io.BytesIO(docx.read_bytes()))
    text = "\n".join(
        [p.text for p in document.paragraphs]
        + [c.text for t in document.tables for r in t.rows for c in r.cells]
    )
    assert "適用宣言書" in text or "Statement of Applicability" in text
    assert "8.13" in text and ORG in text

    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    text = "".join(p.extract_text() for p in reader.pages)
    assert "8.13" in text and ORG in text

    # 7. Import the sheet with one edit: 8.9 implemented (実施済み).
    for cells in sheet.iter_rows():
        if cells[COL["ref"]].value == "8.9":
            cells[COL["status"]].value = "実施済み"
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    page.get_by_test_id("soa-import").click()
    expect(page).to_have_url(f"{soa_url}import/")
    page.locator("input[name=file]").set_input_files(edited)
    page.locator("input[name=format][value='2022']").check()
    with page.expect_navigation():
        page.get_by_test_id("soa-import-check").click()
    expect(page.get_by_test_id("import-errors")).to_have_count(0)
    changes = page.get_by_test_id("import-changes").locator("tbody tr")
    expect(changes).to_have_count(1)
    expect(changes.first.locator("td").first).to_contain_text("8.9")
    assert _rows(soa)["8.9"].status == "not_implemented"  # nothing written before confirming
    with page.expect_navigation():
        page.get_by_test_id("soa-import-apply").click()
    expect(page).to_have_url(soa_url)
    _expect_status(page, "8.9", "implemented")
    rows = _rows(soa)
    assert rows["8.9"].status == "implemented"
    assert rows["8.13"].status == "partial" and rows["7.4"].status == "not_applicable"

    # 8. 改訂推奨: the approved measure changes → revision recommended.
    expect(page.get_by_test_id("stale")).to_have_count(0)
    page.goto(f"{url}/measures/{measure.pk}/")
    page.locator("#measure-form textarea[name=description]").fill(
        MEASURE_TEXT + "。復元テストの結果を記録する"
    )
    with page.expect_navigation():
        page.get_by_test_id("measure-save").click()
    measure.refresh_from_db()
    assert measure.description.endswith("復元テストの結果を記録する")
    page.goto(soa_url)
    expect(page.get_by_test_id("latest-version").get_by_test_id("stale")).to_be_visible()
    page.goto(f"{soa_url}versions/")
    expect(page.get_by_test_id("stale")).to_have_count(1)


def test_bulk_apply_asks_for_confirmation_and_cancel_changes_nothing(
    page, live_server, world, catalogue
):
    """The bulk panel's button says it confirms first (``data-confirm``); dismissing the
    dialog must leave every row as it was."""
    soa = services.soa_get_or_create(actor=world[Role.ADMIN], scope=world.hq)
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    login(page, live_server, "admin@example.jp", PASSWORD)
    page.goto(f"{live_server.url}/soa/{world.hq.pk}/")
    page.locator('#soa-rows tr[data-ref="6.1"] input[name=rows]').check()
    page.get_by_test_id("bulk-panel").locator("summary").click()
    page.locator("#bulk-form select[name=bulk-status]").select_option("implemented")
    page.get_by_test_id("bulk-apply").click()
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    status = _rows(soa)["6.1"].status
    assert dialogs, (
        "bulk-apply submitted without asking for confirmation (the data-confirm of the "
        f"submit button was ignored); 6.1 is now {status!r}"
    )
    assert status == "not_implemented"


def _workbook_2013(tmp_path):
    """A 2013 SoA as kept in Excel: 実施状況, one combined reason column, 関連文書, 担当部署,
    備考 and a column Ume does not read."""
    from ume.catalogue.models import Control2013

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(
        [
            "管理策番号",
            "管理策",
            "適用／除外",
            "適用理由／除外理由",
            "実施状況",
            "関連文書",
            "担当部署",
            "備考",
            "最終更新日",
        ]
    )
    for ref in Control2013.objects.order_by("sort_key").values_list("ref", flat=True):
        if ref == "A.14.2.7":
            ws.append([ref, "外部委託による開発", "×", "開発を外部委託していないため"])
            continue
        ws.append(
            [
                ref,
                f"{ref} の管理策",
                "○",
                "リスクアセスメントの結果",
                "実施済（年1回点検）",
                "情報セキュリティ規程",
                "総務部",
                "",
                "2023/04/01",
            ]
        )
    path = tmp_path / "soa2013.xlsx"
    wb.save(path)
    return path


def test_a_2013_soa_is_migrated_with_its_status_and_the_rows_to_review_are_confirmed(
    page, live_server, world, catalogue, tmp_path
):
    soa = services.soa_get_or_create(actor=world[Role.ADMIN], scope=world.hq)
    login(page, live_server, "admin@example.jp", PASSWORD)
    page.goto(f"{live_server.url}/soa/{world.hq.pk}/import/")
    page.set_input_files('input[name="file"]', str(_workbook_2013(tmp_path)))
    page.check('input[name="format"][value="2013"]')
    page.get_by_test_id("soa-import-form").locator("button").last.click()
    columns = page.get_by_test_id("import-columns")
    expect(columns).to_contain_text("実施状況")
    expect(columns).to_contain_text("最終更新日")  # named as not read
    page.get_by_test_id("soa-import-apply").click()
    page.wait_for_url(re.compile(rf"/soa/{world.hq.pk}/"))
    rows = _rows(soa)
    assert rows["5.37"].status == "implemented" and rows["5.37"].procedure == "情報セキュリティ規程"
    assert "実施済（年1回点検）" in rows["5.37"].notes
    assert not rows["8.30"].applicable
    flagged = {ref for ref, r in rows.items() if r.review_note}
    banner = page.get_by_test_id("needs-review")
    expect(banner).to_contain_text(str(len(flagged)))
    banner.locator("a").click()
    expect(page.locator("#soa-rows tr[data-ref]")).to_have_count(len(flagged))
    page.get_by_test_id("edit-5.7").click()
    expect(page.get_by_test_id("review-note")).to_be_visible()
    page.check('input[name="review_confirmed"]')
    page.get_by_test_id("save").click()
    page.wait_for_url(re.compile(rf"/soa/{world.hq.pk}/"))
    assert SoARow.objects.get(soa=soa, control__ref="5.7").review_note == ""
    expect(page.get_by_test_id("needs-review")).to_contain_text(str(len(flagged) - 1))

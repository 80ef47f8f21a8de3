"""Measures in the browser, as an ISMS secretariat keeps them: register a measure with the
suggested controls, keep evidence files (checked, hashed, downloadable), find the measures not
yet mapped to a control, export the list, read it as an external auditor, and delete with a
confirmation. The SoA flow (test_soa.py) maps the measure to its rows."""

import hashlib
import io
import re
from pathlib import Path
from urllib.parse import parse_qs

import openpyxl
from playwright.sync_api import expect

from ume.core.choices import Role
from ume.core.models import AuditEntry
from ume.core.tests.factories import PASSWORD
from ume.measures import services
from ume.measures.models import EvidenceFile, Measure

from .conftest import login

MEASURE_TITLE = "夜間バックアップ"
MEASURE_TEXT = "毎晩NASにバックアップを取得し、月1回復元テストを行う"
RECORD = "復元テストの記録.txt"
RECORD_TEXT = "2026年11月の復元テスト: 10ファイルを復元し、内容を確認した。\n".encode()


def create_measure(page, url, world) -> Measure:
    page.goto(f"{url}/measures/new/")
    suggestions = page.get_by_test_id("measure-suggestions")
    # Typing asks for suggestions (htmx, debounced): the title first, then the description.
    # (One request at a time: overlapping ones can fail, see the concurrency test below.)
    with page.expect_response(re.compile(r"/measures/suggest/")):
        page.locator("#measure-form input[name=title]").fill(MEASURE_TITLE)
    with page.expect_response(
        lambda r: (
            "/measures/suggest/" in r.url
            and r.request.method == "POST"  # the text in the body, never in the URL
            and parse_qs(r.request.post_data or "").get("description") == [MEASURE_TEXT]
        )
    ):
        page.locator("#measure-form textarea[name=description]").fill(MEASURE_TEXT)
    suggestion = page.get_by_test_id("suggestion-8.13")
    expect(suggestion).to_be_visible()
    expect(suggestions).to_contain_text("8.13")
    box = page.locator('#measure-form input[name=controls][data-ref="8.13"]')
    expect(box).not_to_be_checked()
    suggestion.click()
    expect(box).to_be_checked()
    expect(suggestion).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("measure-selected-controls")).to_contain_text("8.13")
    with page.expect_navigation():
        page.get_by_test_id("measure-save").click()
    measure = Measure.objects.get(organisation=world.org, title=MEASURE_TITLE)
    expect(page).to_have_url(f"{url}/measures/{measure.pk}/")
    assert measure.description == MEASURE_TEXT
    assert [c.ref for c in measure.controls.all()] == ["8.13"]
    return measure


def _upload(page, path, description: str = ""):
    form = page.get_by_test_id("evidence-upload")
    form.locator("input[name=file]").set_input_files(path)
    form.locator("input[name=description]").fill(description)
    with page.expect_navigation():
        page.get_by_test_id("evidence-upload-submit").click()


def test_measure_evidence_unmapped_filter_export_auditor_view_and_delete(
    page, new_context, live_server, world, catalogue, tmp_path
):
    url = live_server.url
    login(page, live_server, "admin@example.jp", PASSWORD)
    measure = create_measure(page, url, world)

    # Evidence: kept with its SHA-256, shown, downloadable unchanged; a refused type says why.
    record = tmp_path / RECORD
    record.write_bytes(RECORD_TEXT)
    _upload(page, record, "11月分")
    digest = hashlib.sha256(RECORD_TEXT).hexdigest()
    files = page.get_by_test_id("evidence-files")
    expect(files).to_contain_text(RECORD)
    expect(files).to_contain_text(f"SHA-256: {digest}")
    (kept,) = measure.evidence_files.all()
    assert (kept.sha256, kept.description, kept.scope) == (digest, "11月分", measure.scope)
    with page.expect_download() as info:
        files.get_by_role("link", name=RECORD).click()
    assert info.value.suggested_filename == RECORD
    assert Path(info.value.path()).read_bytes() == RECORD_TEXT

    program = tmp_path / "setup.exe"
    program.write_bytes(b"MZ")
    _upload(page, program)
    expect(page.locator(".alert-danger")).to_contain_text(".pdf")
    disguised = tmp_path / "setup.xlsx"  # the same program renamed: refused by its content
    disguised.write_bytes(b"MZ\x90\x00\x03" + bytes(300))
    _upload(page, disguised)
    expect(page.locator(".alert-danger")).to_contain_text(".xlsx")
    expect(page.locator(".alert-danger")).to_contain_text("exe")
    assert EvidenceFile.objects.count() == 1

    # The quick filter finds the measure not yet mapped; the export keeps the filter.
    services.measure_create(
        actor=world[Role.ADMIN],
        organisation=world.org,
        data={"title": "来訪者の受付記録", "scope": world.hq},
    )
    page.goto(f"{url}/measures/")
    links = page.get_by_test_id("measure-link")
    expect(links).to_have_count(2)
    unmapped = page.get_by_test_id("unmapped-filter")
    expect(unmapped).to_contain_text("1")
    with page.expect_navigation():
        unmapped.click()
    expect(links).to_have_count(1)
    expect(links.first).to_have_text("来訪者の受付記録")
    with page.expect_download() as info:
        page.get_by_test_id("export-xlsx").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    titles = [row[0] for row in book["対策"].iter_rows(values_only=True)]
    assert "来訪者の受付記録" in titles and MEASURE_TITLE not in titles

    # An external auditor reads the measure and its evidence, and can change nothing.
    auditor = new_context().new_page()
    login(auditor, live_server, world[Role.EXTERNAL_AUDITOR].email, PASSWORD)
    auditor.goto(f"{url}/measures/{measure.pk}/")
    expect(auditor.locator("#measure-form input[name=title]")).to_be_disabled()
    expect(auditor.get_by_test_id("measure-save")).to_have_count(0)
    expect(auditor.get_by_test_id("evidence-upload")).to_have_count(0)
    expect(auditor.get_by_test_id("delete")).to_have_count(0)
    expect(auditor.get_by_test_id("evidence-files")).to_contain_text(RECORD)

    # Deleting asks first; cancelling keeps the measure, confirming removes it (audited).
    page.goto(f"{url}/measures/{measure.pk}/")
    with page.expect_navigation():
        page.get_by_test_id("delete").click()
    expect(page.get_by_test_id("confirm-delete")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("キャンセル|Cancel")).click()
    expect(page).to_have_url(f"{url}/measures/{measure.pk}/")
    assert Measure.objects.filter(pk=measure.pk).exists()
    with page.expect_navigation():
        page.get_by_test_id("delete").click()
    with page.expect_navigation():
        page.get_by_test_id("confirm-delete").click()
    expect(page).to_have_url(f"{url}/measures/")
    assert not Measure.objects.filter(pk=measure.pk).exists()
    assert AuditEntry.objects.filter(
        model_label="measures.measure", object_id=str(measure.pk), action="delete"
    ).exists()


def test_suggestions_answer_people_typing_at_the_same_time(page, live_server, world):
    """Several people typing measures at once (or one person typing the title, then the
    description, while the first request still runs) send overlapping suggestion requests;
    the server answers each of them (a shared Sudachi tokenizer raised
    「Tokenizer is already in use」 → 500)."""
    login(page, live_server, "admin@example.jp", PASSWORD)
    page.goto(f"{live_server.url}/measures/new/")
    statuses = page.evaluate(
        """async (text) => {
            const token = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
            const ask = (i) => fetch("/measures/suggest/", {
                method: "POST",
                body: new URLSearchParams({title: "夜間バックアップ" + i, description: text}),
                headers: {"HX-Request": "true", "X-CSRFToken": token},
            });
            const answers = await Promise.all([...Array(6).keys()].map(ask));
            return answers.map((r) => r.status);
        }""",
        MEASURE_TEXT * 60,
    )
    assert statuses == [200] * 6, statuses


def test_typing_while_a_suggestion_request_runs_aborts_nothing(page, live_server, world, catalogue):
    """A pause in typing sends the text for suggestions; typing on while that request still
    runs queues the newer text instead of aborting the running request (which htmx reports
    as an ``htmx:sendAbort`` error in the console)."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, live_server, "admin@example.jp", PASSWORD)
    page.goto(f"{live_server.url}/measures/new/")
    held: list = []  # suggestion requests held back, to keep the first one running
    release = {"now": False}

    def hold(route) -> None:
        if release["now"]:
            route.continue_()
        else:
            held.append(route)

    page.route("**/measures/suggest/", hold)
    page.locator("#measure-form input[name=title]").fill(MEASURE_TITLE)
    for _ in range(50):  # the debounce sends the title after 500 ms
        if held:
            break
        page.wait_for_timeout(100)
    assert len(held) == 1
    page.locator("#measure-form textarea[name=description]").fill(MEASURE_TEXT)
    page.wait_for_timeout(1200)  # past the debounce: the description is due while 1 runs
    assert len(held) == 1  # the description waits for the title's answer, nothing is aborted
    release["now"] = True
    with page.expect_response(
        lambda r: (
            "/measures/suggest/" in r.url
            and MEASURE_TEXT in parse_qs(r.request.post_data or "").get("description", [""])[0]
        )
    ):
        for route in held:
            route.continue_()
    expect(page.get_by_test_id("suggestion-8.13")).to_be_visible()
    assert not [e for e in errors if "sendAbort" in e or "abort" in e.lower()], errors

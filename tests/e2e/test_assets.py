"""The asset ledger in the browser: the 事務局 registers an asset with its owner, 機密区分 and
C/I/A, sees the importance the rule derives, finds it with the ledger's filters, and the owner
(a department head) corrects it; switching the rule to the sum changes the importance shown."""

from playwright.sync_api import expect

from ume.assets.models import Asset
from ume.core.choices import Role
from ume.core.tests.factories import PASSWORD

from .conftest import login


def test_an_asset_is_registered_found_and_corrected_by_its_owner(page, live_server, world):
    head = world[Role.DEPARTMENT_HEAD]
    login(page, live_server, world[Role.SECRETARIAT].email, PASSWORD)
    page.goto(f"{live_server.url}/assets/")
    expect(page.get_by_text("情報資産はまだありません")).to_be_visible()
    with page.expect_navigation():
        page.get_by_test_id("create").click()
    page.fill("#id_name", "従業員名簿")
    page.select_option("#id_scope", label="本社")
    page.select_option("#id_owner", label=str(head))
    page.select_option("#id_classification", label="極秘")
    page.select_option("#id_confidentiality", "3")
    page.select_option("#id_integrity", "2")
    page.select_option("#id_availability", "2")
    page.check("#id_personal_info")
    with page.expect_navigation():
        page.get_by_test_id("asset-save").click()
    expect(page.locator(".alert")).to_contain_text("情報資産を台帳に登録しました。")
    expect(page.get_by_test_id("asset-importance")).to_have_text("3")

    page.goto(f"{live_server.url}/assets/?importance=3&personal=personal")
    rows = page.get_by_test_id("asset-link")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_text("A-00001")

    page.goto(f"{live_server.url}/assets/settings/")
    page.get_by_label("3つの値の合計（3〜4 → 1、5〜6 → 2、7〜9 → 3）").check()
    with page.expect_navigation():
        page.get_by_test_id("save").click()
    asset = Asset.objects.get(name="従業員名簿")
    assert asset.importance == 3  # 3 + 2 + 2 = 7

    page.context.clear_cookies()
    login(page, live_server, head.email, PASSWORD)
    page.goto(f"{live_server.url}/assets/{asset.pk}/")
    page.select_option("#id_availability", "1")
    page.select_option("#id_confidentiality", "2")
    with page.expect_navigation():
        page.get_by_test_id("asset-save").click()
    expect(page.locator(".alert")).to_contain_text("情報資産を保存しました。")
    asset.refresh_from_db()
    assert (asset.confidentiality, asset.availability, asset.importance) == (2, 1, 2)  # 5 → 2


def _ledger(path, rows) -> str:
    """A ledger as offices keep it: a merged title row, 重要度 over C/I/A on two header rows."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["情報資産管理台帳"])
    sheet.append(["管理番号", "資産名", "管理責任者", "重要度", None, None, "個人情報"])
    sheet.append([None, None, None, "機密性", "完全性", "可用性", None])
    for row in rows:
        sheet.append(row)
    for area in ("A1:G1", "D2:F2", "A2:A3", "B2:B3", "C2:C3", "G2:G3"):
        sheet.merge_cells(area)
    book.save(path)
    return str(path)


def test_a_japanese_ledger_is_imported_after_fixing_its_error(page, live_server, world, tmp_path):
    login(page, live_server, world[Role.SECRETARIAT].email, PASSWORD)
    page.goto(f"{live_server.url}/assets/")
    with page.expect_navigation():
        page.get_by_test_id("asset-import").click()
    owner = world[Role.DEPARTMENT_HEAD].email
    broken = _ledger(
        tmp_path / "台帳.xlsx",
        [
            ["Ａ－１", "顧客台帳", owner, "３", "２", "高", "○"],
            ["Ａ－２", "見積書", "同上", "5", 1, 1, "×"],
        ],
    )
    page.set_input_files("input[name=file]", broken)
    page.select_option("select[name=scope]", label="本社")
    with page.expect_navigation():
        page.get_by_test_id("asset-import-check").click()
    errors = page.get_by_test_id("import-errors")
    expect(errors).to_contain_text("「5」は 1〜3")
    expect(page.get_by_test_id("asset-import-apply")).to_have_count(0)
    assert not Asset.objects.exists()

    page.goto(f"{live_server.url}/assets/import/")
    fixed = _ledger(
        tmp_path / "台帳2.xlsx",
        [
            ["Ａ－１", "顧客台帳", owner, "３", "２", "高", "○"],
            ["Ａ－２", "見積書", "同上", "2", 1, 1, "×"],
        ],
    )
    page.set_input_files("input[name=file]", fixed)
    page.select_option("select[name=scope]", label="本社")
    with page.expect_navigation():
        page.get_by_test_id("asset-import-check").click()
    expect(page.get_by_test_id("import-rows")).to_contain_text("新規")
    with page.expect_navigation():
        page.get_by_test_id("asset-import-apply").click()
    expect(page.locator(".alert")).to_contain_text("2件の資産を台帳に取り込みました。")
    expect(page.get_by_test_id("asset-link")).to_have_count(2)
    second = Asset.objects.get(ref="A-2")
    assert (second.owner.email, second.importance, second.personal_info) == (owner, 2, False)


def test_an_unapproved_personal_device_is_flagged_until_approved(page, live_server, world):
    login(page, live_server, world[Role.SECRETARIAT].email, PASSWORD)
    page.goto(f"{live_server.url}/assets/new/")
    page.fill("#id_name", "私物スマートフォン")
    page.select_option("#id_scope", label="本社")
    page.select_option("#id_asset_type", "hardware")
    page.get_by_test_id("endpoint-section").locator("summary").click()
    page.select_option("#id_device_kind", "smartphone")
    page.select_option("#id_ownership", "personal")
    with page.expect_navigation():
        page.get_by_test_id("asset-save").click()
    expect(page.get_by_test_id("endpoint-flags")).to_contain_text("未許可のBYOD")

    page.goto(f"{live_server.url}/")
    expect(
        page.get_by_text("私物端末（BYOD） 1台が有効な承認なしで使われています。")
    ).to_be_visible()
    page.goto(f"{live_server.url}/assets/?endpoint=byod")
    expect(page.get_by_test_id("asset-link")).to_have_count(1)

    page.get_by_test_id("asset-link").first.click()
    page.wait_for_load_state()
    page.select_option("#id_byod_approved_by", label=str(world[Role.ADMIN]))
    page.fill("#id_byod_approved_on", "2026-04-01")
    with page.expect_navigation():
        page.get_by_test_id("asset-save").click()
    page.goto(f"{live_server.url}/assets/?endpoint=byod")
    expect(page.get_by_test_id("asset-link")).to_have_count(0)

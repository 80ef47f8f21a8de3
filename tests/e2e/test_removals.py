"""An equipment removal in the browser: the 事務局 requests the removal of a server for
repair, the head of its department approves it before it leaves, and, the server beyond
repair, the 事務局 closes it as disposed of with the supplier's certificate."""

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from ume.assets import services
from ume.assets.models import Asset, EquipmentRemoval
from ume.core.choices import Role
from ume.core.models import Department
from ume.core.tests.factories import PASSWORD

from .conftest import login

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_removal_for_repair_is_approved_and_closed_as_disposed(
    page, new_context, live_server, world
):
    Department.objects.filter(pk=world.dept.pk).update(head=world[Role.DEPARTMENT_HEAD])
    server = services.asset_create(
        actor=world[Role.ADMIN],
        scope=world.hq,
        data={"name": "ファイルサーバ", "asset_type": "hardware", "department": world.dept},
    )
    login(page, live_server, world[Role.SECRETARIAT].email, PASSWORD)
    page.goto(f"{live_server.url}/assets/{server.pk}/")
    with page.expect_navigation():
        page.get_by_test_id("asset-removal-request").click()
    page.select_option("#id_purpose", "repair")
    page.fill("#id_supplier", "梅サービス株式会社")
    page.fill("#id_data_held", "顧客台帳")
    page.select_option("#id_data_handling", "encrypted")
    back = timezone.localdate() + dt.timedelta(days=7)
    page.fill("#id_expected_return_on", back.isoformat())
    with page.expect_navigation():
        page.get_by_test_id("save").click()
    expect(page.get_by_test_id("removal-status")).to_contain_text("承認待ち")
    expect(page.get_by_test_id("removal-decision")).to_have_count(0)  # the 事務局 may not
    removal = EquipmentRemoval.objects.get()

    head = new_context().new_page()
    login(head, live_server, world[Role.DEPARTMENT_HEAD].email, PASSWORD)
    head.goto(f"{live_server.url}/assets/removals/")
    expect(head.get_by_test_id("removals-pending")).to_contain_text("承認待ち 1 件")
    head.goto(f"{live_server.url}/assets/removals/{removal.pk}/")
    head.fill("#id_note", "暗号化を確認済み")
    with head.expect_navigation():
        head.get_by_test_id("removal-approve").click()
    expect(head.locator(".alert")).to_contain_text("持出を承認しました。")
    expect(head.get_by_test_id("removal-status")).to_contain_text("持出中")

    page.reload()
    with page.expect_navigation():
        page.get_by_test_id("removal-dispose").click()
    expect(page.locator("#id_supplier")).to_have_value("梅サービス株式会社")
    page.select_option("#id_method", "physical")
    page.fill("#id_witness", "総務部 桜井")
    page.set_input_files(
        "#id_certificate",
        {"name": "データ消去証明書.pdf", "mimeType": "application/pdf", "buffer": PDF},
    )
    with page.expect_navigation():
        page.get_by_test_id("save").click()
    expect(page.locator(".alert")).to_contain_text("機器は廃棄済になりました。")
    expect(page.get_by_test_id("removal-status")).to_contain_text("廃棄済")
    expect(page.get_by_test_id("removal-certificate")).to_have_text("データ消去証明書.pdf")
    assert Asset.objects.get(pk=server.pk).status == "disposed"
    page.goto(f"{live_server.url}/assets/{server.pk}/")
    expect(page.get_by_test_id("asset-deletions")).to_contain_text("物理破壊")

"""Importing a ledger as Japanese offices keep it: merged title rows, a two-row header with
重要度 over 機密性・完全性・可用性, 全角 digits, ○/×/－, 和暦 and Excel-serial dates, 同上 and
trailing blank rows are read; what cannot be read is reported by row and nothing is written;
a clean file applies all or nothing, an export re-imported changes nothing."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from ume.assets import services
from ume.assets.importers import AssetImportPreview, preview_ledger
from ume.assets.models import Asset, ClassificationLevel
from ume.core.choices import Role
from ume.core.locking import StaleEditError

pytestmark = pytest.mark.django_db


def workbook(rows: list[list], *, merge: list[str] = ()) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for area in merge:
        sheet.merge_cells(area)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("台帳.xlsx", buffer.getvalue())


def jp_style(world, *rows) -> SimpleUploadedFile:
    """A title row, a blank row, then 重要度 over three columns on a two-row header."""
    head = [
        "管理番号",
        "資産名",
        "管理責任者",
        "機密区分",
        "重要度",
        None,
        None,
        "個人情報",
        "最終確認日",
        "備考",
    ]
    sub = [None, None, None, None, "機密性", "完全性", "可用性", None, None, None]
    return workbook(
        [["情報資産管理台帳（2025年度）"], [], head, sub, *rows, [], [None, None]],
        merge=["A1:J1", "E3:G3", "A3:A4", "B3:B4"],
    )


def test_a_japanese_ledger_is_read_with_its_mess(world):
    owner = world[Role.DEPARTMENT_HEAD]
    rows = [
        [
            "Ａ－００１",
            "従業員名簿",
            owner.email,
            "極秘",
            "３",
            "2",
            "高",
            "○",
            "令和7年4月1日",
            "人事",
        ],
        ["Ａ－００２", "履歴書", "同上", "同上", 3, 1, "低", "○", 45748, ""],
        [None, "会社案内", None, "公開", "1", "1", "1", "－", "R7.4.1", None],
    ]
    preview = preview_ledger(scope=world.hq, uploaded=jp_style(world, *rows))
    assert preview.ok, preview.errors
    assert [line.state for line in preview.lines] == ["new", "new", "new"]
    first, second, third = preview.creates
    assert first["ref"] == "A-001" and first["owner"] == owner.pk
    assert (first["confidentiality"], first["integrity"], first["availability"]) == (3, 2, 3)
    assert first["personal_info"] is True and first["last_reviewed_on"] == "2025-04-01"
    assert second["owner"] == owner.pk and second["classification"] == first["classification"]
    assert second["last_reviewed_on"] == "2025-04-01"  # Excel serial 45748
    assert third["ref"] == "" and third["personal_info"] is False
    count = services.assets_import(
        actor=world[Role.ADMIN], scope=world.hq, creates=preview.creates, updates={}
    )
    assert count == 3
    made = Asset.objects.get(ref="A-001")
    assert (made.importance, made.owner, made.last_reviewed_on) == (3, owner, dt.date(2025, 4, 1))
    assert Asset.objects.filter(ref__startswith="A-0").count() == 3  # the blank one numbered
    # Written in bulk, each asset still has its creation in the trail, and the chain holds.
    from ume.core import audit
    from ume.core.models import AuditEntry

    entry = AuditEntry.objects.get(model_label="assets.asset", object_id=str(made.pk))
    assert entry.action == "create" and entry.actor == world[Role.ADMIN]
    assert entry.changes_data["owner_id"] == [None, owner.pk]
    assert entry.changes_data["importance"] == [None, 3]
    assert audit.verify_chain(world.org.pk).ok


def test_every_problem_is_reported_by_row_and_nothing_is_written(world, other_world):
    rows = [
        ["A-1", "顧客台帳", "nobody@example.jp", "極秘", 4, 2, 2, "たぶん", "2023/2/29", ""],
        ["A-1", "", other_world[Role.ADMIN].email, "部外秘", 1, 1, 1, "×", "平成31年5月1日", ""],
        ["A-3", "正しい行", None, None, 1, 1, 1, None, None, None],
    ]
    with translation.override("en"):
        preview = preview_ledger(scope=world.hq, uploaded=jp_style(world, *rows))
    assert not preview.ok
    by_row: dict[int, list[str]] = {}
    for problem in preview.errors:
        by_row.setdefault(problem.row_number, []).append(problem.message)
    assert sorted(by_row) == [5, 6]  # rows 5 and 6 of the sheet; row 7 is fine
    first = " ".join(by_row[5])
    assert "nobody@example.jp" in first and "4" in first and "たぶん" in first
    assert "2023/2/29" in first
    second = " ".join(by_row[6])
    assert "Enter the asset name." in second and "also in row 5" in second
    assert "部外秘" in second and "平成" in second and other_world[Role.ADMIN].email in second
    assert [line.state for line in preview.lines] == ["error", "error", "new"]
    assert not Asset.objects.exists()


def test_changes_are_found_by_number_and_an_export_reimported_changes_nothing(
    world, admin_client, japanese
):
    level = ClassificationLevel.objects.get(organisation=world.org, name_ja="秘")
    asset = services.asset_create(
        actor=world[Role.ADMIN],
        scope=world.hq,
        data={
            "name": "顧客台帳",
            "classification": level,
            "confidentiality": 3,
            "integrity": 2,
            "availability": 2,
            "personal_info": True,
            "last_reviewed_on": dt.date(2025, 4, 1),
            "owner": world[Role.STAFF],
        },
    )
    exported = admin_client.get(reverse("assets:export_xlsx")).content
    again = preview_ledger(scope=world.hq, uploaded=SimpleUploadedFile("e.xlsx", exported))
    assert again.ok, again.errors
    assert [line.state for line in again.lines] == ["unchanged"]
    assert not again.creates and not again.updates
    book = openpyxl.load_workbook(io.BytesIO(exported))
    sheet = book["情報資産台帳"]
    header = [c.value for c in sheet[1]]
    sheet.cell(2, header.index("可用性") + 1, "3")
    buffer = io.BytesIO()
    book.save(buffer)
    changed = preview_ledger(
        scope=world.hq, uploaded=SimpleUploadedFile("e.xlsx", buffer.getvalue())
    )
    assert changed.updates == {asset.ref: {"availability": 3}}
    assert changed.versions == {asset.ref: asset.version}
    services.assets_import(
        actor=world[Role.ADMIN],
        scope=world.hq,
        creates=[],
        updates=changed.updates,
        versions=changed.versions,
    )
    before = asset.version
    asset.refresh_from_db()
    assert (asset.availability, asset.importance) == (3, 3)
    assert asset.version == before + 1  # a later stale edit of the old version is refused
    from ume.core.models import AuditEntry

    entries = AuditEntry.objects.filter(model_label="assets.asset", object_id=str(asset.pk))
    entry = entries.order_by("seq").last()
    assert entry.action == "update" and entry.changes_data["availability"][1] == 3
    assert entry.changes_data["version"] == [before, before + 1]


def test_an_asset_changed_after_the_preview_refuses_the_whole_import(world):
    asset = services.asset_create(actor=world[Role.ADMIN], scope=world.hq, data={"name": "a"})
    rows = [
        [asset.ref, "a（改）", None, None, None, None, None, None, None, None],
        ["", "新しい資産", None, None, None, None, None, None, None, None],
    ]
    preview = preview_ledger(scope=world.hq, uploaded=jp_style(world, *rows))
    services.asset_update(actor=world[Role.ADMIN], asset=asset, data={"notes": "先に"}, version=1)
    with pytest.raises(StaleEditError):
        services.assets_import(
            actor=world[Role.ADMIN],
            scope=world.hq,
            creates=preview.creates,
            updates=preview.updates,
            versions=preview.versions,
        )
    assert Asset.objects.count() == 1 and Asset.objects.get().name == "a"


def test_rows_of_another_scope_and_unreadable_files_are_refused(world):
    rows = [["管理番号", "資産名", "適用範囲"], ["", "開発の資産", "開発センター"]]
    preview = preview_ledger(scope=world.hq, uploaded=workbook(rows))
    assert [e.row_number for e in preview.errors] == [2]
    fake = SimpleUploadedFile("台帳.xlsx", b"MZ\x90\x00 not a workbook")
    assert not preview_ledger(scope=world.hq, uploaded=fake).ok
    blank = workbook([["何もない"], ["表"]])
    problems = preview_ledger(scope=world.hq, uploaded=blank).errors
    assert problems and problems[0].row_number is None


def test_a_csv_from_excel_in_shift_jis_is_read(world):
    text = "管理番号,資産名,機密性,完全性,可用性\r\n,見積書,2,2,1\r\n"
    upload = SimpleUploadedFile("台帳.csv", text.encode("cp932"))
    preview = preview_ledger(scope=world.hq, uploaded=upload)
    assert preview.ok and preview.creates[0]["name"] == "見積書"


def test_the_preview_survives_the_session_round_trip(world):
    rows = [["", "見積書", None, None, 1, 1, 1, None, None, None]]
    preview = preview_ledger(scope=world.hq, uploaded=jp_style(world, *rows))
    again = AssetImportPreview.from_dict(preview.as_dict())
    assert again == preview and not again.expired()


def test_staff_cannot_import(world):
    with pytest.raises(Exception) as exc:
        services.assets_import(
            actor=world[Role.STAFF], scope=world.hq, creates=[{"name": "x"}], updates={}
        )
    assert exc.type.__name__ == "PermissionDenied"
    assert not Asset.objects.exists()
    with pytest.raises(ValidationError):
        services.assets_import(
            actor=world[Role.ADMIN],
            scope=world.hq,
            creates=[],
            updates={"A-9": {"name": "x"}},
            versions={"A-9": 1},
        )


def test_the_pages_preview_then_apply_once(world, admin_client):
    rows = [["", "見積書", world[Role.ADMIN].email, "秘", 2, 2, 1, "○", "R7.4.1", ""]]
    page = admin_client.post(
        reverse("assets:import"), {"file": jp_style(world, *rows), "scope": world.hq.pk}
    )
    body = page.content.decode()
    assert page.status_code == 200 and 'data-testid="asset-import-apply"' in body
    assert not Asset.objects.exists()
    preview_id = page.context["preview"].preview_id
    applied = admin_client.post(reverse("assets:import_apply"), {"preview": preview_id})
    assert applied["Location"] == reverse("assets:asset_list")
    assert Asset.objects.get().name == "見積書"
    again = admin_client.post(reverse("assets:import_apply"), {"preview": preview_id})
    assert again["Location"] == reverse("assets:import") and Asset.objects.count() == 1


def test_the_template_reads_back_as_one_new_asset(world, admin_client, japanese):
    template = admin_client.get(reverse("assets:template"))
    upload = SimpleUploadedFile("template.xlsx", template.content)
    preview = preview_ledger(scope=world.hq, uploaded=upload)
    assert preview.ok, preview.errors
    assert [line.state for line in preview.lines] == ["new"]
    assert preview.creates[0]["owner"] == world[Role.ADMIN].pk


def test_the_command_previews_refuses_errors_and_applies(world, tmp_path):
    from django.core.management import CommandError, call_command

    good = tmp_path / "good.xlsx"
    good.write_bytes(jp_style(world, ["", "見積書", None, None, 1, 1, 1, None, None, None]).read())
    out = io.StringIO()
    call_command("import_assets", str(good), "--scope", "本社", "--dry-run", stdout=out)
    assert "見積書" in out.getvalue() and not Asset.objects.exists()
    call_command("import_assets", str(good), "--scope", "本社", stdout=out)
    assert Asset.objects.get().name == "見積書"
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(jp_style(world, ["", "x", None, None, 9, 1, 1, None, None, None]).read())
    with pytest.raises(CommandError):
        call_command("import_assets", str(bad), "--scope", "本社", stdout=io.StringIO())
    assert Asset.objects.count() == 1


def test_rows_without_a_number_are_numbered_after_the_ledger_and_the_file(world):
    services.asset_create(actor=world[Role.ADMIN], scope=world.hq, data={"name": "a"})  # A-00001
    creates = [{"ref": "", "name": "b"}, {"ref": "A-00007", "name": "c"}, {"ref": "", "name": "d"}]
    services.assets_import(actor=world[Role.ADMIN], scope=world.hq, creates=creates, updates={})
    refs = dict(Asset.objects.values_list("name", "ref"))
    assert refs == {"a": "A-00001", "b": "A-00008", "c": "A-00007", "d": "A-00009"}


INTUNE = (
    "Device name,Device ID,Ownership,OS,OS version,Encrypted,Managed by,Last check-in,"
    "Primary user UPN\n"
    "PC-023,abc-123,Corporate,Windows,10.0.26100,Yes,Intune,2026-11-30 09:12:00,{owner}\n"
    "iPhone 15,def-456,Personal,iOS,18.1,Yes,Intune,2026-12-01 18:40:05,{owner}\n"
)


def test_an_mdm_export_updates_its_devices_and_adds_new_ones(world, admin_client):
    """Fields import from an MDM's csv through the same import (issue 20, item 3): rows are
    matched by the MDM device id, new devices become hardware of the type their OS implies."""
    owner = world[Role.STAFF]
    pc = services.asset_create(
        actor=world[Role.ADMIN],
        scope=world.hq,
        data={
            "name": "PC-023",
            "asset_type": "hardware",
            "device_kind": "pc",
            "ownership": "lent",
            "device_id_kind": "mdm",
            "device_id": "abc-123",
        },
    )
    data = INTUNE.format(owner=owner.email).encode()
    preview = preview_ledger(scope=world.hq, uploaded=SimpleUploadedFile("devices.csv", data))
    assert preview.ok, preview.errors
    assert [line.state for line in preview.lines] == ["changed", "new"]
    assert preview.updates[pc.ref]["disk_encrypted"] is True
    assert preview.updates[pc.ref]["endpoint_confirmed_on"] == "2026-11-30"
    services.assets_import(
        actor=world[Role.ADMIN],
        scope=world.hq,
        creates=preview.creates,
        updates=preview.updates,
        versions=preview.versions,
    )
    pc.refresh_from_db()
    assert (pc.disk_encrypted, pc.mdm_enrolled, pc.os_name, pc.owner) == (
        True,
        True,
        "Windows",
        owner,
    )
    phone = Asset.objects.get(device_id="def-456")
    assert (phone.asset_type, phone.device_kind, phone.ownership, phone.device_id_kind) == (
        "hardware",
        "smartphone",
        "personal",
        "mdm",
    )
    again = preview_ledger(scope=world.hq, uploaded=SimpleUploadedFile("devices.csv", data))
    assert [line.state for line in again.lines] == ["unchanged", "unchanged"]
    # The endpoint list, exported and read back, changes nothing.
    exported = admin_client.get(reverse("assets:endpoint_export")).content
    back = preview_ledger(scope=world.hq, uploaded=SimpleUploadedFile("e.xlsx", exported))
    assert back.ok, back.errors
    assert {line.state for line in back.lines} == {"unchanged"} and len(back.lines) == 2

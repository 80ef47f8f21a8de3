"""SoA export (xlsx/docx/pdf), import with preview (2022 round trip, 2013 migration), the
import_soa command and the transfer views."""

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from docx import Document
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from ume.catalogue.models import Control, Control2013
from ume.core.choices import Role
from ume.core.models import AuditEntry
from ume.measures import services as measure_services
from ume.soa import services
from ume.soa.domain import snapshot_of
from ume.soa.exports import COLUMN_BY_KEY, COLUMNS, SHEET_TITLE, soa_docx, soa_pdf, soa_xlsx
from ume.soa.importers import ImportPreview, StalePreviewError, apply, preview_2013, preview_2022
from ume.soa.tests.helpers import give_reasons

pytestmark = pytest.mark.django_db


@pytest.fixture
def soa(world, catalogue):
    admin = world[Role.ADMIN]
    soa = services.soa_get_or_create(actor=admin, scope=world.hq)
    measure = measure_services.measure_create(
        actor=admin,
        organisation=world.org,
        data={"title": "脅威情報の収集と共有", "scope": world.hq},
    )
    row = soa.rows.get(control__ref="5.7")
    services.soa_row_update(
        actor=admin,
        row=row,
        version=row.version,
        data={
            "reasons": ["risk", "contract"],
            "status": "implemented",
            "current_level": "ume",
            "current_variant": row.control.variants.get(key="ume2"),
            "procedure": "脅威情報収集手順",
            "notes": "=1+1 は数式ではない",
            "measures": [measure],
        },
    )
    return soa


def upload(data: bytes, name: str = "soa.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def sheet_of(data: bytes):
    wb = load_workbook(io.BytesIO(data))
    return wb, wb[str(SHEET_TITLE)]


def edit(data: bytes, edits: dict[str, dict[str, object]]) -> bytes:
    """Set cells of the exported sheet by control ref and column key."""
    wb, ws = sheet_of(data)
    col = {c.key: i + 1 for i, c in enumerate(COLUMNS)}
    for row in range(2, ws.max_row + 1):
        ref = ws.cell(row, col["ref"]).value
        for key, value in edits.get(ref, {}).items():
            ws.cell(row, col[key]).value = value
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- export ----------------------------------------------------------------------------------


# The Japanese header of the exported SoA, written out here rather than taken from the code's
# COLUMNS (JIS Q 27001 6.1.3 d): the controls, why each is included, the justification for
# excluding it and whether it is implemented).
HEADER_JA = [
    "管理策番号",
    "管理策名",
    "適用可否",
    "管理策を含めた理由",
    "除外した正当な理由",
    "実施状況",
    "目標レベル",
    "現在レベル",
    "実装概要（事例）",
    "実装例の出典",
    "対策（実施事項）",
    "手順書",
    "実施の証拠",
    "備考",
    "要確認",
]


def test_xlsx_has_info_and_soa_sheets_with_the_shared_header(soa, world, japanese):
    wb, ws = sheet_of(soa_xlsx(soa=soa))
    assert wb.sheetnames == ["情報", "適用宣言書"]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER_JA
    assert len(rows) == 94
    by_ref = {r[0]: dict(zip(HEADER_JA, r, strict=True)) for r in rows[1:]}
    row = by_ref["5.7"]
    assert row["管理策名"] == "脅威インテリジェンス" == Control.objects.get(ref="5.7").title_ja
    assert row["適用可否"] == "適用" and row["実施状況"] == "実施済み"
    assert row["管理策を含めた理由"] == "リスク対応、契約"
    assert row["実装概要（事例）"] == "梅2" and row["対策（実施事項）"] == "脅威情報の収集と共有"
    assert row["手順書"] == "脅威情報収集手順"
    # where the example comes from, as the control page marks it
    assert row["実装例の出典"].startswith("出典資料：JNSA 日本ISMSユーザグループ")
    assert "脅威インテリジェンスの対応レベルについての考え方" in row["実装例の出典"]
    assert not by_ref["5.1"]["実装例の出典"]  # no example chosen
    assert row["備考"] == "=1+1 は数式ではない"  # text, not a formula: the core layer's
    number = next(i for i, r in enumerate(rows, 1) if r[0] == "5.7")
    notes = ws.cell(number, HEADER_JA.index("備考") + 1)
    assert notes.data_type == "s" and notes.quotePrefix  # quote-prefix style
    info = dict(wb["情報"].iter_rows(values_only=True))
    assert info["組織"] == "梅商事株式会社" and info["適用範囲"] == "本社"
    assert info["版"] == "下書き" and info["承認者"] == "未承認"


def test_xlsx_of_an_approved_version_uses_its_snapshot(soa, world):
    give_reasons(soa)
    version = services.soa_approve(actor=world[Role.ADMIN], soa=soa, comment="")
    row = soa.rows.get(control__ref="8.9")
    services.soa_row_update(
        actor=world[Role.ADMIN], row=row, version=row.version, data={"status": "partial"}
    )
    wb, ws = sheet_of(soa_xlsx(soa=soa, version=version))
    info = dict(wb[_("Information")].iter_rows(values_only=True))
    assert info[_("Version")] == _("Version {number}").format(number=1)
    assert info[_("Approved by")] == str(world[Role.ADMIN])
    status = {r[0]: r[5] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert status["8.9"] == _("Not implemented")  # as approved, not the later draft


def test_docx_is_landscape_with_theme_tables(soa, japanese):
    doc = Document(io.BytesIO(soa_docx(soa=soa)))
    section = doc.sections[0]
    assert section.page_width > section.page_height
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert _("Statement of Applicability") in text and "梅商事株式会社" in cells
    assert f"5 {_('Organizational controls')}" in text
    assert f"8 {_('Technological controls')}" in text
    assert "5.7" in cells and "脅威インテリジェンス" in cells and "脅威情報収集手順" in text


def test_pdf_has_japanese_text_and_an_embedded_font(soa, japanese):
    data = soa_pdf(soa=soa)
    reader = PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages)
    assert _("Statement of Applicability") in text and "5.7" in text
    assert "梅商事株式会社" in text and "脅威インテリジェンス" in text
    box = reader.pages[0].mediabox
    assert box.width > box.height  # A4 landscape
    embedded = set()
    for page in reader.pages:
        for ref in page["/Resources"].get_object().get("/Font", {}).values():
            font = ref.get_object()
            for part in [font, *(d.get_object() for d in font.get("/DescendantFonts", []))]:
                descriptor = part.get("/FontDescriptor")
                if descriptor is not None and "/FontFile2" in descriptor.get_object():
                    embedded.add(str(font["/BaseFont"]))
    assert any("IPAex" in name for name in embedded), embedded


def test_english_export_uses_english_titles(soa):
    with translation.override("en"):
        _wb, ws = sheet_of(soa_xlsx(soa=soa, language="en"))
    titles = {r[0]: r[1] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert titles["5.7"] == Control.objects.get(ref="5.7").title_en
    assert ws.cell(1, 1).value == "Control number"


# --- 2022 import -----------------------------------------------------------------------------


def test_round_trip_export_then_import_changes_nothing(soa):
    preview = preview_2022(soa=soa, uploaded=upload(soa_xlsx(soa=soa)))
    assert preview.errors == [] and preview.changes == {} and preview.rows == []
    assert preview.row_count == 93
    english = preview_2022(soa=soa, uploaded=upload(soa_xlsx(soa=soa, language="en")))
    assert english.errors == [] and english.changes == {}


def test_edited_cells_become_exactly_those_changes_and_apply(soa, world):
    data = edit(
        soa_xlsx(soa=soa),
        {
            "7.4": {
                "applicable": "除外",
                "exclusion_justification": "監視対象の物理的区域がないため",
                "status": "対象外",
            },
            "8.9": {"status": "一部実施"},
            "5.1": {"applicable": "○", "notes": None},  # same values written differently
        },
    )
    preview = preview_2022(soa=soa, uploaded=upload(data))
    assert preview.errors == []
    assert preview.changes == {
        "7.4": {
            "applicable": False,
            "exclusion_justification": "監視対象の物理的区域がないため",
            "status": "not_applicable",
        },
        "8.9": {"status": "partial"},
    }
    assert {(c.ref, c.field) for c in preview.rows} == {
        ("7.4", "applicable"),
        ("7.4", "exclusion_justification"),
        ("7.4", "status"),
        ("8.9", "status"),
    }
    change = next(c for c in preview.rows if c.ref == "8.9")
    assert (change.before, change.after) == (_("Not implemented"), _("Partially implemented"))
    assert any(_("Measures implemented") in note for note in preview.notes)
    # Through the session and back, as the views keep it.
    restored = ImportPreview.from_dict(preview.as_dict())
    assert apply(actor=world[Role.ADMIN], soa=soa, preview=restored) == 2
    row = soa.rows.get(control__ref="7.4")
    assert not row.applicable and row.exclusion_justification.startswith("監視対象")
    assert soa.rows.get(control__ref="8.9").status == "partial"
    assert AuditEntry.objects.filter(
        model_label="soa.soarow", object_id=str(row.pk), actor=world[Role.ADMIN]
    ).exists()


def test_apply_refuses_a_preview_whose_rows_changed_since(soa, world):
    preview = preview_2022(
        soa=soa, uploaded=upload(edit(soa_xlsx(soa=soa), {"8.9": {"status": "実施済み"}}))
    )
    row = soa.rows.get(control__ref="8.9")
    services.soa_row_update(
        actor=world[Role.ADMIN], row=row, version=row.version, data={"notes": "別の編集"}
    )
    with pytest.raises(StalePreviewError):
        apply(actor=world[Role.ADMIN], soa=soa, preview=preview)
    assert soa.rows.get(control__ref="8.9").status == "not_implemented"


def test_level_and_example_are_read_in_any_spelling(soa):
    data = edit(
        soa_xlsx(soa=soa),
        {
            "5.7": {"current_level": "竹", "current_variant": None},
            "8.9": {"current_level": "Pine", "current_variant": "matsu1"},
            "8.10": {"target_level": "松"},
        },
    )
    preview = preview_2022(soa=soa, uploaded=upload(data))
    assert preview.errors == []
    assert preview.changes["5.7"] == {"current_level": "take", "current_variant": ""}
    assert preview.changes["8.9"] == {"current_level": "matsu", "current_variant": "matsu1"}
    assert preview.changes["8.10"] == {"target_level": "matsu"}


def _errors(preview) -> str:
    assert preview.errors and preview.changes == {}
    return "\n".join(f"{e.row_number} {e.ref} {e.message}" for e in preview.errors)


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"this is not a workbook", "soa.xlsx", "(.xlsx)"),
        ("管理策番号,適用可否\n5.1,適用\n".encode(), "soa.xlsx", "(.xlsx)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "soa.xls", "(.xls)"),
        (b"PK\x03\x04 broken zip", "soa.xlsx", "(.xlsx)"),
        (b"", "soa.xlsx", "empty"),
    ],
)
def test_files_that_are_not_xlsx_are_refused_clearly(soa, data, name, expected):
    before = snapshot_of(soa)
    with translation.override("en"):
        assert expected in _errors(preview_2022(soa=soa, uploaded=upload(data, name)))
    assert snapshot_of(soa) == before


def test_oversized_file_is_refused(soa, settings):
    settings.UME_IMPORT_MAX_BYTES = 1000
    message = _errors(preview_2022(soa=soa, uploaded=upload(soa_xlsx(soa=soa))))
    assert "MB" in message


def test_wrong_columns_are_named(soa):
    wb = Workbook()
    wb.active.append(["管理策番号", "管理策名", "適用可否", "メモ"])
    wb.active.append(["5.1", "方針", "適用", ""])
    buffer = io.BytesIO()
    wb.save(buffer)
    message = _errors(preview_2022(soa=soa, uploaded=upload(buffer.getvalue())))
    for key in ("status", "target_level", "exclusion_justification"):
        assert str(COLUMN_BY_KEY[key].label) in message
    assert str(COLUMN_BY_KEY["applicable"].label) not in message


def test_row_errors_are_reported_row_by_row(soa, world):
    data = edit(
        soa_xlsx(soa=soa),
        {
            "5.3": {"ref": "9.99"},
            "5.2": {"applicable": "除外"},
            "6.1": {"status": "たぶん"},
            "6.2": {"reasons": "リスク対応、気分"},
            "6.3": {"current_variant": "梅9"},
        },
    )
    wb, ws = sheet_of(data)
    ws.append([cell.value for cell in ws[2]])  # 5.1 a second time
    buffer = io.BytesIO()
    wb.save(buffer)
    before = snapshot_of(soa)
    preview = preview_2022(soa=soa, uploaded=upload(buffer.getvalue()))
    message = _errors(preview)
    assert "9.99" in message and "95 5.1" in message
    assert {e.ref for e in preview.errors} >= {"9.99", "5.1", "5.2", "6.1", "6.2", "6.3"}
    assert any(e.ref == "5.2" and e.row_number == 3 for e in preview.errors)
    assert "たぶん" in message and "気分" in message and "梅9" in message  # as typed in the file
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        apply(actor=world[Role.ADMIN], soa=soa, preview=preview)
    assert not isinstance(refused.value, StalePreviewError)
    assert refused.value.messages == ["The file has errors; nothing was imported."]
    assert snapshot_of(soa) == before


# --- 2013 migration --------------------------------------------------------------------------

SPELLINGS = ["A.{a}.{b}.{c}", "A{a}.{b}.{c}", "{a}.{b}.{c}", "Ａ．{fa}．{fb}．{fc}"]
FULL = str.maketrans("0123456789", "０１２３４５６７８９")


def workbook_2013(*, overrides=None, omit=(), extra=()) -> bytes:
    """A 2013 SoA as Japanese companies kept it: a title, a header, clause and category
    headings between control rows, ○/× marks and the id written in several ways."""
    overrides = overrides or {}
    wb = Workbook()
    ws = wb.active
    ws.title = "適用宣言書（2013）"
    ws.append(["情報セキュリティ 適用宣言書（JIS Q 27001:2014）"])
    ws.append([])
    ws.append(["管理策番号", "管理策", "適用可否", "適用理由", "除外の理由"])
    clause = category = None
    for i, ref in enumerate(Control2013.objects.order_by("sort_key").values_list("ref", flat=True)):
        a, b, c = ref[2:].split(".")
        if clause != a:
            clause = a
            ws.append([f"A.{a}", f"箇条 {a} の見出し"])
        if category != (a, b):
            category = (a, b)
            ws.append([f"A.{a}.{b}", "カテゴリーの見出し"])
        if ref in omit:
            continue
        spelled = SPELLINGS[i % 4].format(
            a=a, b=b, c=c, fa=a.translate(FULL), fb=b.translate(FULL), fc=c.translate(FULL)
        )
        mark, reason, justification = overrides.get(
            ref, (["○", "〇", "Yes", "適用"][i % 4], "リスクアセスメントの結果", "")
        )
        ws.append([spelled, f"{ref} の管理策", mark, reason, justification])
    for row in extra:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_2013_migration_maps_merges_and_flags(soa, world):
    data = workbook_2013(
        overrides={
            "A.5.1.2": ("×", "", "基本方針に統合したため"),
            "A.14.2.7": ("✕", "", "開発を外部委託していないため"),
        },
        omit=("A.12.7.1",),
    )
    preview = preview_2013(soa=soa, uploaded=upload(data))
    assert preview.errors == [], preview.errors
    assert len(preview.mapped) == 113 and preview.row_count == 113
    review = {r.ref: r for r in preview.review}
    new = set(Control.objects.filter(new_in_2022=True).values_list("ref", flat=True))
    assert len(new) == 11 and {r for r, item in review.items() if item.reason == "new"} == new
    assert review["5.1"].reason == "merged" and "A.5.1.2" in review["5.1"].detail
    assert "基本方針に統合したため" in review["5.1"].detail
    assert preview.changes["8.30"] == {
        "applicable": False,
        "exclusion_justification": "A.14.2.7: 開発を外部委託していないため",
        "status": "not_applicable",
    }
    assert preview.changes["5.1"]["reasons"] == ["risk"]  # included: A.5.1.1 was ○
    assert "A.5.1.2" in preview.changes["5.1"]["review_note"]  # merged: marked 要確認
    assert "8.34" not in preview.changes
    assert all(set(preview.changes[c]) == {"review_note"} for c in new)
    assert any(w.ref == "A.12.7.1" and "8.34" in w.message for w in preview.warnings)
    assert apply(actor=world[Role.ADMIN], soa=soa, preview=preview) == 93 - 1
    row = soa.rows.get(control__ref="8.30")
    assert not row.applicable and row.exclusion_justification.startswith("A.14.2.7: ")
    assert soa.rows.get(control__ref="5.1").applicable
    again = preview_2013(soa=soa, uploaded=upload(data))
    assert again.errors == [] and again.changes == {}


def test_2013_errors_unknown_ids_duplicates_and_missing_justification(soa):
    data = workbook_2013(
        overrides={"A.6.2.2": ("×", "", "")},
        extra=[
            ["A.5.1.3", "存在しない管理策", "○"],
            ["A.5.1.1", "重複", "○"],
            ["A.7.1.1", "値なし", "たぶん"],
        ],
    )
    preview = preview_2013(soa=soa, uploaded=upload(data))
    message = _errors(preview)
    assert "A.5.1.3" in message and "A.5.1.1" in message and "A.7.1.1" in message
    assert any(e.ref == "A.6.2.2 → 6.7" for e in preview.errors)  # no justification


def test_2013_inline_titles_and_an_applicability_column_found_by_its_marks(soa):
    wb = Workbook()
    wb.active.append(["管理策", "判定", "備考"])
    wb.active.append(["A.5 情報セキュリティのための方針群"])
    wb.active.append(["A.5.1.1 情報セキュリティのための方針群", "○", "年1回見直し"])
    wb.active.append(["Ａ．５．１．２　方針群のレビュー", "〇", ""])
    buffer = io.BytesIO()
    wb.save(buffer)
    preview = preview_2013(soa=soa, uploaded=upload(buffer.getvalue()))
    assert preview.errors == []
    assert [(m.row_number, m.ref_2013, m.title) for m in preview.mapped] == [
        (3, "A.5.1.1", "情報セキュリティのための方針群"),
        (4, "A.5.1.2", "方針群のレビュー"),
    ]
    assert len(preview.warnings) == 112
    # only the notes of A.5.1.1 and the 要確認 marks of 5.1 (merged) and the new controls
    assert preview.changes.pop("5.1")["notes"] == "A.5.1.1 備考: 年1回見直し"
    assert {
        ref for ref, values in preview.changes.items() if set(values) != {"review_note"}
    } == set()


def test_2013_file_without_control_numbers_is_refused(soa):
    message = _errors(preview_2013(soa=soa, uploaded=upload(soa_xlsx(soa=soa))))
    assert "A.5.1.1" in message


# --- command ---------------------------------------------------------------------------------


def test_import_soa_command_dry_run_and_apply(soa, world, tmp_path):
    path = tmp_path / "soa.xlsx"
    path.write_bytes(edit(soa_xlsx(soa=soa), {"8.9": {"status": "一部実施"}}))
    out = io.StringIO()
    call_command("import_soa", str(path), "--scope", str(world.hq.pk), "--dry-run", stdout=out)
    assert "8.9" in out.getvalue() and soa.rows.get(control__ref="8.9").status != "partial"
    call_command("import_soa", str(path), "--scope", "本社", stdout=io.StringIO())
    assert soa.rows.get(control__ref="8.9").status == "partial"


def test_import_soa_command_fails_on_errors_and_ambiguous_scope(soa, world, other_world, tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(edit(soa_xlsx(soa=soa), {"5.2": {"ref": "9.99"}}))
    with pytest.raises(CommandError):
        call_command("import_soa", str(path), "--scope", str(world.hq.pk), stdout=io.StringIO())
    with pytest.raises(CommandError) as excinfo:
        call_command("import_soa", str(path), "--scope", "本社", "--dry-run", stdout=io.StringIO())
    assert str(world.hq.pk) in str(excinfo.value) and str(other_world.hq.pk) in str(excinfo.value)
    with pytest.raises(CommandError):
        call_command("import_soa", str(Path(tmp_path, "missing.xlsx")), "--scope", "本社")
    with pytest.raises(CommandError):
        call_command(
            "import_soa", str(path), "--scope", str(world.hq.pk), "--actor", "nobody@example.jp"
        )


def test_import_soa_command_applies_nothing_for_an_actor_who_may_not_edit_the_soa(
    soa, world, other_world, tmp_path
):
    # The command has no view in front of it: the import service is the only check.
    path = tmp_path / "soa.xlsx"
    path.write_bytes(edit(soa_xlsx(soa=soa), {"8.9": {"status": "一部実施"}}))
    before = soa.rows.get(control__ref="8.9")
    for actor in (world[Role.STAFF], world[Role.EXTERNAL_AUDITOR], other_world[Role.ADMIN]):
        with pytest.raises(CommandError):
            call_command(
                "import_soa",
                str(path),
                "--scope",
                str(world.hq.pk),
                "--actor",
                actor.email,
                stdout=io.StringIO(),
            )
    after = soa.rows.get(control__ref="8.9")
    assert (after.status, after.version) == (before.status, before.version)


# --- views -----------------------------------------------------------------------------------


def export_url(scope, **query):
    params = "&".join(f"{k}={v}" for k, v in query.items())
    return reverse("soa:soa_export", args=[scope.pk]) + (f"?{params}" if params else "")


@pytest.mark.parametrize("role", [Role.ADMIN, Role.STAFF, Role.EXTERNAL_AUDITOR])
def test_viewers_may_export_and_the_export_is_audited(soa, world, login, role):
    response = login(world[role]).get(export_url(world.hq, format="xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEntry.objects.filter(changes__contains="soa_exported", actor=world[role]).exists()


def test_export_formats_and_versions(soa, world, admin_client):
    assert admin_client.get(export_url(world.hq, format="docx")).status_code == 200
    assert admin_client.get(export_url(world.hq, format="csv")).status_code == 404
    assert admin_client.get(export_url(world.hq, version="1")).status_code == 404
    give_reasons(soa)
    services.soa_approve(actor=world[Role.ADMIN], soa=soa, comment="")
    assert admin_client.get(export_url(world.hq, version="1")).status_code == 200
    dev = services.soa_get_or_create(actor=world[Role.ADMIN], scope=world.dev)
    give_reasons(dev)
    services.soa_approve(actor=world[Role.ADMIN], soa=dev, comment="")
    give_reasons(dev)
    services.soa_approve(actor=world[Role.ADMIN], soa=dev, comment="")
    assert admin_client.get(export_url(world.hq, version="2")).status_code == 404


def test_other_organisations_scope_is_404(soa, world, other_world, login):
    client = login(other_world[Role.ADMIN])
    assert client.get(export_url(world.hq)).status_code == 404
    assert client.get(reverse("soa:soa_import", args=[world.hq.pk])).status_code == 404


@pytest.mark.parametrize("role", [Role.STAFF, Role.EXTERNAL_AUDITOR, Role.INTERNAL_AUDITOR])
def test_read_only_roles_cannot_import(soa, world, login, role):
    client = login(world[role])
    assert client.get(reverse("soa:soa_import", args=[world.hq.pk])).status_code == 403
    assert client.post(reverse("soa:soa_import_apply", args=[world.hq.pk])).status_code == 403


def test_import_preview_then_apply_through_the_views(soa, world, admin_client):
    url = reverse("soa:soa_import", args=[world.hq.pk])
    assert admin_client.get(url).status_code == 200
    data = edit(soa_xlsx(soa=soa), {"8.9": {"status": "一部実施"}})
    response = admin_client.post(url, {"format": "2022", "file": upload(data)})
    assert response.status_code == 200 and b"import-changes" in response.content
    preview_id = response.context["preview"].preview_id
    apply_url = reverse("soa:soa_import_apply", args=[world.hq.pk])
    response = admin_client.post(apply_url, {"preview": "someone-else"}, follow=True)
    assert soa.rows.get(control__ref="8.9").status == "not_implemented"
    response = admin_client.post(url, {"format": "2022", "file": upload(data)})
    preview_id = response.context["preview"].preview_id
    response = admin_client.post(apply_url, {"preview": preview_id})
    assert response.status_code == 302
    assert response["Location"] == reverse("soa:detail", args=[world.hq.pk])
    assert soa.rows.get(control__ref="8.9").status == "partial"
    response = admin_client.post(apply_url, {"preview": preview_id}, follow=True)
    assert response.redirect_chain[-1][0] == url  # used up: upload again


def test_import_view_shows_errors_and_keeps_nothing(soa, world, admin_client):
    url = reverse("soa:soa_import", args=[world.hq.pk])
    response = admin_client.post(url, {"format": "2022", "file": upload(b"garbage", "soa.xlsx")})
    assert response.status_code == 200 and b"import-errors" in response.content
    assert f"soa_import_preview_{soa.pk}" not in admin_client.session


def test_import_2013_preview_page_and_an_expired_preview(soa, world, admin_client):
    url = reverse("soa:soa_import", args=[world.hq.pk])
    data = workbook_2013(overrides={"A.14.2.7": ("×", "", "開発を外部委託していないため")})
    response = admin_client.post(url, {"format": "2013", "file": upload(data)})
    assert response.status_code == 200
    for testid in (b"import-review", b"import-mapping", b"import-changes"):
        assert testid in response.content
    session = admin_client.session
    key = f"soa_import_preview_{soa.pk}"
    stored = session[key]
    stored["created_at"] = "2000-01-01T00:00:00+00:00"
    session[key] = stored
    session.save()
    response = admin_client.post(
        reverse("soa:soa_import_apply", args=[world.hq.pk]),
        {"preview": stored["preview_id"]},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url
    assert soa.rows.get(control__ref="8.30").applicable

"""Both SoA imports are all or nothing at the service level (issue 16, item 4): a file that mixes
valid and invalid rows plans no change, ``apply`` and ``soa_rows_import`` refuse it and change
nothing (rows, audit trail), and the report names every invalid row. Checked without the views,
so the guarantee holds for the management command and any later caller too.

Each refusal has a positive control: the same valid rows alone do apply, so the refusal is
caused by the invalid rows and not by the valid ones."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook, load_workbook

from ume.core.choices import Role
from ume.core.models import AuditEntry
from ume.soa import services
from ume.soa.domain import snapshot_of
from ume.soa.exports import soa_xlsx
from ume.soa.importers import (
    ImportPreview,
    RowError,
    StalePreviewError,
    apply,
    preview_2013,
    preview_2022,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def soa(world, catalogue):
    return services.soa_get_or_create(actor=world[Role.ADMIN], scope=world.hq)


def upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("soa.xlsx", data)


def unchanged(soa, world):
    """What a refused import must leave as it was: every row and the organisation's trail."""
    return snapshot_of(soa), AuditEntry.objects.filter(organisation=world.org).count()


# --- 2022: the exported sheet, edited ------------------------------------------------------


def edited_export(soa, edits: dict[str, dict[str, str]]) -> tuple[bytes, dict[str, int]]:
    """The Japanese export with cells set by control ref and Japanese header name; also the
    sheet row of each ref (the row number the report must give)."""
    with translation.override("ja"):
        wb = load_workbook(io.BytesIO(soa_xlsx(soa=soa)))
    ws = wb["適用宣言書"]
    column = {cell.value: cell.column for cell in ws[1]}
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    for ref, cells in edits.items():
        for header, value in cells.items():
            ws.cell(rows[ref], column[header]).value = value
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), rows


VALID_2022 = {"8.9": {"実施状況": "一部実施"}, "5.10": {"備考": "年1回見直す"}}
INVALID_2022 = {
    "6.1": {"実施状況": "たぶん"},  # not a status
    "7.4": {"適用可否": "除外"},  # excluded without a justification
    "5.3": {"管理策番号": "9.99"},  # not an Annex A control
}


def test_2022_valid_rows_alone_apply(soa, world):
    data, _rows = edited_export(soa, VALID_2022)
    preview = preview_2022(soa=soa, uploaded=upload(data))
    assert preview.errors == []
    assert preview.changes == {"8.9": {"status": "partial"}, "5.10": {"notes": "年1回見直す"}}
    assert apply(actor=world[Role.ADMIN], soa=soa, preview=preview) == 2
    assert soa.rows.get(control__ref="8.9").status == "partial"
    assert soa.rows.get(control__ref="5.10").notes == "年1回見直す"


def test_2022_file_mixing_valid_and_invalid_rows_changes_nothing(soa, world):
    data, rows = edited_export(soa, {**VALID_2022, **INVALID_2022})
    before = unchanged(soa, world)
    preview = preview_2022(soa=soa, uploaded=upload(data))
    assert {(e.row_number, e.ref) for e in preview.errors} == {
        (rows["6.1"], "6.1"),
        (rows["7.4"], "7.4"),
        (rows["5.3"], "9.99"),
    }
    assert any("たぶん" in e.message for e in preview.errors if e.ref == "6.1")
    assert any("7.4" in e.message for e in preview.errors if e.ref == "7.4")
    # The valid rows 8.9 and 5.10 are not planned either: nothing would be applied.
    assert preview.changes == {} and preview.versions == {} and preview.rows == []
    with pytest.raises(ValidationError) as refused:
        apply(actor=world[Role.ADMIN], soa=soa, preview=preview)
    assert not isinstance(refused.value, StalePreviewError)
    assert unchanged(soa, world) == before


# --- 2013: a workbook of the 2013 Annex A ----------------------------------------------------


def workbook_2013(rows: list[list[str]]) -> bytes:
    """A 2013 SoA: a header on row 1, then one row per 2013 control (from row 2)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "適用宣言書（2013）"
    ws.append(["管理策番号", "管理策", "適用可否", "適用理由", "除外の理由"])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


VALID_2013 = [
    ["A.12.3.1", "情報のバックアップ", "○", "リスクアセスメントの結果", ""],  # → 8.13
    ["A.11.1.1", "物理的セキュリティ境界", "×", "", "物理的な拠点を持たないため"],  # → 7.1
]
INVALID_2013 = [
    ["A.6.2.2", "テレワーキング", "×", "", ""],  # row 4: excluded without a justification
    ["A.7.1.1", "選考", "たぶん", "", ""],  # row 5: neither included nor excluded
    ["A.5.1.3", "存在しない管理策", "○", "", ""],  # row 6: not a 2013 control
]


def test_2013_valid_rows_alone_apply(soa, world):
    preview = preview_2013(soa=soa, uploaded=upload(workbook_2013(VALID_2013)))
    assert preview.errors == []
    flagged = {ref for ref, values in preview.changes.items() if set(values) == {"review_note"}}
    assert len(flagged) == 11  # the new controls, marked 要確認 and otherwise left as they are
    assert {k: v for k, v in preview.changes.items() if k not in flagged} == {
        "8.13": {"reasons": ["risk"]},
        "7.1": {
            "applicable": False,
            "exclusion_justification": "A.11.1.1: 物理的な拠点を持たないため",
            "status": "not_applicable",
        },
    }
    assert apply(actor=world[Role.ADMIN], soa=soa, preview=preview) == 2 + 11
    assert soa.rows.get(control__ref="8.13").reasons == ["risk"]
    assert not soa.rows.get(control__ref="7.1").applicable


def test_2013_file_mixing_valid_and_invalid_rows_changes_nothing(soa, world):
    before = unchanged(soa, world)
    data = workbook_2013(VALID_2013 + INVALID_2013)
    preview = preview_2013(soa=soa, uploaded=upload(data))
    assert {(e.row_number, e.ref) for e in preview.errors} == {
        (4, "A.6.2.2 → 6.7"),
        (5, "A.7.1.1"),
        (6, "A.5.1.3"),
    }
    assert preview.changes == {} and preview.versions == {} and preview.rows == []
    with pytest.raises(ValidationError) as refused:
        apply(actor=world[Role.ADMIN], soa=soa, preview=preview)
    assert not isinstance(refused.value, StalePreviewError)
    assert unchanged(soa, world) == before


def test_2013_migration_resets_not_applicable_when_a_control_is_included_again(soa, world):
    """8.30 (outsourced development) was excluded, so its status is 対象外; the 2013 file
    includes its source A.14.2.7, so the row is included and 対象外 becomes 未実施."""
    admin = world[Role.ADMIN]
    row = soa.rows.get(control__ref="8.30")
    services.soa_row_update(
        actor=admin,
        row=row,
        version=row.version,
        data={"applicable": False, "exclusion_justification": "開発を外部委託していないため"},
    )
    assert soa.rows.get(control__ref="8.30").status == "not_applicable"
    data = workbook_2013([["A.14.2.7", "外部委託による開発", "○", "契約上の要求", ""]])
    preview = preview_2013(soa=soa, uploaded=upload(data))
    assert preview.errors == []
    assert preview.changes["8.30"] == {
        "applicable": True,
        "exclusion_justification": "",
        "reasons": ["contract"],
        "status": "not_implemented",
    }
    apply(actor=admin, soa=soa, preview=preview)
    row = soa.rows.get(control__ref="8.30")
    assert row.applicable and row.status == "not_implemented" and row.reasons == ["contract"]
    assert row.exclusion_justification == ""


# --- the apply step and the service, given changes directly ---------------------------------


def test_apply_refuses_a_preview_with_errors_even_when_it_carries_changes(soa, world):
    """``apply`` does not rely on the preview having dropped its changes."""
    row = soa.rows.get(control__ref="8.9")
    preview = ImportPreview(
        format="2022",
        soa_id=soa.pk,
        changes={"8.9": {"status": "partial"}},
        versions={"8.9": row.version},
        errors=[RowError(40, "6.1", "“たぶん” is not a valid Implementation status.")],
    )
    before = unchanged(soa, world)
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        apply(actor=world[Role.ADMIN], soa=soa, preview=preview)
    assert refused.value.messages == ["The file has errors; nothing was imported."]
    assert unchanged(soa, world) == before


def test_rows_import_service_refuses_every_row_when_one_is_invalid(soa, world):
    before = unchanged(soa, world)
    changes = {
        "8.9": {"status": "partial"},
        "7.4": {"applicable": False},  # no justification
        "9.99": {"notes": "存在しない"},
    }
    versions = {r.control.ref: r.version for r in soa.rows.select_related("control")}
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        services.soa_rows_import(
            actor=world[Role.ADMIN], soa=soa, changes=changes, versions=versions
        )
    assert sorted(refused.value.messages) == [
        "7.4: Enter the justification for excluding 7.4.",
        "9.99: not a control of this SoA.",
    ]
    assert unchanged(soa, world) == before
    # The valid row alone is imported: the refusal came from the others.
    assert (
        services.soa_rows_import(
            actor=world[Role.ADMIN],
            soa=soa,
            changes={"8.9": {"status": "partial"}},
            versions={"8.9": versions["8.9"]},
        )
        == 1
    )
    assert soa.rows.get(control__ref="8.9").status == "partial"

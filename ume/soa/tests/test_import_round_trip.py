"""The Excel round trip: the limits of the form hold in an import, formula cells are reported
rather than silently read as nothing, and text that looks like a formula comes back unchanged."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from ume.core.choices import Role
from ume.soa import services
from ume.soa.exports import soa_xlsx
from ume.soa.importers import preview_2022

pytestmark = pytest.mark.django_db


@pytest.fixture
def soa(world, catalogue):
    return services.soa_get_or_create(actor=world[Role.ADMIN], scope=world.hq)


def edited(soa, changes: dict[str, dict[str, object]]) -> SimpleUploadedFile:
    """The SoA's own export with cells changed: ``{ref: {header: value}}``."""
    book = load_workbook(io.BytesIO(soa_xlsx(soa=soa)))
    sheet = book.worksheets[-1]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        for name, value in changes.get(row[0].value, {}).items():
            row[header.index(name)].value = value
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("soa.xlsx", out.getvalue())


def column_of(soa, name: str) -> str:
    sheet = load_workbook(io.BytesIO(soa_xlsx(soa=soa))).worksheets[-1]
    return next(c.column_letter for c in sheet[1] if c.value == name)


def test_a_note_longer_than_the_form_allows_is_refused_by_the_import(soa, admin_client, japanese):
    preview = preview_2022(soa=soa, uploaded=edited(soa, {"5.1": {"備考": "あ" * 20_000}}))
    assert [(e.ref, e.row_number) for e in preview.errors] == [("5.1", 2)]
    assert "2000" in preview.errors[0].message and "20000" in preview.errors[0].message
    assert preview.changes == {}
    row = soa.rows.get(control__ref="5.1")
    form = admin_client.get(reverse("soa:row_edit", args=[soa.scope_id, row.pk])).content
    assert b'name="notes" cols="40" rows="3" maxlength="2000"' in form


def test_formula_cells_are_reported_by_cell_and_nothing_is_read(soa, japanese):
    notes, procedure = column_of(soa, "備考"), column_of(soa, "手順書")
    upload = edited(
        soa,
        {
            "5.2": {"備考": "=A3&B3"},
            "5.4": {"備考": "=TODAY()", "手順書": '="手順"&"書"'},
            "5.5": {"備考": "通常の備考"},
        },
    )
    preview = preview_2022(soa=soa, uploaded=upload)
    messages = {e.row_number: e.message for e in preview.errors}
    assert sorted(messages) == [3, 5]
    assert f"セル {notes}3 は数式です" in messages[3]
    assert f"セル {procedure}5, {notes}5 は数式です" in messages[5]
    assert preview.changes == {}  # all or nothing: the plain edit of 5.5 waits too


def test_errors_are_listed_in_row_order_whichever_check_found_them(soa, japanese):
    # The formula check runs over the whole sheet before the rows are read: its error for a
    # late row must not come before a bad value in an earlier row.
    upload = edited(
        soa,
        {"5.2": {"備考": "あ" * 20_000}, "8.34": {"備考": "=TODAY()"}, "5.9": {"備考": "x" * 3000}},
    )
    preview = preview_2022(soa=soa, uploaded=upload)
    rows = [e.row_number for e in preview.errors]
    assert len(rows) == 3 and rows == sorted(rows), rows


def test_text_that_looks_like_a_formula_comes_back_unchanged(soa, world, japanese):
    row = soa.rows.get(control__ref="8.9")
    services.soa_row_update(
        actor=world[Role.ADMIN],
        row=row,
        version=row.version,
        data={"notes": "=1+1 は数式ではない", "procedure": "＋手順書（全角）"},
    )
    preview = preview_2022(soa=soa, uploaded=edited(soa, {}))
    assert preview.errors == [] and preview.changes == {}
    preview = preview_2022(soa=soa, uploaded=edited(soa, {"8.9": {"備考": "-5 件を確認"}}))
    assert preview.changes == {"8.9": {"notes": "-5 件を確認"}}


def test_a_new_level_with_its_own_example_keeps_that_example(soa, world, japanese):
    # 8.9 is at 梅 with example 梅1; the file moves it to 松 and names the example 松1: the
    # example is the file's, not dropped because the old one belonged to another level.
    row = soa.rows.select_related("control").get(control__ref="8.9")
    ume1 = row.control.variants.get(key="ume1")
    services.soa_row_update(
        actor=world[Role.ADMIN],
        row=row,
        version=row.version,
        data={"current_level": "ume", "current_variant": ume1},
    )
    upload = edited(soa, {"8.9": {"現在レベル": "松", "実装概要（事例）": "松1"}})
    preview = preview_2022(soa=soa, uploaded=upload)
    assert preview.errors == []
    assert preview.changes["8.9"] == {"current_level": "matsu", "current_variant": "matsu1"}


def test_problems_of_the_whole_file_come_before_those_of_rows():
    from ume.soa.importers.common import ImportPreview

    preview = ImportPreview(format="2022", soa_id=1)
    preview.error(5, "5.3", "row five")
    preview.error(None, "", "the file")
    preview.error(2, "5.1", "row two")
    preview.warn(7, "", "later")
    preview.warn(None, "", "file-wide")
    assert [e.message for e in preview.errors] == ["the file", "row two", "row five"]
    assert [w.message for w in preview.warnings] == ["file-wide", "later"]


def test_a_formula_error_names_no_control(soa, japanese):
    preview = preview_2022(soa=soa, uploaded=edited(soa, {"5.2": {"備考": "=A3&B3"}}))
    assert [(e.row_number, e.ref) for e in preview.errors] == [(3, "")]

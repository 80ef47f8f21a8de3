"""The import's planning step as the 2022 and 2013 imports share it (ume/soa/importers/common.py):
what a parsed row becomes (a change, a row error or nothing), the preview a view keeps in the
session, and the apply step's refusals. Parsed rows are given directly, as the parsers hand them
over: control ref → (sheet row number, label for the report, raw values)."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from ume.core.choices import Role
from ume.core.importing import DEFAULT_LIMITS
from ume.soa import services
from ume.soa.importers import ImportPreview, StalePreviewError, apply
from ume.soa.importers.common import (
    MappedRow,
    ReviewItem,
    RowChange,
    RowError,
    plan_changes,
    resolve_changes,
    soa_limits,
)
from ume.soa.models import SoARow

pytestmark = pytest.mark.django_db


@pytest.fixture
def soa(world, catalogue):
    """The 本社 SoA with 5.7 at 梅 (example 梅2), two inclusion reasons and a procedure."""
    soa = services.soa_get_or_create(actor=world[Role.ADMIN], scope=world.hq)
    row = soa.rows.get(control__ref="5.7")
    services.soa_row_update(
        actor=world[Role.ADMIN],
        row=row,
        version=row.version,
        data={
            "reasons": ["risk", "contract"],
            "current_level": "ume",
            "current_variant": row.control.variants.get(key="ume2"),
            "procedure": "脅威情報収集手順",
        },
    )
    return soa


def plan(soa, parsed: dict) -> ImportPreview:
    preview = ImportPreview(format="2022", soa_id=soa.pk)
    plan_changes(preview, soa, parsed)
    return preview


def errors_of(preview) -> list[tuple]:
    return [(e.row_number, e.ref, e.message) for e in preview.errors]


def test_a_change_is_reported_with_title_column_and_both_values(soa):
    with translation.override("ja"):
        preview = plan(soa, {"8.9": (12, "8.9", {"status": "partial"})})
    assert preview.errors == []
    change = RowChange("8.9", "構成管理", "status", "実施状況", "未実施", "一部実施")
    assert preview.rows == [change]
    assert preview.changes == {"8.9": {"status": "partial"}}
    assert preview.versions == {"8.9": soa.rows.get(control__ref="8.9").version}


def test_changes_hold_plain_text_as_the_session_keeps_it(soa):
    # Excluding a row sets its status to the choices member 対象外 (validate_row).
    preview = plan(soa, {"7.4": (5, "7.4", {"applicable": False, "exclusion_justification": "無"})})
    status = preview.changes["7.4"]["status"]
    assert status == "not_applicable" and type(status) is str


def test_an_example_of_another_level_is_a_row_error_and_every_such_row_is_reported(soa):
    parsed = {
        "8.9": (12, "A.8.9", {"current_level": "ume", "current_variant": "matsu1"}),
        "8.10": (13, "A.8.10", {"status": "partial"}),
        "8.11": (14, "A.8.11", {"current_level": "ume", "current_variant": "take1"}),
    }
    with translation.override("en"):
        preview = plan(soa, parsed)
    assert errors_of(preview) == [
        (
            12,
            "A.8.9",
            "The implementation example Pine1 is of level Pine; correct the current level "
            "or the example.",
        ),
        (
            14,
            "A.8.11",
            "The implementation example Bamboo1 is of level Bamboo; correct the current level "
            "or the example.",
        ),
    ]
    # All or nothing: the valid row 8.10 is not planned either.
    assert (preview.changes, preview.versions, preview.rows) == ({}, {}, [])


def test_an_example_without_a_current_level_sets_the_level(soa):
    preview = plan(soa, {"8.9": (12, "8.9", {"current_level": "", "current_variant": "matsu1"})})
    assert preview.errors == []
    assert preview.changes == {"8.9": {"current_level": "matsu", "current_variant": "matsu1"}}


def test_a_procedure_may_fill_its_column_but_not_one_character_more(soa):
    limit = SoARow._meta.get_field("procedure").max_length
    assert limit == 200
    fits = plan(soa, {"8.9": (12, "8.9", {"procedure": "手" * limit})})
    assert fits.errors == [] and fits.changes == {"8.9": {"procedure": "手" * limit}}
    parsed = {
        "8.9": (12, "A.8.9", {"procedure": "手" * (limit + 1)}),
        "8.10": (13, "A.8.10", {"procedure": "順" * (limit + 5)}),
    }
    with translation.override("en"):
        preview = plan(soa, parsed)
    message = "The procedure is longer than 200 characters."
    assert errors_of(preview) == [(12, "A.8.9", message), (13, "A.8.10", message)]


def test_invalid_rows_are_all_reported_after_a_row_that_changes_nothing(soa):
    parsed = {
        # Excluded in the file with no justification: refused by validate_row.
        "5.2": (3, "5.2", {"applicable": False}),
        # Written differently but the same: no change, and the rows after it are still read.
        "5.7": (8, "5.7", {"reasons": ["contract", "risk"]}),
        "6.1": (20, "6.1", {"applicable": False}),
    }
    with translation.override("en"):
        preview = plan(soa, parsed)
    assert [(n, ref) for n, ref, _ in errors_of(preview)] == [(3, "5.2"), (20, "6.1")]
    assert "Enter the justification for excluding 6.1." in preview.errors[1].message


def test_a_difference_that_validation_undoes_is_no_change_and_later_rows_still_count(soa):
    SoARow.objects.filter(soa=soa, control__ref="6.2").update(
        applicable=False, exclusion_justification="採用を行わないため", status="not_applicable"
    )
    parsed = {
        "6.2": (21, "6.2", {"status": "implemented"}),  # an excluded control stays 対象外
        "8.9": (12, "8.9", {"status": "partial"}),
    }
    preview = plan(soa, parsed)
    assert preview.errors == []
    assert preview.changes == {"8.9": {"status": "partial"}}


def test_rows_the_file_leaves_as_they_are_are_not_validated_again(soa):
    """A row whose cells match the database (text as a spreadsheet keeps it, reasons in any
    order) is skipped, even when its stored values would not pass today's checks."""
    SoARow.objects.filter(soa=soa, control__ref="5.2").update(
        applicable=False, exclusion_justification="", status="not_applicable", notes="一\n二"
    )
    SoARow.objects.filter(soa=soa, control__ref="5.3").update(procedure="手順A", notes="甲\n乙")
    parsed = {
        "5.2": (3, "5.2", {"applicable": False, "notes": "一\r\n二  "}),
        "5.3": (4, "5.3", {"procedure": " 手順A ", "notes": "甲\r乙"}),
        "5.7": (8, "5.7", {"reasons": ["contract", "risk"], "procedure": "脅威情報収集手順\n"}),
    }
    preview = plan(soa, parsed)
    assert (preview.errors, preview.changes, preview.rows) == ([], {}, [])


def test_a_changed_current_level_drops_the_unchanged_example_of_the_old_level(soa):
    # 5.7 is at 梅 with the example 梅2; the file raises the level and keeps the example cell.
    preview = plan(soa, {"5.7": (8, "5.7", {"current_level": "take", "current_variant": "ume2"})})
    assert preview.errors == []
    assert preview.changes == {"5.7": {"current_level": "take", "current_variant": ""}}
    # A row with no example: only the level changes.
    preview = plan(soa, {"8.9": (12, "8.9", {"current_level": "take", "current_variant": ""})})
    assert preview.changes == {"8.9": {"current_level": "take"}}


def test_only_the_soas_own_rows_are_compared(soa, world, other_world):
    theirs = services.soa_get_or_create(actor=other_world[Role.ADMIN], scope=other_world.hq)
    row = theirs.rows.get(control__ref="8.9")
    services.soa_row_update(
        actor=other_world[Role.ADMIN], row=row, version=row.version, data={"status": "implemented"}
    )
    preview = plan(soa, {"8.9": (12, "8.9", {"status": "implemented"})})
    assert preview.changes == {"8.9": {"status": "implemented"}}
    assert preview.versions == {"8.9": soa.rows.get(control__ref="8.9").version}


def test_planning_reads_rows_controls_and_examples_in_a_fixed_number_of_queries(
    soa, django_assert_num_queries
):
    parsed = {
        ref: (n, ref, {"status": "partial", "current_variant": ""})
        for n, ref in enumerate(["5.1", "5.7", "8.9", "8.10", "8.11"], start=2)
    }
    with django_assert_num_queries(2):  # the rows with control and example; the examples
        preview = plan(soa, parsed)
    assert len(preview.changes) == 5


# --- the apply step ----------------------------------------------------------------------------


def test_resolve_changes_turns_example_keys_into_the_controls_examples(soa):
    resolved = resolve_changes(
        {"8.9": {"current_variant": "take1", "status": "partial"}, "5.7": {"current_variant": ""}}
    )
    example = resolved["8.9"]["current_variant"]
    assert (example.control.ref, example.key) == ("8.9", "take1")
    assert resolved["8.9"]["status"] == "partial"
    assert resolved["5.7"] == {"current_variant": None}


def test_an_example_removed_since_the_preview_is_refused_by_name(soa):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        resolve_changes({"8.9": {"current_variant": "take9"}})
    assert exc.value.messages == ["8.9: the implementation example take9 no longer exists."]


def test_apply_sets_and_clears_examples(soa, world):
    preview = plan(
        soa,
        {
            "8.9": (12, "8.9", {"current_variant": "take1"}),
            "5.7": (8, "5.7", {"current_level": "", "current_variant": ""}),
        },
    )
    assert apply(actor=world[Role.ADMIN], soa=soa, preview=preview) == 2
    changed = soa.rows.get(control__ref="8.9")
    assert (changed.current_variant.key, changed.current_level) == ("take1", "take")
    assert soa.rows.get(control__ref="5.7").current_variant is None


def test_a_preview_without_changes_applies_nothing(soa, world):
    preview = plan(soa, {"8.9": (12, "8.9", {"status": "not_implemented"})})
    assert preview.changes == {}
    assert apply(actor=world[Role.ADMIN], soa=soa, preview=preview) == 0


def test_a_preview_of_another_soa_is_refused_as_stale(soa, world):
    preview = ImportPreview(format="2022", soa_id=soa.pk + 1000, changes={"8.9": {}})
    with translation.override("en"), pytest.raises(StalePreviewError) as exc:
        apply(actor=world[Role.ADMIN], soa=soa, preview=preview)
    assert exc.value.code == "stale"
    assert exc.value.messages == ["This preview belongs to another Statement of Applicability."]


def test_rows_changed_since_the_preview_are_named_and_nothing_is_applied(soa, world):
    preview = plan(
        soa, {ref: (n, ref, {"status": "partial"}) for n, ref in [(12, "8.9"), (13, "8.10")]}
    )
    for ref in ("8.9", "8.10"):
        row = soa.rows.get(control__ref=ref)
        services.soa_row_update(
            actor=world[Role.ADMIN], row=row, version=row.version, data={"notes": "別の編集"}
        )
    with translation.override("en"), pytest.raises(StalePreviewError) as exc:
        apply(actor=world[Role.ADMIN], soa=soa, preview=preview)
    assert exc.value.code == "stale"
    assert exc.value.messages == [
        "8.10, 8.9 changed after the preview was made. Upload the file again to see the "
        "current differences."
    ]
    assert not soa.rows.filter(status="partial").exists()


# --- the preview in the session, and the limits -----------------------------------------------


def test_the_preview_comes_back_from_the_session_whole():
    preview = ImportPreview(format="2013", soa_id=7, filename="旧SoA.xlsx", row_count=3)
    preview.rows.append(RowChange("8.9", "構成管理", "status", "実施状況", "未実施", "実施済み"))
    preview.error(4, "A.9.9.9", "不明な管理策")
    preview.warn(5, "A.5.1.2", "統合")
    preview.review.append(ReviewItem("5.7", "脅威インテリジェンス", "new", "新規", "詳細"))
    preview.mapped.append(MappedRow(6, "A.5.1.1", "方針", "適用", "5.1"))
    assert preview.warnings == [RowError(5, "A.5.1.2", "統合")]
    assert ImportPreview.from_dict(preview.as_dict()) == preview


def test_a_preview_kept_before_the_report_lists_existed_still_loads():
    data = ImportPreview(format="2022", soa_id=7).as_dict()
    for name in ("warnings", "review", "mapped"):
        del data[name]
    restored = ImportPreview.from_dict(data)
    assert (restored.warnings, restored.review, restored.mapped) == ([], [], [])


def test_a_preview_expires_after_thirty_minutes():
    preview = ImportPreview(format="2022", soa_id=7)
    made = ImportPreview.from_dict(preview.as_dict())
    created = datetime.fromisoformat(made.created_at)
    assert not made.expired(created + timedelta(minutes=30))
    assert made.expired(created + timedelta(minutes=30, seconds=1))


def test_the_soa_limits_apply_below_the_operators_settings(settings):
    for name in DEFAULT_LIMITS:
        setattr(settings, f"UME_IMPORT_{name.upper()}", 10**9)
    limits = soa_limits()
    assert (limits.max_rows, limits.max_cells, limits.max_xml_tags, limits.max_sheets) == (
        2_000,
        300_000,
        300_000,
        10,
    )
    assert limits.max_bytes == 10**9  # no cap of its own: the operator's setting
    settings.UME_IMPORT_MAX_CELLS = 1_000
    assert soa_limits().max_cells == 1_000

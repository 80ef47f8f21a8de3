"""Security issue 15, finding 3: a 109 KB xlsx that declares ``A1:XFD1048576`` and puts one cell
in column XFD on each of 2,000 rows made the SoA import use about 2.7 GB for 11 s. Both SoA
importers now read only the columns the header names (at most 64), stream the rows and cap
rows, cells and XML per file; what exceeds a limit is refused with a translated message and
changes nothing. The bound asserted is peak memory (tracemalloc): a time bound failed at random
on a loaded machine even as CPU time, and speed belongs to `make bench`."""

import io
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import load_workbook
from openpyxl.styles import Font

from ume.catalogue.models import Control2013
from ume.core.choices import Role
from ume.core.tests.workbooks import LAST_COLUMN, header_then_far_cells, xlsx
from ume.soa import services
from ume.soa.domain import snapshot_of
from ume.soa.exports import COLUMNS, SHEET_TITLE, soa_xlsx
from ume.soa.importers import apply, preview_2013, preview_2022

pytestmark = pytest.mark.django_db

PEAK_BYTES = 50 * 1024 * 1024
HEADER_2013 = ["管理策番号", "管理策", "適用可否", "適用理由", "除外の理由"]


@pytest.fixture
def soa(world, catalogue):
    return services.soa_get_or_create(actor=world[Role.ADMIN], scope=world.hq)


def upload(data: bytes, name: str = "soa.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def measured(call: Callable[[], Any]) -> tuple[Any, int]:
    """(result, peak bytes allocated) of ``call`` (a preview, which writes nothing). The bound
    is on memory, which a reader that follows a sheet's declared dimensions blows up (~250 MB
    for the probe's file); speed is measured by ``make bench``, not asserted here."""
    tracemalloc.start()
    try:
        result = call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, peak


def header_2022() -> list[str]:
    return [str(c.label) for c in COLUMNS]


def errors_of(preview) -> str:
    assert preview.errors and preview.changes == {}
    return "\n".join(e.message for e in preview.errors)


def rows_2013(far_rows: int = 0) -> list:
    """A 2013 SoA (header, then the 114 controls marked ○) and ``far_rows`` more rows, every
    row but the header with a cell in column XFD."""
    refs = Control2013.objects.order_by("sort_key").values_list("ref", flat=True)
    rows: list = [(1, list(enumerate(HEADER_2013, start=1)))]
    for number, ref in enumerate(refs, start=2):
        cells = [(1, ref), (2, f"{ref} の管理策"), (3, "○"), (4, "リスク対応"), (LAST_COLUMN, "x")]
        rows.append((number, cells))
    start = len(rows) + 1
    rows += [(n, [(LAST_COLUMN, "x")]) for n in range(start, start + far_rows)]
    return rows


# --- the probe's file ------------------------------------------------------------------------


def test_the_probe_file_is_refused_within_50_mb(soa):
    data = xlsx({"適用宣言書": header_then_far_cells(header_2022(), 2_000)})
    assert len(data) < 150_000  # as small as the probe's upload
    before = snapshot_of(soa)
    with translation.override("en"):
        preview, peak = measured(lambda: preview_2022(soa=soa, uploaded=upload(data)))
    assert peak < PEAK_BYTES, f"peak {peak / 1e6:.0f} MB"
    assert "more than 2000 rows" in errors_of(preview)  # header + 2,000 rows
    assert snapshot_of(soa) == before


def test_a_wide_sheet_under_the_row_limit_is_read_in_bounded_memory(soa):
    data = xlsx({"適用宣言書": header_then_far_cells(header_2022(), 1_500)})
    preview, peak = measured(lambda: preview_2022(soa=soa, uploaded=upload(data)))
    assert peak < PEAK_BYTES, f"peak {peak / 1e6:.0f} MB"
    assert preview.errors == [] and preview.changes == {}
    assert preview.warnings  # the 93 controls that are not in the file stay as they are


def test_a_wide_2013_sheet_is_read_in_bounded_memory(soa):
    data = xlsx({"2013": rows_2013(far_rows=1_500)})
    with translation.override("en"):
        preview, peak = measured(lambda: preview_2013(soa=soa, uploaded=upload(data)))
    assert peak < PEAK_BYTES, f"peak {peak / 1e6:.0f} MB"
    assert preview.errors == [], preview.errors
    assert len(preview.mapped) == 114
    assert preview.columns_read[2:4] == [
        "C “適用可否” → applicability",
        "D “適用理由” → reason for inclusion",
    ]


# --- the limits ------------------------------------------------------------------------------


def test_a_header_with_more_than_64_columns_is_refused(soa):
    header = header_2022() + [f"列{n}" for n in range(60)]
    data = xlsx({"適用宣言書": [(1, enumerate(header, start=1)), (2, [(1, "5.1")])]})
    before = snapshot_of(soa)
    with translation.override("en"):
        message = errors_of(preview_2022(soa=soa, uploaded=upload(data)))
    assert "more than 64 columns" in message and "適用宣言書" in message
    assert snapshot_of(soa) == before


def test_a_2013_header_with_more_than_64_columns_is_refused(soa):
    rows = rows_2013()
    rows[0] = (1, list(enumerate(HEADER_2013 + [f"列{n}" for n in range(70)], start=1)))
    with translation.override("en"):
        message = errors_of(preview_2013(soa=soa, uploaded=upload(xlsx({"2013": rows}))))
    assert "more than 64 columns" in message


def test_more_rows_than_an_soa_has_are_refused(soa):
    rows = [(1, enumerate(header_2022(), start=1))]
    rows += [(n, [(1, "5.1"), (3, "適用")]) for n in range(2, 2_102)]
    before = snapshot_of(soa)
    with translation.override("en"):
        message = errors_of(preview_2022(soa=soa, uploaded=upload(xlsx({"適用宣言書": rows}))))
        assert "more than 2000 rows" in message
        message = errors_of(preview_2013(soa=soa, uploaded=upload(xlsx({"2013": rows}))))
        assert "more than 2000 rows" in message
    assert snapshot_of(soa) == before


def test_formatted_empty_rows_below_the_data_do_not_count_as_rows(soa):
    """Excel keeps cells that only carry a format (borders drawn down to row 5,000); they are
    not data and must not make a 93-row SoA "too long"."""
    wb = load_workbook(io.BytesIO(soa_xlsx(soa=soa)))
    ws = wb[str(SHEET_TITLE)]
    for row in range(200, 5_001):
        ws.cell(row, 1).font = Font(bold=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    preview = preview_2022(soa=soa, uploaded=upload(buffer.getvalue()))
    assert preview.errors == [], preview.errors
    assert preview.row_count == 93 and preview.changes == {}


def test_cells_read_per_import_are_capped(soa, settings):
    settings.UME_IMPORT_MAX_CELLS = 500  # the export holds 94 rows × 12 columns
    with translation.override("en"):
        message = errors_of(preview_2022(soa=soa, uploaded=upload(soa_xlsx(soa=soa))))
    assert "more than 500 cells" in message


def test_xml_per_file_is_capped(soa, settings):
    settings.UME_IMPORT_MAX_XML_TAGS = 1_000
    with translation.override("en"):
        message = errors_of(preview_2013(soa=soa, uploaded=upload(soa_xlsx(soa=soa))))
    assert "too much data" in message


def test_a_normal_export_still_imports_and_applies(soa, world):
    wb = load_workbook(io.BytesIO(soa_xlsx(soa=soa)))
    ws = wb[str(SHEET_TITLE)]
    status = next(i for i, c in enumerate(COLUMNS, start=1) if c.key == "status")
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "8.9")
    ws.cell(row, status).value = "一部実施"
    buffer = io.BytesIO()
    wb.save(buffer)
    preview, peak = measured(lambda: preview_2022(soa=soa, uploaded=upload(buffer.getvalue())))
    assert peak < PEAK_BYTES
    assert preview.errors == [] and preview.changes == {"8.9": {"status": "partial"}}
    assert apply(actor=world[Role.ADMIN], soa=soa, preview=preview) == 1
    assert soa.rows.get(control__ref="8.9").status == "partial"

"""The 2013 migration keeps everything a real 2013 SoA holds: 実施状況 (common wordings mapped,
the free text kept), reasons for inclusion and exclusion (also from one combined column), 関連文書,
担当部署 and 備考; it lists the columns read and skipped, and the 要確認 state of merged and new
controls stays on the rows after the import until someone confirms it."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from ume.catalogue.models import Control, Control2013
from ume.core.choices import Role
from ume.soa import selectors, services
from ume.soa.importers import ImportPreview, apply, preview_2013
from ume.soa.importers.columns2013 import combined_status, read_status, role_of

pytestmark = pytest.mark.django_db

HEADER = [
    "No.",
    "管理策",
    "適用／除外",
    "適用理由／除外理由",
    "実施状況",
    "関連文書",
    "担当部署",
    "備考",
    "最終更新日",
]


@pytest.fixture
def soa(world, catalogue):
    return services.soa_get_or_create(actor=world[Role.ADMIN], scope=world.hq)


def workbook(rows: dict[str, list], default=None) -> bytes:
    """A 114-row 2013 SoA with the columns of HEADER; ``rows`` overrides cells C–H by ref."""
    wb = Workbook()
    ws = wb.active
    ws.append(["適用宣言書"])
    ws.append(HEADER)
    for ref in Control2013.objects.order_by("sort_key").values_list("ref", flat=True):
        cells = rows.get(
            ref, default or ["○", "リスクアセスメントの結果", "実施済", "", "", "", ""]
        )
        ws.append([ref, f"{ref} の管理策", *cells, "2023/04/01"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def preview_of(soa, data: bytes) -> ImportPreview:
    preview = preview_2013(soa=soa, uploaded=SimpleUploadedFile("soa2013.xlsx", data))
    assert preview.errors == [], preview.errors
    return preview


@pytest.mark.parametrize(
    ("text", "status", "says_more"),
    [
        ("実施済", "implemented", False),
        ("実施済み", "implemented", False),
        ("実施済（年1回点検）", "implemented", True),
        ("○", "implemented", False),
        ("一部実施", "partial", False),
        ("実施済（一部は来期）", "partial", True),
        ("対応中", "partial", True),
        ("未実施", "not_implemented", False),
        ("実施予定（2024年度）", "not_implemented", True),
        ("無", "not_implemented", False),
        ("Implemented", "implemented", False),
        ("検討します", "", True),
        ("", "", False),
    ],
)
def test_status_wordings(text, status, says_more):
    read = read_status(text)
    assert (read.status, read.says_more) == (status, says_more)


def test_a_merged_control_is_implemented_only_when_all_its_sources_are():
    assert combined_status(["implemented", "implemented"]) == "implemented"
    assert combined_status(["implemented", "not_implemented"]) == "partial"
    assert combined_status(["not_implemented", "not_implemented"]) == "not_implemented"
    assert combined_status(["partial"]) == "partial" and combined_status([]) == ""


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("適用理由／除外理由", "both"),
        ("適用・除外の理由", "both"),
        ("除外理由", "justification"),
        ("除外の正当な理由", "justification"),
        ("適用理由", "reason"),
        ("適用／除外", "applicable"),
        ("適用可否", "applicable"),
        ("実施状況", "status"),
        ("関連文書", "procedure"),
        ("担当部署", "department"),
        ("備考", "notes"),
        ("管理策の実施内容", "notes"),
        ("最終更新日", ""),
    ],
)
def test_header_roles(header, role):
    assert role_of(header) == role


def test_status_reasons_documents_and_notes_are_imported(soa, world):
    data = workbook(
        {
            "A.12.1.1": [
                "○",
                "契約で求められている",
                "実施済（年1回点検）",
                "運用手順書 OP-01",
                "情報システム部",
                "2023年に改訂",
            ],
            "A.12.1.2": ["○", "監督官庁の指導", "一部実施", "変更管理規程", "", ""],
            "A.14.2.7": ["×", "開発を外部委託していないため", "", "", "", ""],
            "A.8.1.1": ["○", "", "未実施", "", "", ""],
        }
    )
    preview = preview_of(soa, data)
    # 5.37 ← A.12.1.1 only: status, procedure and the free text kept in the notes
    change = preview.changes["5.37"]
    assert change["status"] == "implemented" and change["reasons"] == ["contract"]
    assert change["procedure"] == "運用手順書 OP-01"
    assert change["notes"].splitlines() == [
        "A.12.1.1 実施状況: 実施済（年1回点検）",
        "A.12.1.1 担当部署: 情報システム部",
        "A.12.1.1 備考: 2023年に改訂",
    ]
    # 8.32 ← A.12.1.2, A.14.2.2, A.14.2.3, A.14.2.4 (merged): one partial source → partial
    assert preview.changes["8.32"]["status"] == "partial"
    assert preview.changes["8.32"]["procedure"] == "変更管理規程"
    # a reason that matches none of the reasons for inclusion is kept, not lost
    assert "A.12.1.2 管理策を含めた理由: 監督官庁の指導" in preview.changes["8.32"]["notes"]
    assert any(w.ref == "A.12.1.2" and "監督官庁の指導" in w.message for w in preview.warnings)
    # the combined column is the justification of an excluded row …
    assert (
        preview.changes["8.30"]["exclusion_justification"]
        == "A.14.2.7: 開発を外部委託していないため"
    )
    # … and the reason of an included one
    assert preview.changes["5.37"]["reasons"] == ["contract"]
    # 5.9 ← A.8.1.1 (未実施) and A.8.1.2 (実施済): between the two
    assert preview.changes["5.9"]["status"] == "partial"
    assert apply(actor=world[Role.ADMIN], soa=soa, preview=preview) > 80
    row = soa.rows.get(control__ref="5.37")
    assert (row.status, row.procedure) == ("implemented", "運用手順書 OP-01")
    assert "実施済（年1回点検）" in row.notes
    # a second import of the same file changes nothing (the notes are not added twice)
    assert preview_of(soa, data).changes == {}


def test_the_preview_lists_the_columns_read_and_those_skipped(soa):
    preview = preview_of(soa, workbook({}))
    read = "\n".join(preview.columns_read)
    assert "C列「適用／除外」→ 適用可否" in read
    assert "D列「適用理由／除外理由」→ 適用又は除外の理由" in read
    for text in ("E列「実施状況」", "F列「関連文書」", "G列「担当部署」", "H列「備考」"):
        assert text in read
    assert preview.columns_skipped == ["I列「最終更新日」"]


def test_merged_and_new_controls_stay_marked_for_review_until_confirmed(soa, world, client):
    data = workbook({"A.5.1.2": ["×", "基本方針に統合したため", "", "", "", ""]})
    preview = preview_of(soa, data)
    review = [(item.ref, item.reason) for item in preview.review]
    # the merge that involves an exclusion first, then the other merges, then the new ones
    assert review[0] == ("5.1", "merged")
    first_new = [reason for _, reason in review].index("new")
    assert {r for _, r in review[:first_new]} == {"merged"}
    assert {r for _, r in review[first_new:]} == {"new"}
    apply(actor=world[Role.ADMIN], soa=soa, preview=preview)
    new = set(Control.objects.filter(new_in_2022=True).values_list("ref", flat=True))
    flagged = set(soa.rows.exclude(review_note="").values_list("control__ref", flat=True))
    assert new <= flagged and "5.1" in flagged and "5.2" not in flagged
    assert "A.5.1.2" in soa.rows.get(control__ref="5.1").review_note
    rows = selectors.filter_rows(
        selectors.soa_row_list(actor=world[Role.ADMIN], soa=soa), gap="review"
    )
    assert set(rows.values_list("control__ref", flat=True)) == flagged
    summary = selectors.gap_summary(actor=world[Role.ADMIN], soa=soa)
    assert summary.needs_review == len(flagged)
    client.force_login(world[Role.ADMIN])
    page = client.get(reverse("soa:detail", args=[world.hq.pk])).content.decode()
    assert 'data-testid="needs-review"' in page and f"{len(flagged)}件" in page
    # confirming the row on its form removes the mark
    row = soa.rows.get(control__ref="5.7")
    url = reverse("soa:row_edit", args=[world.hq.pk, row.pk])
    form = client.get(url).content.decode()
    assert 'data-testid="review-note"' in form
    response = client.post(
        url,
        {
            "version": row.version,
            "applicable": "1",
            "status": row.status,
            "target_level": row.target_level,
            "current_level": "",
            "review_confirmed": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    row.refresh_from_db()
    assert row.review_note == ""
    assert (
        summary.needs_review - 1
        == selectors.gap_summary(actor=world[Role.ADMIN], soa=soa).needs_review
    )

"""Import of retention events: a JP-style sheet (title row, 和暦 and Excel dates, 同上) is read
into a preview with new, changed, unchanged and error rows; a file with any error records
nothing; the apply records all rows, marked as imported, and their dates follow."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ume.assets import services
from ume.assets.importers import preview_events
from ume.assets.importers.events import event_type_of
from ume.assets.models import RetentionEvent, RetentionItem, RetentionRule
from ume.core.cells import CellError
from ume.core.choices import Role

pytestmark = pytest.mark.django_db
HIRING = "labour-standards-109-hiring-records"
IMPORT = reverse("assets:retention_event_import")


def xlsx(rows) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("退職者一覧.xlsx", buffer.getvalue())


@pytest.fixture
def resumes(world, retention_rules):
    rule = RetentionRule.objects.get(organisation__isnull=True, code=HIRING)
    return services.asset_create(
        actor=world[Role.ADMIN],
        scope=world.hq,
        data={"name": "履歴書", "retention_rules": [rule]},
    )


SHEET = [
    ["2025年度 退職者一覧"],  # a title row above the header
    ["氏名", "事由", "退職日", "対象の記録"],
    ["山田 太郎", "退職", "令和7年10月15日", ""],
    ["佐藤 花子", "同上", dt.date(2026, 3, 31), ""],
    ["鈴木 一郎", "退職", 46203, ""],  # an Excel serial: 2026-06-30
]


@pytest.mark.parametrize(
    ("cell", "kind"),
    [
        ("退職", "leaving"),
        ("退職・解雇・死亡", "leaving"),
        ("contract_end", "contract_end"),
        ("契約終了", "contract_end"),
        ("End of a contract", "contract_end"),
        ("ｶｲｷﾞ", None),
        ("", None),
    ],
)
def test_kinds_of_event_are_read_from_codes_labels_and_short_words(cell, kind, japanese):
    if kind is None:
        with pytest.raises(CellError):
            event_type_of(cell)
    else:
        assert event_type_of(cell) == kind


def test_a_japanese_sheet_is_previewed_and_recorded_all_at_once(world, resumes, admin_client):
    services.retention_event_record(
        actor=world[Role.ADMIN],
        organisation=world.org,
        source="manual",
        subject="山田 太郎",
        event_type="leaving",
        date=dt.date(2025, 10, 15),
    )
    services.retention_event_record(
        actor=world[Role.ADMIN],
        organisation=world.org,
        source="manual",
        subject="佐藤 花子",
        event_type="leaving",
        date=dt.date(2026, 3, 1),
    )
    response = admin_client.post(IMPORT, {"file": xlsx(SHEET)})
    preview = response.context["preview"]
    assert preview.ok, preview.errors
    assert [(line.subject, line.date, line.state) for line in preview.lines] == [
        ("山田 太郎", "2025-10-15", "unchanged"),
        ("佐藤 花子", "2026-03-31", "changed"),
        ("鈴木 一郎", "2026-06-30", "new"),
    ]
    page = response.content.decode()
    assert "退職・解雇・死亡" in page and 'data-testid="event-import-apply"' in page
    done = admin_client.post(
        reverse("assets:retention_event_import_apply"), {"preview": preview.preview_id}
    )
    assert done.url == reverse("assets:retention_event_list")
    assert RetentionEvent.objects.get(subject__name="佐藤 花子").source == "import"
    assert RetentionEvent.objects.get(subject__name="山田 太郎").source == "manual"
    item = RetentionItem.objects.get(subject__name="鈴木 一郎")
    assert item.keep_until == dt.date(2031, 6, 30)
    again = admin_client.post(
        reverse("assets:retention_event_import_apply"), {"preview": preview.preview_id}
    )
    assert again.url == IMPORT  # a preview is applied once
    assert RetentionEvent.objects.count() == 3


def test_a_file_with_errors_records_nothing_and_says_which_rows(world, resumes, admin_client):
    rows = [
        ["対象", "起算事由", "日付", "対象の記録"],
        ["山田 太郎", "退職", "2025/10/15", resumes.ref],
        ["", "退職", "2025/10/15", ""],
        ["佐藤 花子", "誕生日", "令和7年2月30日", ""],
        ["鈴木 一郎", "退職", "2025/10/15", "A-99999"],
        ["山田 太郎", "退職", "2025/11/30", ""],
    ]
    response = admin_client.post(IMPORT, {"file": xlsx(rows)})
    preview = response.context["preview"]
    by_row = {}
    for error in preview.errors:
        by_row.setdefault(error.row_number, []).append(error.message)
    assert set(by_row) == {3, 4, 5, 6}
    assert len(by_row[4]) == 2  # the kind of event and the impossible date
    assert "A-99999" in by_row[5][0] and "2" in by_row[6][0]
    assert 'data-testid="event-import-apply"' not in response.content.decode()
    assert "retention_event_import_preview" not in admin_client.session
    assert not RetentionEvent.objects.exists()


def test_an_event_before_the_join_date_or_contract_start_refuses_the_file(
    world, resumes, admin_client, japanese
):
    rows = [
        ["対象", "起算事由", "日付", "入社日"],
        ["山田 太郎", "退職", "令和7年3月31日", "令和7年4月1日"],  # leaves before joining
        ["佐藤 花子", "退職", "2025/3/31", "2025/3/31"],  # the same day: possible
        ["A社 業務委託契約", "契約終了", "2025/9/30", "２０２６年４月１日"],
        ["鈴木 一郎", "退職", "2025/3/31", "来年"],  # a start that is no date
        ["田中 次郎", "退職", "2025/3/31", ""],  # not known: not checked
    ]
    response = admin_client.post(IMPORT, {"file": xlsx(rows)})
    preview = response.context["preview"]
    by_row = {e.row_number: e.message for e in preview.errors}
    assert set(by_row) == {2, 4, 5}
    assert by_row[2] == "退職日 2025-03-31 が入社日 2025-04-01 より前です。"
    assert by_row[4] == "契約終了日 2025-09-30 が契約開始日 2026-04-01 より前です。"
    assert "来年" in by_row[5]
    assert "入社日 → " in " ".join(preview.columns_read)
    assert not RetentionEvent.objects.exists()


def test_the_service_refuses_an_event_before_its_start_whoever_reports_it(world, resumes):
    from django.core.exceptions import ValidationError

    record = {
        "actor": world[Role.ADMIN],
        "organisation": world.org,
        "source": "manual",
        "subject": "山田 太郎",
        "event_type": "leaving",
        "date": dt.date(2025, 3, 31),
    }
    with pytest.raises(ValidationError) as refused:
        services.retention_event_record(**record, started_on=dt.date(2025, 4, 1))
    assert "date" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.retention_events_import(
            actor=world[Role.ADMIN],
            organisation=world.org,
            rows=[{**record, "date": "2025-03-31", "started_on": "2025-04-01"}],
        )
    assert not RetentionEvent.objects.exists()
    event = services.retention_event_record(**record, started_on=dt.date(2025, 3, 31))
    assert event.date == dt.date(2025, 3, 31)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("events.xlsx", b"not a spreadsheet", "xlsx"),
        ("events.csv", "名前,年齢\n山田,30\n".encode(), "対象"),
    ],
)
def test_a_file_that_is_no_event_list_is_refused(world, name, content, message, japanese):
    preview = preview_events(organisation=world.org, uploaded=SimpleUploadedFile(name, content))
    assert not preview.ok and message in preview.errors[0].message


def test_a_csv_in_shift_jis_is_read(world, resumes):
    data = "対象,起算事由,日付\n山田 太郎,退職,R7.10.15\n".encode("cp932")
    preview = preview_events(organisation=world.org, uploaded=SimpleUploadedFile("a.csv", data))
    assert preview.ok and preview.rows == [
        {
            "subject": "山田 太郎",
            "event_type": "leaving",
            "date": "2025-10-15",
            "started_on": "",
            "assets": [],
        }
    ]


def test_the_import_refuses_another_organizations_records(world, other_world, resumes):
    from django.core.exceptions import ValidationError

    theirs = services.asset_create(
        actor=other_world[Role.ADMIN], scope=other_world.hq, data={"name": "他社の履歴書"}
    )
    row = {"subject": "山田 太郎", "event_type": "leaving", "date": "2025-10-15"}
    with pytest.raises(ValidationError):
        services.retention_events_import(
            actor=world[Role.ADMIN],
            organisation=world.org,
            rows=[row, {**row, "subject": "佐藤 花子", "assets": [theirs.pk]}],
        )
    assert not RetentionEvent.objects.exists()


def test_the_template_names_the_columns_and_the_kinds_of_event(world, admin_client):
    response = admin_client.get(reverse("assets:retention_event_template"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    values = [c for row in book["起算事由"].iter_rows(values_only=True) for c in row]
    assert "対象" in values and "起算事由" in values and "山田 太郎" in values
    kinds = [c for row in book["起算事由の種類"].iter_rows(values_only=True) for c in row]
    assert "leaving" in kinds and "退職・解雇・死亡" in kinds

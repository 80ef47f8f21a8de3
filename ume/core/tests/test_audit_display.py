"""The audit trail as an auditor reads it: field labels, related records by name (looked up
once per page), choices by label, times in Asia/Tokyo, security events by name, and exports
listed only when asked for."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ume.core.audit_display import describe
from ume.core.choices import Role
from ume.core.models import AuditEntry
from ume.measures import services as measure_services
from ume.soa import services as soa_services
from ume.soa.tests.helpers import give_reasons

pytestmark = pytest.mark.django_db


def changes_of(entry) -> dict[str, tuple[str, str]]:
    return {c.label: (c.before, c.after) for c in describe([entry])[0].display_changes}


def text(html: bytes) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.decode()))


@pytest.fixture
def soa(world, catalogue):
    return soa_services.soa_get_or_create(actor=world[Role.ADMIN], scope=world.hq)


def measure(world, title):
    return measure_services.measure_create(
        actor=world[Role.ADMIN], organisation=world.org, data={"title": title, "scope": world.hq}
    )


def test_related_records_choices_and_times_read_as_words(world, soa, japanese):
    admin = world[Role.ADMIN]
    first, second = measure(world, "入退室管理"), measure(world, "夜間バックアップ")
    row = soa.rows.get(control__ref="7.2")
    soa_services.soa_row_update(
        actor=admin,
        row=row,
        version=row.version,
        data={"measures": [first, second], "reasons": ["risk", "legal"], "status": "partial"},
    )
    entries = AuditEntry.objects.filter(model_label="soa.soarow", object_id=str(row.pk))
    shown = {}
    for entry in entries.order_by("seq"):
        shown |= changes_of(entry)
    assert shown["対策"] == ("", "入退室管理、夜間バックアップ")
    assert shown["管理策を含めた理由"] == ("", "リスク対応、法令・規制")
    assert shown["実施状況"] == ("未実施", "一部実施")
    give_reasons(soa)
    version = soa_services.soa_approve(actor=admin, soa=soa, comment="初版")
    created = AuditEntry.objects.get(
        model_label="soa.soaversion", object_id=str(version.pk), action="create"
    )
    approval = changes_of(created)
    assert approval["承認者"][1] == str(admin)  # the user by name, not id
    assert approval["組織"][1] == "梅商事株式会社" and approval["適用範囲"][1] == "本社"
    local = version.approved_at.astimezone().strftime("%Y/%m/%d %H:%M")
    assert approval["承認日時"][1] == local  # Asia/Tokyo, not a UTC ISO timestamp
    # A record deleted since is named as such, not left as a bare id.
    third = measure(world, "旧手順")
    for measures in ([first, second, third], [first, second]):
        row.refresh_from_db()
        soa_services.soa_row_update(
            actor=admin, row=row, version=row.version, data={"measures": measures}
        )
    deleted = third.pk
    measure_services.measure_delete(actor=admin, measure=third)
    linked = entries.filter(changes__contains='"measures"').order_by("seq")
    assert changes_of(linked.last())["対策"] == (
        f"入退室管理、夜間バックアップ、削除済みのレコード（#{deleted}）",
        "入退室管理、夜間バックアップ",
    )


def test_the_audit_list_looks_up_related_records_once_per_page(world, soa, admin_client):
    admin = world[Role.ADMIN]
    url = reverse("core:audit_list")

    def edit(n):
        for i in range(n):
            row = soa.rows.get(control__ref=f"5.{i + 1}")
            soa_services.soa_row_update(
                actor=admin,
                row=row,
                version=row.version,
                data={"measures": [measure(world, f"対策{i}")]},
            )

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(url).status_code == 200
        return len(captured)

    edit(2)
    few = queries()
    edit(12)
    assert queries() == few  # 50 entries on the page, still one lookup per record type


def test_a_long_list_of_records_names_the_first_ten_and_counts_the_rest(world, soa, japanese):
    measures = [measure(world, f"対策{i:02d}") for i in range(25)]
    row = soa.rows.get(control__ref="5.1")
    soa_services.soa_row_update(
        actor=world[Role.ADMIN], row=row, version=row.version, data={"measures": measures}
    )
    entry = AuditEntry.objects.filter(model_label="soa.soarow", object_id=str(row.pk)).latest("seq")
    with CaptureQueriesContext(connection) as captured:
        before, after = changes_of(entry)["対策"]
    assert before == ""
    assert after == "、".join(f"対策{i:02d}" for i in range(10)) + " ほか15件"
    lookup = next(q["sql"] for q in captured.captured_queries if "measures_measure" in q["sql"])
    looked_up = lookup.split(" IN (", 1)[1].split(")", 1)[0]
    assert looked_up.count(",") == 9  # only the ten named measures are read


def test_exports_are_listed_only_when_asked_for_and_read_as_events(
    world, soa, admin_client, japanese
):
    export = reverse("soa:soa_export", args=[world.hq.pk])
    assert admin_client.get(f"{export}?format=xlsx").status_code == 200
    assert AuditEntry.objects.filter(changes__contains='"event":"soa_exported"').exists()
    url = reverse("core:audit_list")
    assert "適用宣言書の書き出し" not in text(admin_client.get(url).content)
    page = text(admin_client.get(url, {"exports": "on"}).content)
    assert "適用宣言書の書き出し" in page
    assert "ファイル形式 xlsx" in page and "適用範囲 本社" in page
    assert "soa_exported" not in page and "core.event" not in page
    # The audit trail's own export: a security event with no record.
    assert admin_client.get(reverse("core:audit_export"), {"format": "csv"}).status_code == 200
    page = text(admin_client.get(url, {"exports": "on", "action": "event"}).content)
    assert "監査証跡の書き出し" in page and "セキュリティ関連の操作" in page
    assert "audit_exported" not in page


def test_history_panel_and_pagination_speak_japanese(world, soa, admin_client, japanese):
    admin = world[Role.ADMIN]
    row = soa.rows.get(control__ref="8.13")
    evidence = measure_services.evidence_upload(
        actor=admin,
        organisation=world.org,
        scope=world.hq,
        uploaded=SimpleUploadedFile("復元テスト記録.txt", "記録".encode()),
        attach_to=row,
    )
    page = admin_client.get(reverse("soa:row_edit", args=[world.hq.pk, row.pk])).content
    history = text(page).split("操作履歴", 1)[1]
    assert "復元テスト記録.txt" in history and f"[{evidence.pk}]" not in history
    for i in range(60):
        row.refresh_from_db()
        soa_services.soa_rows_bulk_update(
            actor=admin, soa=soa, versions={row.pk: row.version}, data={"notes": f"メモ{i}"}
        )
    listing = text(admin_client.get(reverse("core:audit_list")).content)
    assert "次へ" in listing and "next" not in listing


def test_the_changes_cell_strikes_the_old_value_escapes_and_cuts(world, soa, admin_client):
    admin = world[Role.ADMIN]
    row = soa.rows.get(control__ref="5.2")
    soa_services.soa_rows_bulk_update(
        actor=admin, soa=soa, versions={row.pk: row.version}, data={"notes": "<b>旧</b>"}
    )
    row.refresh_from_db()
    soa_services.soa_rows_bulk_update(
        actor=admin, soa=soa, versions={row.pk: row.version}, data={"notes": "新" * 100}
    )
    html = admin_client.get(reverse("core:audit_list")).content.decode()
    cell = html.split('<dl class="ume-changes mb-0">', 1)[1].split("</dl>", 1)[0]
    assert "<del>&lt;b&gt;旧&lt;/b&gt;</del> → " in cell
    assert "新" * 79 + "…</dd>" in cell and "新" * 80 not in cell
    # An entry with more fields than a cell shows: the rest is marked, not dropped silently.
    from types import SimpleNamespace

    from ume.core.audit_display import Change
    from ume.core.templatetags.ume import audit_changes

    many = SimpleNamespace(display_changes=[Change(f"項目{i}", "", "値") for i in range(10)])
    assert audit_changes(many).count("<dt>") == 8
    assert audit_changes(many).endswith('<dd class="text-secondary">…</dd></dl>')
    assert audit_changes(SimpleNamespace(display_changes=[])) == ""


def test_records_are_named_from_their_name_fields_alone(world, soa, japanese, retention_rules):
    """Every model that says which columns its name reads is named from those alone: the same
    name as the whole record gives, without another query."""
    from django.apps import apps

    from ume.assets.services import asset_create, retention_event_record
    from ume.core.audit_display import _Names

    admin = world[Role.ADMIN]
    measure(world, "入退室管理")
    measure_services.evidence_upload(
        actor=admin,
        organisation=world.org,
        scope=world.hq,
        uploaded=SimpleUploadedFile("記録.txt", "記録".encode()),
        attach_to=soa.rows.get(control__ref="5.1"),
    )
    asset_create(actor=admin, scope=world.hq, data={"name": "顧客台帳"})
    retention_event_record(
        actor=admin,
        organisation=world.org,
        source="manual",
        subject="山田 太郎",
        event_type="leaving",
        date=dt.date(2025, 10, 15),
    )
    models = [m for m in apps.get_models() if getattr(m, "audit_name_fields", ())]
    assert len(models) >= 10
    for model in models:
        records = list(model._base_manager.order_by("pk")[:3])
        assert records, f"no {model.__name__} to name"
        names = _Names()
        for record in records:
            names.want(model, record.pk)
        with CaptureQueriesContext(connection) as captured:
            names.load()
        assert len(captured) == 1, model.__name__
        for record in records:
            assert names.name(model, record.pk) == str(record), model.__name__


def test_a_long_record_name_is_cut_in_the_list_and_whole_on_hover(world, admin_client):
    title = "<b>長い</b>" + "対策" * 60
    measure(world, title)
    html = admin_client.get(reverse("core:audit_list"), {"q": "長い"}).content.decode()
    escaped = "&lt;b&gt;長い&lt;/b&gt;" + "対策" * 60
    assert f'<span title="{escaped}">' in html
    assert "&lt;b&gt;長い&lt;/b&gt;" + "対策" * 35 + "…</span>" in html

"""The ledger's pages: the list narrows and sorts at a fixed number of queries, people see
only the assets of their scopes, the form saves through the service (refusing a stale edit),
readers see the form read-only, and the exports carry Japanese headers, ○ marks, the
sources of the built-in lists and neutralised formulas."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from ume.assets import services
from ume.assets.models import Asset, ClassificationLevel
from ume.core.choices import Role
from ume.core.models import AuditEntry

pytestmark = pytest.mark.django_db
LIST = reverse("assets:asset_list")


def add(world, scope=None, **data):
    return services.asset_create(
        actor=world[Role.ADMIN], scope=scope or world.hq, data={"name": "顧客台帳", **data}
    )


def refs(response) -> list[str]:
    return [row.record.ref for row in response.context["table"].page.object_list]


def test_the_list_filters_by_search_flags_owner_and_importance(world, admin_client):
    level = ClassificationLevel.objects.get(organisation=world.org, name_ja="極秘")
    a = add(
        world,
        name="従業員名簿",
        personal_info=True,
        classification=level,
        owner=world[Role.STAFF],
        confidentiality=3,
        integrity=2,
        availability=2,
    )
    b = add(
        world, name="会社案内", holder="印刷会社", confidentiality=1, integrity=1, availability=1
    )
    c = add(world, name="マイナンバー書類", my_number=True, scope=world.dev)
    assert refs(admin_client.get(LIST)) == [a.ref, b.ref, c.ref]
    assert refs(admin_client.get(LIST, {"q": "印刷"})) == [b.ref]
    assert refs(admin_client.get(LIST, {"q": a.ref})) == [a.ref]
    assert refs(admin_client.get(LIST, {"personal": "my_number"})) == [c.ref]
    assert refs(admin_client.get(LIST, {"classification": level.pk})) == [a.ref]
    assert refs(admin_client.get(LIST, {"importance": "3"})) == [a.ref]
    assert refs(admin_client.get(LIST, {"unowned": "none"})) == [b.ref, c.ref]
    assert refs(admin_client.get(LIST, {"scope": world.dev.pk})) == [c.ref]
    # not yet valued last either way; ties by number in the sort's direction
    d = add(world, name="見積書", confidentiality=1, integrity=1, availability=1)
    assert refs(admin_client.get(LIST, {"sort": "-importance"})) == [a.ref, d.ref, b.ref, c.ref]
    assert refs(admin_client.get(LIST, {"sort": "importance"})) == [b.ref, d.ref, a.ref, c.ref]
    page = admin_client.get(LIST).content.decode()
    assert "従業員名簿" in page and "3/2/2" in page and "管理責任者のいない資産" in page
    assert admin_client.get(LIST, {"importance": "<b>"}).status_code == 200


def test_people_limited_to_one_scope_see_only_its_assets(world, login):
    add(world, name="本社の資産")
    add(world, name="開発の資産", scope=world.dev)
    body = login(world[Role.STAFF]).get(LIST).content.decode()  # staff: 本社 only
    assert "本社の資産" in body and "開発の資産" not in body


def test_the_list_takes_a_fixed_number_of_queries(
    world, admin_client, django_assert_max_num_queries
):
    for n in range(60):
        add(world, name=f"資産{n}", owner=world[Role.STAFF], department=world.dept)
    with django_assert_max_num_queries(15):
        assert admin_client.get(LIST, {"q": "資産"}).status_code == 200


def test_an_asset_is_created_and_edited_through_the_form(world, admin_client):
    level = ClassificationLevel.objects.get(organisation=world.org, name_ja="秘")
    form = {
        "name": "見積書控え",
        "scope": world.hq.pk,
        "asset_type": "information",
        "location": "file_server",
        "classification": level.pk,
        "confidentiality": "2",
        "integrity": "3",
        "availability": "1",
        "personal_info": "on",
        "status": "in_use",
    }
    response = admin_client.post(reverse("assets:asset_create"), form)
    asset = Asset.objects.get(name="見積書控え")
    assert response["Location"] == reverse("assets:asset_edit", args=[asset.pk])
    assert (asset.ref, asset.importance, asset.personal_info) == ("A-00001", 3, True)
    edit = reverse("assets:asset_edit", args=[asset.pk])
    saved = admin_client.post(
        edit, {**form, "ref": asset.ref, "name": "見積書控え（2025年度）", "version": 1}
    )
    assert saved.status_code == 302
    stale = admin_client.post(edit, {**form, "ref": asset.ref, "name": "古い版から", "version": 1})
    assert stale.status_code == 200 and "form-errors" in stale.content.decode()
    assert Asset.objects.get(pk=asset.pk).name == "見積書控え（2025年度）"


def test_readers_see_the_asset_read_only_and_cannot_post(world, login):
    asset = add(world)
    client = login(world[Role.EXTERNAL_AUDITOR])
    page = client.get(reverse("assets:asset_edit", args=[asset.pk]))
    assert page.status_code == 200 and 'data-testid="asset-save"' not in page.content.decode()
    assert (
        client.post(reverse("assets:asset_edit", args=[asset.pk]), {"name": "x"}).status_code == 403
    )
    assert Asset.objects.get(pk=asset.pk).name == "顧客台帳"


def test_the_excel_export_has_japanese_headers_marks_and_sources(world, admin_client, japanese):
    from ume.measures.services import measure_create

    backup = measure_create(
        actor=world[Role.ADMIN], organisation=world.org, data={"title": "夜間バックアップ"}
    )
    policy = measure_create(actor=world[Role.ADMIN], organisation=world.org, data={"title": "方針"})
    add(
        world,
        measures=[policy, backup],
        name='=HYPERLINK("http://x")',
        personal_info=True,
        confidentiality=3,
        integrity=1,
        availability=1,
    )
    response = admin_client.get(reverse("assets:export_xlsx"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    ledger = book["情報資産台帳"]
    header = [c.value for c in ledger[1]]
    assert header[:4] == ["管理番号", "資産名", "適用範囲", "種別"]
    name = ledger.cell(2, 2)
    assert (name.data_type, name.quotePrefix) == ("s", True)  # text, never a formula
    row = [c.value for c in ledger[2]]
    assert row[0] == "A-00001"
    assert row[header.index("個人情報")] == "○" and row[header.index("重要度")] == 3
    assert row[header.index("対策")] == "夜間バックアップ\n方針"  # every linked measure, by title
    sources = [[c.value for c in r] for r in book["区分と出典"].iter_rows(min_row=2)]
    assert sources[0][:2] == ["機密区分", "1. 極秘"] and sources[0][3].startswith("Ume独自")
    assert any(r[0] == "重要度" and r[3].startswith("Ume独自") for r in sources)
    entry = AuditEntry.objects.filter(action="event").order_by("seq").last()
    assert "assets_exported" in entry.changes


def test_the_csv_export_follows_the_filters(world, admin_client, japanese):
    add(world, name="顧客台帳")
    add(world, name="会社案内")
    response = admin_client.get(reverse("assets:export_csv"), {"q": "会社"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][1] == "資産名" and [r[1] for r in rows[1:]] == ["会社案内"]


def test_the_settings_page_lists_levels_with_their_source(world, admin_client, login):
    body = admin_client.get(reverse("assets:settings")).content.decode()
    assert "極秘" in body and "Ume独自" in body
    assert login(world[Role.STAFF]).get(reverse("assets:settings")).status_code == 403

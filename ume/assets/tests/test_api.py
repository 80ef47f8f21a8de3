"""The asset ledger API: the same scopes, filters, references and edit rights as the pages;
a new asset gets its number and importance, an update needs its version."""

import pytest

from ume.assets import services
from ume.assets.models import Asset, ClassificationLevel
from ume.core.choices import Role
from ume.core.models import Department
from ume.core.tests.factories import api_client

pytestmark = pytest.mark.django_db
URL = "/api/v1/assets/"


def add(world, scope=None, **data):
    return services.asset_create(
        actor=world[Role.ADMIN], scope=scope or world.hq, data={"name": "顧客台帳", **data}
    )


def test_assets_are_listed_by_scope_and_filtered(world):
    a = add(world, name="従業員名簿", personal_info=True)
    add(world, name="開発の資産", scope=world.dev)
    staff = api_client(world[Role.STAFF], world.org)  # staff: 本社 only
    assert [x["ref"] for x in staff.get(URL).json()["results"]] == [a.ref]
    admin = api_client(world[Role.ADMIN], world.org)
    assert admin.get(URL).json()["count"] == 2
    found = admin.get(URL, {"personal": "personal"}).json()["results"]
    assert [x["name"] for x in found] == ["従業員名簿"]
    assert admin.get(URL, {"scope": world.dev.pk}).json()["count"] == 1


def test_an_asset_is_created_with_its_number_and_importance(world):
    level = ClassificationLevel.objects.get(organisation=world.org, name_ja="秘")
    admin = api_client(world[Role.ADMIN], world.org)
    body = {
        "name": "給与計算データ",
        "scope": world.hq.pk,
        "classification": level.pk,
        "confidentiality": 3,
        "integrity": 2,
        "availability": 2,
        "my_number": True,
        "importance": 1,  # read-only: ignored
    }
    answer = admin.post(URL, body, format="json")
    assert answer.status_code == 201, answer.json()
    data = answer.json()
    assert (data["ref"], data["importance"], data["version"]) == ("A-00001", 3, 1)


def test_references_to_another_organization_are_refused(world, other_world):
    admin = api_client(world[Role.ADMIN], world.org)
    for field, value in {
        "scope": other_world.hq.pk,
        "department": Department.objects.get(organisation=other_world.org).pk,
        "classification": ClassificationLevel.objects.filter(organisation=other_world.org)
        .first()
        .pk,
        "owner": other_world[Role.ADMIN].pk,
    }.items():
        body = {"name": "x", "scope": world.hq.pk, field: value}
        answer = admin.post(URL, body, format="json")
        assert answer.status_code == 400 and field in answer.json(), field
    assert not Asset.objects.exists()


def test_updates_need_the_version_and_the_right_to_edit_the_asset(world):
    # A department head owns one asset (staff tokens are read-only: they edit on the pages).
    asset = add(world, owner=world[Role.DEPARTMENT_HEAD])
    other = add(world)
    staff = api_client(world[Role.DEPARTMENT_HEAD], world.org)
    url = f"{URL}{asset.pk}/"
    assert staff.patch(url, {"notes": "確認"}, format="json").status_code == 428
    assert staff.patch(url, {"notes": "確認", "version": 1}, format="json").status_code == 200
    assert staff.patch(url, {"notes": "古い", "version": 1}, format="json").status_code == 409
    refused = staff.patch(f"{URL}{other.pk}/", {"notes": "x", "version": 1}, format="json")
    assert refused.status_code == 403
    reader = api_client(world[Role.STAFF], world.org)
    assert reader.post(URL, {"name": "x", "scope": world.hq.pk}, format="json").status_code == 403
    assert Asset.objects.get(pk=asset.pk).notes == "確認"


def test_classification_levels_are_listed_most_confidential_first(world):
    data = api_client(world[Role.STAFF], world.org).get("/api/v1/classification-levels/").json()
    assert [x["name_ja"] for x in data["results"]] == ["極秘", "秘", "社外秘", "公開"]
    assert data["results"][0]["provenance"].startswith("Ume独自")


def test_another_system_reports_a_leaver_and_the_dates_follow(world, retention_rules):
    """An HR system posts a leaving date: recorded through retention_event_record (source
    api), the same leaver again corrects the date; only the 事務局 and administrators may."""
    import datetime as dt

    from ume.assets.models import RetentionEvent, RetentionItem, RetentionRule

    rule = RetentionRule.objects.get(
        organisation__isnull=True, code="labour-standards-109-hiring-records"
    )
    add(world, name="履歴書", retention_rules=[rule])
    url = "/api/v1/retention-events/"
    body = {"subject": "山田 太郎", "event_type": "leaving", "date": "2025-10-15"}
    assert api_client(world[Role.STAFF], world.org).post(url, body).status_code == 403
    secretariat = api_client(world[Role.SECRETARIAT], world.org)
    response = secretariat.post(url, body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["source"] == "api" and response.json()["subject"] == "山田 太郎"
    assert RetentionItem.objects.get().keep_until == dt.date(2030, 10, 15)
    moved = secretariat.post(url, {**body, "date": "2025-11-30"}, format="json")
    assert moved.status_code == 201 and RetentionEvent.objects.count() == 1
    assert RetentionItem.objects.get().keep_until == dt.date(2030, 11, 30)
    bad = secretariat.post(url, {**body, "event_type": "birthday", "subject": "a\nb"})
    assert bad.status_code == 400 and {"event_type", "subject"} <= set(bad.json())
    theirs = secretariat.post(url, {**body, "assets": [999_999_999_999]}, format="json")
    assert theirs.status_code == 400


def test_endpoint_items_are_read_and_written_with_the_pages_checks(world):
    admin = api_client(world[Role.ADMIN], world.org)
    body = {
        "name": "営業用スマートフォン",
        "scope": world.hq.pk,
        "asset_type": "hardware",
        "device_kind": "smartphone",
        "ownership": "personal",
        "byod_approved_by": world[Role.DEPARTMENT_HEAD].pk,
        "byod_approved_on": "2026-04-01",
        "byod_expires_on": "2027-03-31",
        "device_id_kind": "mdm",
        "device_id": "def-456",
        "mdm_enrolled": True,
        "disk_encrypted": True,
    }
    created = admin.post(URL, body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["device_id"] == "def-456" and created.json()["mdm_enrolled"] is True
    refused = admin.post(URL, {**body, "asset_type": "information", "device_id": ""}, format="json")
    assert refused.status_code == 400  # only hardware is an endpoint
    stranger = admin.post(URL, {**body, "byod_approved_by": other_user(world).pk}, format="json")
    assert stranger.status_code == 400


def other_user(world):
    from ume.core.tests.factories import make_user

    return make_user("stranger@example.net")

"""The REST API: token authentication, organisation choice, policies, services, OpenAPI."""

import pytest
from rest_framework.test import APIClient

from ume.core.choices import Role
from ume.core.models import AuditEntry, Scope
from ume.core.tests.factories import api_client

pytestmark = pytest.mark.django_db


def api(user=None, org=None) -> APIClient:
    return api_client(user, org) if user is not None else APIClient()


def test_schema_and_self_hosted_docs(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"openapi: 3" in schema.content
    for path in (b"/api/v1/scopes/", b"/api/v1/audit-entries/", b"/api/v1/organisation/"):
        assert path in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs and "https://" not in docs.split("<body")[0]


def test_token_lists_only_visible_scopes(world):
    response = api(world[Role.EXTERNAL_AUDITOR]).get("/api/v1/scopes/")
    assert response.status_code == 200
    assert [s["name"] for s in response.json()["results"]] == ["本社"]
    everyone = api(world[Role.ADMIN]).get("/api/v1/scopes/").json()["results"]
    assert {s["name"] for s in everyone} == {"本社", "開発センター"}


def test_bad_token_is_refused(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/v1/scopes/").status_code == 401


def test_create_and_update_go_through_services_with_optimistic_locking(world):
    client = api(world[Role.ADMIN])
    created = client.post("/api/v1/scopes/", {"name": "支社", "sites": "福岡"}, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert AuditEntry.objects.filter(
        model_label="core.scope", object_id=str(pk), actor=world[Role.ADMIN]
    ).exists()
    ok = client.patch(f"/api/v1/scopes/{pk}/", {"sites": "博多", "version": 1}, format="json")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.patch(f"/api/v1/scopes/{pk}/", {"sites": "天神", "version": 1}, format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "stale"
    assert Scope.objects.get(pk=pk).sites == "博多"


def test_duplicate_scope_via_api_is_a_400_with_field_error(world):
    response = api(world[Role.ADMIN]).post("/api/v1/scopes/", {"name": "本社"}, format="json")
    assert response.status_code == 400 and "name" in response.json()


def test_read_only_roles_cannot_write(world):
    for role in (Role.EXTERNAL_AUDITOR, Role.STAFF):
        client = api(world[role])
        assert client.post("/api/v1/scopes/", {"name": "X"}, format="json").status_code == 403
        assert (
            client.patch(
                f"/api/v1/scopes/{world.hq.pk}/", {"sites": "x"}, format="json"
            ).status_code
            == 403
        )
    assert Scope.objects.filter(name="X").count() == 0


def test_other_organisation_cannot_read_or_write_by_id_or_header(world, other_world):
    client = api(other_world[Role.ADMIN])
    assert client.get(f"/api/v1/scopes/{world.hq.pk}/").status_code == 404
    assert (
        client.patch(
            f"/api/v1/scopes/{world.hq.pk}/", {"name": "x", "version": 1}, format="json"
        ).status_code
        == 404
    )
    assert client.get("/api/v1/organisation/").json()["name"] == "他社株式会社"
    ids = {s["id"] for s in client.get("/api/v1/scopes/").json()["results"]}
    assert ids and world.hq.pk not in ids
    # A token acts only in the organisation it was issued for, whatever the header says.
    client.credentials(
        HTTP_AUTHORIZATION=client._credentials["HTTP_AUTHORIZATION"],
        HTTP_X_UME_ORGANISATION=str(world.org.pk),
    )
    assert client.get("/api/v1/scopes/").status_code == 403


def test_audit_entries_api_is_ordered_and_read_only(world):
    client = api(world[Role.ADMIN])
    rows = client.get("/api/v1/audit-entries/").json()["results"]
    assert [r["seq"] for r in rows] == sorted(r["seq"] for r in rows) and rows[0]["seq"] == 1
    assert isinstance(rows[0]["changes"], dict) and len(rows[0]["hash"]) == 64
    assert client.post("/api/v1/audit-entries/", {}, format="json").status_code in (403, 405)
    tail = client.get("/api/v1/audit-entries/", {"after_seq": rows[-1]["seq"] - 1}).json()
    assert tail["results"][0]["seq"] == rows[-1]["seq"]


def test_me_lists_roles(world):
    me = api(world[Role.STAFF]).get("/api/v1/me/").json()
    assert me["email"] == "staff@example.jp"
    assert me["organisations"] == [
        {"organisation": world.org.pk, "scope": world.hq.pk, "role": "staff"}
    ]


def test_openapi_schema_generates_without_warnings(tmp_path):
    """The same warnings would fail `check --deploy` in production settings."""
    from django.core.management import call_command

    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--fail-on-warn", "--file", str(target))
    assert target.read_text().startswith("openapi: 3")


@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("2026-01-01T00:00:00+16:00", 200),  # beyond PostgreSQL's ±15:59 offsets, still a time
        ("0001-01-01T00:00:00+05:00", 400),  # before year 1 in UTC
        ("2026-13-01T00:00:00", 400),
    ],
)
def test_audit_time_filters_take_any_offset_python_reads(world, value, status):
    """Found by the schema fuzzer: these were a 500 on PostgreSQL."""
    client = api(world[Role.ADMIN])
    for name in ("since", "until"):
        assert client.get("/api/v1/audit-entries/", {name: value}).status_code == status


def test_a_nul_character_in_a_reference_by_name_is_a_400(world, catalogue):
    """Found by the schema fuzzer: PostgreSQL text cannot hold NUL, so the lookup failed."""
    from ume.measures import services as measure_services
    from ume.soa import services as soa_services

    client = api(world[Role.ADMIN])
    measure = measure_services.measure_create(
        actor=world[Role.ADMIN], organisation=world.org, data={"title": "鍵の管理"}
    )
    response = client.patch(
        f"/api/v1/measures/{measure.pk}/", {"controls": ["5.\x001"], "version": 1}, format="json"
    )
    assert response.status_code == 400 and "controls" in response.json()
    soa = soa_services.soa_get_or_create(actor=world[Role.ADMIN], scope=world.hq)
    row = soa.rows.get(control__ref="5.7")
    response = client.patch(
        f"/api/v1/soa-rows/{row.pk}/", {"current_variant": "ume\x001", "version": 1}, format="json"
    )
    assert response.status_code == 400 and "current_variant" in response.json()

"""API tokens and the API's MFA rule (issue 15, findings 1, 7 and 8): hashed, per
organisation, expiring, read-only where asked or where the role only reads; refused while the
organisation requires MFA of a user who has not set it up; updates must name their version."""

import datetime as dt

import pytest
from allauth.mfa.models import Authenticator
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from ume.core import services
from ume.core.choices import MfaRequirement, Role
from ume.core.models import ApiToken, AuditEntry, Membership, Organisation, Scope
from ume.core.tests.factories import api_client

pytestmark = pytest.mark.django_db


def bearer(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def require_mfa(org: Organisation, level=MfaRequirement.EVERYONE) -> None:
    Organisation.objects.filter(pk=org.pk).update(require_mfa=level)
    org.refresh_from_db()


def enrol_totp(user) -> None:
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})


def test_the_key_is_shown_once_and_only_its_digest_is_stored(world):
    token, key = services.api_token_create(
        actor=world[Role.ADMIN], organisation=world.org, name="資産棚卸しスクリプト"
    )
    assert key.startswith("ume_") and len(key) > 40
    stored = ApiToken.objects.values_list("key_digest", "key_prefix").get(pk=token.pk)
    assert key not in stored[0] and stored[1] == key[:12]
    assert bearer(key).get("/api/v1/scopes/").status_code == 200
    entry = AuditEntry.objects.filter(model_label="core.apitoken").get()
    assert key not in entry.changes and token.key_digest not in entry.changes


def test_default_expiry_is_90_days_and_the_organisation_sets_the_maximum(world):
    admin = world[Role.ADMIN]
    token, _ = services.api_token_create(actor=admin, organisation=world.org, name="a")
    days = (token.expires_at - timezone.now()).days
    assert days in (89, 90)
    Organisation.objects.filter(pk=world.org.pk).update(api_token_max_days=30)
    world.org.refresh_from_db()
    with pytest.raises(ValidationError) as err:
        services.api_token_create(actor=admin, organisation=world.org, name="b", days=31)
    assert "days" in err.value.message_dict
    assert ApiToken.objects.count() == 1


def test_validity_runs_from_one_day_to_the_organisations_maximum_inclusive(world):
    admin = world[Role.ADMIN]
    Organisation.objects.filter(pk=world.org.pk).update(api_token_max_days=30)
    world.org.refresh_from_db()
    for days in (1, 30):
        services.api_token_create(actor=admin, organisation=world.org, name=f"d{days}", days=days)
    for days in (0, 31):
        with pytest.raises(ValidationError) as err, translation.override("en"):
            services.api_token_create(actor=admin, organisation=world.org, name="x", days=days)
        assert err.value.message_dict == {"days": ["Choose a validity between 1 and 30 days."]}
    assert ApiToken.objects.count() == 2


def test_the_limit_of_valid_tokens_counts_the_users_own_in_this_organisation(
    world, other_world, monkeypatch
):
    from ume.core.services import tokens

    monkeypatch.setattr(tokens, "MAX_ACTIVE_PER_USER", 2)
    admin, staff = world[Role.ADMIN], world[Role.STAFF]
    Membership.objects.create(user=admin, organisation=other_world.org, role=Role.ADMIN)
    admin = type(admin).objects.get(pk=admin.pk)  # without the roles read before
    services.api_token_create(actor=staff, organisation=world.org, name="staff")
    services.api_token_create(actor=admin, organisation=other_world.org, name="elsewhere")
    services.api_token_create(actor=admin, organisation=world.org, name="first")
    # another user's token and the admin's token in another organisation do not count
    services.api_token_create(actor=admin, organisation=world.org, name="second")
    with pytest.raises(ValidationError) as err, translation.override("en"):
        services.api_token_create(actor=admin, organisation=world.org, name="third")
    assert err.value.message_dict == {
        "name": ["You already have 2 valid tokens. Revoke the ones you no longer use."]
    }


def test_an_expired_or_revoked_token_is_refused(world):
    admin = world[Role.ADMIN]
    token, key = services.api_token_create(actor=admin, organisation=world.org, name="a")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    assert bearer(key).get("/api/v1/scopes/").status_code == 401
    token, key = services.api_token_create(actor=admin, organisation=world.org, name="b")
    services.api_token_revoke(actor=admin, token=token)
    response = bearer(key).get("/api/v1/scopes/")
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")


def test_a_token_works_only_in_its_organisation(world, other_world):
    """A user in two organisations: the token of one never reads the other's records."""
    admin = world[Role.ADMIN]
    Membership.objects.create(user=admin, organisation=other_world.org, role=Role.STAFF)
    client = api_client(admin, world.org)
    ids = {s["id"] for s in client.get("/api/v1/scopes/").json()["results"]}
    assert ids == {world.hq.pk, world.dev.pk}
    assert client.get(f"/api/v1/scopes/{other_world.hq.pk}/").status_code == 404
    client.credentials(
        HTTP_AUTHORIZATION=client._credentials["HTTP_AUTHORIZATION"],
        HTTP_X_UME_ORGANISATION=str(other_world.org.pk),
    )
    assert client.get("/api/v1/scopes/").status_code == 403


def test_a_token_stops_when_its_user_leaves_the_organisation(world):
    staff = world[Role.STAFF]
    client = api_client(staff, world.org)
    assert client.get("/api/v1/scopes/").status_code == 200
    services.member_deactivate(actor=world[Role.ADMIN], organisation=world.org, user=staff)
    assert client.get("/api/v1/scopes/").status_code == 401


def test_a_read_only_token_cannot_write(world):
    client = api_client(world[Role.ADMIN], world.org, read_only=True)
    assert client.get("/api/v1/scopes/").status_code == 200
    response = client.post("/api/v1/scopes/", {"name": "支社"}, format="json")
    assert response.status_code == 403 and "読み取り専用" in response.json()["detail"]
    assert not Scope.objects.filter(name="支社").exists()


@pytest.mark.parametrize("name", [None, "", "   "])
def test_a_token_needs_a_name(world, name):
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        services.api_token_create(actor=world[Role.STAFF], organisation=world.org, name=name)
    assert refused.value.message_dict == {
        "name": ["Enter a name that says where the token is used."]
    }
    assert not ApiToken.objects.exists()


def test_external_auditors_get_read_only_tokens_only(world):
    token, _ = services.api_token_create(
        actor=world[Role.EXTERNAL_AUDITOR], organisation=world.org, name="審査", read_only=False
    )
    assert token.read_only
    staff, _ = services.api_token_create(actor=world[Role.STAFF], organisation=world.org, name="s")
    assert not staff.read_only


def test_last_use_is_recorded_without_an_audit_entry(world):
    token, key = services.api_token_create(
        actor=world[Role.ADMIN], organisation=world.org, name="a"
    )
    before = AuditEntry.objects.count()
    bearer(key).get("/api/v1/scopes/")
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert AuditEntry.objects.count() == before


def test_users_revoke_their_own_and_administrators_any_token(world):
    staff, admin = world[Role.STAFF], world[Role.ADMIN]
    mine, _ = services.api_token_create(actor=staff, organisation=world.org, name="s")
    other, _ = services.api_token_create(
        actor=world[Role.SECRETARIAT], organisation=world.org, name="x"
    )
    with pytest.raises(PermissionDenied) as refused, translation.override("en"):
        services.api_token_revoke(actor=staff, token=other)
    assert str(refused.value) == "You do not have permission to do this."
    assert services.api_token_revoke(actor=staff, token=mine).revoked_by == staff
    assert services.api_token_revoke(actor=admin, token=other).revoked_by == admin


# --- MFA: the API holds users to the same rule as the pages --------------------------------------


def test_session_without_mfa_is_refused_by_the_api_when_the_organisation_requires_it(world, login):
    """Finding 1: blocked from every page, but full API access with the same cookie."""
    client = login(world[Role.SECRETARIAT])
    row_url = f"/api/v1/scopes/{world.hq.pk}/"
    assert client.get(row_url).status_code == 200
    require_mfa(world.org)
    assert client.get(reverse("core:dashboard")).status_code == 302  # the pages' rule
    response = client.get(row_url)
    assert response.status_code == 403 and "多要素認証" in response.json()["detail"]
    patch = client.patch(row_url, {"sites": "x", "version": 1}, content_type="application/json")
    assert patch.status_code == 403
    assert Scope.objects.get(pk=world.hq.pk).sites != "x"
    enrol_totp(world[Role.SECRETARIAT])
    assert client.get(row_url).status_code == 200


def test_admins_only_rule_applies_to_admins(world, login):
    require_mfa(world.org, MfaRequirement.ADMINS)
    assert login(world[Role.STAFF]).get("/api/v1/scopes/").status_code == 200
    assert login(world[Role.ADMIN]).get("/api/v1/scopes/").status_code == 403


def test_existing_tokens_stop_when_mfa_becomes_required_and_work_after_enrolment(world):
    auditor = world[Role.EXTERNAL_AUDITOR]
    client = api_client(auditor, world.org)
    assert client.get("/api/v1/audit-entries/").status_code == 200
    require_mfa(world.org)
    response = client.get("/api/v1/audit-entries/")
    assert response.status_code == 401 and "多要素認証" in response.json()["detail"]
    enrol_totp(auditor)
    assert client.get("/api/v1/audit-entries/").status_code == 200


def test_no_token_is_issued_without_mfa_where_it_is_required(world):
    require_mfa(world.org)
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        services.api_token_create(actor=world[Role.STAFF], organisation=world.org, name="a")
    assert "requires multi-factor authentication" in refused.value.messages[0]
    assert not ApiToken.objects.exists()
    enrol_totp(world[Role.STAFF])
    services.api_token_create(actor=world[Role.STAFF], organisation=world.org, name="a")


def test_pages_show_suspended_tokens_and_warn_the_administrator(world, login):
    services.api_token_create(actor=world[Role.STAFF], organisation=world.org, name="日次連携")
    enrol_totp(world[Role.ADMIN])
    admin = login(world[Role.ADMIN])
    admin.cookies["django_language"] = "en"
    form = admin.get(reverse("core:organisation_edit")).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(require_mfa=MfaRequirement.EVERYONE, version=world.org.version)
    response = admin.post(reverse("core:organisation_edit"), data, follow=True)
    notes = [str(m) for m in response.context["messages"]]
    assert any(n.startswith("1 users with API tokens") for n in notes), notes
    listing = admin.get(reverse("core:api_token_list")).content.decode()
    assert "日次連携" in listing and "Suspended: MFA not set up" in listing


# --- Updates name their version (finding 7) ------------------------------------------------------


def test_an_update_without_version_is_428_and_changes_nothing(world):
    client = api_client(world[Role.ADMIN], world.org)
    url = f"/api/v1/scopes/{world.hq.pk}/"
    response = client.patch(url, {"sites": "博多"}, format="json")
    assert response.status_code == 428 and "version" in response.json()["detail"]
    assert Scope.objects.get(pk=world.hq.pk).sites != "博多"
    org = client.patch("/api/v1/organisation/", {"name_en": "Ume"}, format="json")
    assert org.status_code == 428


def test_if_match_carries_the_version(world):
    client = api_client(world[Role.ADMIN], world.org)
    url = f"/api/v1/scopes/{world.hq.pk}/"
    version = client.get(url).json()["version"]
    ok = client.patch(url, {"sites": "博多"}, format="json", HTTP_IF_MATCH=f'"{version}"')
    assert ok.status_code == 200 and ok.json()["version"] == version + 1
    stale = client.patch(url, {"sites": "天神"}, format="json", HTTP_IF_MATCH=f'"{version}"')
    assert stale.status_code == 409


def test_the_schema_documents_if_match_428_and_bearer_tokens(client):
    schema = client.get("/api/schema/?format=json").json()
    patch = schema["paths"]["/api/v1/scopes/{id}/"]["patch"]
    assert "428" in patch["responses"] and "409" in patch["responses"]
    assert any(p["name"] == "If-Match" for p in patch["parameters"])
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


# --- Pages ---------------------------------------------------------------------------------------


def test_security_page_issues_a_token_shown_once(world, login):
    client = login(world[Role.EXTERNAL_AUDITOR])
    url = reverse("core:account_security")
    response = client.post(url, {"name": "審査用", "days": 30}, follow=True)
    page = response.content.decode()
    token = ApiToken.objects.get(user=world[Role.EXTERNAL_AUDITOR])
    assert token.read_only and token.name == "審査用"
    assert 'data-testid="api-token"' in page
    assert 'data-testid="api-token"' not in client.get(url).content.decode()
    revoke = client.post(reverse("core:api_token_revoke", args=[token.pk]), follow=True)
    assert revoke.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_security_page_refuses_a_validity_beyond_the_maximum(world, login):
    client = login(world[Role.STAFF])
    response = client.post(reverse("core:account_security"), {"name": "x", "days": 9999})
    assert response.status_code == 200 and response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_administrators_list_every_token_others_only_their_own(world, login):
    services.api_token_create(actor=world[Role.STAFF], organisation=world.org, name="職員の連携")
    page = login(world[Role.ADMIN]).get(reverse("core:api_token_list")).content.decode()
    assert "職員の連携" in page and "staff@example.jp" in page
    assert login(world[Role.SECRETARIAT]).get(reverse("core:api_token_list")).status_code == 403


@pytest.mark.parametrize("level", list(MfaRequirement))
def test_suspended_users_are_found_in_one_query_by_the_same_rule(world, level):
    from ume.core.mfa import mfa_missing
    from ume.core.selectors import users_missing_mfa

    require_mfa(world.org, level)
    enrol_totp(world[Role.SECRETARIAT])
    users = list(world.users.values())
    expected = {u.pk for u in users if mfa_missing(u, world.org)}
    assert users_missing_mfa(organisation=world.org, user_ids=[u.pk for u in users]) == expected
    if level != MfaRequirement.NONE:
        assert expected


def test_the_token_list_query_count_does_not_grow_with_tokens(
    world, login, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    require_mfa(world.org)
    for user in world.users.values():
        enrol_totp(user)
    client = login(world[Role.ADMIN])
    url = reverse("core:api_token_list")
    services.api_token_create(actor=world[Role.ADMIN], organisation=world.org, name="a")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for user in world.users.values():
        for n in range(3):
            services.api_token_create(actor=user, organisation=world.org, name=f"t{n}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)

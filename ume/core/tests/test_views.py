"""Platform pages: forms, stale edits, garbage input, exports, htmx partials, query counts."""

import csv
import io

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from ume.core import services
from ume.core.choices import Role
from ume.core.models import AuditEntry, Department, Organisation, Scope

pytestmark = pytest.mark.django_db


def scope_post(**overrides):
    data = {
        "name": "支社",
        "boundaries": "",
        "sites": "",
        "certification_body": "",
        "certificate_number": "",
        "certified_on": "",
        "certificate_expires_on": "",
        "is_active": "on",
    }
    return {**data, **overrides}


def test_create_scope_through_the_form_is_audited(admin_client, world):
    response = admin_client.post(reverse("core:scope_create"), scope_post(sites="名古屋"))
    scope = Scope.objects.get(organisation=world.org, name="支社")
    assert response.status_code == 302 and response["Location"] == scope.get_absolute_url()
    entry = AuditEntry.objects.get(model_label="core.scope", object_id=str(scope.pk))
    assert entry.actor == world[Role.ADMIN]


def test_duplicate_scope_shows_a_translated_error_and_saves_nothing(admin_client, world):
    response = admin_client.post(reverse("core:scope_create"), scope_post(name="本社"))
    assert response.status_code == 200
    assert "既に存在します".encode() in response.content or b"already exists" in response.content
    assert Scope.objects.filter(organisation=world.org).count() == 2


def test_stale_edit_in_the_form_is_refused(admin_client, world):
    url = reverse("core:scope_edit", args=[world.hq.pk])
    services.scope_update(
        actor=world[Role.ADMIN], scope=world.hq, data={"sites": "東京"}, version=1
    )
    response = admin_client.post(url, scope_post(name="本社", sites="上書き", version="1"))
    assert response.status_code == 200
    assert b'data-testid="form-errors"' in response.content
    assert Scope.objects.get(pk=world.hq.pk).sites == "東京"


def test_tampered_hidden_and_choice_fields_are_rejected(admin_client, world):
    response = admin_client.post(
        reverse("core:organisation_edit"),
        {
            "name": "梅商事株式会社",
            "industry": "<script>",
            "employee_count": "-5",
            "business_type": "b2b",
            "it_dependency": "high",
            "require_mfa": "nobody",
            "version": "abc",
        },
    )
    assert response.status_code == 200
    org = Organisation.objects.get(pk=world.org.pk)
    assert org.industry == "other" and org.version == 1


def test_invitation_form_rejects_other_organisations_scope(admin_client, world, other_world):
    response = admin_client.post(
        reverse("core:member_invite"),
        {"email": "x@example.jp", "role": Role.STAFF, "scope": other_world.hq.pk},
    )
    assert response.status_code == 200
    assert not world.org.invitations.exists()


FORM_ROUTES = [
    "core:organisation_edit",
    "core:scope_create",
    "core:department_create",
    "core:member_invite",
]


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.dictionaries(
        st.sampled_from(
            [
                "name",
                "email",
                "role",
                "scope",
                "department",
                "valid_until",
                "employee_count",
                "industry",
                "certified_on",
                "certificate_expires_on",
                "scopes",
                "head",
                "version",
                "require_mfa",
                "csrfmiddlewaretoken",
            ]
        ),
        st.one_of(
            st.text(max_size=300),
            st.integers().map(str),
            st.sampled_from(["", "0", "-1", "9" * 30, "2026-13-45", "\x00", "' OR 1=1"]),
        ),
        max_size=10,
    )
)
def test_garbage_posted_to_every_form_never_causes_a_server_error(admin_client, world, data):
    for name in FORM_ROUTES:
        response = admin_client.post(reverse(name), data)
        assert response.status_code in (200, 302), (name, data, response.status_code)


def test_garbage_to_object_forms_and_actions(admin_client, world):
    staff = world[Role.STAFF]
    m = staff.memberships.first()
    for url, data in [
        (reverse("core:scope_edit", args=[world.hq.pk]), {"name": "", "version": "x"}),
        (reverse("core:department_edit", args=[world.dept.pk]), {"scopes": ["a", "999"]}),
        (reverse("core:membership_edit", args=[m.pk]), {"role": "god", "version": "1"}),
        (reverse("core:member_detail", args=[staff.pk]), {"action": "explode"}),
        (reverse("core:member_detail", args=[staff.pk]), {"action": "add_role", "role": "x"}),
        (reverse("core:switch"), {"organisation": "abc", "scope": "-1"}),
    ]:
        assert admin_client.post(url, data).status_code in (200, 302), url
    assert world.org.memberships.filter(role="god").count() == 0


def test_audit_export_xlsx_and_csv_carry_hashes_and_neutralise_formulas(admin_client, world):
    services.department_create(
        actor=world[Role.ADMIN], organisation=world.org, data={"name": '=HYPERLINK("http://evil")'}
    )
    count = AuditEntry.objects.filter(organisation=world.org).count()
    response = admin_client.get(reverse("core:audit_export") + "?format=xlsx")
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.worksheets) == 2  # an information sheet, then the trail
    sheet = book.worksheets[-1]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) - 1 == count  # a header row, then every entry before the export
    reprs = [r[6] for r in rows[1:]]
    evil = next(row[6] for row in sheet.iter_rows(min_row=2) if row[6].value.startswith("="))
    assert evil.value == '=HYPERLINK("http://evil")' in reprs
    assert evil.data_type == "s" and evil.quotePrefix  # text, shown without an apostrophe
    last = AuditEntry.objects.filter(organisation=world.org).order_by("-seq")[1]
    assert rows[-1][9] == last.hash
    csv_response = admin_client.get(reverse("core:audit_export") + "?format=csv&action=create")
    text = csv_response.content.decode("utf-8-sig")
    parsed = list(csv.reader(io.StringIO(text)))
    assert all(r[3] == "create" for r in parsed[1:]) and len(parsed) > 2


def test_audit_export_rejects_unknown_format(admin_client):
    response = admin_client.get(reverse("core:audit_export") + "?format=exe")
    assert response.status_code == 302


def test_audit_list_filters_and_htmx_partial(admin_client, world):
    url = reverse("core:audit_list")
    response = admin_client.get(url, {"model_label": "core.department"})
    assert response.status_code == 200 and "総務部".encode() in response.content
    partial = admin_client.get(url, {"q": "総務部"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content and "総務部".encode() in partial.content


def test_external_auditor_sees_only_their_scopes_entries(world, login):
    client = login(world[Role.EXTERNAL_AUDITOR])
    response = client.get(reverse("core:audit_list"), {"model_label": "core.scope"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "本社" in content and "開発センター" not in content


def test_record_history_tab_shows_changes(admin_client, world):
    services.scope_update(
        actor=world[Role.ADMIN], scope=world.hq, data={"sites": "福岡"}, version=1
    )
    response = admin_client.get(reverse("core:scope_detail", args=[world.hq.pk]))
    assert "福岡".encode() in response.content and b'id="history"' in response.content


def test_language_switch_to_english_and_back(admin_client):
    page = admin_client.get(reverse("core:dashboard"))
    assert "ダッシュボード".encode() in page.content
    admin_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = admin_client.get(reverse("core:dashboard"))
    assert b"Dashboard" in page.content and b'lang="en"' in page.content


def test_browser_language_does_not_override_japanese_default(admin_client):
    page = admin_client.get(reverse("core:dashboard"), HTTP_ACCEPT_LANGUAGE="en-US,en")
    assert b'lang="ja"' in page.content


def test_empty_organisation_dashboard_explains_next_steps(login, outsider):
    from ume.core.services import organisation_create

    organisation_create(actor=outsider, name="新設株式会社", admin=outsider)
    client = login(outsider)
    page = client.get(reverse("core:dashboard")).content.decode()
    assert reverse("core:scope_create") in page and reverse("core:member_invite") in page


@pytest.mark.parametrize(
    "name",
    [
        "core:audit_list",
        "core:member_list",
        "core:department_list",
        "core:scope_list",
        "core:dashboard",
    ],
)
def test_list_query_count_does_not_grow_with_rows(
    admin_client, world, name, django_assert_max_num_queries
):
    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert admin_client.get(reverse(name)).status_code == 200
        return len(ctx.captured_queries)

    before = count_queries()
    admin = world[Role.ADMIN]
    for i in range(30):
        dept = services.department_create(
            actor=admin, organisation=world.org, data={"name": f"部{i}", "scopes": [world.hq]}
        )
        services.invitation_create(
            actor=admin,
            organisation=world.org,
            email=f"p{i}@example.jp",
            role=Role.STAFF,
            department=dept,
            accept_url_base="http://t/",
        )
    for i in range(10):
        services.scope_create(actor=admin, organisation=world.org, data={"name": f"拠点{i}"})
    after = count_queries()
    assert after <= before + 1, (before, after)
    assert after <= 25
    assert Department.objects.filter(organisation=world.org).count() == 31


@pytest.mark.parametrize(
    "query",
    [
        {"actor": "9223372036854775808"},
        {"actor": "-1"},
        {"page": "abc"},
        {"page": "99999"},
        {"date_from": "2026-13-45"},
        {"model_label": "<script>"},
        {"scope": "9" * 40},
        {"sort": "nonexistent"},
        {"format": "csv", "actor": "1" * 30},
    ],
)
@pytest.mark.parametrize(
    "name",
    [
        "core:audit_list",
        "core:department_list",
        "core:member_list",
        "core:scope_list",
        "core:audit_export",
    ],
)
def test_garbage_query_strings_never_cause_a_server_error(admin_client, name, query):
    response = admin_client.get(reverse(name), query)
    assert response.status_code in (200, 302, 404)


def test_date_filters_use_whole_tokyo_days(admin_client, world):
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    url = reverse("core:audit_list")
    same_day = admin_client.get(
        url, {"date_from": today.isoformat(), "date_to": today.isoformat(), "q": "総務部"}
    )
    assert "総務部".encode() in same_day.content
    before = admin_client.get(
        url, {"date_to": (today - dt.timedelta(days=1)).isoformat(), "q": "総務部"}
    )
    assert "総務部".encode() not in before.content.split(b'id="list-results"')[1]

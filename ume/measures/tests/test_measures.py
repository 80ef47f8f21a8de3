"""Measure pages: forms through the services with audit entries, stale edits, suggested
controls, the unmapped filter, evidence uploads, permissions, query counts and the export."""

import hashlib
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from ume.catalogue.models import Control
from ume.core.choices import Role
from ume.core.models import AuditEntry
from ume.measures import services
from ume.measures.choices import MeasureStatus
from ume.measures.forms import MeasureForm
from ume.measures.models import EvidenceFile, Measure

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def control(ref: str) -> Control:
    return Control.objects.get(ref=ref)


def make_measure(world, title="毎晩NASにバックアップを取得する", refs=("8.13",), **data):
    return services.measure_create(
        actor=world[Role.ADMIN],
        organisation=world.org,
        data={"title": title, "controls": [control(r) for r in refs], **data},
    )


def measure_post(**overrides):
    data = {
        "title": "毎晩NASにバックアップを取得する",
        "description": "月1回復元テストを行う",
        "scope": "",
        "owner": "",
        "status": MeasureStatus.IN_OPERATION,
        "evidence_note": "バックアップログ",
        "controls": [],
    }
    return {**data, **overrides}


def test_create_through_the_form_is_audited_and_maps_controls(admin_client, world, catalogue):
    response = admin_client.post(
        reverse("measures:measure_create"),
        measure_post(
            scope=world.hq.pk,
            owner=world[Role.DEPARTMENT_HEAD].pk,
            controls=[control("8.13").pk, control("5.30").pk],
        ),
    )
    measure = Measure.objects.get(organisation=world.org)
    assert response.status_code == 302
    assert response["Location"] == reverse("measures:measure_edit", args=[measure.pk])
    assert sorted(measure.controls.values_list("ref", flat=True)) == ["5.30", "8.13"]
    assert measure.scope == world.hq and measure.owner == world[Role.DEPARTMENT_HEAD]
    entry = AuditEntry.objects.get(
        model_label="measures.measure", object_id=str(measure.pk), action="create"
    )
    assert entry.actor == world[Role.ADMIN]


def test_edit_saves_with_the_version_and_is_audited(admin_client, world, catalogue):
    measure = make_measure(world)
    url = reverse("measures:measure_edit", args=[measure.pk])
    page = admin_client.get(url)
    assert page.status_code == 200 and b'name="version"' in page.content
    assert b'id="history"' in page.content and b'data-testid="measure-save"' in page.content
    response = admin_client.post(
        url,
        measure_post(
            title="バックアップを取得する",
            version=measure.version,
            controls=[control("8.13").pk, control("8.15").pk],
        ),
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.title == "バックアップを取得する" and measure.version == 2
    assert set(measure.controls.values_list("ref", flat=True)) == {"8.13", "8.15"}
    assert AuditEntry.objects.filter(
        model_label="measures.measure", object_id=str(measure.pk), action="update"
    ).exists()


def test_stale_edit_is_refused_and_changes_nothing(admin_client, world, catalogue):
    measure = make_measure(world)
    services.measure_update(
        actor=world[Role.ADMIN], measure=measure, data={"title": "他の人の変更"}, version=1
    )
    response = admin_client.post(
        reverse("measures:measure_edit", args=[measure.pk]),
        measure_post(title="上書き", version="1"),
    )
    assert response.status_code == 200 and b'data-testid="form-errors"' in response.content
    assert Measure.objects.get(pk=measure.pk).title == "他の人の変更"


def test_delete_through_the_confirmation_is_audited(admin_client, world, catalogue):
    measure = make_measure(world)
    url = reverse("measures:measure_delete", args=[measure.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("measures:measure_list")
    assert not Measure.objects.filter(pk=measure.pk).exists()
    assert AuditEntry.objects.filter(
        model_label="measures.measure", object_id=str(measure.pk), action="delete"
    ).exists()


def test_form_offers_the_93_controls_and_only_this_organisations_scopes_and_members(
    world, other_world, catalogue, japanese
):
    form = MeasureForm(organisation=world.org, actor=world[Role.ADMIN])
    labels = [label for _, label in form.fields["controls"].choices]
    assert len(labels) == 93 and labels[0].startswith("5.1 ")
    assert "5.7 脅威インテリジェンス" in labels
    assert set(form.fields["scope"].queryset) == {world.hq, world.dev}
    assert other_world[Role.ADMIN] not in form.fields["owner"].queryset
    bound = MeasureForm(
        measure_post(
            scope=other_world.hq.pk, owner=other_world[Role.ADMIN].pk, controls=["999999", "9" * 30]
        ),
        organisation=world.org,
        actor=world[Role.ADMIN],
    )
    assert not bound.is_valid()
    assert {"scope", "owner", "controls"} <= set(bound.errors)


def test_title_and_description_ask_for_suggestions_while_typing(admin_client, catalogue):
    page = admin_client.get(reverse("measures:measure_create")).content.decode()
    assert f'hx-post="{reverse("measures:measure_suggest")}"' in page
    assert "delay:500ms" in page and 'data-testid="measure-suggestions"' in page


def test_suggestion_endpoint_returns_the_backup_control(admin_client, catalogue):
    url = reverse("measures:measure_suggest")
    backup = control("8.13")
    response = admin_client.post(
        url,
        {
            "title": "毎晩NASにバックアップを取得する",
            "description": "月1回復元テストを行う",
            "controls": [str(backup.pk)],
        },
        HTTP_HX_REQUEST="true",
    )
    content = response.content.decode()
    assert response.status_code == 200 and "<html" not in content
    assert 'data-testid="suggestion-8.13"' in content and "バックアップ" in content
    assert f'data-suggest-control="{backup.pk}" aria-pressed="true"' in content
    assert admin_client.post(url, {"text": "Encrypt laptops"}).status_code == 200
    empty = admin_client.post(url, {"text": "ふわふわのパンケーキ"}).content.decode()
    assert "data-suggest-control" not in empty
    # A long description travels in the body (a 7,000-character query string gave 414).
    long = admin_client.post(url, {"title": "バックアップ", "description": "復元テスト。" * 1200})
    assert long.status_code == 200 and 'data-testid="suggestion-8.13"' in long.content.decode()
    assert admin_client.get(url, {"text": "バックアップ"}).status_code == 405


@pytest.mark.parametrize(
    "query", [{"text": "x" * 50_000}, {"controls": ["-1", "9" * 40]}, {"title": "\x00"}, {}]
)
def test_suggestion_endpoint_survives_garbage(admin_client, catalogue, query):
    assert admin_client.post(reverse("measures:measure_suggest"), query).status_code == 200


def test_unmapped_filter_and_its_count(admin_client, world, catalogue):
    make_measure(world, title="入館証を発行する", refs=("7.2",))
    make_measure(world, title="朝礼で注意喚起する", refs=())
    url = reverse("measures:measure_list")
    page = admin_client.get(url)
    assert page.context["unmapped_count"] == 1
    content = page.content.decode()
    assert "入館証を発行する" in content and "朝礼で注意喚起する" in content
    unmapped = admin_client.get(url, {"unmapped": "1"}).content.decode()
    results = unmapped.split('id="list-results"')[1]
    assert "朝礼で注意喚起する" in results and "入館証を発行する" not in results
    by_control = admin_client.get(url, {"control": "7.2"}).content.decode()
    assert "入館証を発行する" in by_control.split('id="list-results"')[1]


def upload(client, measure, name, content):
    return client.post(
        reverse("measures:measure_evidence_upload", args=[measure.pk]),
        {"file": SimpleUploadedFile(name, content), "description": "取得ログ"},
        follow=True,
    )


def test_evidence_upload_stores_the_sha256_and_lists_it(admin_client, world, catalogue):
    measure = make_measure(world, scope=world.hq)
    content = "2026-11-01 バックアップ成功\n".encode()
    response = upload(admin_client, measure, "backup.log", content)
    evidence = measure.evidence_files.get()
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert evidence.scope == world.hq and evidence.uploaded_by == world[Role.ADMIN]
    assert evidence.sha256 in response.content.decode()


@pytest.mark.parametrize(("name", "size"), [("tool.exe", 10), ("big.pdf", 2048)])
def test_refused_uploads_show_a_message_and_store_nothing(
    admin_client, world, catalogue, settings, media, name, size
):
    settings.UME_EVIDENCE_MAX_BYTES = 1024
    measure = make_measure(world)
    response = upload(admin_client, measure, name, b"x" * size)
    assert response.status_code == 200
    assert [m for m in response.context["messages"] if m.level_tag == "error"]
    assert not EvidenceFile.objects.exists() and not measure.evidence_files.exists()
    assert [p for p in media.rglob("*") if p.is_file()] == []
    # The same upload within the limits lands in `media`: the check above looks where files go.
    upload(admin_client, measure, "backup.log", b"x" * 10)
    stored = [p for p in media.rglob("*") if p.is_file()]
    assert len(stored) == 1 and stored[0].read_bytes() == b"x" * 10


def test_staff_cannot_create_or_change_measures(world, login, catalogue):
    measure = make_measure(world)
    client = login(world[Role.STAFF])
    assert client.get(reverse("measures:measure_list")).status_code == 200
    assert client.get(reverse("measures:measure_create")).status_code == 403
    assert client.post(reverse("measures:measure_create"), measure_post()).status_code == 403
    assert (
        client.post(
            reverse("measures:measure_edit", args=[measure.pk]), measure_post(version=1)
        ).status_code
        == 403
    )
    assert Measure.objects.count() == 1


def test_external_auditor_reads_but_cannot_write(world, login, catalogue):
    measure = make_measure(world, scope=world.hq)
    client = login(world[Role.EXTERNAL_AUDITOR])
    page = client.get(reverse("measures:measure_edit", args=[measure.pk]))
    assert page.status_code == 200
    assert b'data-testid="measure-save"' not in page.content
    assert b'data-testid="evidence-upload"' not in page.content
    for url, data in [
        (reverse("measures:measure_edit", args=[measure.pk]), measure_post(version=1)),
        (reverse("measures:measure_delete", args=[measure.pk]), {}),
        (reverse("measures:measure_evidence_upload", args=[measure.pk]), {}),
        (reverse("measures:measure_create"), measure_post()),
    ]:
        assert client.post(url, data).status_code == 403, url
    assert client.get(reverse("measures:measure_export")).status_code == 200
    measure.refresh_from_db()
    assert measure.version == 1 and Measure.objects.count() == 1


def test_external_auditor_does_not_see_measures_of_other_scopes(world, login, catalogue):
    other_scope = make_measure(world, title="開発センターの入館管理", scope=world.dev)
    client = login(world[Role.EXTERNAL_AUDITOR])
    assert (
        "開発センターの入館管理"
        not in client.get(reverse("measures:measure_list")).content.decode()
    )
    assert client.get(reverse("measures:measure_edit", args=[other_scope.pk])).status_code == 404


def test_other_organisation_gets_404(world, other_world, login, catalogue):
    measure = make_measure(world)
    client = login(other_world[Role.ADMIN])
    for name in ("measures:measure_edit", "measures:measure_delete"):
        assert client.get(reverse(name, args=[measure.pk])).status_code == 404
    for name in (
        "measures:measure_edit",
        "measures:measure_delete",
        "measures:measure_evidence_upload",
    ):
        assert client.post(reverse(name, args=[measure.pk]), {}).status_code == 404
    listing = client.get(reverse("measures:measure_list")).content.decode()
    assert measure.title not in listing
    assert Measure.objects.filter(pk=measure.pk).exists()


def count_list_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("measures:measure_list")).status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_does_not_grow_with_measures(admin_client, world, catalogue):
    refs = ["5.7", "8.13", "8.8", "7.2", "6.7"]
    for i in range(5):
        make_measure(
            world,
            title=f"対策{i}",
            refs=refs[: i % 4 + 1],
            scope=world.hq,
            owner=world[Role.DEPARTMENT_HEAD],
        )
    few = count_list_queries(admin_client)
    for i in range(5, 40):
        make_measure(world, title=f"対策{i}", refs=refs[: i % 4 + 1], owner=world[Role.SECRETARIAT])
    many = count_list_queries(admin_client)
    assert few <= 15 and many <= 15, (few, many)
    assert many == few
    listing = admin_client.get(reverse("measures:measure_list"), {"q": "対策3"}).content.decode()
    row = re.search(r"<tr>(?:(?!</tr>).)*>対策3</a>.*?</tr>", listing, re.S).group(0)
    badges = re.findall(r'<span class="badge bg-blue-lt" title="[^"]+">([\d.]+)</span>', row)
    assert sorted(badges) == sorted(refs[:4])  # 対策3's controls, from the prefetched list


def test_list_and_api_queries_select_no_password_and_group_nothing(admin_client, world, catalogue):
    make_measure(world, owner=world[Role.DEPARTMENT_HEAD])
    for url in (reverse("measures:measure_list"), reverse("measure-list")):
        with CaptureQueriesContext(connection) as ctx:
            assert admin_client.get(url).status_code == 200
        measure_sql = [q["sql"] for q in ctx.captured_queries if "measures_measure" in q["sql"]]
        assert measure_sql, url
        for sql in measure_sql:
            assert "password" not in sql and "GROUP BY" not in sql.upper(), (url, sql)


def test_export_xlsx_opens_with_the_filtered_measures(admin_client, world, catalogue):
    make_measure(world, title='=HYPERLINK("http://evil")', refs=("8.13", "5.30"))
    make_measure(world, title="朝礼で注意喚起する", refs=())
    response = admin_client.get(reverse("measures:measure_export"), {"unmapped": ""})
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    rows = list(
        load_workbook(io.BytesIO(response.content)).worksheets[-1].iter_rows(values_only=True)
    )
    assert len(rows) == 3
    exported = {r[0]: r for r in rows[1:]}
    assert exported['=HYPERLINK("http://evil")'][2] == "5.30, 8.13"  # text, quote-prefixed
    filtered = admin_client.get(reverse("measures:measure_export"), {"unmapped": "1"})
    rows = list(
        load_workbook(io.BytesIO(filtered.content)).worksheets[-1].iter_rows(values_only=True)
    )
    assert [r[0] for r in rows[1:]] == ["朝礼で注意喚起する"]


@pytest.mark.parametrize(
    "data",
    [
        {"title": "", "version": "abc"},
        {"controls": ["x", "-1", "9" * 30]},
        {"scope": "9" * 40, "owner": "-5", "status": "<script>"},
        {"title": "\x00" * 3},
        {"title": "a" * 500, "version": "9" * 30},
    ],
)
def test_garbage_posted_to_the_forms_never_causes_a_server_error(
    admin_client, world, catalogue, data
):
    measure = make_measure(world)
    for url in (
        reverse("measures:measure_create"),
        reverse("measures:measure_edit", args=[measure.pk]),
    ):
        assert admin_client.post(url, measure_post(**data)).status_code in (200, 302), url
    assert Measure.objects.get(pk=measure.pk).version == 1


@pytest.mark.parametrize(
    "query",
    [
        {"control": "<script>"},
        {"owner": "-1"},
        {"scope": "9" * 40},
        {"unmapped": "2"},
        {"sort": "nonexistent"},
        {"page": "abc"},
        {"status": "x", "q": "\x00"},
    ],
)
@pytest.mark.parametrize("name", ["measures:measure_list", "measures:measure_export"])
def test_garbage_query_strings_never_cause_a_server_error(admin_client, catalogue, name, query):
    assert admin_client.get(reverse(name), query).status_code in (200, 302, 404)


def test_scope_filter_offers_only_the_scopes_the_user_may_see(world, login, catalogue):
    page = login(world[Role.EXTERNAL_AUDITOR]).get(reverse("measures:measure_list"))
    assert set(page.context["filter"].filters["scope"].queryset) == {world.hq}

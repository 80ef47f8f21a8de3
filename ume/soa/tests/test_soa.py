"""The Statement of Applicability: creation, row rules, bulk edit, approval, versions, 改訂推奨,
gap view, permissions and constant query counts."""

import hashlib
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ume.catalogue.models import LevelVariant
from ume.core.choices import Role
from ume.core.locking import StaleEditError
from ume.core.models import AuditEntry
from ume.measures import services as measure_services
from ume.measures.models import Measure
from ume.soa import selectors, services
from ume.soa.models import SoARow, SoAVersion
from ume.soa.tests.helpers import give_reasons

pytestmark = pytest.mark.django_db


@pytest.fixture
def soa(world, catalogue):
    return services.soa_get_or_create(actor=world[Role.ADMIN], scope=world.hq)


def row(soa, ref) -> SoARow:
    return soa.rows.select_related("control").get(control__ref=ref)


def test_soa_has_93_rows_with_recommended_targets(world, soa):
    assert soa.rows.count() == 93
    assert services.soa_get_or_create(actor=world[Role.ADMIN], scope=world.hq) == soa
    assert set(soa.rows.values_list("target_level", flat=True)) <= {"ume", "take", "matsu"}
    assert AuditEntry.objects.filter(model_label="soa.soarow", scope_id=world.hq.pk).count() == 93


def test_staff_cannot_create_or_edit(world, soa, catalogue):
    with pytest.raises(PermissionDenied):
        services.soa_get_or_create(actor=world[Role.STAFF], scope=world.dev)
    with pytest.raises(PermissionDenied):
        services.soa_row_update(
            actor=world[Role.EXTERNAL_AUDITOR],
            row=row(soa, "5.1"),
            version=row(soa, "5.1").version,
            data={"notes": "x"},
        )


def test_exclusion_needs_a_justification_and_sets_not_applicable(world, soa):
    admin = world[Role.ADMIN]
    r = row(soa, "7.4")
    with pytest.raises(ValidationError) as exc:
        services.soa_row_update(actor=admin, row=r, data={"applicable": False}, version=1)
    assert "exclusion_justification" in exc.value.message_dict
    saved = services.soa_row_update(
        actor=admin,
        row=r,
        version=1,
        data={"applicable": False, "exclusion_justification": "物理的な拠点を持たないため"},
    )
    assert saved.status == "not_applicable" and saved.reasons == []
    with pytest.raises(ValidationError):
        services.soa_row_update(
            actor=admin,
            row=saved,
            version=saved.version,
            data={"applicable": True, "status": "not_applicable"},
        )


def test_variant_sets_the_level_and_must_belong_to_the_control(world, soa):
    admin = world[Role.ADMIN]
    r = row(soa, "5.7")
    ume2 = LevelVariant.objects.get(control__ref="5.7", key="ume2")
    saved = services.soa_row_update(
        actor=admin, row=r, version=1, data={"current_variant": ume2, "reasons": ["risk", "risk"]}
    )
    assert saved.current_level == "ume" and saved.reasons == ["risk"]
    other = LevelVariant.objects.get(control__ref="8.9", key="take1")
    with pytest.raises(ValidationError):
        services.soa_row_update(
            actor=admin, row=saved, version=saved.version, data={"current_variant": other}
        )


def test_stale_row_edit_is_refused(world, soa):
    admin = world[Role.ADMIN]
    r = row(soa, "5.1")
    services.soa_row_update(actor=admin, row=r, data={"notes": "一回目"}, version=1)
    with pytest.raises(StaleEditError):
        services.soa_row_update(actor=admin, row=r, data={"notes": "上書き"}, version=1)
    assert row(soa, "5.1").notes == "一回目"


def test_bulk_update_is_all_or_nothing(world, soa):
    admin = world[Role.ADMIN]
    rows = list(soa.rows.filter(control__theme="physical"))
    versions = {r.pk: r.version for r in rows}
    with pytest.raises(ValidationError):  # excluded without justification
        services.soa_rows_bulk_update(
            actor=admin, soa=soa, versions=versions, data={"applicable": False}
        )
    assert not soa.rows.filter(applicable=False).exists()
    count = services.soa_rows_bulk_update(
        actor=admin,
        soa=soa,
        versions=versions,
        data={"status": "implemented", "reasons": ["legal"]},
    )
    assert count == 14
    assert set(soa.rows.filter(control__theme="physical").values_list("status", flat=True)) == {
        "implemented"
    }
    with pytest.raises(StaleEditError):
        services.soa_rows_bulk_update(
            actor=admin, soa=soa, versions=versions, data={"status": "partial"}
        )


def test_approval_freezes_a_version_and_later_changes_make_it_stale(world, soa):
    admin, top = world[Role.ADMIN], world[Role.TOP_MANAGEMENT]
    measure = measure_services.measure_create(
        actor=admin, organisation=world.org, data={"title": "IPA 10大脅威の確認", "scope": world.hq}
    )
    r = row(soa, "5.7")
    services.soa_row_update(actor=admin, row=r, version=1, data={"measures": [measure]})
    give_reasons(soa)
    with pytest.raises(PermissionDenied):
        services.soa_approve(actor=world[Role.SECRETARIAT], soa=soa)
    give_reasons(soa)
    v1 = services.soa_approve(actor=top, soa=soa, comment="初版")
    assert v1.number == 1 and len(v1.snapshot["rows"]) == 93
    rows = {x["control"]: x for x in v1.snapshot["rows"]}
    assert rows["5.7"]["measures"][0]["title"] == "IPA 10大脅威の確認"
    assert AuditEntry.objects.filter(model_label="soa.soaversion").exists()
    assert not selectors.soa_version_list(actor=admin, soa=soa).get().stale
    measure_services.measure_update(
        actor=admin, measure=measure, data={"description": "年1回"}, version=measure.version
    )
    assert selectors.soa_version_list(actor=admin, soa=soa).get().stale
    give_reasons(soa)
    v2 = services.soa_approve(actor=admin, soa=soa)
    versions = list(selectors.soa_version_list(actor=admin, soa=soa))
    assert [(v.number, v.stale) for v in versions] == [(2, False), (1, True)]
    assert v2.snapshot != v1.snapshot  # the measure's version moved on
    assert v2.snapshot_sha256 != v1.snapshot_sha256
    for version in SoAVersion.objects.filter(soa=soa):
        assert version.snapshot_sha256 == approval_digest(version.snapshot), version.number


def approval_digest(snapshot: dict) -> str:
    """The approval digest recomputed here from a stored snapshot, as the service computes it:
    SHA-256 of the UTF-8 JSON with sorted keys and non-ASCII characters kept as they are."""
    text = json.dumps(snapshot, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_approval_freezes_the_evidence_and_its_digest_covers_the_stored_snapshot(
    world, soa, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    admin, top = world[Role.ADMIN], world[Role.TOP_MANAGEMENT]
    content = "2026-11-01 ログ保管 90日分を確認".encode()
    evidence = measure_services.evidence_upload(
        actor=admin,
        organisation=world.org,
        scope=world.hq,
        uploaded=SimpleUploadedFile("ログ保管記録.txt", content),
        attach_to=row(soa, "8.15"),
    )
    give_reasons(soa)
    version = services.soa_approve(actor=top, soa=soa, comment="初版")
    stored = SoAVersion.objects.get(pk=version.pk)  # as the database keeps it
    rows = {r["control"]: r for r in stored.snapshot["rows"]}
    assert len(rows) == 93
    assert rows["8.15"]["evidence"] == [
        {
            "id": evidence.pk,
            "name": "ログ保管記録.txt",
            "sha256": hashlib.sha256(content).hexdigest(),
        }
    ]
    assert [ref for ref, r in rows.items() if r["evidence"]] == ["8.15"]
    assert list(stored.evidence_files.all()) == [evidence]  # linked to the version
    assert stored.snapshot_sha256 == approval_digest(stored.snapshot)
    # The trail keeps the digest (the snapshot itself is not audited): both say the same.
    entry = AuditEntry.objects.get(
        model_label="soa.soaversion", object_id=str(stored.pk), action="create"
    )
    assert json.loads(entry.changes)["snapshot_sha256"] == [None, approval_digest(stored.snapshot)]
    # A second approval of unchanged rows has the same snapshot, hence the same digest.
    give_reasons(soa)
    again = services.soa_approve(actor=top, soa=soa, comment="再承認")
    assert again.snapshot == stored.snapshot and again.snapshot_sha256 == stored.snapshot_sha256


def test_new_evidence_on_a_linked_row_makes_the_version_stale(world, soa):
    admin = world[Role.ADMIN]
    give_reasons(soa)
    services.soa_approve(actor=admin, soa=soa)
    measure_services.evidence_upload(
        actor=admin,
        organisation=world.org,
        scope=world.hq,
        uploaded=SimpleUploadedFile("log.txt", b"x"),
        attach_to=row(soa, "8.15"),
    )
    version = selectors.soa_version_list(actor=admin, soa=soa).get()
    assert version.number == 1 and version.stale


def test_measure_referenced_by_an_approved_version_cannot_be_deleted(world, soa):
    admin = world[Role.ADMIN]
    measure = measure_services.measure_create(
        actor=admin, organisation=world.org, data={"title": "m"}
    )
    services.soa_row_update(
        actor=admin, row=row(soa, "5.1"), version=1, data={"measures": [measure]}
    )
    give_reasons(soa)
    services.soa_approve(actor=admin, soa=soa)
    with pytest.raises(ValidationError):
        measure_services.measure_delete(actor=admin, measure=measure)


def test_gap_summary_counts(world, soa):
    admin = world[Role.ADMIN]
    r = row(soa, "8.9")
    services.soa_row_update(
        actor=admin,
        row=r,
        version=1,
        data={"target_level": "take", "current_level": "matsu", "procedure": "構成管理手順"},
    )
    summary = selectors.gap_summary(actor=admin, soa=soa)
    assert summary.total_applicable == 93
    assert summary.below_target == 92 and summary.without_procedure == 92
    tech = next(t for t in summary.themes if t["theme"] == "technological")
    assert tech["below"] == 33


def test_soa_page_filters_bulk_edit_and_query_count(admin_client, world, soa):
    url = reverse("soa:detail", args=[world.hq.pk])
    with CaptureQueriesContext(connection) as ctx:
        page = admin_client.get(url)
    assert page.status_code == 200 and page.content.count(b'data-ref="') == 93
    assert len(ctx.captured_queries) <= 25
    people = admin_client.get(url, {"theme": "people"})
    assert people.content.count(b'data-ref="') == 8
    rows = list(soa.rows.filter(control__theme="people"))
    data = {
        "rows": [r.pk for r in rows],
        "bulk-status": "partial",
        **{f"v_{r.pk}": r.version for r in rows},
    }
    response = admin_client.post(reverse("soa:bulk_edit", args=[world.hq.pk]), data)
    assert response.status_code == 302
    assert set(soa.rows.filter(control__theme="people").values_list("status", flat=True)) == {
        "partial"
    }


def test_row_edit_form_and_history(admin_client, world, soa):
    r = row(soa, "5.7")
    url = reverse("soa:row_edit", args=[world.hq.pk, r.pk])
    page = admin_client.get(url).content.decode()
    assert "10大脅威" in page and 'id="history"' in page
    response = admin_client.post(
        url,
        {
            "version": "1",
            "applicable": "0",
            "exclusion_justification": "",
            "status": "not_implemented",
            "target_level": "ume",
        },
    )
    assert response.status_code == 200 and b"form-errors" not in response.content
    assert row(soa, "5.7").applicable  # the invalid exclusion changed nothing
    response = admin_client.post(
        url,
        {
            "version": "1",
            "applicable": "1",
            "reasons": ["risk", "contract"],
            "status": "partial",
            "target_level": "take",
            "current_level": "ume",
            "procedure": "脅威情報手順",
        },
    )
    assert response.status_code == 302
    saved = row(soa, "5.7")
    assert saved.reasons == ["risk", "contract"] and saved.status == "partial"


def test_approve_versions_compare_and_gap_pages(world, soa, login):
    client = login(world[Role.TOP_MANAGEMENT])
    give_reasons(soa)
    response = client.post(reverse("soa:approve", args=[world.hq.pk]), {"comment": "承認"})
    assert response.status_code == 302
    admin = world[Role.ADMIN]
    services.soa_row_update(
        actor=admin, row=row(soa, "6.3"), version=1, data={"status": "implemented"}
    )
    versions = client.get(reverse("soa:versions", args=[world.hq.pk]))
    assert "承認".encode() in versions.content
    compare = client.get(reverse("soa:compare", args=[world.hq.pk]), {"a": "1", "b": "draft"})
    assert compare.content.count(b'data-ref="') == 1 and b'data-ref="6.3"' in compare.content
    assert client.get(reverse("soa:version_detail", args=[world.hq.pk, 1])).status_code == 200
    assert client.get(reverse("soa:version_detail", args=[world.hq.pk, 9])).status_code == 404
    gap = client.get(reverse("soa:gap", args=[world.hq.pk]))
    assert b'data-testid="gap-chart"' in gap.content


def test_evidence_upload_on_a_row_stores_the_hash(admin_client, world, soa):
    import hashlib

    r = row(soa, "8.15")
    content = "ログの保管記録".encode()
    url = reverse("soa:row_evidence_upload", args=[world.hq.pk, r.pk])
    admin_client.post(url, {"file": SimpleUploadedFile("ログ.txt", content)})
    evidence = r.evidence_files.get()
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    download = admin_client.get(reverse("measures:evidence_download", args=[evidence.pk]))
    assert b"".join(download.streaming_content) == content
    admin_client.post(url, {"file": SimpleUploadedFile("x.exe", b"MZ")})
    assert r.evidence_files.count() == 1


def test_other_organisation_and_scope_limits(world, other_world, soa, login):
    other = login(other_world[Role.ADMIN])
    assert other.get(reverse("soa:detail", args=[world.hq.pk])).status_code == 404
    auditor = login(world[Role.EXTERNAL_AUDITOR])  # scope 本社 only
    assert auditor.get(reverse("soa:detail", args=[world.hq.pk])).status_code == 200
    assert auditor.get(reverse("soa:detail", args=[world.dev.pk])).status_code == 404
    assert auditor.get(reverse("soa:approve", args=[world.hq.pk])).status_code == 403


def test_soa_api_rows_and_versions(world, soa, client):
    from ume.core.tests.factories import api_client

    api = api_client(world[Role.ADMIN], world.org)
    rows = api.get("/api/v1/soa-rows/", {"scope": world.hq.pk}).json()
    assert rows["count"] == 93 and rows["results"][0]["control"] == "5.1"
    pk = rows["results"][6]["id"]
    ok = api.patch(
        f"/api/v1/soa-rows/{pk}/",
        {"status": "partial", "version": 1, "current_variant": "ume2"},
        format="json",
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["current_level"] == "ume"
    stale = api.patch(
        f"/api/v1/soa-rows/{pk}/", {"status": "implemented", "version": 1}, format="json"
    )
    assert stale.status_code == 409
    bad = api.patch(f"/api/v1/soa-rows/{pk}/", {"applicable": False, "version": 2}, format="json")
    assert bad.status_code == 400 and "exclusion_justification" in bad.json()
    give_reasons(soa)
    services.soa_approve(actor=world[Role.ADMIN], soa=soa)
    versions = api.get("/api/v1/soa-versions/").json()["results"]
    assert versions[0]["number"] == 1 and versions[0]["stale"] is False
    created = api.post(
        "/api/v1/measures/", {"title": "夜間バックアップ", "controls": ["8.13"]}, format="json"
    )
    assert created.status_code == 201 and created.json()["controls"] == ["8.13"]


def test_soa_page_queries_do_not_grow_with_measures_and_evidence(admin_client, world, soa):
    from ume.measures.models import Measure

    url = reverse("soa:detail", args=[world.hq.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert admin_client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    measures = Measure.objects.bulk_create(
        [Measure(organisation=world.org, title=f"m{i}") for i in range(3)]
    )
    for r in soa.rows.all()[:40]:
        r.measures.set(measures)
    measure_services.evidence_upload(
        actor=world[Role.ADMIN],
        organisation=world.org,
        scope=world.hq,
        uploaded=SimpleUploadedFile("a.txt", b"a"),
        attach_to=row(soa, "5.1"),
    )
    assert count() == before


def test_delete_of_a_measure_in_an_approved_soa_is_refused_with_a_message(
    admin_client, world, catalogue
):
    measure = measure_services.measure_create(
        actor=world[Role.ADMIN], organisation=world.org, data={"title": "m", "scope": world.hq}
    )
    admin = world[Role.ADMIN]
    soa = services.soa_get_or_create(actor=admin, scope=world.hq)
    row_8_13 = soa.rows.get(control__ref="8.13")
    services.soa_row_update(
        actor=admin, row=row_8_13, version=row_8_13.version, data={"measures": [measure]}
    )
    give_reasons(soa)
    version = services.soa_approve(actor=admin, soa=soa, comment="初版")
    assert list(version.measures.all()) == [measure]  # linked by the approval itself
    url = reverse("measures:measure_delete", args=[measure.pk])
    response = admin_client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("measures:measure_edit", args=[measure.pk])
    assert Measure.objects.filter(pk=measure.pk).exists()
    assert [str(m) for m in response.context["messages"]] == [
        "承認済みの適用宣言書がこの対策を参照しているため、削除できません。"
        "削除する代わりに、状態を「廃止」にしてください。"
    ]
    assert not AuditEntry.objects.filter(
        model_label="measures.measure", object_id=str(measure.pk), action="delete"
    ).exists()

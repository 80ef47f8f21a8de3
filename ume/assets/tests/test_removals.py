"""Equipment removals (持出, A.7.13): approved by the manager the organization names before the
equipment leaves (refused after its out date), closed only once approved, as returned (checked
by a member) or disposed of (the deletion record with the supplier's certificate, the asset
廃棄済, the certificate kept as evidence of 7.14 and 8.10); overdue returns are flagged; the
records are listed, exported and kept as evidence of 7.13, 7.10 and 7.14."""

import datetime as dt
import hashlib
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from ume.assets import services
from ume.assets.models import Asset, DeletionRecord, EquipmentRemoval, LedgerSettings
from ume.core.choices import Role
from ume.core.models import AuditEntry, Department

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def server(world):
    """A file server of 総務部 (headed by the department head), holding 顧客台帳."""
    Department.objects.filter(pk=world.dept.pk).update(head=world[Role.DEPARTMENT_HEAD])
    return services.asset_create(
        actor=world[Role.ADMIN],
        scope=world.hq,
        data={"name": "ファイルサーバ", "asset_type": "hardware", "department": world.dept},
    )


def request(world, asset, role=Role.SECRETARIAT, **data):
    values = {
        "purpose": "repair",
        "supplier": "梅サービス株式会社",
        "data_held": "顧客台帳",
        "data_handling": "encrypted",
        "out_on": today(),
        "expected_return_on": today() + dt.timedelta(days=14),
        **data,
    }
    return services.removal_request(actor=world[role], asset=asset, data=values)


def approve(world, removal, role=Role.DEPARTMENT_HEAD):
    removal = EquipmentRemoval.objects.get(pk=removal.pk)
    return services.removal_approve(actor=world[role], removal=removal, version=removal.version)


def test_the_department_head_approves_before_it_leaves_and_it_returns_checked(world, server):
    removal = request(world, server)
    assert removal.status == "requested" and removal.requested_by == world[Role.SECRETARIAT]
    approved = approve(world, removal)
    assert approved.status == "approved" and approved.decided_by == world[Role.DEPARTMENT_HEAD]
    assert approved.is_out and not approved.overdue
    returned = services.removal_return(
        actor=world[Role.SECRETARIAT],
        removal=approved,
        data={"returned_on": today(), "checked_by": world[Role.SECRETARIAT]},
        version=approved.version,
    )
    assert (returned.status, returned.checked_by) == ("returned", world[Role.SECRETARIAT])
    assert Asset.objects.get(pk=server.pk).status == "in_use"
    trail = AuditEntry.objects.filter(object_id=str(removal.pk), changes__contains="status")
    assert trail.count() >= 3  # requested, approved, returned


def test_a_return_needs_a_day_from_the_out_date_to_today_and_a_members_check(
    world, other_world, server
):
    approved = approve(world, request(world, server))
    keeper, outsider = world[Role.SECRETARIAT], other_world[Role.ADMIN]
    bad = [
        ({"returned_on": None, "checked_by": keeper}, "returned_on"),
        ({"returned_on": today() - dt.timedelta(days=1), "checked_by": keeper}, "returned_on"),
        ({"returned_on": today() + dt.timedelta(days=1), "checked_by": keeper}, "returned_on"),
        ({"returned_on": today(), "checked_by": None}, "checked_by"),
        ({"returned_on": today(), "checked_by": outsider}, "checked_by"),
    ]
    for data, field in bad:
        with pytest.raises(ValidationError) as caught:
            services.removal_return(actor=keeper, removal=approved, data=data, version=2)
        assert set(caught.value.message_dict) == {field}, data
    assert EquipmentRemoval.objects.get(pk=approved.pk).status == "approved"
    returned = services.removal_return(
        actor=keeper,
        removal=approved,
        data={"returned_on": today(), "checked_by": keeper},
        version=2,
    )
    assert returned.returned_on == today()  # the out date itself is a valid return day


def test_who_approves_is_the_organizations_setting(world, server):
    removal = request(world, server)
    for role in (Role.ADMIN, Role.SECRETARIAT, Role.STAFF, Role.INTERNAL_AUDITOR):
        with pytest.raises(PermissionDenied):
            approve(world, removal, role)
    settings = LedgerSettings.objects.get_or_create(organisation=world.org)[0]
    services.ledger_settings_update(
        actor=world[Role.ADMIN],
        organisation=world.org,
        data={"removal_approver": "top_management"},
        version=settings.version,
    )
    with pytest.raises(PermissionDenied):  # department heads no longer approve
        approve(world, removal, Role.DEPARTMENT_HEAD)
    assert approve(world, removal, Role.TOP_MANAGEMENT).status == "approved"


def test_only_the_head_of_the_equipments_department_approves(world, server):
    from ume.core.services import department_create

    other = department_create(
        actor=world[Role.ADMIN],
        organisation=world.org,
        data={"name": "営業部", "scopes": [world.hq]},
    )
    Asset.objects.filter(pk=server.pk).update(department=other)
    with pytest.raises(PermissionDenied):
        approve(world, request(world, Asset.objects.get(pk=server.pk)))


def test_approval_after_the_out_date_is_refused_and_changes_nothing(world, server):
    removal = request(world, server)
    EquipmentRemoval.objects.filter(pk=removal.pk).update(out_on=today() - dt.timedelta(days=1))
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        approve(world, removal)
    assert EquipmentRemoval.objects.get(pk=removal.pk).status == "requested"
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"out_on": dt.date(2020, 4, 1)}, "out_on"),  # approval can no longer come first
        ({"expected_return_on": None}, "expected_return_on"),  # a repair comes back
        ({"expected_return_on": dt.date(2020, 4, 1)}, "expected_return_on"),
        ({"data_handling": ""}, "data_handling"),
        ({"supplier": ""}, "supplier"),
    ],
)
def test_a_request_with_bad_dates_or_missing_facts_is_refused(world, server, data, field):
    with pytest.raises(ValidationError) as caught:
        request(world, server, **data)
    assert field in caught.value.message_dict
    assert not EquipmentRemoval.objects.exists()


def test_only_hardware_in_use_without_an_open_removal_leaves(world, server):
    ledger = services.asset_create(
        actor=world[Role.ADMIN], scope=world.hq, data={"name": "顧客台帳"}
    )
    with pytest.raises(ValidationError):
        request(world, ledger)
    disposal = request(world, server, purpose="disposal", expected_return_on=None)
    assert disposal.expected_return_on is None  # no return expected
    with pytest.raises(ValidationError):  # one open removal at a time
        request(world, server)
    with pytest.raises(PermissionDenied):  # staff may not change the server
        request(world, server, role=Role.STAFF)


def test_a_removal_without_approval_is_never_closed(world, server):
    removal = request(world, server)
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        services.removal_return(
            actor=world[Role.ADMIN],
            removal=removal,
            data={"returned_on": today(), "checked_by": world[Role.ADMIN]},
            version=removal.version,
        )
    with pytest.raises(ValidationError):
        services.removal_dispose(
            actor=world[Role.ADMIN],
            removal=removal,
            data={"method": "physical", "deleted_on": today()},
            version=removal.version,
        )
    assert AuditEntry.objects.count() == before
    assert not DeletionRecord.objects.exists()
    assert Asset.objects.get(pk=server.pk).status == "in_use"


def test_a_rejection_says_why_and_ends_the_request(world, server):
    removal = request(world, server)
    with pytest.raises(ValidationError):
        services.removal_reject(
            actor=world[Role.DEPARTMENT_HEAD], removal=removal, note=" ", version=1
        )
    rejected = services.removal_reject(
        actor=world[Role.DEPARTMENT_HEAD], removal=removal, note="記憶装置を外してから", version=1
    )
    assert rejected.status == "rejected" and rejected.decision_note == "記憶装置を外してから"
    assert rejected.decided_by == world[Role.DEPARTMENT_HEAD] and rejected.decided_at is not None
    with pytest.raises(ValidationError):  # decided once
        approve(world, rejected)
    assert request(world, server).status == "requested"  # a new request may follow


def test_open_removals_follow_equipment_moved_to_another_scope(world, server):
    rejected = request(world, server)
    services.removal_reject(
        actor=world[Role.DEPARTMENT_HEAD], removal=rejected, note="不要", version=1
    )
    pending = request(world, server)
    services.asset_update(
        actor=world[Role.ADMIN], asset=server, data={"scope": world.dev}, version=server.version
    )
    pending.refresh_from_db()
    rejected.refresh_from_db()
    assert pending.scope == world.dev and pending.version == 2
    assert rejected.scope == world.hq  # a closed record stays evidence where it was made


def test_an_owner_keeps_the_certificate_of_their_disposal_without_uploading_evidence(
    world, catalogue
):
    from ume.core.policies import can
    from ume.measures.permissions import UPLOAD_EVIDENCE
    from ume.measures.services import evidence_upload
    from ume.soa import services as soa_services

    soa = soa_services.soa_get_or_create(actor=world[Role.ADMIN], scope=world.hq)
    staff = world[Role.STAFF]
    laptop = services.asset_create(
        actor=world[Role.ADMIN],
        scope=world.hq,
        data={"name": "貸与PC", "asset_type": "hardware", "owner": staff},
    )
    assert not can(staff, UPLOAD_EVIDENCE, world.hq)
    record = services.asset_dispose(
        actor=staff,
        asset=laptop,
        data={"method": "physical", "deleted_on": today()},
        certificate=SimpleUploadedFile("破壊証明書.pdf", PDF),
        version=laptop.version,
    )
    evidence = record.certificate
    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest() and evidence.uploaded_by == staff
    rows = soa.rows.filter(evidence_files=evidence).values_list("control__ref", flat=True)
    assert sorted(rows) == ["7.14", "8.10"]
    with pytest.raises(PermissionDenied):  # other evidence stays the 事務局's
        evidence_upload(
            actor=staff,
            organisation=world.org,
            scope=world.hq,
            uploaded=SimpleUploadedFile("other.pdf", PDF),
        )


def test_disposal_records_the_deletion_with_the_suppliers_certificate(world, server, catalogue):
    from ume.soa import services as soa_services

    soa = soa_services.soa_get_or_create(actor=world[Role.ADMIN], scope=world.hq)
    approved = approve(world, request(world, server))
    with pytest.raises(ValidationError):  # the asset is disposed of through its removal
        services.asset_dispose(
            actor=world[Role.ADMIN],
            asset=server,
            data={"method": "physical", "deleted_on": today()},
            version=Asset.objects.get(pk=server.pk).version,
        )
    disposed = services.removal_dispose(
        actor=world[Role.SECRETARIAT],
        removal=approved,
        data={
            "method": "physical",
            "deleted_on": today(),
            "witness": "総務部 桜井",
            "notes": "修理不能。\n記憶チップを物理破壊。",  # several lines, kept on the record
        },
        certificate=SimpleUploadedFile("データ消去証明書.pdf", PDF),
        version=approved.version,
    )
    assert disposed.status == "disposed"
    record = disposed.deletion
    assert record.supplier == "梅サービス株式会社" and record.method == "physical"
    assert record.notes == "修理不能。\n記憶チップを物理破壊。"
    assert record.certificate.sha256 == hashlib.sha256(PDF).hexdigest()
    assert Asset.objects.get(pk=server.pk).status == "disposed"
    linked = {r.control.ref for r in soa.rows.filter(evidence_files=record.certificate)}
    assert linked == {"7.14", "8.10"}


def test_overdue_returns_are_flagged_listed_and_exported(world, other_world, server, login):
    removal = approve(world, request(world, server))
    late = today() - dt.timedelta(days=3)
    EquipmentRemoval.objects.filter(pk=removal.pk).update(out_on=late, expected_return_on=late)
    assert EquipmentRemoval.objects.get(pk=removal.pk).overdue
    client = login(world[Role.INTERNAL_AUDITOR])  # auditors read the records
    url = reverse("assets:removal_list")
    page = client.get(url)
    assert 'data-testid="removals-overdue"' in page.content.decode()
    for query, count in (
        ({"overdue": "overdue"}, 1),
        ({"status": "returned"}, 0),
        ({"q": "梅サービス"}, 1),
        ({"purpose": "disposal"}, 0),
        ({"out_to": "2000-01-01"}, 0),
    ):
        assert len(list(client.get(url, query).context["table"].page.object_list)) == count
    assert client.get(url, {"out_from": "x"}).status_code == 200
    detail = client.get(reverse("assets:removal_detail", args=[removal.pk])).content.decode()
    assert 'data-testid="removal-overdue"' in detail
    assert 'data-testid="removal-return"' not in detail  # auditors close nothing
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("assets:removal_export_xlsx")).content)
    )
    rows = list(book["持出記録"].iter_rows(values_only=True))
    header = next(r for r in rows if r[0] == "持出日")
    data = rows[rows.index(header) + 1]
    assert data[5] == "梅サービス株式会社" and data[9] == "承認済み"
    assert data[11] == world[Role.DEPARTMENT_HEAD].email
    assert list(login(other_world[Role.ADMIN]).get(url).context["table"].page.object_list) == []


def test_the_pages_request_approve_and_close_a_removal(world, server, login):
    secretariat = login(world[Role.SECRETARIAT])
    response = secretariat.post(
        reverse("assets:removal_create"),
        {
            "asset": server.pk,
            "purpose": "fault_analysis",
            "supplier": "梅サービス株式会社",
            "data_held": "顧客台帳",
            "data_handling": "removed",
            "out_on": today().isoformat(),
            "expected_return_on": (today() + dt.timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 302
    removal = EquipmentRemoval.objects.get()
    detail = reverse("assets:removal_detail", args=[removal.pk])
    assert 'data-testid="removal-decision"' not in secretariat.get(detail).content.decode()
    assert secretariat.post(detail, {"version": 1, "decision": "approve"}).status_code == 403
    head = login(world[Role.DEPARTMENT_HEAD])
    assert 'data-testid="removal-decision"' in head.get(detail).content.decode()
    stale = head.post(detail, {"version": 0, "decision": "approve"})
    assert stale.status_code == 200 and stale.context["form"].errors
    assert head.post(detail, {"version": 1, "decision": "approve"}).status_code == 302
    assert EquipmentRemoval.objects.get().status == "approved"
    url = reverse("assets:removal_return", args=[removal.pk])
    response = secretariat.post(
        url,
        {"returned_on": today().isoformat(), "checked_by": world[Role.ADMIN].pk, "version": 2},
    )
    assert response.status_code == 302, response.context["form"].errors
    assert EquipmentRemoval.objects.get().status == "returned"
    assert login(world[Role.STAFF]).get(url).status_code == 403


def test_the_removal_records_are_kept_as_evidence_of_713_710_and_714(
    world, server, catalogue, login
):
    from ume.measures.models import EvidenceFile
    from ume.soa import services as soa_services

    approve(world, request(world, server))
    client = login(world[Role.SECRETARIAT])
    url = reverse("assets:removal_evidence")
    client.post(url, {"scope": world.hq.pk})  # no SoA yet: refused, nothing stored
    assert not EvidenceFile.objects.exists()
    soa = soa_services.soa_get_or_create(actor=world[Role.ADMIN], scope=world.hq)
    assert client.post(url, {"scope": world.hq.pk}).status_code == 302
    evidence = EvidenceFile.objects.get()
    linked = {r.control.ref for r in soa.rows.filter(evidence_files=evidence)}
    assert linked == {"7.13", "7.10", "7.14"}
    book = openpyxl.load_workbook(evidence.file.open("rb"))
    assert any("梅サービス株式会社" in row for row in book.active.iter_rows(values_only=True))
    assert login(world[Role.STAFF]).post(url, {"scope": world.hq.pk}).status_code == 403
    assert EvidenceFile.objects.count() == 1


def test_the_api_lists_removals_and_deletion_records_of_visible_equipment(
    world, other_world, server
):
    from ume.core.tests.factories import api_client

    approved = approve(world, request(world, server))
    services.removal_dispose(
        actor=world[Role.ADMIN],
        removal=approved,
        data={"method": "physical", "deleted_on": today()},
        certificate=SimpleUploadedFile("消去証明書.pdf", PDF),
        version=approved.version,
    )
    auditor = api_client(world[Role.INTERNAL_AUDITOR], world.org)
    removals = auditor.get("/api/v1/equipment-removals/").json()["results"]
    assert [(r["asset_ref"], r["status"], r["overdue"]) for r in removals] == [
        (server.ref, "disposed", False)
    ]
    assert auditor.get("/api/v1/equipment-removals/", {"status": "returned"}).json()["count"] == 0
    records = auditor.get("/api/v1/deletion-records/").json()["results"]
    assert records[0]["supplier"] == "梅サービス株式会社"
    assert records[0]["certificate_sha256"] == hashlib.sha256(PDF).hexdigest()
    admin = api_client(world[Role.ADMIN], world.org)
    assert admin.post("/api/v1/equipment-removals/", {}).status_code in (403, 405)  # read-only
    assert EquipmentRemoval.objects.count() == 1
    theirs = api_client(other_world[Role.ADMIN], other_world.org)
    assert theirs.get("/api/v1/equipment-removals/").json()["count"] == 0
    assert theirs.get(f"/api/v1/equipment-removals/{approved.pk}/").status_code == 404


def figures_of(response) -> dict[str, int]:
    return {f.testid: f.value for w in response.context["widgets"] for f in w.figures}


def test_the_dashboard_counts_removals_and_asks_the_approver_and_the_keeper(world, server, login):
    removal = request(world, server)
    head = login(world[Role.DEPARTMENT_HEAD])
    page = head.get(reverse("core:dashboard"))
    assert figures_of(page)["widget-removals-pending"] == 1
    asks = [s.label for s in page.context["next_steps"]]
    assert any("ファイルサーバ" in label for label in asks)
    secretariat = login(world[Role.SECRETARIAT])  # may not approve: not asked to
    page = secretariat.get(reverse("core:dashboard"))
    assert not any("ファイルサーバ" in s.label for s in page.context["next_steps"])
    approve(world, removal)
    late = today() - dt.timedelta(days=3)
    EquipmentRemoval.objects.filter(pk=removal.pk).update(out_on=late, expected_return_on=late)
    page = secretariat.get(reverse("core:dashboard"))
    counts = figures_of(page)
    assert (counts["widget-removals-overdue"], counts["widget-removals-pending"]) == (1, 0)
    late_steps = [s for s in page.context["next_steps"] if "ファイルサーバ" in s.label]
    assert len(late_steps) == 1 and late_steps[0].overdue
    assert counts["widget-unowned"] == 1 and counts["widget-level-none"] == 1
    staff = login(world[Role.STAFF])  # staff see their scope's figures, never the approvals
    page = staff.get(reverse("core:dashboard"))
    assert figures_of(page)["widget-removals-overdue"] == 1
    assert not any("ファイルサーバ" in s.label for s in page.context["next_steps"])

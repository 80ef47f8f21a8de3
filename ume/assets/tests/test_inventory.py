"""棚卸し (inventory reviews, A.5.9): a campaign puts every asset in use to its owner, who
confirms many at once, corrects one on its page or reports it not found; progress is counted
per department; closing keeps the report as evidence of 5.9 and ends the answers."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from ume.assets import services
from ume.assets.models import Asset, InventoryCampaign, InventoryCheck
from ume.core.choices import Role
from ume.core.models import AuditEntry, Department

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(world):
    """総務部 (headed by the department head) keeps two assets of the head's; the 事務局 one
    without a department; an old PC is disposed of already."""
    Department.objects.filter(pk=world.dept.pk).update(head=world[Role.DEPARTMENT_HEAD])
    admin, head = world[Role.ADMIN], world[Role.DEPARTMENT_HEAD]

    def add(name, **data):
        return services.asset_create(actor=admin, scope=world.hq, data={"name": name, **data})

    assets = {
        "名簿": add("従業員名簿", owner=head, department=world.dept),
        "契約": add("契約書", owner=head, department=world.dept),
        "規程": add("情報セキュリティ規程", owner=world[Role.SECRETARIAT]),
    }
    add("旧PC", status="disposed")
    return assets


def start(world, role=Role.SECRETARIAT, scope=None, **data):
    values = {"name": "2026年度 棚卸し", "due_on": timezone.localdate() + dt.timedelta(days=30)}
    return services.inventory_campaign_start(
        actor=world[role], scope=scope or world.hq, data={**values, **data}
    )


def check_of(campaign, asset) -> InventoryCheck:
    return InventoryCheck.objects.get(campaign=campaign, asset=asset)


def test_a_campaign_puts_every_asset_in_use_to_its_owner(world, ledger):
    campaign = start(world)
    checks = {c.asset.name: c for c in campaign.checks.select_related("asset")}
    assert set(checks) == {"従業員名簿", "契約書", "情報セキュリティ規程"}  # not the disposed PC
    assert checks["従業員名簿"].owner == world[Role.DEPARTMENT_HEAD]
    assert checks["従業員名簿"].department == world.dept
    assert {c.result for c in checks.values()} == {"pending"}
    with pytest.raises(ValidationError):  # one open campaign per scope
        start(world)
    for role in (Role.DEPARTMENT_HEAD, Role.STAFF, Role.INTERNAL_AUDITOR):
        with pytest.raises(PermissionDenied):
            start(world, role, scope=world.dev)
    with pytest.raises(ValidationError):  # nothing to review in 開発センター
        start(world, scope=world.dev)
    with pytest.raises(ValidationError) as caught:
        services.asset_create(actor=world[Role.ADMIN], scope=world.dev, data={"name": "サーバー"})
        start(world, scope=world.dev, due_on=dt.date(2020, 1, 1))
    assert "due_on" in caught.value.message_dict
    assert InventoryCampaign.objects.count() == 1


def test_the_owner_confirms_their_assets_together_and_nothing_else(world, ledger, login):
    campaign = start(world)
    head = login(world[Role.DEPARTMENT_HEAD])
    detail = reverse("assets:inventory_detail", args=[campaign.pk])
    mine = head.get(detail).context["my_checks"]
    assert {c.asset.name for c in mine} == {"従業員名簿", "契約書"}
    foreign = check_of(campaign, ledger["規程"])
    url = reverse("assets:inventory_confirm", args=[campaign.pk])
    post = {"checks": [c.pk for c in mine], **{f"version-{c.pk}": c.version for c in mine}}
    before = AuditEntry.objects.count()
    refused = head.post(url, {**post, "checks": [*post["checks"], foreign.pk]})
    assert refused.status_code == 302  # with a message; nothing confirmed
    assert not InventoryCheck.objects.exclude(result="pending").exists()
    assert AuditEntry.objects.count() == before
    assert head.post(url, post).status_code == 302
    done = InventoryCheck.objects.filter(result="confirmed")
    assert {c.asset.name for c in done} == {"従業員名簿", "契約書"}
    assert {c.checked_by for c in done} == {world[Role.DEPARTMENT_HEAD]}
    assert Asset.objects.get(pk=ledger["名簿"].pk).last_reviewed_on == timezone.localdate()
    assert head.get(detail).context["my_checks"] == []
    stale = head.post(url, post)  # already answered: versions moved on, refused
    assert stale.status_code == 302
    assert InventoryCheck.objects.get(pk=mine[0].pk).version == 2


def test_an_asset_corrected_on_its_page_is_recorded_with_the_fields_changed(world, ledger, login):
    campaign = start(world)
    names, contracts = check_of(campaign, ledger["名簿"]), check_of(campaign, ledger["契約"])
    head = login(world[Role.DEPARTMENT_HEAD])
    edit = reverse("assets:asset_edit", args=[ledger["名簿"].pk])
    page = head.get(edit, {"check": names.pk})
    assert 'data-testid="inventory-banner"' in page.content.decode()
    form = page.context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "measures"}
    data = {**data, "storage_detail": "総務部キャビネットB", "check": names.pk}
    data["retention_rules"] = [r.pk for r in data.get("retention_rules", [])]
    response = head.post(edit, data)
    assert response.status_code == 302, response.context["form"].errors
    assert response["Location"] == reverse("assets:inventory_detail", args=[campaign.pk])
    names.refresh_from_db()
    assert names.result == "corrected" and names.changed_fields == ["storage_detail"]
    edit = reverse("assets:asset_edit", args=[ledger["契約"].pk])
    form = head.get(edit, {"check": contracts.pk}).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "measures"}
    data["retention_rules"] = [r.pk for r in data.get("retention_rules", [])]
    assert head.post(edit, {**data, "check": contracts.pk}).status_code == 302
    assert check_of(campaign, ledger["契約"]).result == "confirmed"  # nothing changed


def test_an_asset_not_found_is_reported_with_where_it_was_looked_for(world, ledger, login):
    campaign = start(world)
    check = check_of(campaign, ledger["規程"])
    with pytest.raises(ValidationError):
        services.inventory_check_record(
            actor=world[Role.SECRETARIAT], check=check, result="not_found", note=" ", version=1
        )
    client = login(world[Role.SECRETARIAT])
    url = reverse("assets:inventory_not_found", args=[check.pk])
    response = client.post(url, {"note": "書庫を探したが見つからない", "version": 1})
    assert response.status_code == 302
    check.refresh_from_db()
    assert (check.result, check.note) == ("not_found", "書庫を探したが見つからない")
    assert login(world[Role.STAFF]).get(url).status_code == 403


def test_progress_is_counted_per_department_and_the_report_is_kept_when_closed(
    world, ledger, catalogue, login
):
    from ume.assets.inventory import progress
    from ume.soa import services as soa_services

    soa = soa_services.soa_get_or_create(actor=world[Role.ADMIN], scope=world.hq)
    campaign = start(world)
    names = check_of(campaign, ledger["名簿"])
    services.inventory_checks_confirm(
        actor=world[Role.DEPARTMENT_HEAD], asset=ledger["名簿"], versions={names.pk: 1}
    )
    per, total = progress(campaign)
    assert [(p.department, p.total, p.answered) for p in per] == [
        ("総務部", 2, 1),
        ("部門なし", 1, 0),
    ]
    assert (total.total, total.answered, total.percent) == (3, 1, 33)
    client = login(world[Role.SECRETARIAT])
    close = reverse("assets:inventory_close", args=[campaign.pk])
    assert 'data-testid="close-pending"' in client.get(close).content.decode()
    assert client.post(close, {"version": campaign.version}).status_code == 302
    campaign.refresh_from_db()
    assert not campaign.is_open and campaign.closed_by == world[Role.SECRETARIAT]
    linked = {r.control.ref for r in soa.rows.filter(evidence_files=campaign.report)}
    assert linked == {"5.9"}
    book = openpyxl.load_workbook(campaign.report.file.open("rb"))
    answers = list(book.worksheets[-1].iter_rows(values_only=True))
    header = next(r for r in answers if r[0] == "管理番号")
    rows = answers[answers.index(header) + 1 :]
    assert {(r[1], r[4]) for r in rows} == {
        ("従業員名簿", "登録どおり"),
        ("契約書", "未確認"),
        ("情報セキュリティ規程", "未確認"),
    }
    with pytest.raises(ValidationError):  # closed: no more answers
        services.inventory_check_record(
            actor=world[Role.SECRETARIAT],
            check=check_of(campaign, ledger["規程"]),
            result="not_found",
            note="所在不明",
            version=1,
        )
    assert client.get(close).status_code == 302  # closed already
    pdf = client.get(reverse("assets:inventory_report", args=[campaign.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = client.get(reverse("assets:inventory_report", args=[campaign.pk, "xlsx"]))
    summary = openpyxl.load_workbook(io.BytesIO(xlsx.content)).worksheets[1]
    assert ("総務部", 2, 1, 0, 0, 1, 50) in set(summary.iter_rows(values_only=True))
    assert (
        client.get(reverse("assets:inventory_report", args=[campaign.pk, "doc"])).status_code == 403
    )
    assert AuditEntry.objects.filter(changes__contains="inventory_report_exported").count() == 2

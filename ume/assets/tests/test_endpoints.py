"""Endpoints (8.1, 6.7): a personal device without a valid approval is 未許可のBYOD, a device
that connects from outside without an identifier or encryption is at risk; both show on the
ledger, the asset's page and the dashboard. Endpoint items are refused where they make no sense."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from ume.assets import services
from ume.assets.choices import AssetType, DeviceKind, Ownership
from ume.assets.next_steps import asset_steps
from ume.core.choices import Role
from ume.core.tests.factories import local_today

pytestmark = pytest.mark.django_db


LIST = reverse("assets:asset_list")


def device(world, name, **data):
    return services.asset_create(
        actor=world[Role.ADMIN],
        scope=world.hq,
        data={"name": name, "asset_type": AssetType.HARDWARE, "device_kind": DeviceKind.PC, **data},
    )


def refs(response) -> list[str]:
    return [row.record.name for row in response.context["table"].page.object_list]


@pytest.fixture
def fleet(world):
    admin = world[Role.ADMIN]
    return {
        "lent": device(world, "貸与PC", ownership=Ownership.LENT, disk_encrypted=True),
        "unapproved": device(world, "私物スマホ", ownership=Ownership.PERSONAL),
        "lapsed": device(
            world,
            "私物タブレット",
            ownership=Ownership.PERSONAL,
            byod_approved_by=admin,
            byod_approved_on=local_today() - dt.timedelta(days=400),
            byod_expires_on=local_today() - dt.timedelta(days=1),
        ),
        "approved": device(
            world,
            "承認済みの私物PC",
            ownership=Ownership.PERSONAL,
            byod_approved_by=admin,
            byod_approved_on=local_today() - dt.timedelta(days=10),
            byod_expires_on=local_today() + dt.timedelta(days=355),
        ),
        "remote": device(world, "在宅勤務PC", ownership=Ownership.LENT, remote_access=True),
        "registered": device(
            world,
            "登録済みの在宅勤務PC",
            ownership=Ownership.LENT,
            remote_access=True,
            device_id_kind="certificate",
            device_id="CN=pc-042",
            disk_encrypted=True,
        ),
    }


def test_the_ledger_filters_unapproved_byod_and_risky_outside_access(world, fleet, admin_client):
    assert refs(admin_client.get(LIST, {"endpoint": "byod"})) == ["私物スマホ", "私物タブレット"]
    assert refs(admin_client.get(LIST, {"endpoint": "remote"})) == ["在宅勤務PC"]
    assert len(refs(admin_client.get(LIST, {"endpoint": "all"}))) == 6
    page = admin_client.get(LIST).content.decode()
    assert page.count("未許可のBYOD") >= 2


def test_the_asset_page_warns_of_its_own_flags(world, fleet, admin_client):
    body = admin_client.get(reverse("assets:asset_edit", args=[fleet["remote"].pk])).content
    assert 'data-testid="endpoint-flags"' in body.decode()
    quiet = admin_client.get(reverse("assets:asset_edit", args=[fleet["registered"].pk])).content
    assert 'data-testid="endpoint-flags"' not in quiet.decode()


def test_the_dashboard_puts_endpoint_risks_first(world, fleet):
    with translation.override("en"):
        steps = asset_steps(world[Role.SECRETARIAT], world.org, [world.hq], local_today())
    risky = [s for s in steps if s.overdue]
    assert [s.label for s in risky] == [
        "2 personal devices (BYOD) are used without a valid approval.",
        "1 device connects from outside without being registered or encrypted.",
    ]


def test_endpoint_items_are_refused_where_they_make_no_sense(world, other_world):
    cases = [
        ({"name": "x", "device_kind": DeviceKind.PC}, "device_kind"),  # information, not hardware
        ({"name": "x", "asset_type": AssetType.HARDWARE, "remote_access": True}, "device_kind"),
        (
            {
                "name": "x",
                "asset_type": AssetType.HARDWARE,
                "device_kind": DeviceKind.PC,
                "ownership": Ownership.LENT,
                "byod_approved_on": local_today(),
            },
            "ownership",
        ),
        (
            {
                "name": "x",
                "asset_type": AssetType.HARDWARE,
                "device_kind": DeviceKind.PC,
                "ownership": Ownership.PERSONAL,
                "byod_approved_on": local_today(),
                "byod_expires_on": local_today() - dt.timedelta(days=1),
            },
            "byod_expires_on",
        ),
        (
            {
                "name": "x",
                "asset_type": AssetType.HARDWARE,
                "device_kind": DeviceKind.PC,
                "ownership": Ownership.PERSONAL,
                "byod_approved_by": other_world[Role.ADMIN],
            },
            "byod_approved_by",
        ),
        (
            {"name": "x", "asset_type": AssetType.HARDWARE, "device_kind": "pc", "device_id": "a"},
            "device_id_kind",
        ),
    ]
    for data, field in cases:
        with pytest.raises(ValidationError) as exc:
            services.asset_create(actor=world[Role.ADMIN], scope=world.hq, data=data)
        assert field in exc.value.message_dict, (field, exc.value.message_dict)


def test_an_update_is_checked_against_the_values_kept(world):
    pc = device(world, "私物PC", ownership=Ownership.PERSONAL, byod_approved_on=local_today())
    with pytest.raises(ValidationError) as exc:
        services.asset_update(
            actor=world[Role.ADMIN], asset=pc, data={"ownership": Ownership.LENT}, version=1
        )
    assert "ownership" in exc.value.message_dict


def test_the_endpoint_list_exports_with_its_warnings(world, fleet, admin_client, japanese):
    import io

    import openpyxl

    response = admin_client.get(reverse("assets:endpoint_export"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["端末"]
    header = [c.value for c in sheet[1]]
    rows = {r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {a.name for a in fleet.values()}
    assert rows["私物スマホ"][header.index("貸与・私物")] == "私物（BYOD）"
    assert "未許可のBYOD" in rows["私物スマホ"][header.index("警告")]
    assert rows["登録済みの在宅勤務PC"][header.index("識別子")] == "CN=pc-042"
    assert not rows["登録済みの在宅勤務PC"][header.index("警告")]


def test_the_endpoint_list_is_kept_as_evidence_of_8_1_and_6_7(
    world, fleet, catalogue, admin_client
):
    from ume.soa.services import soa_get_or_create

    url = reverse("assets:endpoint_evidence")
    refused = admin_client.post(url, {"scope": world.hq.pk}, follow=True)
    assert "適用宣言書を作成してください" in refused.content.decode()  # no SoA yet
    soa = soa_get_or_create(actor=world[Role.ADMIN], scope=world.hq)
    admin_client.post(url, {"scope": world.hq.pk})
    rows = {r.control.ref: r for r in soa.rows.filter(control__ref__in=["8.1", "6.7", "5.1"])}
    kept = list(rows["8.1"].evidence_files.all())
    assert len(kept) == 1 and kept[0].name.endswith(".xlsx") and len(kept[0].sha256) == 64
    assert list(rows["6.7"].evidence_files.all()) == kept
    assert not rows["5.1"].evidence_files.exists()

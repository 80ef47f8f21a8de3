"""One mapping between measures and controls: a measure mapped to a control is on that
control's SoA rows in every scope it applies to, leaves them when unmapped or moved, and the
row form lists the mapped measures first."""

import re

import pytest
from django.urls import reverse

from ume.catalogue.models import Control
from ume.core.choices import Role
from ume.core.models import AuditEntry
from ume.measures import services as measure_services
from ume.soa import services
from ume.soa.models import SoARow

pytestmark = pytest.mark.django_db


def controls(*refs):
    return list(Control.objects.filter(ref__in=refs))


def on_rows(measure) -> set[tuple[str, str]]:
    return {
        (r.scope.name, r.control.ref)
        for r in SoARow.objects.filter(measures=measure).select_related("scope", "control")
    }


@pytest.fixture
def soas(world, catalogue):
    admin = world[Role.ADMIN]
    return (
        services.soa_get_or_create(actor=admin, scope=world.hq),
        services.soa_get_or_create(actor=admin, scope=world.dev),
    )


def create(world, title, refs, scope=None):
    return measure_services.measure_create(
        actor=world[Role.ADMIN],
        organisation=world.org,
        data={"title": title, "scope": scope, "controls": controls(*refs)},
    )


def update(world, measure, **data):
    measure.refresh_from_db()
    return measure_services.measure_update(
        actor=world[Role.ADMIN], measure=measure, data=data, version=measure.version
    )


def test_a_mapped_measure_is_on_its_controls_rows_in_every_scope_it_applies_to(world, soas):
    hq, dev = world.hq.name, world.dev.name
    before = SoARow.objects.get(soa=soas[0], control__ref="5.14").version
    everywhere = create(world, "メール送信前の宛先確認", ["5.14", "8.12"])
    assert on_rows(everywhere) == {(hq, "5.14"), (hq, "8.12"), (dev, "5.14"), (dev, "8.12")}
    row = SoARow.objects.get(soa=soas[0], control__ref="5.14")
    assert row.version == before + 1  # an open edit of the row is now stale
    assert AuditEntry.objects.filter(
        model_label="soa.soarow", object_id=str(row.pk), changes__contains='"measures"'
    ).exists()
    local = create(world, "本社NASのバックアップ", ["8.13"], scope=world.hq)
    assert on_rows(local) == {(hq, "8.13")}
    # Unmapped from 8.12, mapped to 5.15: the rows follow, other rows are left alone.
    update(world, everywhere, controls=controls("5.14", "5.15"))
    assert on_rows(everywhere) == {(hq, "5.14"), (hq, "5.15"), (dev, "5.14"), (dev, "5.15")}
    # Moved to 開発センター: it leaves 本社's rows and joins 開発センター's.
    update(world, local, scope=world.dev)
    assert on_rows(local) == {(dev, "8.13")}
    update(world, local, title="開発センターNASのバックアップ")  # no mapping change
    assert on_rows(local) == {(dev, "8.13")}
    # Organisation-wide again: both scopes.
    update(world, local, scope=None)
    assert on_rows(local) == {(hq, "8.13"), (dev, "8.13")}


def test_a_new_soa_starts_with_the_measures_already_mapped(world, catalogue):
    everywhere = create(world, "入退室管理", ["7.2"])
    other = create(world, "開発環境の分離", ["8.31"], scope=world.dev)
    soa = services.soa_get_or_create(actor=world[Role.ADMIN], scope=world.hq)
    assert on_rows(everywhere) == {(world.hq.name, "7.2")}
    assert not on_rows(other)  # it applies to 開発センター only
    assert soa.rows.filter(measures__isnull=False).count() == 1


def test_the_soa_page_and_row_form_show_the_mapped_measure(world, soas, admin_client, japanese):
    measure = create(world, "メール送信前の宛先確認", ["5.14"])
    create(world, "アクセス権の棚卸し", ["5.18"])
    page = admin_client.get(reverse("soa:detail", args=[world.hq.pk])).content.decode()
    shown = re.search(r'<tr[^>]*data-ref="5.14".*?</tr>', page, re.S).group(0)
    assert "メール送信前の宛先確認" in shown
    row = SoARow.objects.get(soa=soas[0], control__ref="5.14")
    form = admin_client.get(reverse("soa:row_edit", args=[world.hq.pk, row.pk])).content.decode()
    labels = re.findall(r'name="measures" value="\d+"[^>]*>\s*([^<]+)<', form)
    assert [label.strip() for label in labels] == [
        "メール送信前の宛先確認（5.14に対応付け済み）",
        "アクセス権の棚卸し",
    ]
    assert re.search(rf'value="{measure.pk}"[^>]*checked', form)

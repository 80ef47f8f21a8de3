"""The dashboard points each role at what is missing or due, per scope: the SoA a scope lacks,
reasons to give, a version to approve, a certificate past its date; a new staff member is not
shown the administrator's setup."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from ume.core.choices import Role
from ume.core.models import Scope
from ume.soa import services as soa_services
from ume.soa.tests.helpers import give_reasons

pytestmark = pytest.mark.django_db


def steps(client) -> str:
    page = client.get(reverse("core:dashboard")).content.decode()
    card = re.search(r'data-testid="next-steps".*?</div>\s*</div>', page, re.S).group(0)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", card))


def test_each_scope_shows_what_its_soa_still_needs(world, catalogue, admin_client, login, japanese):
    admin = world[Role.ADMIN]
    soa = soa_services.soa_get_or_create(actor=admin, scope=world.hq)
    shown = steps(admin_client)
    assert "開発センター 適用宣言書を作成してください。" in shown
    assert "本社 93件の管理策に含めた理由を記入してください。" in shown
    give_reasons(soa)
    top = login(world[Role.TOP_MANAGEMENT])
    assert "本社 第1版を承認してください。" in steps(top)
    soa_services.soa_approve(actor=world[Role.TOP_MANAGEMENT], soa=soa)
    row = soa.rows.get(control__ref="5.1")
    soa_services.soa_row_update(actor=admin, row=row, version=row.version, data={"notes": "見直し"})
    assert "本社 第1版の承認後に1行が変更されています" in steps(top)


def test_a_new_staff_member_sees_no_administrator_tasks(world, catalogue, login, japanese):
    client = login(world[Role.STAFF])
    page = client.get(reverse("core:dashboard")).content.decode()
    assert 'data-testid="getting-started"' not in page
    assert "現在、対応が必要な作業はありません。" in steps(client)


def test_a_past_certificate_date_is_marked_expired(world, catalogue, admin_client, japanese):
    past = timezone.localdate() - dt.timedelta(days=1)
    Scope.objects.filter(pk=world.hq.pk).update(certificate_expires_on=past)
    page = admin_client.get(reverse("core:dashboard")).content.decode()
    badge = re.search(rf'data-testid="certificate-{world.hq.pk}">([^<]*)<', page).group(1)
    assert badge == f"認証の有効期限切れ（{past:%Y/%m/%d}）"
    assert f"本社 認証の有効期限（{past:%Y/%m/%d}）が過ぎています" in steps(admin_client)


def test_recent_changes_leave_out_exports(world, admin_client, japanese):
    from ume.core.audit import record_event

    admin = world[Role.ADMIN]
    for _ in range(9):  # more exports than the panel lists
        record_event(
            organisation_id=world.org.pk,
            name="audit_exported",
            details={"format": "csv"},
            actor=admin,
        )
    world.hq.name = "本社（東京）"
    world.hq.save()
    page = admin_client.get(reverse("core:dashboard")).content.decode()
    recent = page.split("最近の変更", 1)[1]
    assert "本社（東京）" in recent
    assert "監査証跡の書き出し" not in recent and "audit_exported" not in recent

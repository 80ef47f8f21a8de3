"""The SoA page's rows (built in Python by ``soa_table.soa_rows``): what each cell shows, user
text escaped, long text cut, and the tick boxes only for those who may change the SoA."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ume.core.choices import Role
from ume.measures import services as measure_services
from ume.soa import services

pytestmark = pytest.mark.django_db


def row_html(client, scope, ref: str) -> str:
    html = client.get(reverse("soa:detail", args=[scope.pk])).content.decode()
    return re.search(rf'<tr id="row-\d+" data-ref="{re.escape(ref)}".*?</tr>', html).group(0)


@pytest.fixture
def soa(world, catalogue):
    return services.soa_get_or_create(actor=world[Role.ADMIN], scope=world.hq)


def test_row_cells_escape_user_text_and_cut_long_text(world, soa, admin_client, japanese):
    admin = world[Role.ADMIN]
    measure = measure_services.measure_create(
        actor=admin,
        organisation=world.org,
        data={"title": "<b>入退室</b>" + "管理" * 30, "scope": world.hq},
    )
    row = soa.rows.get(control__ref="7.2")
    services.soa_row_update(
        actor=admin,
        row=row,
        version=row.version,
        data={
            "measures": [measure],
            "reasons": ["risk", "legal"],
            "procedure": "<手順>" + "あ" * 40,
        },
    )
    soa.rows.filter(pk=row.pk).update(review_note='<script>"確認"</script>')
    measure_services.evidence_upload(
        actor=admin,
        organisation=world.org,
        scope=world.hq,
        uploaded=SimpleUploadedFile("記録.txt", "記録".encode()),
        attach_to=row,
    )
    html = row_html(admin_client, world.hq, "7.2")
    assert "<script>" not in html and "<b>" not in html and "<手順>" not in html
    assert 'title="&lt;script&gt;&quot;確認&quot;&lt;/script&gt;"' in html
    assert "&lt;b&gt;入退室&lt;/b&gt;" in html and "管理" * 30 not in html and "…</div>" in html
    assert "リスク対応、法令・規制" in html
    assert '<td class="small">&lt;手順&gt;' + "あ" * 25 + "…</td>" in html
    assert re.search(r'<div class="text-secondary"><svg[^>]*>.*?</svg> 1</div>', html)
    row.refresh_from_db()
    assert f'<input type="hidden" name="v_{row.pk}" value="{row.version}">' in html
    assert 'aria-label="7.2 を選択"' in html
    edit = reverse("soa:row_edit", args=[world.hq.pk, row.pk])
    assert f'<a href="{edit}" class="btn btn-sm btn-ghost-primary" data-testid="edit-7.2">' in html


def test_excluded_rows_show_their_justification_and_staff_get_no_tick_boxes(
    world, soa, client, japanese
):
    row = soa.rows.get(control__ref="7.4")
    services.soa_row_update(
        actor=world[Role.ADMIN],
        row=row,
        version=row.version,
        data={"applicable": False, "exclusion_justification": "<i>監視カメラ</i>" + "不要" * 50},
    )
    client.force_login(world[Role.STAFF])
    html = row_html(client, world.hq, "7.4")
    assert 'class="text-secondary"' in html and ">除外</span>" in html
    assert "&lt;i&gt;監視カメラ&lt;/i&gt;" in html and "不要" * 50 not in html
    assert 'type="checkbox"' not in html and 'data-testid="edit-7.4"' not in html


def test_a_row_lists_ten_measures_and_counts_the_rest(world, soa, admin_client, japanese):
    admin = world[Role.ADMIN]
    measures = [
        measure_services.measure_create(
            actor=admin, organisation=world.org, data={"title": f"対策{i:02d}", "scope": world.hq}
        )
        for i in range(12)
    ]
    row = soa.rows.get(control__ref="8.13")
    services.soa_row_update(actor=admin, row=row, version=row.version, data={"measures": measures})
    html = row_html(admin_client, world.hq, "8.13")
    assert re.findall(r"<div>(対策\d\d)</div>", html) == [f"対策{i:02d}" for i in range(10)]
    assert '<div class="text-secondary">ほか2件</div>' in html

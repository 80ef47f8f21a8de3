"""The approved SoA as evidence: the versions list says which version is current, the SoA page
marks every change since the newest approval, and its exports offer the stamped approved
version beside the draft, which is watermarked and lists its changes."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from ume.core.choices import Role
from ume.soa import services
from ume.soa.domain import COMPARED, row_differences, snapshot_of
from ume.soa.exports import soa_docx, soa_pdf, soa_xlsx
from ume.soa.tests.helpers import give_reasons

pytestmark = pytest.mark.django_db


@pytest.fixture
def soa(world, catalogue):
    return services.soa_get_or_create(actor=world[Role.ADMIN], scope=world.hq)


def edit(world, soa, ref: str, **data):
    row = soa.rows.get(control__ref=ref)
    return services.soa_row_update(actor=world[Role.ADMIN], row=row, version=row.version, data=data)


def approve(world, soa, comment=""):
    give_reasons(soa)
    return services.soa_approve(actor=world[Role.ADMIN], soa=soa, comment=comment)


def test_row_differences_see_every_compared_field_and_ignore_order(soa, world):
    before = snapshot_of(soa)["rows"]
    assert row_differences(before, before) == {}
    edit(world, soa, "5.1", notes="年1回見直す")
    edit(world, soa, "5.2", reasons=["contract", "risk"])
    after = snapshot_of(soa)["rows"]
    assert row_differences(before, after) == {"5.1": ["notes"], "5.2": ["reasons"]}
    reordered = [{**r, "reasons": list(reversed(r["reasons"]))} for r in after]
    assert row_differences(after, reordered) == {}
    assert row_differences(before, before[1:]) == {"5.1": list(COMPARED)}


def test_only_the_newest_version_is_current_and_older_ones_are_superseded(admin_client, world, soa):
    approve(world, soa, "初版")
    edit(world, soa, "8.9", status="implemented")
    second = approve(world, soa, "第2版")
    page = admin_client.get(reverse("soa:versions", args=[world.hq.pk])).content.decode()
    state = {
        n: re.search(rf'data-testid="version-state-{n}">(.*?)</td>', page, re.S).group(1)
        for n in (1, 2)
    }
    assert _("Current") in state[2] and _("Superseded") not in state[2]
    assert _("Superseded") in state[1] and _("Current") not in state[1]
    assert second.approved_at.astimezone().strftime("%Y/%m/%d") in state[1]


def test_soa_page_marks_changes_since_the_newest_approval(admin_client, world, soa, japanese):
    url = reverse("soa:detail", args=[world.hq.pk])
    approve(world, soa)
    page = admin_client.get(url).content.decode()
    assert 'data-testid="changed-since-approval"' not in page
    assert 'data-testid="changed-' not in page
    edit(world, soa, "5.3", notes="兼務を避ける")
    edit(world, soa, "7.4", applicable=False, exclusion_justification="監視対象の区域がない")
    page = admin_client.get(url).content.decode()
    badge = re.search(r'data-testid="changed-since-approval">(.*?)</a>', page, re.S).group(1)
    assert "第1版" in badge and "2" in badge.replace("第1版", "")
    assert 'data-testid="changed-5.3"' in page and 'data-testid="changed-7.4"' in page
    assert 'data-testid="changed-5.1"' not in page
    assert "?a=1&amp;b=draft" in page
    # A filtered page still counts every changed control, whichever rows it shows.
    filtered = admin_client.get(url, {"theme": "physical"}).content.decode()
    badge = re.search(r'data-testid="changed-since-approval">(.*?)</a>', filtered, re.S).group(1)
    assert "2" in badge.replace("第1版", "") and 'data-testid="changed-7.4"' in filtered
    assert 'data-ref="5.3"' not in filtered
    # Undoing the edit leaves nothing to mark: the draft equals the approved version again.
    edit(world, soa, "5.3", notes="")
    edit(world, soa, "7.4", applicable=True, status="not_implemented", reasons=["risk"])
    assert 'data-testid="changed-since-approval"' not in admin_client.get(url).content.decode()


def test_export_menu_offers_the_approved_version_and_the_draft(admin_client, world, soa):
    url = reverse("soa:detail", args=[world.hq.pk])
    page = admin_client.get(url).content.decode()
    assert "soa-export-approved-" not in page  # nothing approved yet: the draft only
    for kind in ("xlsx", "docx", "pdf"):
        assert f'?format={kind}" data-testid="soa-export-{kind}"' in page
    approve(world, soa)
    page = admin_client.get(url).content.decode()
    export = reverse("soa:soa_export", args=[world.hq.pk])
    detail = admin_client.get(reverse("soa:version_detail", args=[world.hq.pk, 1])).content
    for kind in ("xlsx", "docx", "pdf"):
        link = f"{export}?format={kind}&amp;version=1"
        assert f'{link}" data-testid="soa-export-approved-{kind}"' in page
        assert f'{link}" data-testid="version-export-{kind}"' in detail.decode()
        response = admin_client.get(f"{export}?format={kind}&version=1")
        assert response.status_code == 200 and response.content


def docx_of(data: bytes):
    doc = Document(io.BytesIO(data))
    header = doc.sections[0].header.paragraphs[0]
    footer = doc.sections[0].footer._element.xml
    body = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    return header.text, footer, body, cells


def test_docx_has_a_running_header_page_numbers_and_marks_the_draft(world, soa, japanese):
    header, footer, body, cells = docx_of(soa_docx(soa=soa))
    assert header.startswith("下書き（未承認）") and "梅商事株式会社" in header
    assert "PAGE" in footer and "NUMPAGES" in footer
    assert "承認後の変更" not in body  # no approved version to compare with
    version = approve(world, soa)
    edit(world, soa, "5.10", notes="持出し禁止の区分を追加")
    header, _footer, body, cells = docx_of(soa_docx(soa=soa, version=version))
    assert not header.startswith("下書き") and "本社" in header and "第1版" in header
    assert "承認後の変更" not in body and "持出し禁止" not in cells
    header, _footer, body, cells = docx_of(soa_docx(soa=soa))
    assert header.startswith("下書き（未承認）")
    assert "第1版" in body and "承認後の変更" in body
    assert "5.10" in cells and "備考" in cells


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_pdf_draft_is_watermarked_lists_changes_and_prints_only_filled_details(
    world, soa, japanese
):
    version = approve(world, soa)
    approved = pdf_pages(soa_pdf(soa=soa, version=version))
    assert all("第1版" in page for page in approved[1:])  # the running header on every page
    assert not any("下書き" in page for page in approved)
    edit(world, soa, "5.12", procedure="ラベル付け手順書に従う")
    draft = pdf_pages(soa_pdf(soa=soa))
    assert all("下書き" in page for page in draft)  # the watermark on every page
    assert "承認後の変更" in draft[0] and "5.12" in draft[0]
    text = "".join(draft)
    # Only rows with something to say get a detail block: 5.12 has its procedure, 5.13 nothing.
    assert "5.12 " in text and "ラベル付け手順書に従う" in text
    assert text.count("5.13 ") == 1  # its table row only


def test_approval_is_refused_while_an_included_control_has_no_reason(
    world, soa, admin_client, japanese
):
    soa.rows.filter(applicable=True).update(reasons=["risk"])
    soa.rows.filter(control__ref__in=["5.3", "8.12"]).update(reasons=[])
    edit(world, soa, "8.30", applicable=False, exclusion_justification="開発をしていない")
    soa.rows.filter(control__ref="8.30").update(reasons=[])  # excluded: needs no reason
    with pytest.raises(ValidationError) as refused:
        services.soa_approve(actor=world[Role.ADMIN], soa=soa)
    assert refused.value.code == "no_reason" and refused.value.params == {"refs": ["5.3", "8.12"]}
    assert "5.3, 8.12" in refused.value.messages[0]
    assert not soa.versions.exists()
    scope = world.hq.pk
    page = admin_client.get(reverse("soa:approve", args=[scope])).content.decode()
    assert re.search(r'data-testid="without-reason">[^<]*：2件', page)
    listed = admin_client.get(reverse("soa:detail", args=[scope]), {"gap": "no_reason"})
    assert re.findall(r'data-ref="([\d.]+)"', listed.content.decode()) == ["5.3", "8.12"]
    response = admin_client.post(reverse("soa:approve", args=[scope]), {"comment": ""})
    assert response.status_code == 200 and "5.3, 8.12" in response.content.decode()
    edit(world, soa, "5.3", reasons=["business"])
    edit(world, soa, "8.12", reasons=["legal", "contract"])
    assert approve(world, soa).number == 1


def test_every_format_of_an_approved_version_carries_its_snapshot_digest(soa, world, japanese):
    give_reasons(soa)
    version = services.soa_approve(actor=world[Role.ADMIN], soa=soa, comment="")
    digest = version.snapshot_sha256
    assert len(digest) == 64
    wb = load_workbook(io.BytesIO(soa_xlsx(soa=soa, version=version)))
    assert (
        dict(wb[_("Information")].iter_rows(values_only=True))["承認内容のハッシュ値（SHA-256）"]
        == digest
    )
    doc = Document(io.BytesIO(soa_docx(soa=soa, version=version)))
    assert digest in [c.text for t in doc.tables for r in t.rows for c in r.cells]
    reader = PdfReader(io.BytesIO(soa_pdf(soa=soa, version=version)))
    assert digest in "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    # a draft has no digest to show: it is not a fixed record
    draft = Document(io.BytesIO(soa_docx(soa=soa)))
    assert digest not in [c.text for t in draft.tables for r in t.rows for c in r.cells]

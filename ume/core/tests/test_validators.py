"""No control characters in what people type (issue 15, finding 6): the validators, on every
user-editable model field, and refused alike by models, services, forms, the API and imports."""

import io

import pytest
from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from rest_framework.test import APIClient

from ume.core import services
from ume.core.choices import Role
from ume.core.forms import AcceptInvitationForm, InvitationForm, ScopeForm
from ume.core.models import AuditedModel, Scope
from ume.core.validators import (
    MULTI_LINE,
    SINGLE_LINE,
    strip_control_characters,
    validate_multi_line,
    validate_single_line,
)
from ume.measures import services as measure_services
from ume.measures.models import Measure
from ume.soa import services as soa_services
from ume.soa.exports import COLUMNS, SHEET_TITLE, soa_xlsx
from ume.soa.forms import ApproveForm, BulkEditForm
from ume.soa.importers import preview_2022
from ume.soa.models import SoARow

SINGLE_LINE_MESSAGE = "Control characters (such as line breaks or tabs) are not allowed."
MULTI_LINE_MESSAGE = "Control characters other than line breaks and tabs are not allowed."
C0_AND_DEL = [chr(c) for c in range(0x20)] + ["\x7f"]
BREAKS_AND_TABS = ["\t", "\n", "\r"]
# Set by services from what Ume computes or the upload carries, never typed into a field.
NOT_TYPED = {
    "measures.EvidenceFile.sha256",
    "measures.EvidenceFile.content_type",
    "soa.SoAVersion.snapshot_sha256",
}
ALLOWED = ["本社", "梅商事　株式会社", "A&B <Ltd.>", "'=1+1", "𠮷野家", "café", "", "  "]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


# --- the validators --------------------------------------------------------------------------


@pytest.mark.parametrize("char", C0_AND_DEL, ids=lambda c: f"U+{ord(c):04X}")
def test_single_line_refuses_every_c0_control_and_del(char):
    with pytest.raises(ValidationError) as refused:
        validate_single_line(f"本{char}社")
    assert refused.value.messages == [SINGLE_LINE_MESSAGE]
    assert refused.value.code == "control_characters"


@pytest.mark.parametrize("char", C0_AND_DEL, ids=lambda c: f"U+{ord(c):04X}")
def test_multi_line_keeps_breaks_and_tabs_only(char):
    if char in BREAKS_AND_TABS:
        validate_multi_line(f"一行目{char}二行目")
        return
    with pytest.raises(ValidationError) as refused:
        validate_multi_line(f"一行目\n{char}")
    assert refused.value.messages == [MULTI_LINE_MESSAGE]


@pytest.mark.parametrize("value", [*ALLOWED, None, 42])
def test_ordinary_text_passes_both(value):
    validate_single_line(value)
    validate_multi_line(value)


def test_strip_control_characters_makes_one_line():
    assert strip_control_characters(" 監査\t報告\r\n2026\x01.pdf ") == "監査 報告 2026.pdf"


# --- on every field people edit --------------------------------------------------------------


def user_editable_text_fields():
    """CharFields and TextFields people type into: of audited models and users, editable, not
    a choice (choices refuse anything else already)."""
    for model in apps.get_models():
        if not model.__module__.startswith("ume.") or not issubclass(
            model, AuditedModel | AbstractBaseUser
        ):
            continue
        for field in model._meta.concrete_fields:
            if (
                isinstance(field, models.CharField | models.TextField)
                and field.editable
                and not field.choices
                and field.name != "password"  # a hash, never typed
                and f"{model._meta.label}.{field.name}" not in NOT_TYPED
            ):
                yield field


def test_every_user_editable_text_field_refuses_control_characters():
    fields = list(user_editable_text_fields())
    assert len(fields) >= 20  # the walk found the models
    missing = []
    for field in fields:
        wanted = MULTI_LINE if isinstance(field, models.TextField) else SINGLE_LINE
        if not all(validator in field.validators for validator in wanted):
            missing.append(f"{field.model._meta.label}.{field.name}")
    assert not missing, (
        "Add validators=SINGLE_LINE (CharField) or MULTI_LINE (TextField) from "
        f"ume.core.validators to: {', '.join(missing)}"
    )


def test_model_full_clean_refuses_and_names_the_field(world):
    scope = Scope(organisation=world.org, name="本\x1b社", boundaries="本社\n\t全部門")
    with pytest.raises(ValidationError) as refused:
        scope.full_clean()
    assert refused.value.message_dict == {"name": [SINGLE_LINE_MESSAGE]}
    scope.name, scope.boundaries = "本社2", "本社\x0c"
    with pytest.raises(ValidationError) as refused:
        scope.full_clean()
    assert refused.value.message_dict == {"boundaries": [MULTI_LINE_MESSAGE]}


# --- services, forms, pages, API, import -----------------------------------------------------


def test_services_refuse_and_change_nothing(world, catalogue):
    admin = world[Role.ADMIN]
    with pytest.raises(ValidationError) as refused:
        services.scope_create(actor=admin, organisation=world.org, data={"name": "支社\n"})
    assert refused.value.message_dict == {"name": [SINGLE_LINE_MESSAGE]}
    with pytest.raises(ValidationError):
        services.scope_update(actor=admin, scope=world.hq, data={"name": "本\x00社"}, version=1)
    with pytest.raises(ValidationError):
        measure_services.measure_create(
            actor=admin, organisation=world.org, data={"title": "ログ\x07監視"}
        )
    assert not Scope.objects.filter(name__startswith="支社").exists()
    assert Scope.objects.get(pk=world.hq.pk).name == "本社"
    assert not Measure.objects.filter(title__startswith="ログ").exists()


def test_soa_row_service_refuses_a_line_break_in_the_procedure(world, catalogue):
    admin = world[Role.ADMIN]
    soa = soa_services.soa_get_or_create(actor=admin, scope=world.hq)
    row = soa.rows.get(control__ref="5.1")
    with pytest.raises(ValidationError) as refused:
        soa_services.soa_row_update(
            actor=admin, row=row, version=row.version, data={"procedure": "規程\n第2版"}
        )
    assert refused.value.message_dict == {"procedure": [f"Procedure: {SINGLE_LINE_MESSAGE}"]}
    soa_services.soa_row_update(
        actor=admin, row=row, version=row.version, data={"notes": "一行目\r\n\t二行目"}
    )
    assert SoARow.objects.get(pk=row.pk).notes == "一行目\r\n\t二行目"


def test_forms_refuse_with_the_message_on_the_field(world):
    form = ScopeForm(data={"name": "本\x01社", "sites": "東京\n大阪", "is_active": "on"})
    assert form.errors == {"name": [SINGLE_LINE_MESSAGE]}
    form = ScopeForm(data={"name": "本社2", "sites": "東\x1f京", "is_active": "on"})
    assert form.errors == {"sites": [MULTI_LINE_MESSAGE]}
    invitation = InvitationForm(
        data={"email": "a@example.jp", "full_name": "梅\t太郎", "role": "staff"}
    )
    assert invitation.errors["full_name"] == [SINGLE_LINE_MESSAGE]
    accept = AcceptInvitationForm(data={"full_name": "梅\x7f太郎"})
    assert accept.errors["full_name"] == [SINGLE_LINE_MESSAGE]
    assert BulkEditForm(data={"exclusion_justification": "理\x0b由"}).errors == {
        "exclusion_justification": [MULTI_LINE_MESSAGE]
    }
    assert ApproveForm(data={"comment": "承認\n以上"}).is_valid()


def test_scope_page_shows_the_error_and_saves_nothing(admin_client, world):
    data = {"name": "支社\x01", "is_active": "on"}
    admin_client.cookies["django_language"] = "en"
    response = admin_client.post(reverse("core:scope_create"), data)
    assert response.status_code == 200
    assert SINGLE_LINE_MESSAGE in response.content.decode()
    assert not Scope.objects.filter(name__startswith="支社").exists()


def api_client(user, organisation) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    client.credentials(HTTP_X_UME_ORGANISATION=str(organisation.pk))
    client.cookies["django_language"] = "en"
    return client


def test_api_refuses_with_400_and_the_message(world, catalogue):
    admin = world[Role.ADMIN]
    client = api_client(admin, world.org)
    created = client.post("/api/v1/scopes/", {"name": "支社\x02"}, format="json")
    assert created.status_code == 400, created.content
    assert created.json() == {"name": [SINGLE_LINE_MESSAGE]}
    changed = client.patch(
        f"/api/v1/scopes/{world.hq.pk}/", {"boundaries": "\x1b[2J", "version": 1}, format="json"
    )
    assert changed.status_code == 400 and changed.json() == {"boundaries": [MULTI_LINE_MESSAGE]}
    measure = client.post("/api/v1/measures/", {"title": "ログ\x07監視"}, format="json")
    assert measure.status_code == 400 and measure.json() == {"title": [SINGLE_LINE_MESSAGE]}
    soa = soa_services.soa_get_or_create(actor=admin, scope=world.hq)
    row = soa.rows.get(control__ref="5.1")
    notes = client.patch(
        f"/api/v1/soa-rows/{row.pk}/", {"notes": "\x00", "version": row.version}, format="json"
    )
    assert notes.status_code == 400, notes.content
    assert not Scope.objects.filter(name__startswith="支社").exists()
    assert Scope.objects.get(pk=world.hq.pk).boundaries == ""
    assert SoARow.objects.get(pk=row.pk).notes == ""


def test_import_reports_the_row_and_field_and_changes_nothing(world, catalogue):
    soa = soa_services.soa_get_or_create(actor=world[Role.ADMIN], scope=world.hq)
    wb = load_workbook(io.BytesIO(soa_xlsx(soa=soa)))
    ws = wb[str(SHEET_TITLE)]
    col = {c.key: i + 1 for i, c in enumerate(COLUMNS)}
    for row in range(2, ws.max_row + 1):
        if ws.cell(row, col["ref"]).value == "5.1":
            ws.cell(row, col["procedure"]).value = "情報セキュリティ方針\n第2版"  # Alt+Enter
            ws.cell(row, col["notes"]).value = "一行目\n二行目"
    buffer = io.BytesIO()
    wb.save(buffer)
    preview = preview_2022(soa=soa, uploaded=SimpleUploadedFile("soa.xlsx", buffer.getvalue()))
    assert [(e.ref, e.message) for e in preview.errors] == [
        ("5.1", f"Procedure: {SINGLE_LINE_MESSAGE}")
    ]
    assert preview.changes == {}


def test_an_uploaded_file_name_is_kept_on_one_line(world, catalogue):
    evidence = measure_services.evidence_upload(
        actor=world[Role.ADMIN],
        organisation=world.org,
        scope=world.hq,
        uploaded=SimpleUploadedFile("議事録\x01\n2026.txt", b"minutes"),
    )
    assert evidence.name == "議事録 2026.txt"

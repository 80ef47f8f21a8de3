"""The measure and evidence services called directly, as a command or a later module would:
moves between scopes, the upload checks with their messages, attach and detach, and the
deletion guards other apps register."""

import hashlib
import io
import re
import zipfile
from pathlib import PurePath

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation

from ume.catalogue.models import Control
from ume.core.choices import Role
from ume.core.models import AuditEntry, Membership
from ume.core.tests.factories import make_user
from ume.measures import services
from ume.measures.models import EvidenceFile, Measure
from ume.measures.services.measures import (
    DELETE_GUARDS,
    MAPPING_HOOKS,
    register_delete_guard,
    register_mapping_hook,
)

MB = 1024 * 1024


def upload(name: str = "記録.txt", content: bytes = "証拠".encode()) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def head_of(world, *scopes):
    """A department head whose roles are limited to ``scopes``."""
    user = make_user(f"head-{len(scopes)}-{scopes[0].pk}@example.jp")
    for scope in scopes:
        Membership.objects.create(
            user=user, organisation=world.org, role=Role.DEPARTMENT_HEAD, scope=scope
        )
    return user


def admin_of_both(world, other_world):
    user = make_user("both@example.jp")
    for w in (world, other_world):
        Membership.objects.create(user=user, organisation=w.org, role=Role.ADMIN)
    return user


def messages_of(refused) -> dict[str, list[str]] | list[str]:
    error = refused.value
    return error.message_dict if hasattr(error, "error_dict") else error.messages


def refused_upload(world, name: str, content: bytes) -> dict[str, list[str]] | list[str]:
    """The messages (in English) of an administrator's upload of ``name`` to 本社, which must
    be refused."""
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        services.evidence_upload(
            actor=world[Role.ADMIN],
            organisation=world.org,
            scope=world.hq,
            uploaded=upload(name, content),
        )
    return messages_of(refused)


def test_a_role_in_both_scopes_moves_a_measure_between_them(world):
    head = head_of(world, world.hq, world.dev)
    measure = services.measure_create(
        actor=head, organisation=world.org, data={"title": "入退室管理", "scope": world.hq}
    )
    moved = services.measure_update(
        actor=head, measure=measure, data={"scope": world.dev}, version=measure.version
    )
    assert moved.scope == world.dev
    assert Measure.objects.get(pk=measure.pk).scope == world.dev
    # Organisation-wide needs an organisation-wide role; an administrator has one.
    with pytest.raises(PermissionDenied):
        services.measure_update(
            actor=head, measure=moved, data={"scope": None}, version=moved.version
        )
    admin = world[Role.ADMIN]
    wide = services.measure_update(
        actor=admin, measure=moved, data={"scope": None}, version=moved.version
    )
    assert Measure.objects.get(pk=wide.pk).scope is None


def test_a_scoped_head_uploads_evidence_in_its_scope(world):
    head = head_of(world, world.hq)
    evidence = services.evidence_upload(
        actor=head, organisation=world.org, scope=world.hq, uploaded=upload()
    )
    assert evidence.scope == world.hq and evidence.description == ""
    with pytest.raises(PermissionDenied):
        services.evidence_upload(
            actor=head, organisation=world.org, scope=world.dev, uploaded=upload()
        )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("run.exe", b"MZ", "Files of this type cannot be kept as evidence. Allowed: .csv, .doc"),
        ("空.txt", b"", "The file is empty."),
        ("大きい.pdf", b"x" * (2 * MB + 1), "The file is larger than 2 MB."),
    ],
)
@override_settings(UME_EVIDENCE_MAX_BYTES=2 * MB)
def test_refused_uploads_say_why_on_the_file_field_and_store_nothing(world, name, content, message):
    errors = refused_upload(world, name, content)
    assert list(errors) == ["file"]
    assert errors["file"][0].startswith(message)
    assert not EvidenceFile.objects.exists()


@override_settings(UME_EVIDENCE_MAX_BYTES=2 * MB)
def test_a_file_of_exactly_the_limit_is_kept():
    from ume.measures.services.evidence import check_upload

    check_upload(upload("ちょうど.pdf", b"%PDF-1.7\n".ljust(2 * MB, b"x")))  # no error


def _xlsx() -> bytes:
    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


def _docx() -> bytes:
    from docx import Document

    out = io.BytesIO()
    Document().save(out)
    return out.getvalue()


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("記録.txt", "証拠")
    return out.getvalue()


OLE2 = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504)
EXE = b"MZ\x90\x00\x03" + bytes(300)
NOISE = bytes((i * 7919 + 13) % 251 for i in range(6000))  # no signature, NUL bytes


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("集計.xlsx", _xlsx()),
        ("手順.docx", _docx()),
        ("記録一式.zip", _zip()),
        ("古い台帳.xls", OLE2),
        ("通知.msg", OLE2),
        ("報告.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"),
        ("画面.png", b"\x89PNG\r\n\x1a\n" + bytes(40)),
        ("ログ.csv", "日付,結果\n2026/11/01,成功\n".encode("cp932")),
        ("Excelの書き出し.csv", "日付\t結果\n".encode("utf-16")),  # BOM, then NUL bytes
    ],
)
def test_files_whose_content_matches_their_extension_are_kept(world, name, content):
    evidence = services.evidence_upload(
        actor=world[Role.ADMIN],
        organisation=world.org,
        scope=world.hq,
        uploaded=upload(name, content),
    )
    assert evidence.size == len(content)


@pytest.mark.parametrize(
    ("name", "content", "found"),
    [
        ("setup.xlsx", EXE, "“exe”"),
        ("big.pdf", NOISE, "unrecognised content"),
        ("報告.pdf", _zip(), "“zip”"),
        ("手順.docx", OLE2, "“ole2”"),
        ("メモ.txt", EXE, "“exe”"),
        ("データ.csv", NOISE, "unrecognised content"),
        ("画面.png", b"GIF89a" + bytes(40), "“gif”"),
    ],
)
def test_files_whose_content_does_not_match_their_extension_are_refused(
    world, name, content, found
):
    message = refused_upload(world, name, content)["file"][0]
    suffix = name[name.rindex(".") :]
    assert message.startswith(f"The content of the file does not match its extension {suffix}")
    assert found in message
    assert not EvidenceFile.objects.exists()


def test_scope_and_target_of_another_organisation_are_refused_with_a_message(world, other_world):
    # Only someone who may write in both organisations gets past the permission checks.
    admin = admin_of_both(world, other_world)
    theirs = services.measure_create(
        actor=other_world[Role.ADMIN], organisation=other_world.org, data={"title": "他社"}
    )
    cases = [
        ({"scope": other_world.hq}, "Choose an ISMS scope of this organization."),
        ({"scope": None, "attach_to": theirs}, "The evidence belongs to another organization."),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValidationError) as refused, translation.override("en"):
            services.evidence_upload(
                actor=admin, organisation=world.org, uploaded=upload(), **kwargs
            )
        assert messages_of(refused) == [message]
    assert not EvidenceFile.objects.exists()


def test_a_measure_keeps_its_scope_and_owner_in_its_organisation(world, other_world):
    admin = admin_of_both(world, other_world)
    outsider = other_world[Role.ADMIN]  # a member of the other organisation only
    scope = "Choose an ISMS scope of this organization."
    owner = "The owner must be a member of this organization."
    cases = [
        ({"scope": other_world.hq}, {"scope": [scope]}),
        ({"owner": outsider}, {"owner": [owner]}),
        ({"scope": other_world.hq, "owner": outsider}, {"scope": [scope], "owner": [owner]}),
    ]
    for data, errors in cases:
        with pytest.raises(ValidationError) as refused, translation.override("en"):
            services.measure_create(
                actor=admin, organisation=world.org, data={"title": "T", **data}
            )
        assert messages_of(refused) == errors
    assert not Measure.objects.exists()
    measure = services.measure_create(
        actor=admin, organisation=world.org, data={"title": "T", "owner": admin}
    )
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        services.measure_update(
            actor=admin, measure=measure, data={"scope": other_world.hq}, version=measure.version
        )
    assert messages_of(refused) == {"scope": [scope]}
    measure.refresh_from_db()
    assert measure.scope is None and measure.version == 1


def test_evidence_of_another_organisation_is_not_attached_even_by_a_member_of_both(
    world, other_world
):
    both = admin_of_both(world, other_world)
    mine = services.measure_create(actor=both, organisation=world.org, data={"title": "自社"})
    theirs = services.evidence_upload(
        actor=both, organisation=other_world.org, scope=None, uploaded=upload()
    )
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        services.evidence_attach(actor=both, target=mine, evidence=theirs)
    assert messages_of(refused) == ["The evidence belongs to another organization."]
    assert not mine.evidence_files.exists()


def test_detach_removes_only_that_file_and_refuses_one_not_linked(world):
    admin = world[Role.ADMIN]
    measure = services.measure_create(actor=admin, organisation=world.org, data={"title": "m"})
    first, second = (
        services.evidence_upload(
            actor=admin, organisation=world.org, scope=None, uploaded=upload(), attach_to=measure
        )
        for _ in range(2)
    )
    services.evidence_detach(actor=admin, target=measure, evidence=first)
    assert list(measure.evidence_files.all()) == [second]
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        services.evidence_detach(actor=admin, target=measure, evidence=first)
    assert messages_of(refused) == ["This evidence is not linked to this record."]


def test_linking_evidence_through_an_older_copy_keeps_the_newer_edit(world):
    """Attach and detach mark the record changed without saving the caller's copy: a copy read
    before someone else's edit would otherwise write the old values back."""
    admin = world[Role.ADMIN]
    measure = services.measure_create(actor=admin, organisation=world.org, data={"title": "旧"})
    services.measure_update(
        actor=admin, measure=Measure.objects.get(pk=measure.pk), data={"title": "新"}, version=1
    )
    evidence = services.evidence_upload(
        actor=admin, organisation=world.org, scope=None, uploaded=upload(), attach_to=measure
    )
    stored = Measure.objects.get(pk=measure.pk)
    assert (stored.title, stored.version) == ("新", 3)
    assert list(stored.evidence_files.all()) == [evidence]
    attached_at = stored.updated_at
    services.evidence_detach(actor=admin, target=measure, evidence=evidence)
    stored = Measure.objects.get(pk=measure.pk)
    assert (stored.title, stored.version) == ("新", 4)
    assert not stored.evidence_files.exists()
    assert stored.updated_at > attached_at  # approved versions citing it become stale


def test_deletion_guards_are_registered_once_and_asked(world):
    def keep(measure):
        return "保存義務があります。" if measure.title == "保存" else None

    before = list(DELETE_GUARDS)
    try:
        assert register_delete_guard(keep) is keep
        register_delete_guard(keep)
        assert [*before, keep] == DELETE_GUARDS
        admin = world[Role.ADMIN]
        kept = services.measure_create(actor=admin, organisation=world.org, data={"title": "保存"})
        with pytest.raises(ValidationError) as refused:
            services.measure_delete(actor=admin, measure=kept)
        assert refused.value.messages == ["保存義務があります。"]
        gone = services.measure_create(actor=admin, organisation=world.org, data={"title": "削除"})
        services.measure_delete(actor=admin, measure=gone)
        assert list(Measure.objects.values_list("title", flat=True)) == ["保存"]
    finally:
        DELETE_GUARDS[:] = before


def test_mapping_hooks_are_registered_once_and_told_what_changed(world, catalogue):
    calls = []

    def hook(measure, added, removed):
        calls.append((measure.title, sorted(added), sorted(removed)))

    before = list(MAPPING_HOOKS)
    try:
        assert register_mapping_hook(hook) is hook
        register_mapping_hook(hook)
        assert [*before, hook] == MAPPING_HOOKS
        admin = world[Role.ADMIN]
        first, second = Control.objects.filter(ref__in=["5.1", "5.2"]).order_by("ref")
        made = services.measure_create(
            actor=admin, organisation=world.org, data={"title": "方針", "controls": [first]}
        )
        services.measure_update(
            actor=admin, measure=made, data={"controls": [second]}, version=made.version
        )
        assert calls == [("方針", [first.pk], []), ("方針", [second.pk], [first.pk])]
    finally:
        MAPPING_HOOKS[:] = before


def test_the_stored_file_is_the_uploaded_one_with_bounded_names(world):
    admin = world[Role.ADMIN]
    content = "2026年11月の復元テスト記録\n".encode() * 50
    long_name = "記" * 300 + ".txt"
    evidence = services.evidence_upload(
        actor=admin,
        organisation=world.org,
        scope=world.hq,
        uploaded=SimpleUploadedFile("記録.TXT", content, content_type="text/plain" + ";x" * 80),
        description="説" * 400,
    )
    evidence.refresh_from_db()
    digest = hashlib.sha256(content).hexdigest()
    # Stored under its hash (the client's name is no path), the suffix lower-cased (storage adds
    # a random part when an earlier test kept the same file); saved once.
    assert re.fullmatch(rf"{digest[:16]}(_\w{{7}})?\.txt", PurePath(evidence.file.name).name)
    entries = AuditEntry.objects.filter(model_label="measures.evidencefile", object_id=evidence.pk)
    assert list(entries.values_list("action", flat=True)) == ["create"]
    with evidence.file.open("rb") as stored:
        assert stored.read() == content  # read to the end for the hash, stored from the start
    assert evidence.sha256 == digest and evidence.size == len(content)
    assert evidence.name == "記録.TXT"
    assert evidence.description == "説" * 300
    assert evidence.content_type == ("text/plain" + ";x" * 80)[:100]
    # A file object without a content type (a command's, not a browser's) is kept with none;
    # its name, which no upload handler has shortened, is cut to the column's 255 characters.
    plain = services.evidence_upload(
        actor=admin,
        organisation=world.org,
        scope=world.hq,
        uploaded=ContentFile(content, name=long_name),
    )
    assert (plain.content_type, plain.name, plain.description) == ("", long_name[:255], "")

"""Evidence files: size- and type-checked uploads with their SHA-256, linked to measures and
to the records of other apps (SoA rows) that have an ``evidence_files`` relation."""

import hashlib
from pathlib import PurePath
from typing import Any, Protocol

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ume.core.models import Organisation, Scope, User
from ume.core.policies import require, write_target
from ume.core.services import service
from ume.core.validators import strip_control_characters

from ..models import EvidenceFile
from ..permissions import UPLOAD_EVIDENCE, VIEW_EVIDENCE


class EvidenceHolder(Protocol):
    """A record evidence is linked to: a measure, an SoA row, later a risk or a document."""

    pk: Any
    organisation_id: int
    evidence_files: Any

    def save(self, *args: Any, **kwargs: Any) -> None: ...


OLE2 = "ole2"
OLE2_SIGNATURE = bytes.fromhex("d0cf11e0a1b11ae1")
ALLOWED_EXTENSIONS = {
    ".pdf",
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".txt",
    ".csv",
    ".log",
    ".xlsx",
    ".xls",
    ".docx",
    ".doc",
    ".pptx",
    ".ppt",
    ".zip",
    ".eml",
    ".msg",
    ".json",
    ".xml",
    ".md",
}


def check_upload(uploaded) -> None:
    limit = settings.UME_EVIDENCE_MAX_BYTES
    suffix = PurePath(uploaded.name or "").suffix.lower()
    if suffix not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            {
                "file": _(
                    "Files of this type cannot be kept as evidence. Allowed: {types}."
                ).format(types=", ".join(sorted(ALLOWED_EXTENSIONS)))
            }
        )
    if uploaded.size > limit:
        raise ValidationError(
            {
                "file": _(
                    "The file is larger than {mb} MB. Split it or keep it "
                    "elsewhere and describe where."
                ).format(mb=limit // (1024 * 1024))
            }
        )
    if uploaded.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    check_content(uploaded, suffix)


# What the content of a file with each extension may be, as ``filetype`` recognises it from the
# file's first bytes; TEXT extensions must be text (no kind recognised, no NUL byte).
CONTENT_KINDS = {
    ".pdf": {"pdf"},
    ".png": {"png"},
    ".jpg": {"jpg"},
    ".jpeg": {"jpg"},
    ".gif": {"gif"},
    ".zip": {"zip"},
    ".xlsx": {"xlsx", "zip"},
    ".docx": {"docx", "zip"},
    ".pptx": {"pptx", "zip"},
    # Office 97–2003 files and Outlook messages are OLE2 compound files.
    ".xls": {"xls", OLE2},
    ".doc": {"doc", OLE2},
    ".ppt": {"ppt", OLE2},
    ".msg": {OLE2},
}
TEXT = {".txt", ".csv", ".log", ".json", ".xml", ".md", ".eml"}
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _content_kind(head: bytes) -> str | None:
    if head.startswith(OLE2_SIGNATURE):
        return OLE2
    kind = filetype.guess(head)
    return kind.extension if kind else None


def check_content(uploaded, suffix: str) -> None:
    """Refuse a file whose content is not what its extension says (an executable renamed
    .xlsx, random bytes named .pdf), from its signature; text must be text."""
    head = uploaded.read(8192)
    uploaded.seek(0)
    kind = _content_kind(head)
    if suffix in TEXT:
        binary = kind is not None or (b"\0" in head and not head.startswith(UTF16_BOMS))
        if not binary:
            return
    elif kind in CONTENT_KINDS.get(suffix, ()):
        return
    found = _("content of type “{kind}”").format(kind=kind) if kind else _("unrecognised content")
    raise ValidationError(
        {
            "file": _(
                "The content of the file does not match its extension {suffix} ({found}). "
                "Choose the original file, or save it again in that format."
            ).format(suffix=suffix, found=found)
        }
    )


@service(perm=UPLOAD_EVIDENCE, refs=("scope", "attach_to"))
def evidence_upload(
    *,
    actor: User,
    organisation: Organisation,
    scope: Scope | None,
    uploaded,
    description: str = "",
    attach_to: EvidenceHolder | None = None,
) -> EvidenceFile:
    require(actor, UPLOAD_EVIDENCE, write_target(organisation, scope))
    if scope is not None and scope.organisation_id != organisation.pk:
        raise ValidationError(_("Choose an ISMS scope of this organization."))
    if attach_to is not None:  # checked before the file is stored
        if attach_to.organisation_id != organisation.pk:
            raise ValidationError(_("The evidence belongs to another organization."))
        require(actor, UPLOAD_EVIDENCE, attach_to)
    evidence = store_evidence(
        actor=actor,
        organisation=organisation,
        scope=scope,
        uploaded=uploaded,
        description=description,
    )
    if attach_to is not None:
        _attach(attach_to, evidence)
    return evidence


def store_evidence(
    *, actor: User, organisation: Organisation, scope: Scope | None, uploaded, description: str
) -> EvidenceFile:
    """Check and store an uploaded file as evidence (its SHA-256 kept). No permission check:
    for ``evidence_upload`` and for another module's service that has checked its own (a
    deletion certificate stored by whoever may record the deletion)."""
    if scope is not None and scope.organisation_id != organisation.pk:
        raise ValidationError(_("Choose an ISMS scope of this organization."))
    check_upload(uploaded)
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    evidence = EvidenceFile(
        organisation=organisation,
        scope=scope,
        # The client names the file; the name is shown and exported, so it stays one line.
        name=strip_control_characters(PurePath(uploaded.name).name)[:255],
        description=description[:300],
        size=uploaded.size,
        sha256=digest.hexdigest(),
        content_type=strip_control_characters(getattr(uploaded, "content_type", "") or "")[:100],
        uploaded_by=actor,
    )
    evidence.file.save(
        f"{digest.hexdigest()[:16]}{PurePath(uploaded.name).suffix.lower()}", uploaded, save=False
    )
    evidence.save()
    return evidence


def link_evidence(target: EvidenceHolder, evidence: EvidenceFile) -> None:
    """Link stored evidence to a measure or SoA row of its organization. No permission check:
    see ``store_evidence``."""
    _attach(target, evidence)


def _attach(target: EvidenceHolder, evidence: EvidenceFile) -> None:
    if target.organisation_id != evidence.organisation_id:
        raise ValidationError(_("The evidence belongs to another organization."))
    target.evidence_files.add(evidence)
    _touch(target)


def _touch(target: EvidenceHolder) -> None:
    """Mark the measure or row changed (approved SoA versions covering it become stale, and an
    edit opened before is refused as stale) without saving the caller's copy of it, which may
    be older than the stored record: saving it would undo someone else's change."""
    type(target)._base_manager.filter(pk=target.pk).update(
        version=F("version") + 1, updated_at=timezone.now()
    )


@service(perm=UPLOAD_EVIDENCE, on="target", refs=("evidence",))
def evidence_attach(*, actor: User, target: EvidenceHolder, evidence: EvidenceFile) -> None:
    require(actor, VIEW_EVIDENCE, evidence)  # evidence of a scope the actor cannot see
    _attach(target, evidence)


@service(perm=UPLOAD_EVIDENCE, on="target", refs=("evidence",))
def evidence_detach(*, actor: User, target: EvidenceHolder, evidence: EvidenceFile) -> None:
    if not target.evidence_files.filter(pk=evidence.pk).exists():
        raise ValidationError(_("This evidence is not linked to this record."))
    target.evidence_files.remove(evidence)
    _touch(target)

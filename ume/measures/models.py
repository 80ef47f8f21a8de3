"""Measures (対策（実施事項）) and the evidence files kept for them and for SoA rows."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ume.catalogue.models import Control
from ume.core.fields import BoundedTextField
from ume.core.models import AuditedModel, Organisation, Scope, TimeStampedModel, VersionedModel
from ume.core.validators import MULTI_LINE, SINGLE_LINE

from .choices import MeasureStatus


class EvidenceFile(AuditedModel, TimeStampedModel):
    """A file kept as evidence (実施の証拠); its SHA-256 is stored to show it is unchanged."""

    # What __str__ reads: the audit trail names related records from these columns only.
    audit_name_fields = ("name",)

    audit_exclude = ("created_at", "updated_at")
    audit_scope_field = "scope_id"
    audit_former_labels = ("soa.evidencefile",)  # written before measures had their own app

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="evidence_files",
        verbose_name=_("organization"),
    )
    scope = models.ForeignKey(
        Scope,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence_files",
        verbose_name=_("ISMS scope"),
    )
    file = models.FileField(_("file"), upload_to="evidence/%Y/%m/")
    name = models.CharField(_("file name"), max_length=255, validators=SINGLE_LINE)
    description = models.CharField(
        _("description"), max_length=300, blank=True, validators=SINGLE_LINE
    )
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    content_type = models.CharField(_("file type (MIME)"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class Measure(AuditedModel, VersionedModel, TimeStampedModel):
    """A security measure the organisation practises (対策（実施事項）), mapped to controls."""

    # What __str__ reads: the audit trail names related records from these columns only.
    audit_name_fields = ("title",)

    audit_exclude = ("created_at", "updated_at")
    audit_scope_field = "scope_id"
    audit_former_labels = ("soa.measure",)  # written before measures had their own app

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="measures",
        verbose_name=_("organization"),
    )
    scope = models.ForeignKey(
        Scope,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("ISMS scope"),
        help_text=_("Leave empty when the measure applies to all scopes."),
    )
    title = models.CharField(_("title"), max_length=200, validators=SINGLE_LINE)
    description = BoundedTextField(
        _("description"), max_length=10_000, blank=True, validators=MULTI_LINE
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=MeasureStatus.choices,
        default=MeasureStatus.IN_OPERATION,
    )
    evidence_note = BoundedTextField(
        _("evidence"),
        blank=True,
        help_text=_("Where the evidence is kept, e.g. records, logs, screenshots, minutes."),
        validators=MULTI_LINE,
    )
    controls = models.ManyToManyField(
        Control, blank=True, related_name="org_measures", verbose_name=_("controls")
    )
    evidence_files = models.ManyToManyField(
        EvidenceFile, blank=True, related_name="measures", verbose_name=_("evidence files")
    )

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["organisation", "title"]
        # The list's default order (title) and its sort by last update, at 20,000 measures.
        indexes = [
            models.Index(fields=["organisation", "updated_at"]),
            models.Index(fields=["organisation", "title"]),
        ]

    def __str__(self) -> str:
        return self.title

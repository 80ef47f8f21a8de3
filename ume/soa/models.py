"""The Statement of Applicability with its approved versions; its rows link the measures and
evidence files of ``ume.measures``."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ume.catalogue.choices import Level
from ume.catalogue.models import Control, LevelVariant
from ume.core.fields import BoundedTextField
from ume.core.models import AuditedModel, Organisation, Scope, TimeStampedModel, VersionedModel
from ume.core.validators import MULTI_LINE, SINGLE_LINE
from ume.measures.models import EvidenceFile, Measure

from .choices import ImplementationStatus, InclusionReason


class StatementOfApplicability(AuditedModel, TimeStampedModel):
    """The SoA of one ISMS scope: its rows are the working draft; approvals freeze versions."""

    # What __str__ reads: the audit trail names related records from these columns only.
    audit_name_fields = ("scope__name",)

    audit_exclude = ("created_at", "updated_at")
    audit_scope_field = "scope_id"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="soas", verbose_name=_("organization")
    )
    scope = models.OneToOneField(
        Scope, on_delete=models.PROTECT, related_name="soa", verbose_name=_("ISMS scope")
    )

    class Meta:
        verbose_name = _("Statement of Applicability")
        verbose_name_plural = _("Statements of Applicability")

    def __str__(self) -> str:
        return str(self.scope)


class SoARow(AuditedModel, VersionedModel, TimeStampedModel):
    """One control in a scope's SoA (JIS Q 27001 6.1.3 d))."""

    # What __str__ reads: the audit trail names related records from these columns only.
    audit_name_fields = ("scope__name", "control__ref")

    audit_exclude = ("created_at", "updated_at")
    audit_scope_field = "scope_id"
    audit_value_choices = {"reasons": dict(InclusionReason.choices)}  # a list field's values

    soa = models.ForeignKey(
        StatementOfApplicability,
        on_delete=models.CASCADE,
        related_name="rows",
        verbose_name=_("Statement of Applicability"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organization")
    )
    scope = models.ForeignKey(
        Scope, on_delete=models.PROTECT, related_name="+", verbose_name=_("ISMS scope")
    )
    control = models.ForeignKey(
        Control, on_delete=models.PROTECT, related_name="soa_rows", verbose_name=_("control")
    )
    applicable = models.BooleanField(_("applicability"), default=True)
    reasons = models.JSONField(_("reasons for inclusion"), default=list, blank=True)
    exclusion_justification = BoundedTextField(
        _("justification for exclusion"), blank=True, validators=MULTI_LINE
    )
    status = models.CharField(
        _("implementation status"),
        max_length=16,
        choices=ImplementationStatus.choices,
        default=ImplementationStatus.NOT_IMPLEMENTED,
    )
    target_level = models.CharField(
        _("target level"), max_length=8, choices=Level.choices, default=Level.UME
    )
    current_level = models.CharField(
        _("current level"), max_length=8, choices=Level.choices, blank=True
    )
    current_variant = models.ForeignKey(
        LevelVariant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("implementation example"),
    )
    procedure = models.CharField(
        _("procedure"),
        max_length=200,
        blank=True,
        help_text=_(
            "The organization's procedure document for this control (title or document number)."
        ),
        validators=SINGLE_LINE,
    )
    notes = BoundedTextField(_("notes"), blank=True, validators=MULTI_LINE)
    # 要確認: why the row must be checked (e.g. merged or new after a 2013 migration); empty
    # once someone has confirmed it.
    review_note = BoundedTextField(_("needs review"), blank=True, validators=MULTI_LINE)
    measures = models.ManyToManyField(
        Measure, blank=True, related_name="soa_rows", verbose_name=_("measures")
    )
    evidence_files = models.ManyToManyField(
        EvidenceFile, blank=True, related_name="soa_rows", verbose_name=_("evidence files")
    )

    class Meta:
        verbose_name = _("SoA row")
        verbose_name_plural = _("SoA rows")
        ordering = ["soa", "control__sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["soa", "control"], name="soa_row_unique_control")
        ]

    def __str__(self) -> str:
        return f"{self.scope} / {self.control.ref}"

    def reason_labels(self) -> list[str]:
        labels = dict(InclusionReason.choices)
        return [str(labels[r]) for r in self.reasons if r in labels]


class SoAVersion(AuditedModel, TimeStampedModel):
    """An approved, frozen version of a scope's SoA (who, when, comment, every row)."""

    audit_exclude = ("created_at", "updated_at", "snapshot")  # its digest is in the trail
    audit_scope_field = "scope_id"

    soa = models.ForeignKey(
        StatementOfApplicability,
        on_delete=models.PROTECT,
        related_name="versions",
        verbose_name=_("Statement of Applicability"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organization")
    )
    scope = models.ForeignKey(
        Scope, on_delete=models.PROTECT, related_name="+", verbose_name=_("ISMS scope")
    )
    number = models.PositiveIntegerField(_("version"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"))
    comment = BoundedTextField(_("comment"), blank=True, validators=MULTI_LINE)
    snapshot = models.JSONField(default=dict)
    snapshot_sha256 = models.CharField(_("snapshot digest (SHA-256)"), max_length=64)
    # What the approval covered, for 改訂推奨 (revision recommended) when they change later.
    measures = models.ManyToManyField(
        Measure, blank=True, related_name="soa_versions", verbose_name=_("measures")
    )
    evidence_files = models.ManyToManyField(
        EvidenceFile, blank=True, related_name="soa_versions", verbose_name=_("evidence files")
    )

    class Meta:
        verbose_name = _("SoA version")
        verbose_name_plural = _("SoA versions")
        ordering = ["soa", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["soa", "number"], name="soa_version_unique_number")
        ]

    def __str__(self) -> str:
        from django.utils.translation import gettext

        return gettext("{scope}, version {number}").format(scope=self.scope, number=self.number)

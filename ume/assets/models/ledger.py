"""The information asset ledger (情報資産台帳): assets per ISMS scope with their owner
(管理責任者), where they are kept, 機密区分, C/I/A values and the 重要度 derived from them, and
personal data flags. The classification scheme and the importance rule are the organization's
own settings, seeded with Ume's defaults (``defaults.py``)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ume.core.fields import BoundedTextField
from ume.core.models import (
    AuditedModel,
    Department,
    Organisation,
    Scope,
    TimeStampedModel,
    VersionedModel,
)
from ume.core.validators import MULTI_LINE, SINGLE_LINE
from ume.measures.models import Measure

from ..choices import (
    AssetStatus,
    AssetType,
    DeviceIdKind,
    DeviceKind,
    ImportanceRule,
    Location,
    Ownership,
    RemovalApprover,
)

CIA = [MinValueValidator(1), MaxValueValidator(3)]


class ClassificationLevel(AuditedModel, VersionedModel, TimeStampedModel):
    """One level of the organization's 機密区分 (e.g. 極秘 / 秘 / 社外秘 / 公開); ``rank`` 1 is
    the most confidential."""

    audit_name_fields = ("name_ja",)
    audit_exclude = ("created_at", "updated_at")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="classification_levels",
        verbose_name=_("organization"),
    )
    rank = models.PositiveSmallIntegerField(_("order"), help_text=_("1 is the most confidential."))
    name_ja = models.CharField(_("name (Japanese)"), max_length=40, validators=SINGLE_LINE)
    name_en = models.CharField(
        _("name (English)"), max_length=60, blank=True, validators=SINGLE_LINE
    )
    handling = models.CharField(
        _("how it is handled"), max_length=300, blank=True, validators=SINGLE_LINE
    )
    provenance = models.CharField(_("source"), max_length=300, blank=True, validators=SINGLE_LINE)

    class Meta:
        verbose_name = _("classification level")
        verbose_name_plural = _("classification levels")
        ordering = ["organisation", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name_ja"], name="classification_name_once"
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        english = (get_language() or "ja").startswith("en")
        return (self.name_en if english else "") or self.name_ja


class LedgerSettings(AuditedModel, VersionedModel, TimeStampedModel):
    """The organization's ledger settings: how 重要度 follows from C/I/A, and who approves
    equipment leaving the premises (持出)."""

    audit_exclude = ("created_at", "updated_at")

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="ledger_settings",
        verbose_name=_("organization"),
    )
    importance_rule = models.CharField(
        _("importance rule"),
        max_length=16,
        choices=ImportanceRule.choices,
        default=ImportanceRule.HIGHEST,
    )
    removal_approver = models.CharField(
        _("who approves equipment removals"),
        max_length=16,
        choices=RemovalApprover.choices,
        default=RemovalApprover.DEPARTMENT_HEAD,
    )

    class Meta:
        verbose_name = _("ledger settings")
        verbose_name_plural = _("ledger settings")

    def __str__(self) -> str:
        return str(self.organisation)


class Asset(AuditedModel, VersionedModel, TimeStampedModel):
    """An information asset (情報資産) of one ISMS scope."""

    audit_name_fields = ("ref", "name")
    audit_exclude = ("created_at", "updated_at")
    audit_scope_field = "scope_id"

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="assets",
        verbose_name=_("organization"),
    )
    scope = models.ForeignKey(
        Scope, on_delete=models.PROTECT, related_name="assets", verbose_name=_("ISMS scope")
    )
    ref = models.CharField(
        _("asset number"),
        max_length=32,
        validators=SINGLE_LINE,
        help_text=_("Left empty, the next free number is given (A-00001, A-00002 …)."),
    )
    name = models.CharField(_("asset name"), max_length=200, validators=SINGLE_LINE)
    asset_type = models.CharField(
        _("asset type"), max_length=16, choices=AssetType.choices, default=AssetType.INFORMATION
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("asset owner"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assets",
        verbose_name=_("department"),
    )
    location = models.CharField(
        _("storage"), max_length=16, choices=Location.choices, default=Location.FILE_SERVER
    )
    storage_detail = models.CharField(
        _("storage details"),
        max_length=200,
        blank=True,
        validators=SINGLE_LINE,
        help_text=_("e.g. the folder, the cabinet or the name of the cloud service."),
    )
    media_format = models.CharField(
        _("format"),
        max_length=100,
        blank=True,
        validators=SINGLE_LINE,
        help_text=_("e.g. Excel, PDF, paper forms, a database."),
    )
    classification = models.ForeignKey(
        ClassificationLevel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assets",
        verbose_name=_("classification"),
    )
    confidentiality = models.PositiveSmallIntegerField(
        _("confidentiality"), null=True, blank=True, validators=CIA
    )
    integrity = models.PositiveSmallIntegerField(
        _("integrity"), null=True, blank=True, validators=CIA
    )
    availability = models.PositiveSmallIntegerField(
        _("availability"), null=True, blank=True, validators=CIA
    )
    importance = models.PositiveSmallIntegerField(
        _("importance"), null=True, blank=True, editable=False
    )
    personal_info = models.BooleanField(_("personal information"), default=False)
    sensitive_personal_info = models.BooleanField(
        _("special care-required personal information"), default=False
    )
    my_number = models.BooleanField(_("specific personal information (My Number)"), default=False)
    holder = models.CharField(
        _("supplier or cloud service holding it"),
        max_length=200,
        blank=True,
        validators=SINGLE_LINE,
    )
    measures = models.ManyToManyField(
        Measure, blank=True, related_name="assets", verbose_name=_("measures")
    )
    retention_rules = models.ManyToManyField(
        "assets.RetentionRule", blank=True, related_name="assets", verbose_name=_("retention rules")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=AssetStatus.choices, default=AssetStatus.IN_USE
    )
    last_reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True)
    notes = BoundedTextField(_("notes"), max_length=5_000, blank=True, validators=MULTI_LINE)

    # Endpoints (8.1, 6.7): hardware that holds or reaches the organization's information.
    # Seed 003: devices allowed to connect from outside are registered and identified; seed
    # 004: personal devices (BYOD) are used only with approval (シャドーIT).
    device_kind = models.CharField(
        _("endpoint type"), max_length=16, choices=DeviceKind.choices, blank=True
    )
    ownership = models.CharField(
        _("owned by"), max_length=16, choices=Ownership.choices, blank=True
    )
    byod_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("BYOD approved by"),
    )
    byod_approved_on = models.DateField(_("BYOD approved on"), null=True, blank=True)
    byod_expires_on = models.DateField(_("BYOD approval ends on"), null=True, blank=True)
    remote_access = models.BooleanField(_("connects from outside"), default=False)
    device_id_kind = models.CharField(
        _("identified by"), max_length=16, choices=DeviceIdKind.choices, blank=True
    )
    device_id = models.CharField(
        _("device identifier"), max_length=200, blank=True, validators=SINGLE_LINE
    )
    mdm_enrolled = models.BooleanField(_("enrolled in MDM"), default=False)
    disk_encrypted = models.BooleanField(_("disk encrypted"), default=False)
    os_name = models.CharField(
        _("operating system"), max_length=60, blank=True, validators=SINGLE_LINE
    )
    os_version = models.CharField(
        _("OS version"), max_length=60, blank=True, validators=SINGLE_LINE
    )
    endpoint_confirmed_on = models.DateField(_("endpoint last confirmed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("information asset")
        verbose_name_plural = _("information assets")
        ordering = ["organisation", "ref"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "ref"], name="asset_ref_once")
        ]
        # The ledger's default order (number) and its sorts and filters, at 20,000 assets.
        indexes = [
            models.Index(fields=["organisation", "name"]),
            models.Index(fields=["organisation", "updated_at"]),
            # Sorted by importance either way without a sort step (ties by number).
            models.Index(fields=["organisation", "importance", "ref"]),
            models.Index(fields=["scope", "ref"]),
            # The ledger's count of unowned assets, read from the index alone.
            models.Index(fields=["organisation", "owner"]),
            # The search (number, name, storage, holder) scans this narrow index, not the rows.
            models.Index(
                fields=["organisation", "ref", "name", "storage_detail", "holder", "scope"],
                name="asset_search",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.name}"

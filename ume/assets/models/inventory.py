"""棚卸し (inventory reviews, A.5.9): a campaign per scope puts each asset in use to its
管理責任者, who confirms it as registered, corrects it, or reports it not found. The campaign's
report (per department) is kept as evidence of 5.9."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ume.core.models import (
    AuditedModel,
    Department,
    Organisation,
    Scope,
    TimeStampedModel,
    VersionedModel,
)
from ume.core.validators import SINGLE_LINE

from ..choices import CheckResult

USER = {"on_delete": models.SET_NULL, "null": True, "blank": True, "related_name": "+"}


class InventoryCampaign(AuditedModel, VersionedModel, TimeStampedModel):
    audit_exclude = ("created_at", "updated_at")
    audit_scope_field = "scope_id"

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="inventory_campaigns",
        verbose_name=_("organization"),
    )
    scope = models.ForeignKey(
        Scope, on_delete=models.PROTECT, related_name="+", verbose_name=_("ISMS scope")
    )
    name = models.CharField(_("name"), max_length=200, validators=SINGLE_LINE)
    started_on = models.DateField(_("started on"))
    due_on = models.DateField(_("answer by"))
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"), **USER)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("closed by"), **USER)
    report = models.ForeignKey(
        "measures.EvidenceFile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("report"),
    )

    class Meta:
        verbose_name = _("inventory review")
        verbose_name_plural = _("inventory reviews")
        ordering = ["-started_on", "-pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class InventoryCheck(AuditedModel, VersionedModel, TimeStampedModel):
    """One asset in a campaign, with its owner and department when the campaign started."""

    audit_exclude = ("created_at", "updated_at")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    campaign = models.ForeignKey(
        InventoryCampaign,
        on_delete=models.CASCADE,
        related_name="checks",
        verbose_name=_("inventory review"),
    )
    asset = models.ForeignKey(
        "assets.Asset",
        on_delete=models.PROTECT,
        related_name="inventory_checks",
        verbose_name=_("asset"),
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("asset owner"), **USER)
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    result = models.CharField(
        _("result"),
        max_length=16,
        choices=CheckResult.choices,
        default=CheckResult.PENDING,
        db_index=True,
    )
    changed_fields = models.JSONField(_("fields corrected"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True, validators=SINGLE_LINE)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"), **USER)
    checked_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("inventory check")
        verbose_name_plural = _("inventory checks")
        ordering = ["asset__ref"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "asset"], name="inventory_check_once")
        ]
        # Each campaign's answers counted, and the pending checks listed, from the index.
        indexes = [models.Index(fields=["campaign", "result"])]

    def __str__(self) -> str:
        return f"{self.campaign} / {self.asset_id}"

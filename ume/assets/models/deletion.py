"""Deletion records (消去記録): which retained items of a batch were deleted, how, when, by whom
and before whom, with the 消去証明書 kept as evidence. A record keeps ids and counts, never a
copy of what was deleted."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ume.core.fields import BoundedTextField
from ume.core.models import AuditedModel, Organisation, TimeStampedModel
from ume.core.validators import MULTI_LINE, SINGLE_LINE

from ..choices import DeletionMethod


class DeletionRecord(AuditedModel, TimeStampedModel):
    audit_exclude = ("created_at", "updated_at")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="deletion_records",
        verbose_name=_("organization"),
    )
    asset = models.ForeignKey(
        "assets.Asset",
        on_delete=models.PROTECT,
        related_name="deletion_records",
        verbose_name=_("record"),
    )
    batch = models.ForeignKey(
        "assets.RetentionBatch",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deletion_records",
        verbose_name=_("batch"),
    )
    batch_label = models.CharField(_("batch"), max_length=300, blank=True, validators=SINGLE_LINE)
    item_count = models.PositiveIntegerField(_("items deleted"))
    subject_ids = models.JSONField(_("subjects (ids)"), default=list, blank=True)
    method = models.CharField(_("method"), max_length=16, choices=DeletionMethod.choices)
    deleted_on = models.DateField(_("deleted on"))
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("deleted by"),
    )
    witness = models.CharField(_("witness"), max_length=200, blank=True, validators=SINGLE_LINE)
    supplier = models.CharField(
        _("supplier that held the data"), max_length=200, blank=True, validators=SINGLE_LINE
    )
    supplier_confirmation = models.CharField(
        _("supplier's confirmation"), max_length=300, blank=True, validators=SINGLE_LINE
    )
    certificate = models.ForeignKey(
        "measures.EvidenceFile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("certificate of erasure"),
    )
    notes = BoundedTextField(_("notes"), blank=True, validators=MULTI_LINE)

    class Meta:
        verbose_name = _("deletion record")
        verbose_name_plural = _("deletion records")
        ordering = ["-deleted_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.batch_label or self.asset.name} ({self.deleted_on:%Y/%m/%d})"

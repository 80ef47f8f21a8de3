"""Equipment removals (持出): a device or medium leaving the premises for repair, fault
analysis or disposal, approved by a manager before it leaves (A.7.13 装置の保守, seed 003's
adopted proposal #4), and closed as returned (checked by whom) or disposed of (A.7.14, with the
deletion record and the supplier's certificate)."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ume.core.fields import BoundedTextField
from ume.core.models import AuditedModel, Organisation, Scope, TimeStampedModel, VersionedModel
from ume.core.validators import MULTI_LINE, SINGLE_LINE

from ..choices import DataHandling, RemovalPurpose, RemovalStatus

USER = {"on_delete": models.SET_NULL, "null": True, "blank": True, "related_name": "+"}


class EquipmentRemoval(AuditedModel, VersionedModel, TimeStampedModel):
    audit_exclude = ("created_at", "updated_at")
    audit_scope_field = "scope_id"

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="equipment_removals",
        verbose_name=_("organization"),
    )
    scope = models.ForeignKey(
        Scope, on_delete=models.PROTECT, related_name="+", verbose_name=_("ISMS scope")
    )
    asset = models.ForeignKey(
        "assets.Asset",
        on_delete=models.PROTECT,
        related_name="removals",
        verbose_name=_("equipment"),
    )
    purpose = models.CharField(_("purpose"), max_length=16, choices=RemovalPurpose.choices)
    supplier = models.CharField(_("supplier taking it"), max_length=200, validators=SINGLE_LINE)
    data_held = models.CharField(
        _("data on it"), max_length=300, blank=True, validators=SINGLE_LINE
    )
    data_handling = models.CharField(
        _("done to the data first"), max_length=16, choices=DataHandling.choices
    )
    out_on = models.DateField(_("out date"))
    expected_return_on = models.DateField(_("expected return"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RemovalStatus.choices,
        default=RemovalStatus.REQUESTED,
        db_index=True,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), **USER
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), **USER)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(
        _("approver's comment"), max_length=300, blank=True, validators=SINGLE_LINE
    )
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("checked by"), **USER)
    closing_note = models.CharField(
        _("closing note"), max_length=300, blank=True, validators=SINGLE_LINE
    )
    deletion = models.OneToOneField(
        "assets.DeletionRecord",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="removal",
        verbose_name=_("deletion record"),
    )
    notes = BoundedTextField(_("notes"), blank=True, validators=MULTI_LINE)

    class Meta:
        verbose_name = _("equipment removal")
        verbose_name_plural = _("equipment removals")
        ordering = ["-out_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "status", "expected_return_on"])]

    def __str__(self) -> str:
        return f"{self.asset} → {self.supplier} ({self.out_on:%Y/%m/%d})"

    @property
    def is_out(self) -> bool:
        """Approved and past its out date: the equipment is off the premises."""
        return self.status == RemovalStatus.APPROVED and self.out_on <= timezone.localdate()

    @staticmethod
    def overdue_q(today: dt.date) -> models.Q:
        """Removals out beyond their expected return (lists, filters and figures); the same
        test as ``overdue``."""
        return models.Q(status=RemovalStatus.APPROVED, expected_return_on__lt=today)

    @property
    def overdue(self) -> bool:
        """Out beyond its expected return."""
        return (
            self.status == RemovalStatus.APPROVED
            and self.expected_return_on is not None
            and self.expected_return_on < timezone.localdate()
        )

"""Organisation, ISMS scope (適用範囲) and department."""

import calendar
from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import BusinessType, Industry, ItDependency, MfaRequirement, SizeBand
from ..fields import BoundedTextField
from ..validators import MULTI_LINE, SINGLE_LINE
from .base import AuditedModel, TimeStampedModel, VersionedModel


class Organisation(AuditedModel, VersionedModel, TimeStampedModel):
    """The organisation that runs the ISMS (JIS Q 27001 4.1)."""

    # What __str__ reads: the audit trail names related records from these columns only.
    audit_name_fields = ("name",)

    audit_organisation_field = "pk"
    audit_exclude = ("created_at", "updated_at")

    name = models.CharField(_("name"), max_length=200, validators=SINGLE_LINE)
    name_en = models.CharField(
        _("name (English)"), max_length=200, blank=True, validators=SINGLE_LINE
    )
    industry = models.CharField(
        _("industry"), max_length=32, choices=Industry.choices, default=Industry.OTHER
    )
    employee_count = models.PositiveIntegerField(_("number of staff"), default=1)
    business_type = models.CharField(
        _("business type"), max_length=32, choices=BusinessType.choices, default=BusinessType.B2B
    )
    it_dependency = models.CharField(
        _("IT dependency"), max_length=8, choices=ItDependency.choices, default=ItDependency.MEDIUM
    )
    has_public_systems = models.BooleanField(_("runs public-facing systems"), default=False)
    holds_personal_data_at_scale = models.BooleanField(
        _("holds personal data at scale"),
        default=False,
        help_text=_(
            "For example personal data of 5,000 or more people (the threshold of the small "
            "business exemption in the Act on the Protection of Personal Information before "
            "its 2017 amendment), or special care-required personal information."
        ),
    )
    develops_software = models.BooleanField(
        _("develops software"),
        default=False,
        help_text=_("Develops or maintains software for customers or as its own product."),
    )
    require_mfa = models.CharField(
        _("multi-factor authentication"),
        max_length=16,
        choices=MfaRequirement.choices,
        default=MfaRequirement.NONE,
    )
    api_token_max_days = models.PositiveSmallIntegerField(
        _("longest API token validity (days)"),
        default=365,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
        help_text=_("API tokens expire after at most this many days (1 to 730)."),
    )

    fiscal_year_end_month = models.PositiveSmallIntegerField(
        _("fiscal year ends in (month)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_(
            "The fiscal year ends on the last day of this month (3: 31 March). Retention "
            "periods that count from the closing of the books or the tax filing deadline "
            "follow it."
        ),
    )
    tax_filing_extension_months = models.PositiveSmallIntegerField(
        _("extension of the corporate tax filing deadline (months)"),
        default=0,
        validators=[MaxValueValidator(4)],
        help_text=_(
            "The corporate tax return is due two months after the fiscal year ends; enter "
            "the months of an approved extension (申告期限の延長), usually 1."
        ),
    )

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def fiscal_year_end(self, day) -> "date":
        """The last day of the fiscal year that contains ``day``."""
        year = day.year if day.month <= self.fiscal_year_end_month else day.year + 1
        last = calendar.monthrange(year, self.fiscal_year_end_month)[1]
        return date(year, self.fiscal_year_end_month, last)

    def fiscal_year(self, day) -> int:
        """The 年度 of ``day``, named by the year the fiscal year starts in (2025年度 runs
        from April 2025 to March 2026 when the year ends in March)."""
        end = self.fiscal_year_end(day)
        return end.year if self.fiscal_year_end_month == 12 else end.year - 1

    def tax_filing_deadline(self, day) -> "date":
        """The corporate tax filing deadline of the fiscal year containing ``day``: two
        months after its end (法人税法 第74条), plus any approved extension (第75条の2)."""
        end = self.fiscal_year_end(day)
        months = 2 + self.tax_filing_extension_months
        year, index = divmod(end.year * 12 + end.month - 1 + months, 12)
        return date(year, index + 1, calendar.monthrange(year, index + 1)[1])

    @property
    def size_band(self) -> str:
        if self.employee_count <= 20:
            return SizeBand.SMALL
        if self.employee_count <= 300:
            return SizeBand.MEDIUM
        return SizeBand.LARGE


class Scope(AuditedModel, VersionedModel, TimeStampedModel):
    """An ISMS scope (適用範囲, JIS Q 27001 4.3); each has its own SoA, risks and audits."""

    # What __str__ reads: the audit trail names related records from these columns only.
    audit_name_fields = ("name",)

    audit_scope_field = "pk"
    audit_exclude = ("created_at", "updated_at")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="scopes",
        verbose_name=_("organization"),
    )
    name = models.CharField(_("name"), max_length=200, validators=SINGLE_LINE)
    boundaries = BoundedTextField(
        _("boundaries"),
        blank=True,
        help_text=_("Business, organizational units, networks and interfaces inside the scope."),
        validators=MULTI_LINE,
    )
    sites = BoundedTextField(
        _("sites"), blank=True, help_text=_("One site per line."), validators=MULTI_LINE
    )
    certification_body = models.CharField(
        _("certification body"), max_length=200, blank=True, validators=SINGLE_LINE
    )
    certificate_number = models.CharField(
        _("certificate number"), max_length=100, blank=True, validators=SINGLE_LINE
    )
    certified_on = models.DateField(_("initial certification date"), null=True, blank=True)
    certificate_expires_on = models.DateField(_("certificate expiry date"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("ISMS scope")
        verbose_name_plural = _("ISMS scopes")
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="scope_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("core:scope_detail", args=[self.pk])

    @property
    def site_list(self) -> list[str]:
        return [s.strip() for s in self.sites.splitlines() if s.strip()]


class Department(AuditedModel, VersionedModel, TimeStampedModel):
    """An organisational unit; department heads own its assets and risks."""

    # What __str__ reads: the audit trail names related records from these columns only.
    audit_name_fields = ("name",)

    audit_exclude = ("created_at", "updated_at")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="departments",
        verbose_name=_("organization"),
    )
    name = models.CharField(_("name"), max_length=200, validators=SINGLE_LINE)
    scopes = models.ManyToManyField(
        Scope, blank=True, related_name="departments", verbose_name=_("ISMS scopes")
    )
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department head"),
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="department_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

"""Risk assessment records. A ``RiskMethod`` is one revision of an organization's risk method
(ISO/IEC 27001 6.1.2 a–b): its scales, matrix bands and リスク受容基準. Revisions are never
changed; a change writes the next one, so an assessment made under an older method stays
readable with the method it used."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ume.core.models import AuditedModel, Organisation, VersionedModel
from ume.core.validators import MULTI_LINE

from . import matrix


class RiskMethod(AuditedModel, VersionedModel):
    """``version`` is the revision number (1, 2, …) of the organization's method."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="risk_methods",
        verbose_name=_("organization"),
    )
    # [{"ja": "まれ", "en": "Rare"}, …] from the lowest step up.
    likelihood_labels = models.JSONField(_("likelihood scale"))
    impact_labels = models.JSONField(_("impact scale"))
    low_max = models.PositiveSmallIntegerField(_("highest low level"))
    medium_max = models.PositiveSmallIntegerField(_("highest medium level"))
    acceptance_max = models.PositiveSmallIntegerField(_("risk acceptance criterion"))
    note = models.TextField(_("reason for the change"), blank=True, validators=MULTI_LINE)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    audit_name_fields = ("version",)

    class Meta:
        verbose_name = _("risk method")
        verbose_name_plural = _("risk methods")
        ordering = ["organisation", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "version"], name="risks_method_one_per_revision"
            )
        ]

    def __str__(self) -> str:
        return str(_("Risk method, revision {number}")).format(number=self.version)

    @property
    def method(self) -> matrix.Method:
        return matrix.Method(
            likelihood_steps=len(self.likelihood_labels),
            impact_steps=len(self.impact_labels),
            low_max=self.low_max,
            medium_max=self.medium_max,
            acceptance_max=self.acceptance_max,
        )

    @staticmethod
    def _labels(steps: list[dict[str, str]]) -> list[str]:
        english = (get_language() or "ja").startswith("en")
        return [(s.get("en") if english else None) or s["ja"] for s in steps]

    @property
    def likelihood_names(self) -> list[str]:
        return self._labels(self.likelihood_labels)

    @property
    def impact_names(self) -> list[str]:
        return self._labels(self.impact_labels)

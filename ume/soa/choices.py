"""Choice lists of the SoA. Labels follow ume/locale/GLOSSARY.md."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImplementationStatus(models.TextChoices):
    """実施状況 (glossary: 実施済み / 一部実施 / 未実施 / 対象外)."""

    IMPLEMENTED = "implemented", _("Implemented")
    PARTIAL = "partial", _("Partially implemented")
    NOT_IMPLEMENTED = "not_implemented", _("Not implemented")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class InclusionReason(models.TextChoices):
    """管理策を含めた理由 (JIS Q 27001 6.1.3 d))."""

    RISK = "risk", _("Risk treatment")
    LEGAL = "legal", _("Laws and regulations")
    CONTRACT = "contract", _("Contracts")
    BUSINESS = "business", _("Business requirements")

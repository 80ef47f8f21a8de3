"""Choice lists of the catalogue. Labels follow ume/locale/GLOSSARY.md."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Theme(models.TextChoices):
    """The four themes of Annex A (JIS Q 27001:2023 附属書A 5–8)."""

    ORGANIZATIONAL = "organizational", _("Organizational controls")
    PEOPLE = "people", _("People controls")
    PHYSICAL = "physical", _("Physical controls")
    TECHNOLOGICAL = "technological", _("Technological controls")


THEME_NUMBER = {Theme.ORGANIZATIONAL: 5, Theme.PEOPLE: 6, Theme.PHYSICAL: 7, Theme.TECHNOLOGICAL: 8}


class Level(models.TextChoices):
    """Implementation levels 梅・竹・松 (JNSA ISMS user group): cumulative, 梅 first."""

    UME = "ume", _("Plum (basic)")
    TAKE = "take", _("Bamboo (standard)")
    MATSU = "matsu", _("Pine (advanced)")


LEVEL_RANK = {Level.UME: 1, Level.TAKE: 2, Level.MATSU: 3}


class Attribute(models.TextChoices):
    """ISO/IEC 27002:2022 clause 4.2 attributes."""

    CONTROL_TYPE = "control_type", _("Control type")
    SECURITY_PROPERTIES = "security_properties", _("Information security properties")
    CYBERSECURITY_CONCEPTS = "cybersecurity_concepts", _("Cybersecurity concepts")
    OPERATIONAL_CAPABILITIES = "operational_capabilities", _("Operational capabilities")
    SECURITY_DOMAINS = "security_domains", _("Security domains")


class ProposalOutcome(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    REJECTED = "rejected", _("Not adopted")
    PENDING = "pending", _("Pending")
    RESOLVED = "resolved", _("Reason for the proposal resolved")
    NOT_SUBMITTED = "not_submitted", _("Not submitted")

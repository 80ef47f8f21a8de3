"""Choice lists of the platform core. Labels follow ume/locale/GLOSSARY.md."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles a member holds in an organisation, optionally limited to one ISMS scope."""

    ADMIN = "admin", _("Administrator")
    SECRETARIAT = "secretariat", _("ISMS secretariat")
    TOP_MANAGEMENT = "top_management", _("Top management")
    DEPARTMENT_HEAD = "department_head", _("Department head (owner)")
    STAFF = "staff", _("Staff")
    INTERNAL_AUDITOR = "internal_auditor", _("Internal auditor")
    EXTERNAL_AUDITOR = "external_auditor", _("External auditor (read-only)")


class Industry(models.TextChoices):
    MANUFACTURING = "manufacturing", _("Manufacturing")
    IT_SERVICES = "it_services", _("Information and communications")
    WHOLESALE_RETAIL = "wholesale_retail", _("Wholesale and retail")
    FINANCE = "finance", _("Finance and insurance")
    CONSTRUCTION = "construction", _("Construction")
    MEDICAL_WELFARE = "medical_welfare", _("Medical care and welfare")
    EDUCATION = "education", _("Education and learning support")
    PROFESSIONAL = "professional", _("Professional and technical services")
    LOGISTICS = "logistics", _("Transport and postal services")
    PUBLIC = "public", _("Public administration")
    OTHER = "other", _("Other")


class BusinessType(models.TextChoices):
    """What the organisation mainly does with information (drives recommended levels later)."""

    B2B = "b2b", _("Business to business (B2B)")
    B2C = "b2c", _("Business to consumer (B2C)")
    OUTSOURCED_PROCESSING = "outsourced", _("Contracted processing of clients' information")
    PUBLIC_SERVICE = "public_service", _("Public or social infrastructure service")
    INTERNAL = "internal", _("Internal use only")


class SizeBand(models.TextChoices):
    SMALL = "small", _("Up to 20 staff")
    MEDIUM = "medium", _("21 to 300 staff")
    LARGE = "large", _("More than 300 staff")


class ItDependency(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class MfaRequirement(models.TextChoices):
    NONE = "none", _("Not required")
    ADMINS = "admins", _("Required for administrators")
    EVERYONE = "everyone", _("Required for everyone")


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")
    EVENT = "event", _("Event")

"""Choice lists of measures. Labels follow ume/locale/GLOSSARY.md."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_OPERATION = "in_operation", _("In operation")
    RETIRED = "retired", _("Retired")

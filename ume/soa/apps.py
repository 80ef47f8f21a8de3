from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SoaConfig(AppConfig):
    name = "ume.soa"
    label = "soa"
    verbose_name = _("Statement of Applicability")

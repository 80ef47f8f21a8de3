from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ume.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from . import audit, signals  # noqa: F401  (connect the audit trail and login tracking)

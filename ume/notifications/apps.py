from django.utils.translation import gettext_lazy as _

from ume.core.apps import UmeAppConfig


class NotificationsConfig(UmeAppConfig):
    default = True
    name = "ume.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
    demo = "ume.notifications.demo.seed_demo"

    def ready(self) -> None:
        from . import builtin  # noqa: F401  (the platform's own reminder kinds)

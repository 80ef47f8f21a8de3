from django.utils.translation import gettext_lazy as _

from ume.core.apps import UmeAppConfig


class RisksConfig(UmeAppConfig):
    default = True
    name = "ume.risks"
    label = "risks"
    verbose_name = _("Risk assessment")
    demo = "ume.risks.demo.seed_demo"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from ume.core.models import Organisation

        from .signals import seed_new_organisation

        post_save.connect(seed_new_organisation, sender=Organisation, dispatch_uid="risks-seed")

from django.utils.translation import gettext_lazy as _

from ume.core.apps import UmeAppConfig


class MeasuresConfig(UmeAppConfig):
    default = True
    name = "ume.measures"
    label = "measures"
    verbose_name = _("Measures")
    demo = "ume.measures.demo.seed_demo"

from django.utils.translation import gettext_lazy as _

from ume.core.apps import UmeAppConfig


class CatalogueConfig(UmeAppConfig):
    default = True
    name = "ume.catalogue"
    label = "catalogue"
    verbose_name = _("Annex A catalogue")
    reference_loaders = ("ume.catalogue.reference.load",)

from django.utils.translation import gettext_lazy as _

from ume.core.apps import UmeAppConfig


class AssetsConfig(UmeAppConfig):
    default = True
    name = "ume.assets"
    label = "assets"
    verbose_name = _("Information assets")
    demo = "ume.assets.demo.seed_demo"
    reference_loaders = ("ume.assets.reference.load",)

    def ready(self) -> None:
        from django.db.models.signals import post_save, pre_save

        from ume.core import figures, next_steps
        from ume.core.audit_display import register_event
        from ume.core.models import Organisation

        from .figures import asset_widgets
        from .next_steps import asset_steps
        from .reminders import register as register_reminders
        from .signals import (
            note_fiscal_change,
            recompute_after_profile_change,
            seed_new_organisation,
        )

        post_save.connect(seed_new_organisation, sender=Organisation, dispatch_uid="assets-seed")
        pre_save.connect(note_fiscal_change, sender=Organisation, dispatch_uid="assets-fiscal")
        post_save.connect(
            recompute_after_profile_change, sender=Organisation, dispatch_uid="assets-recompute"
        )
        register_event("assets_exported", _("Information assets exported"), export=True)
        register_event("retention_rules_exported", _("Retention rules exported"), export=True)
        register_event("retention_due_exported", _("Retention due list exported"), export=True)
        register_event("deletion_records_exported", _("Deletion records exported"), export=True)
        register_event(
            "inventory_report_exported", _("Inventory review report exported"), export=True
        )
        register_event("removals_exported", _("Equipment removals exported"), export=True)
        next_steps.register(asset_steps)
        figures.register(asset_widgets)
        register_reminders()

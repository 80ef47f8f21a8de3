from django.utils.translation import gettext_lazy as _

from ume.core.apps import UmeAppConfig


class SoaConfig(UmeAppConfig):
    default = True
    name = "ume.soa"
    label = "soa"
    verbose_name = _("Statement of Applicability")
    demo = "ume.soa.demo.seed_demo"

    def ready(self) -> None:
        from ume.core import next_steps
        from ume.core.audit_display import register_event
        from ume.measures.services import register_delete_guard, register_mapping_hook

        from .domain import measure_in_approved_version
        from .mapping import follow_measure_mapping
        from .next_steps import soa_steps
        from .reminders import register as register_reminders

        register_delete_guard(measure_in_approved_version)
        register_mapping_hook(follow_measure_mapping)
        register_event("soa_exported", _("Statement of Applicability exported"), export=True)
        next_steps.register(soa_steps)
        register_reminders()

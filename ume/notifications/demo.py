"""Demo reminders: what the scheduler raises today for the demo company's records (the
external auditor's access ending after the 審査, the SoA edited since its approval)."""

from django.utils import timezone

from ume.core.models import Organisation

from .scheduler import compute_reminders


def seed_demo(*, organisation, scopes, users) -> None:
    compute_reminders(
        today=timezone.localdate(),
        organisations=Organisation.objects.filter(pk=organisation.pk),
    )

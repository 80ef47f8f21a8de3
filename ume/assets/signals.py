"""A new organization gets the ledger's defaults (its 機密区分 and importance rule)."""

from .defaults import seed_organisation


def seed_new_organisation(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        seed_organisation(instance)


def recompute_after_profile_change(
    sender, instance, created: bool, raw: bool = False, **kwargs
) -> None:
    """Dates counted from the closing of the books or the tax filing deadline follow the
    organization's fiscal year: a saved profile recomputes them (a no-op when nothing moved)."""
    from .models import RetentionSubject
    from .services.recompute import recompute

    if not created and not raw and RetentionSubject.objects.filter(organisation=instance).exists():
        recompute(instance)

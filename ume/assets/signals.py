"""A new organization gets the ledger's defaults (its 機密区分 and importance rule)."""

from .defaults import seed_organisation


def seed_new_organisation(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        seed_organisation(instance)

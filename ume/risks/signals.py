"""A new organization gets the default risk method."""

from .defaults import seed_organisation


def seed_new_organisation(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        seed_organisation(instance)

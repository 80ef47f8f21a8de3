"""A new organization gets the ledger's defaults (its 機密区分 and importance rule)."""

from .defaults import seed_organisation


def seed_new_organisation(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        seed_organisation(instance)


FISCAL_FIELDS = ("fiscal_year_end_month", "tax_filing_extension_months")


def note_fiscal_change(sender, instance, raw: bool = False, **kwargs) -> None:
    """Before a profile is saved: whether its fiscal year or filing extension changes."""
    loaded = getattr(instance, "_audit_loaded", {})
    instance._fiscal_changed = bool(loaded) and any(
        loaded.get(f) != getattr(instance, f) for f in FISCAL_FIELDS
    )


def recompute_after_profile_change(
    sender, instance, created: bool, raw: bool = False, **kwargs
) -> None:
    """Dates counted from the closing of the books or the tax filing deadline follow the
    organization's fiscal year: a changed fiscal year or filing extension recomputes them."""
    from .models import RetentionSubject
    from .services.dates import schedule_recompute

    if created or raw or not getattr(instance, "_fiscal_changed", False):
        return
    instance._fiscal_changed = False
    if RetentionSubject.objects.filter(organisation=instance).exists():
        schedule_recompute(instance)

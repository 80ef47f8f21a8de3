"""重要度 from the C/I/A values (each 1–3) by the organization's rule. Ume's own rules
(``choices.PROVENANCE["importance"]``): the highest value, or the sum banded 3–4 → 1,
5–6 → 2, 7–9 → 3. An asset not yet valued on all three has no importance (未評価)."""

from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Greatest
from django.db.models.lookups import LessThanOrEqual

from .choices import ImportanceRule

VALUED = Q(confidentiality__isnull=False, integrity__isnull=False, availability__isnull=False)


def derive(rule: str, c: int | None, i: int | None, a: int | None) -> int | None:
    if c is None or i is None or a is None:
        return None
    if rule == ImportanceRule.SUM:
        total = c + i + a
        return 1 if total <= 4 else 2 if total <= 6 else 3
    return max(c, i, a)


def expression(rule: str) -> Case:
    """``derive`` as a database expression, to recompute every asset in one UPDATE."""
    if rule == ImportanceRule.SUM:
        total = F("confidentiality") + F("integrity") + F("availability")
        value = Case(
            When(LessThanOrEqual(total, 4), then=Value(1)),
            When(LessThanOrEqual(total, 6), then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        )
    else:
        value = Greatest("confidentiality", "integrity", "availability")
    return Case(When(VALUED, then=value), default=Value(None), output_field=IntegerField())

"""The risk method every organization starts from (``data/method.toml``), seeded when an
organization is created and by migration 0002 for those created before; each then revises
its own."""

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "method.toml"


@cache
def _scheme() -> dict[str, Any]:
    with DATA.open("rb") as f:
        return tomllib.load(f)


def default_method() -> dict[str, Any]:
    """The fields of revision 1 (fresh lists: callers may change them)."""
    scheme = _scheme()
    return {
        "likelihood_labels": [dict(step) for step in scheme["likelihood"]],
        "impact_labels": [dict(step) for step in scheme["impact"]],
        "low_max": scheme["low_max"],
        "medium_max": scheme["medium_max"],
        "acceptance_max": scheme["acceptance_max"],
    }


def seed_organisation(organisation, *, method_model=None) -> None:
    """Give ``organisation`` revision 1 unless it has a method (idempotent). The model can be
    passed in for a data migration. Written outside the services: the organization is being
    created and no member could act yet; the audit trail records it like any first record."""
    from .models import RiskMethod

    method_model = method_model or RiskMethod
    if not method_model.objects.filter(organisation_id=organisation.pk).exists():
        method_model.objects.create(organisation_id=organisation.pk, **default_method())

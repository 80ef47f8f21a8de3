"""Ume's defaults every organization's ledger starts with: the 機密区分 of
``data/classification.toml`` and the importance rule. Seeded when an organization is created
(and by migration 0002 for those created before the ledger); each then edits its own."""

import tomllib
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "classification.toml"


@cache
def default_scheme() -> dict:
    with DATA.open("rb") as f:
        return tomllib.load(f)


def seed_organisation(organisation, *, level_model=None, settings_model=None) -> None:
    """Give ``organisation`` the default levels and settings, unless it has levels already
    (idempotent). The models can be passed in for a data migration."""
    from .models import ClassificationLevel, LedgerSettings

    level_model = level_model or ClassificationLevel
    settings_model = settings_model or LedgerSettings
    settings_model.objects.get_or_create(organisation_id=organisation.pk)
    if level_model.objects.filter(organisation_id=organisation.pk).exists():
        return
    scheme = default_scheme()
    for level in scheme["levels"]:
        level_model.objects.create(
            organisation_id=organisation.pk, provenance=scheme["provenance"], **level
        )

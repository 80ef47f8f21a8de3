"""Models of the asset app: the ledger (``ledger``) and retention (``retention``)."""

from .ledger import Asset, ClassificationLevel, LedgerSettings
from .retention import (
    RetentionBatch,
    RetentionEvent,
    RetentionItem,
    RetentionRule,
    RetentionRuleChoice,
    RetentionRun,
    RetentionSubject,
)

__all__ = [
    "Asset",
    "ClassificationLevel",
    "LedgerSettings",
    "RetentionBatch",
    "RetentionEvent",
    "RetentionItem",
    "RetentionRule",
    "RetentionRuleChoice",
    "RetentionRun",
    "RetentionSubject",
]

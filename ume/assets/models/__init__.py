"""Models of the asset app: the ledger (``ledger``) and retention (``retention``)."""

from .deletion import DeletionRecord
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
    "DeletionRecord",
    "LedgerSettings",
    "RetentionBatch",
    "RetentionEvent",
    "RetentionItem",
    "RetentionRule",
    "RetentionRuleChoice",
    "RetentionRun",
    "RetentionSubject",
]

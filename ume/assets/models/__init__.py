"""Models of the asset app: the ledger (``ledger``), retention (``retention``), deletion
records (``deletion``) and equipment removals (``removal``)."""

from .deletion import DeletionRecord
from .ledger import Asset, ClassificationLevel, LedgerSettings
from .removal import EquipmentRemoval
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
    "EquipmentRemoval",
    "LedgerSettings",
    "RetentionBatch",
    "RetentionEvent",
    "RetentionItem",
    "RetentionRule",
    "RetentionRuleChoice",
    "RetentionRun",
    "RetentionSubject",
]

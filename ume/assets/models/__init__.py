"""Models of the asset app: the ledger (``ledger``), retention (``retention``), deletion
records (``deletion``), equipment removals (``removal``) and 棚卸し (``inventory``)."""

from .deletion import DeletionRecord
from .inventory import InventoryCampaign, InventoryCheck
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
    "InventoryCampaign",
    "InventoryCheck",
    "LedgerSettings",
    "RetentionBatch",
    "RetentionEvent",
    "RetentionItem",
    "RetentionRule",
    "RetentionRuleChoice",
    "RetentionRun",
    "RetentionSubject",
]

"""Models of the asset app: the ledger (``ledger``) and retention (``retention``)."""

from .ledger import Asset, ClassificationLevel, LedgerSettings
from .retention import RetentionRule, RetentionRuleChoice

__all__ = [
    "Asset",
    "ClassificationLevel",
    "LedgerSettings",
    "RetentionRule",
    "RetentionRuleChoice",
]

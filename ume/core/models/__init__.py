"""Platform models; import from ``ume.core.models``."""

from .audit import GENESIS_HASH, AppendOnlyError, AuditChainHead, AuditEntry
from .base import AuditedModel, TimeStampedModel, VersionedModel
from .organisation import Department, Organisation, Scope
from .people import Invitation, LoginEvent, Membership, User
from .tokens import ApiToken

__all__ = [
    "GENESIS_HASH",
    "ApiToken",
    "AppendOnlyError",
    "AuditChainHead",
    "AuditEntry",
    "AuditedModel",
    "Department",
    "Invitation",
    "LoginEvent",
    "Membership",
    "Organisation",
    "Scope",
    "TimeStampedModel",
    "User",
    "VersionedModel",
]

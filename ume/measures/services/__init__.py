"""Measure and evidence services: the only code that writes (audit trail and locking inside)."""

from .evidence import (
    EvidenceHolder,
    evidence_attach,
    evidence_detach,
    evidence_upload,
    link_evidence,
    store_evidence,
)
from .measures import (
    measure_create,
    measure_delete,
    measure_update,
    register_delete_guard,
    register_mapping_hook,
)

__all__ = [
    "EvidenceHolder",
    "evidence_attach",
    "evidence_detach",
    "evidence_upload",
    "link_evidence",
    "measure_create",
    "measure_delete",
    "measure_update",
    "register_delete_guard",
    "register_mapping_hook",
    "store_evidence",
]

"""SoA and measure services: the only code that writes (audit trail and locking inside)."""

from .evidence import evidence_attach, evidence_detach, evidence_upload
from .measures import measure_create, measure_delete, measure_update
from .soa import (
    soa_approve,
    soa_get_or_create,
    soa_row_update,
    soa_rows_bulk_update,
    soa_rows_import,
)

__all__ = [
    "evidence_attach",
    "evidence_detach",
    "evidence_upload",
    "measure_create",
    "measure_delete",
    "measure_update",
    "soa_approve",
    "soa_get_or_create",
    "soa_row_update",
    "soa_rows_bulk_update",
    "soa_rows_import",
]

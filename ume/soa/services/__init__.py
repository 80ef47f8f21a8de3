"""SoA services: the only code that writes (audit trail and locking inside)."""

from .soa import (
    soa_approve,
    soa_get_or_create,
    soa_row_update,
    soa_rows_bulk_update,
    soa_rows_import,
)

__all__ = [
    "soa_approve",
    "soa_get_or_create",
    "soa_row_update",
    "soa_rows_bulk_update",
    "soa_rows_import",
]

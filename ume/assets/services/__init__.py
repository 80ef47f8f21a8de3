"""Asset ledger services: the only code that writes (audit trail and locking inside)."""

from .assets import asset_create, asset_update
from .dates import recompute
from .deletion import asset_dispose, deletion_record_create
from .endpoints import endpoint_list_keep_as_evidence
from .events import (
    retention_event_record,
    retention_event_update,
    retention_event_withdraw,
    retention_events_import,
    retention_hold_release,
    retention_hold_set,
)
from .importing import assets_import
from .inventory import (
    inventory_campaign_close,
    inventory_campaign_start,
    inventory_check_record,
    inventory_checks_confirm,
)
from .removals import (
    removal_approve,
    removal_cancel,
    removal_dispose,
    removal_records_keep_as_evidence,
    removal_reject,
    removal_request,
    removal_return,
)
from .retention import (
    retention_period_choose,
    retention_rule_create,
    retention_rule_delete,
    retention_rule_update,
)
from .settings import (
    classification_level_create,
    classification_level_delete,
    classification_level_update,
    ledger_settings_update,
)

__all__ = [
    "asset_create",
    "asset_dispose",
    "asset_update",
    "assets_import",
    "classification_level_create",
    "classification_level_delete",
    "classification_level_update",
    "deletion_record_create",
    "endpoint_list_keep_as_evidence",
    "inventory_campaign_close",
    "inventory_campaign_start",
    "inventory_check_record",
    "inventory_checks_confirm",
    "ledger_settings_update",
    "recompute",
    "removal_approve",
    "removal_cancel",
    "removal_dispose",
    "removal_records_keep_as_evidence",
    "removal_reject",
    "removal_request",
    "removal_return",
    "retention_event_record",
    "retention_event_update",
    "retention_event_withdraw",
    "retention_events_import",
    "retention_hold_release",
    "retention_hold_set",
    "retention_period_choose",
    "retention_rule_create",
    "retention_rule_delete",
    "retention_rule_update",
]

"""Routes of the information asset ledger (under /assets/)."""

from django.urls import path

from .views import (
    batches,
    deletions,
    endpoints,
    events,
    events_import,
    importing,
    inventory,
    ledger,
    removals,
    retention,
    settings,
)

app_name = "assets"

urlpatterns = [
    path("", ledger.AssetListView.as_view(), name="asset_list"),
    path("new/", ledger.AssetCreateView.as_view(), name="asset_create"),
    path("export/xlsx/", ledger.AssetExportView.as_view(), {"kind": "xlsx"}, name="export_xlsx"),
    path("export/csv/", ledger.AssetExportView.as_view(), {"kind": "csv"}, name="export_csv"),
    path("<int:pk>/", ledger.AssetEditView.as_view(), name="asset_edit"),
    path("<int:pk>/dispose/", ledger.AssetDisposeView.as_view(), name="asset_dispose"),
    path("endpoints/export/", endpoints.EndpointExportView.as_view(), name="endpoint_export"),
    path("endpoints/evidence/", endpoints.EndpointEvidenceView.as_view(), name="endpoint_evidence"),
    path("import/", importing.AssetImportView.as_view(), name="import"),
    path("import/apply/", importing.AssetImportApplyView.as_view(), name="import_apply"),
    path("import/template/", importing.AssetTemplateView.as_view(), name="template"),
    path("settings/", settings.LedgerSettingsView.as_view(), name="settings"),
    path("settings/levels/new/", settings.LevelCreateView.as_view(), name="level_create"),
    path("settings/levels/<int:pk>/", settings.LevelEditView.as_view(), name="level_edit"),
    path(
        "settings/levels/<int:pk>/delete/", settings.LevelDeleteView.as_view(), name="level_delete"
    ),
    path("retention/", retention.RetentionRuleListView.as_view(), name="retention_rule_list"),
    path(
        "retention/new/", retention.RetentionRuleCreateView.as_view(), name="retention_rule_create"
    ),
    path(
        "retention/export/xlsx/",
        retention.RetentionRuleExportView.as_view(),
        {"kind": "xlsx"},
        name="retention_export_xlsx",
    ),
    path(
        "retention/export/csv/",
        retention.RetentionRuleExportView.as_view(),
        {"kind": "csv"},
        name="retention_export_csv",
    ),
    path(
        "retention/<int:pk>/",
        retention.RetentionRuleDetailView.as_view(),
        name="retention_rule_detail",
    ),
    path(
        "retention/<int:pk>/edit/",
        retention.RetentionRuleEditView.as_view(),
        name="retention_rule_edit",
    ),
    path(
        "retention/<int:pk>/delete/",
        retention.RetentionRuleDeleteView.as_view(),
        name="retention_rule_delete",
    ),
    path("due/", batches.RetentionBatchListView.as_view(), name="retention_batch_list"),
    path(
        "due/export/xlsx/",
        batches.RetentionBatchExportView.as_view(),
        {"kind": "xlsx"},
        name="retention_due_export_xlsx",
    ),
    path(
        "due/export/csv/",
        batches.RetentionBatchExportView.as_view(),
        {"kind": "csv"},
        name="retention_due_export_csv",
    ),
    path("due/progress/", batches.RetentionProgressView.as_view(), name="retention_progress"),
    path(
        "due/<int:pk>/", batches.RetentionBatchDetailView.as_view(), name="retention_batch_detail"
    ),
    path(
        "due/<int:pk>/delete/",
        batches.DeletionRecordCreateView.as_view(),
        name="retention_deletion_create",
    ),
    path("due/items/<int:pk>/hold/", batches.RetentionHoldView.as_view(), name="retention_hold"),
    path(
        "due/items/<int:pk>/release/",
        batches.RetentionHoldReleaseView.as_view(),
        name="retention_hold_release",
    ),
    path("events/", events.RetentionEventListView.as_view(), name="retention_event_list"),
    path("events/new/", events.RetentionEventCreateView.as_view(), name="retention_event_create"),
    path(
        "events/import/",
        events_import.RetentionEventImportView.as_view(),
        name="retention_event_import",
    ),
    path(
        "events/import/apply/",
        events_import.RetentionEventImportApplyView.as_view(),
        name="retention_event_import_apply",
    ),
    path(
        "events/import/template/",
        events_import.RetentionEventTemplateView.as_view(),
        name="retention_event_template",
    ),
    path("events/<int:pk>/", events.RetentionEventEditView.as_view(), name="retention_event_edit"),
    path(
        "events/<int:pk>/withdraw/",
        events.RetentionEventWithdrawView.as_view(),
        name="retention_event_withdraw",
    ),
    path("deletions/", deletions.DeletionRecordListView.as_view(), name="deletion_record_list"),
    path(
        "deletions/export/xlsx/",
        deletions.DeletionRecordExportView.as_view(),
        {"kind": "xlsx"},
        name="deletion_export_xlsx",
    ),
    path(
        "deletions/export/csv/",
        deletions.DeletionRecordExportView.as_view(),
        {"kind": "csv"},
        name="deletion_export_csv",
    ),
    path("removals/", removals.RemovalListView.as_view(), name="removal_list"),
    path("removals/new/", removals.RemovalCreateView.as_view(), name="removal_create"),
    path(
        "removals/export/xlsx/",
        removals.RemovalExportView.as_view(),
        {"kind": "xlsx"},
        name="removal_export_xlsx",
    ),
    path(
        "removals/export/csv/",
        removals.RemovalExportView.as_view(),
        {"kind": "csv"},
        name="removal_export_csv",
    ),
    path("removals/evidence/", removals.RemovalEvidenceView.as_view(), name="removal_evidence"),
    path("removals/<int:pk>/", removals.RemovalDetailView.as_view(), name="removal_detail"),
    path("removals/<int:pk>/return/", removals.RemovalReturnView.as_view(), name="removal_return"),
    path(
        "removals/<int:pk>/dispose/", removals.RemovalDisposeView.as_view(), name="removal_dispose"
    ),
    path("removals/<int:pk>/cancel/", removals.RemovalCancelView.as_view(), name="removal_cancel"),
    path("inventory/", inventory.InventoryListView.as_view(), name="inventory_list"),
    path("inventory/new/", inventory.InventoryCreateView.as_view(), name="inventory_create"),
    path("inventory/<int:pk>/", inventory.InventoryDetailView.as_view(), name="inventory_detail"),
    path(
        "inventory/<int:pk>/confirm/",
        inventory.InventoryConfirmView.as_view(),
        name="inventory_confirm",
    ),
    path(
        "inventory/<int:pk>/close/", inventory.InventoryCloseView.as_view(), name="inventory_close"
    ),
    path(
        "inventory/<int:pk>/report.<str:kind>",
        inventory.InventoryReportView.as_view(),
        name="inventory_report",
    ),
    path(
        "inventory/checks/<int:pk>/not-found/",
        inventory.InventoryNotFoundView.as_view(),
        name="inventory_not_found",
    ),
]

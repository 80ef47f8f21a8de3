"""Importing an asset ledger or retention events from Excel or CSV: a preview (new / changed /
unchanged / errors by row) kept in the session, then an all-or-nothing apply
(``services.assets_import``, ``services.retention_events_import``)."""

from .events import EventImportPreview, preview_events
from .ledger import AssetImportPreview, preview_ledger

__all__ = ["AssetImportPreview", "EventImportPreview", "preview_events", "preview_ledger"]

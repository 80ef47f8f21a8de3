"""Importing an asset ledger from Excel or CSV: a preview (new / changed / unchanged / errors
by row) kept in the session, then an all-or-nothing apply (``services.assets_import``)."""

from .ledger import AssetImportPreview, preview_ledger

__all__ = ["AssetImportPreview", "preview_ledger"]

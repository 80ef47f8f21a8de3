"""Permission names of the asset ledger, declared once: ``rules.py`` gives each its policy;
views, services and the API refer to these names."""

VIEW_ASSET = "assets.view_asset"
ADD_ASSET = "assets.add_asset"
CHANGE_ASSET = "assets.change_asset"
MANAGE_CLASSIFICATION = "assets.manage_classification"
VIEW_RETENTION = "assets.view_retention_rule"
MANAGE_RETENTION = "assets.manage_retention_rule"

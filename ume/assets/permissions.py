"""Permission names of the asset ledger, declared once: ``rules.py`` gives each its policy;
views, services and the API refer to these names."""

from ume.core.choices import Role

# Roles that may change the assets they own or whose department they head (CHANGE_ASSET); the
# 事務局 and administrators change every asset of their scopes.
WRITING_ROLES = (
    Role.ADMIN,
    Role.SECRETARIAT,
    Role.TOP_MANAGEMENT,
    Role.DEPARTMENT_HEAD,
    Role.STAFF,
)
KEEPING_ROLES = (Role.ADMIN, Role.SECRETARIAT)

VIEW_ASSET = "assets.view_asset"
ADD_ASSET = "assets.add_asset"
CHANGE_ASSET = "assets.change_asset"
MANAGE_CLASSIFICATION = "assets.manage_classification"
VIEW_RETENTION = "assets.view_retention_rule"
MANAGE_RETENTION = "assets.manage_retention_rule"
# Who a retained item is about (a leaver) shows only to roles that may see the people register.
VIEW_RETENTION_NAMES = "assets.view_retention_names"
# Equipment leaving the premises (持出): approved by a department head or top management
# (the organization's setting); requested and closed by those who may change the asset.
APPROVE_REMOVAL = "assets.approve_removal"
# 棚卸し (inventory reviews): started and closed by the 事務局 and administrators of the scope;
# each asset is answered by those who may change it (its owner, the department head).
MANAGE_INVENTORY = "assets.manage_inventory"

"""Authorisation policy of the asset ledger (default deny; see ume/core/rules.py).

The 事務局 and administrators edit every asset of the scopes they hold a role in; a 管理責任者
edits the assets they own and a department head those of their department (issue 20:
「管理責任者 edit their own assets」), but auditors never edit, even an asset named as theirs."""

import rules

from ume.core.choices import Role as R
from ume.core.models import Department
from ume.core.policies import has_role, is_member

from .choices import RemovalApprover
from .permissions import (
    ADD_ASSET,
    APPROVE_REMOVAL,
    CHANGE_ASSET,
    KEEPING_ROLES,
    MANAGE_CLASSIFICATION,
    MANAGE_INVENTORY,
    MANAGE_RETENTION,
    VIEW_ASSET,
    VIEW_RETENTION,
    VIEW_RETENTION_NAMES,
    WRITING_ROLES,
)

may_write = has_role(*WRITING_ROLES)


@rules.predicate
def owns_asset(user, asset=None) -> bool:
    return getattr(asset, "owner_id", None) == user.pk


@rules.predicate
def heads_asset_department(user, asset=None) -> bool:
    department_id = getattr(asset, "department_id", None)
    return (
        department_id is not None
        and Department.objects.filter(pk=department_id, head=user).exists()
    )


rules.add_perm(VIEW_ASSET, is_member)
rules.add_perm(ADD_ASSET, has_role(R.ADMIN, R.SECRETARIAT, R.DEPARTMENT_HEAD))
rules.add_perm(
    CHANGE_ASSET,
    has_role(*KEEPING_ROLES) | (may_write & (owns_asset | heads_asset_department)),
)
rules.add_perm(MANAGE_CLASSIFICATION, has_role(R.ADMIN, R.SECRETARIAT, org_wide=True))
# Retention rules are organization-wide settings: every member reads them (they explain the
# dates of the records they keep); the 事務局 and administrators add rules and choose periods.
rules.add_perm(VIEW_RETENTION, is_member)
rules.add_perm(MANAGE_RETENTION, has_role(R.ADMIN, R.SECRETARIAT, org_wide=True))
# Leavers' names (the people register's): administrators, the 事務局 and top management.
rules.add_perm(
    VIEW_RETENTION_NAMES, has_role(R.ADMIN, R.SECRETARIAT, R.TOP_MANAGEMENT, org_wide=True)
)


@rules.predicate
def heads_removed_assets_department(user, removal=None) -> bool:
    """The head of the removed equipment's department, where the organization lets department
    heads approve removals."""
    from .models import LedgerSettings

    asset = getattr(removal, "asset", None)
    setting = LedgerSettings.objects.filter(
        organisation_id=getattr(removal, "organisation_id", None)
    )
    return (
        asset is not None
        and setting.values_list("removal_approver", flat=True).first()
        != RemovalApprover.TOP_MANAGEMENT
        and heads_asset_department(user, asset)
    )


# Approval is a management decision (seed 003, #4): top management, or the head of the
# equipment's department when the organization's setting allows it; never the 事務局 alone.
rules.add_perm(
    APPROVE_REMOVAL,
    has_role(R.TOP_MANAGEMENT) | (has_role(R.DEPARTMENT_HEAD) & heads_removed_assets_department),
)
rules.add_perm(MANAGE_INVENTORY, has_role(R.ADMIN, R.SECRETARIAT))

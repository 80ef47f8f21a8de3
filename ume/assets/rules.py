"""Authorisation policy of the asset ledger (default deny; see ume/core/rules.py).

The 事務局 and administrators edit every asset of the scopes they hold a role in; a 管理責任者
edits the assets they own and a department head those of their department (issue 20:
「管理責任者 edit their own assets」), but auditors never edit, even an asset named as theirs."""

import rules

from ume.core.choices import Role as R
from ume.core.models import Department
from ume.core.policies import has_role, is_member

from .permissions import (
    ADD_ASSET,
    CHANGE_ASSET,
    MANAGE_CLASSIFICATION,
    MANAGE_RETENTION,
    VIEW_ASSET,
    VIEW_RETENTION,
    VIEW_RETENTION_NAMES,
)

may_write = has_role(R.ADMIN, R.SECRETARIAT, R.TOP_MANAGEMENT, R.DEPARTMENT_HEAD, R.STAFF)


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
    has_role(R.ADMIN, R.SECRETARIAT) | (may_write & (owns_asset | heads_asset_department)),
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

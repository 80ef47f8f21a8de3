"""Authorisation policy of the platform core (loaded by rules' autodiscovery).

Default deny: a permission that is not declared here (or in another app's ``rules.py``) is
refused. Check with ``ume.core.policies.can``; every view and API route declares one.
"""

import rules

from .choices import Role
from .permissions import (
    ADD_DEPARTMENT,
    ADD_SCOPE,
    CHANGE_DEPARTMENT,
    CHANGE_ORGANISATION,
    CHANGE_SCOPE,
    DELETE_DEPARTMENT,
    EXPORT_AUDITENTRY,
    MANAGE_API_TOKENS,
    MANAGE_MEMBERS,
    USE_API,
    VIEW_AUDITENTRY,
    VIEW_DASHBOARD,
    VIEW_DEPARTMENT,
    VIEW_MEMBERSHIP,
    VIEW_ORGANISATION,
    VIEW_SCOPE,
)
from .policies import has_role, is_member

R = Role
ANY_ROLE = is_member
MANAGERS = has_role(R.ADMIN, R.SECRETARIAT, org_wide=True)

rules.add_perm(VIEW_DASHBOARD, ANY_ROLE)
rules.add_perm(VIEW_ORGANISATION, ANY_ROLE)
rules.add_perm(CHANGE_ORGANISATION, has_role(R.ADMIN, org_wide=True))

rules.add_perm(VIEW_SCOPE, ANY_ROLE)
rules.add_perm(ADD_SCOPE, MANAGERS)
rules.add_perm(CHANGE_SCOPE, has_role(R.ADMIN, R.SECRETARIAT))

rules.add_perm(VIEW_DEPARTMENT, ANY_ROLE)
rules.add_perm(ADD_DEPARTMENT, MANAGERS)
rules.add_perm(CHANGE_DEPARTMENT, MANAGERS)
rules.add_perm(DELETE_DEPARTMENT, MANAGERS)

rules.add_perm(VIEW_MEMBERSHIP, has_role(R.ADMIN, R.SECRETARIAT, R.TOP_MANAGEMENT))
rules.add_perm(MANAGE_MEMBERS, has_role(R.ADMIN, org_wide=True))
rules.add_perm(USE_API, ANY_ROLE)
rules.add_perm(MANAGE_API_TOKENS, has_role(R.ADMIN, org_wide=True))

AUDIT_READERS = has_role(
    R.ADMIN, R.SECRETARIAT, R.TOP_MANAGEMENT, R.INTERNAL_AUDITOR, R.EXTERNAL_AUDITOR
)
rules.add_perm(VIEW_AUDITENTRY, AUDIT_READERS)
rules.add_perm(EXPORT_AUDITENTRY, AUDIT_READERS)

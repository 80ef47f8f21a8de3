"""Authorisation policy of the platform core (loaded by rules' autodiscovery).

Default deny: a permission that is not declared here (or in another app's ``rules.py``) is
refused. Check with ``ume.core.policies.can``; every view and API route declares one.
"""

import rules

from .choices import Role
from .policies import has_role, is_member

R = Role
ANY_ROLE = is_member
MANAGERS = has_role(R.ADMIN, R.SECRETARIAT, org_wide=True)

rules.add_perm("core.view_dashboard", ANY_ROLE)
rules.add_perm("core.view_organisation", ANY_ROLE)
rules.add_perm("core.change_organisation", has_role(R.ADMIN, org_wide=True))

rules.add_perm("core.view_scope", ANY_ROLE)
rules.add_perm("core.add_scope", MANAGERS)
rules.add_perm("core.change_scope", has_role(R.ADMIN, R.SECRETARIAT))

rules.add_perm("core.view_department", ANY_ROLE)
rules.add_perm("core.add_department", MANAGERS)
rules.add_perm("core.change_department", MANAGERS)
rules.add_perm("core.delete_department", MANAGERS)

rules.add_perm("core.view_membership", has_role(R.ADMIN, R.SECRETARIAT, R.TOP_MANAGEMENT))
rules.add_perm("core.manage_members", has_role(R.ADMIN, org_wide=True))
rules.add_perm("core.use_api", ANY_ROLE)
rules.add_perm("core.manage_api_tokens", has_role(R.ADMIN, org_wide=True))

AUDIT_READERS = has_role(
    R.ADMIN, R.SECRETARIAT, R.TOP_MANAGEMENT, R.INTERNAL_AUDITOR, R.EXTERNAL_AUDITOR
)
rules.add_perm("core.view_auditentry", AUDIT_READERS)
rules.add_perm("core.export_auditentry", AUDIT_READERS)

"""Authorisation policy of risk assessment (default deny; see ume/core/rules.py).

Every member reads the organization's risk method (it explains the levels they see); the
事務局 and administrators of the whole organization change it (ISO/IEC 27001 6.1.2 a–b)."""

import rules

from ume.core.choices import Role as R
from ume.core.policies import has_role, is_member

from .permissions import CHANGE_METHOD, VIEW_METHOD

rules.add_perm(VIEW_METHOD, is_member)
rules.add_perm(CHANGE_METHOD, has_role(R.ADMIN, R.SECRETARIAT, org_wide=True))

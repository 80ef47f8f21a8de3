"""Authorisation policy of the SoA (default deny; see ume/core/rules.py)."""

import rules

from ume.core.choices import Role as R
from ume.core.policies import has_role, is_member

from .permissions import APPROVE_SOA, CHANGE_SOA, VIEW_SOA

rules.add_perm(VIEW_SOA, is_member)
rules.add_perm(CHANGE_SOA, has_role(R.ADMIN, R.SECRETARIAT))
rules.add_perm(APPROVE_SOA, has_role(R.ADMIN, R.TOP_MANAGEMENT))

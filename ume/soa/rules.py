"""Authorisation policy of the SoA and measures (default deny; see ume/core/rules.py)."""

import rules

from ume.core.choices import Role as R
from ume.core.policies import has_role, is_member

rules.add_perm("soa.view_soa", is_member)
rules.add_perm("soa.change_soa", has_role(R.ADMIN, R.SECRETARIAT))
rules.add_perm("soa.approve_soa", has_role(R.ADMIN, R.TOP_MANAGEMENT))
rules.add_perm("soa.view_measure", is_member)
rules.add_perm("soa.change_measure", has_role(R.ADMIN, R.SECRETARIAT, R.DEPARTMENT_HEAD))
rules.add_perm("soa.upload_evidence", has_role(R.ADMIN, R.SECRETARIAT, R.DEPARTMENT_HEAD))

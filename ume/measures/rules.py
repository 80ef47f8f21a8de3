"""Authorisation policy of measures and evidence (default deny; see ume/core/rules.py)."""

import rules

from ume.core.choices import Role as R
from ume.core.policies import has_role, is_member

from .permissions import CHANGE_MEASURE, UPLOAD_EVIDENCE, VIEW_EVIDENCE, VIEW_MEASURE

rules.add_perm(VIEW_MEASURE, is_member)
rules.add_perm(CHANGE_MEASURE, has_role(R.ADMIN, R.SECRETARIAT, R.DEPARTMENT_HEAD))
rules.add_perm(VIEW_EVIDENCE, is_member)
rules.add_perm(UPLOAD_EVIDENCE, has_role(R.ADMIN, R.SECRETARIAT, R.DEPARTMENT_HEAD))

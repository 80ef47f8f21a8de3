"""Authorisation policy of the catalogue (reference data: any member may read it)."""

import rules

from ume.core.policies import is_member

rules.add_perm("catalogue.view_control", is_member)

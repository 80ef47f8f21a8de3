"""Authorisation policy of the catalogue (reference data: any member may read it)."""

import rules

from ume.core.policies import is_member

from .permissions import (
    VIEW_CONTROL,
)

rules.add_perm(VIEW_CONTROL, is_member)

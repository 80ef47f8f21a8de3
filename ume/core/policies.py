"""The policy layer: predicates keyed by organisation, scope and role.

``can(user, perm, obj)`` is the only question views, services, selectors and the API ask.
``obj`` is an Organisation, a Scope, or any record with ``organisation_id`` (and optionally a
scope). There is no superuser bypass: organisation isolation holds for everyone.
"""

from typing import Any

import rules
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from . import roles as role_cache


def target_of(obj: Any) -> tuple[int | None, int | None]:
    """(organisation_id, scope_id) of the object a permission is checked against."""
    if obj is None:
        return None, None
    from .models import Organisation, Scope

    if isinstance(obj, Organisation):
        return obj.pk, None
    if isinstance(obj, Scope):
        return obj.organisation_id, obj.pk
    scope_id = getattr(obj, "scope_id", None)
    return getattr(obj, "organisation_id", None), scope_id


def has_role(*wanted: str, org_wide: bool = False) -> rules.Predicate:
    wanted_set = frozenset(wanted)
    name = "has_role:" + ",".join(sorted(wanted_set)) + (":org" if org_wide else "")

    @rules.predicate(name)
    def predicate(user, obj=None) -> bool:
        org_id, scope_id = target_of(obj)
        return bool(role_cache.roles_in(user, org_id, scope_id, org_wide=org_wide) & wanted_set)

    return predicate


@rules.predicate
def is_member(user, obj=None) -> bool:
    org_id, scope_id = target_of(obj)
    return bool(role_cache.roles_in(user, org_id, scope_id))


def can(user, perm: str, obj: Any = None) -> bool:
    """True when ``user`` holds ``perm`` on ``obj``; unknown permissions are refused."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return rules.has_perm(perm, user, obj)


def require(user, perm: str, obj: Any = None) -> None:
    """Raise PermissionDenied unless ``can``; services call this first."""
    if not can(user, perm, obj):
        raise PermissionDenied(_("You do not have permission to do this."))

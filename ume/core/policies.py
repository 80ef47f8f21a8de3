"""The policy layer: predicates keyed by organisation, scope and role.

``can(user, perm, obj)`` is the only question views, services, selectors and the API ask.
``obj`` is an Organisation, a Scope, or any record with ``organisation_id`` (and optionally a
scope). There is no superuser bypass: organisation isolation holds for everyone.
"""

from dataclasses import dataclass
from typing import Any

import rules
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.utils.translation import gettext as _

from . import roles as role_cache


@dataclass(frozen=True)
class OrganisationWide:
    """The organisation as a whole, as the target of a write that belongs to no scope (a
    measure or evidence without a scope): only roles held organisation-wide count."""

    organisation_id: int
    scope_id = None


def write_target(organisation, scope) -> Any:
    """What a write to a record of ``scope`` (None: the whole organisation) is checked on."""
    return scope if scope is not None else OrganisationWide(organisation.pk)


def _unscoped_record(obj: Any) -> bool:
    """A record with a scope field left empty belongs to the whole organisation."""
    try:
        field = obj._meta.get_field("scope")
    except (AttributeError, FieldDoesNotExist):
        return False
    return field.many_to_one and obj.scope_id is None


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
    """Holds one of ``wanted`` where ``obj`` lives. With ``org_wide``, or when ``obj`` belongs
    to the whole organisation (``OrganisationWide``, a record without a scope), only roles
    held organisation-wide count: a role limited to one scope does not reach beyond it."""
    wanted_set = frozenset(wanted)
    name = "has_role:" + ",".join(sorted(wanted_set)) + (":org" if org_wide else "")

    @rules.predicate(name)
    def predicate(user, obj=None) -> bool:
        org_id, scope_id = target_of(obj)
        whole = org_wide or isinstance(obj, OrganisationWide) or _unscoped_record(obj)
        return bool(role_cache.roles_in(user, org_id, scope_id, org_wide=whole) & wanted_set)

    return predicate


@rules.predicate
def is_member(user, obj=None) -> bool:
    org_id, scope_id = target_of(obj)
    return bool(role_cache.roles_in(user, org_id, scope_id))


def can(user, perm: str, obj: Any = None) -> bool:
    """True when ``user`` holds ``perm`` on ``obj``; unknown permissions are refused."""
    if user is None or not (user.is_authenticated and user.is_active):
        return False
    return rules.has_perm(perm, user, obj)


def require(user, perm: str, obj: Any = None) -> None:
    """Raise PermissionDenied unless ``can``; services call this first."""
    if not can(user, perm, obj):
        raise PermissionDenied(_("You do not have permission to do this."))

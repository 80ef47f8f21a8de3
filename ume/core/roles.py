"""Which roles a user holds where. Results are cached on the user object for one request."""

from django.utils import timezone

from .choices import Role
from .models import Membership

# Roles that may write anything at all; every other role is read-only for platform records.
READ_ONLY_ROLES = frozenset({Role.EXTERNAL_AUDITOR})
ALL_ROLES = frozenset(Role.values)


def memberships_of(user) -> list[tuple[int, int | None, str]]:
    """(organisation_id, scope_id or None, role) for the user's effective memberships."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_ume_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.effective(timezone.localdate())
            .filter(user=user)
            .values_list("organisation_id", "scope_id", "role")
        )
        user._ume_memberships = cached
    return cached


def clear_cache(user) -> None:
    user.__dict__.pop("_ume_memberships", None)


def roles_in(
    user, organisation_id: int | None, scope_id: int | None = None, *, org_wide: bool = False
) -> set[str]:
    """Roles the user holds in the organisation.

    With ``scope_id``: organisation-wide roles plus those limited to that scope. Without it:
    every role in the organisation, or only organisation-wide ones when ``org_wide`` (writes to
    organisation-level records need an organisation-wide role).
    """
    if organisation_id is None:
        return set()
    roles = set()
    for org, scope, role in memberships_of(user):
        if org != organisation_id:
            continue
        if scope is None or (scope_id is None and not org_wide) or scope == scope_id:
            roles.add(role)
    return roles


def scopes_with(user, organisation_id: int, roles) -> set[int] | None:
    """Scope ids where the user holds one of ``roles`` in the organisation; None means every
    scope (an organisation-wide membership)."""
    scopes = set()
    for org, scope, role in memberships_of(user):
        if org != organisation_id or role not in roles:
            continue
        if scope is None:
            return None
        scopes.add(scope)
    return scopes


def organisation_ids(user) -> set[int]:
    return {org for org, _, _ in memberships_of(user)}


def visible_scope_ids(user, organisation_id: int) -> set[int] | None:
    """Scope ids the user may see in the organisation; None means all of them."""
    scopes = set()
    for org, scope, _ in memberships_of(user):
        if org != organisation_id:
            continue
        if scope is None:
            return None
        scopes.add(scope)
    return scopes

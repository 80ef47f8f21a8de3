"""API tokens (JIS Q 27002 5.17, 8.5): issued for one organisation, shown once, stored as a
digest, expiring, optionally read-only, revocable by their user and by administrators."""

import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ..mfa import mfa_missing
from ..models import ApiToken, Organisation, User
from ..models.tokens import KEY_PREFIX, key_digest
from ..permissions import MANAGE_API_TOKENS, USE_API
from ..policies import can
from ..roles import READ_ONLY_ROLES, roles_in
from .base import service

DEFAULT_DAYS = 90
MAX_ACTIVE_PER_USER = 20


def only_read_only_roles(user: User, organisation: Organisation) -> bool:
    """External auditors (and anyone holding only read-only roles) get read-only tokens."""
    return roles_in(user, organisation.pk) <= READ_ONLY_ROLES


@service(perm=USE_API, members_may=True)
def api_token_create(
    *,
    actor: User,
    organisation: Organisation,
    name: str,
    days: int = DEFAULT_DAYS,
    read_only: bool = False,
) -> tuple[ApiToken, str]:
    """Issue a token for the actor in ``organisation``; returns it with its key (shown once)."""
    if mfa_missing(actor, organisation):
        raise ValidationError(
            _(
                "Your organization requires multi-factor authentication. Set up an "
                "authenticator app or a security key before issuing an API token."
            )
        )
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Enter a name that says where the token is used.")
    if not 1 <= int(days) <= organisation.api_token_max_days:
        errors["days"] = _("Choose a validity between 1 and {max} days.").format(
            max=organisation.api_token_max_days
        )
    active = ApiToken.objects.usable().filter(user=actor, organisation=organisation).count()
    if active >= MAX_ACTIVE_PER_USER:
        errors["name"] = _(
            "You already have {count} valid tokens. Revoke the ones you no longer use."
        ).format(count=active)
    if errors:
        raise ValidationError(errors)
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=actor,
        organisation=organisation,
        name=name,
        key_prefix=raw[:12],
        key_digest=key_digest(raw),
        read_only=bool(read_only) or only_read_only_roles(actor, organisation),
        expires_at=timezone.now() + timedelta(days=int(days)),
    )
    token.full_clean()
    token.save()
    return token, raw


@service(perm=USE_API, on="token", members_may=True)
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke a token: its own user may, and so may the organisation's administrators."""
    if not may_revoke(actor, token):
        raise PermissionDenied(_("You do not have permission to do this."))
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.save()  # the row is locked: saving every field writes what was just read
    return locked


def may_revoke(actor: User, token: ApiToken) -> bool:
    return token.user_id == actor.pk or can(actor, MANAGE_API_TOKENS, token.organisation)

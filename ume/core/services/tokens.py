"""API tokens (REST API access for the user's own account)."""

from rest_framework.authtoken.models import Token

from .. import audit
from ..models import User
from ..roles import organisation_ids
from .base import service


def _record(user: User, name: str) -> None:
    for org_id in sorted(organisation_ids(user)):
        audit.record_event(organisation_id=org_id, name=name, obj=user, actor=user)


@service
def api_token_rotate(*, actor: User) -> Token:
    """Issue a new token for the actor, invalidating any previous one."""
    Token.objects.filter(user=actor).delete()
    token = Token.objects.create(user=actor)
    _record(actor, "api_token_issued")
    return token


@service
def api_token_revoke(*, actor: User) -> bool:
    deleted, _ = Token.objects.filter(user=actor).delete()
    if deleted:
        _record(actor, "api_token_revoked")
    return bool(deleted)

"""API authentication: personal tokens (``Authorization: Bearer ume_…``) and the browser
session. Both are held to the organisation's MFA rule (see ``permissions.PolicyPermission``)."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from ..mfa import mfa_missing
from ..models import ApiToken
from ..models.tokens import key_digest
from ..roles import organisation_ids

KEYWORDS = {b"bearer", b"token"}
TOUCH_EVERY = timedelta(minutes=1)


def mfa_message() -> str:
    return _(
        "Your organization requires multi-factor authentication. Set up an authenticator app "
        "or a security key in Ume; until then the API refuses your requests and tokens."
    )


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        invalid = AuthenticationFailed(_("The API token is invalid, expired or revoked."))
        if len(parts) != 2 or len(parts[1]) > 200:
            raise invalid
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise invalid from None
        token = (
            ApiToken.objects.usable()
            .select_related("user", "organisation")
            .filter(key_digest=key_digest(raw))
            .first()
        )
        if (
            token is None
            or not token.user.is_active
            or token.organisation_id not in organisation_ids(token.user)
        ):
            raise invalid
        if mfa_missing(token.user, token.organisation):
            raise AuthenticationFailed(mfa_message())
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
            # A plain UPDATE: the time of use is not an audited change of the token.
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'

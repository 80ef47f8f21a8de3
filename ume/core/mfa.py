"""The organisation's MFA rule (JIS Q 27002 8.5), one place for pages, the API and tokens."""

from .choices import MfaRequirement, Role
from .roles import roles_in


def mfa_required(user, organisation) -> bool:
    """Whether the organisation requires ``user`` to use a second factor."""
    if organisation is None:
        return False
    if organisation.require_mfa == MfaRequirement.EVERYONE:
        return True
    return organisation.require_mfa == MfaRequirement.ADMINS and Role.ADMIN in roles_in(
        user, organisation.pk
    )


def has_second_factor(user) -> bool:
    """An authenticator app or security key (recovery codes alone are not a factor).

    allauth asks every user who has one for it at login, so a session of such a user has
    completed MFA; a user who enrols during a session has just proved the factor."""
    from allauth.mfa.models import Authenticator

    return (
        Authenticator.objects.filter(user=user)
        .exclude(type=Authenticator.Type.RECOVERY_CODES)
        .exists()
    )


def mfa_missing(user, organisation) -> bool:
    """True when the organisation requires MFA of ``user`` and they have not set it up."""
    return mfa_required(user, organisation) and not has_second_factor(user)

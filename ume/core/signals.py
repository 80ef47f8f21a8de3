"""Login history and security events (JIS Q 27002 8.5, 8.15)."""

from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.dispatch import receiver

from . import audit
from .models import LoginEvent, User
from .roles import organisation_ids


def get_client_ip(request) -> str | None:
    from allauth.core.internal.httpkit import get_client_ip as allauth_client_ip

    try:
        return allauth_client_ip(request)
    except ImproperlyConfigured:  # X-Forwarded-For shorter than the trusted proxy count
        return None


def _client(request) -> dict:
    if request is None:
        return {}
    return {
        # The same client address the login rate limits use (trusted proxy settings applied).
        "ip_address": get_client_ip(request),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
    }


@receiver(auth_signals.user_logged_in)
def _logged_in(sender, request, user, **kwargs) -> None:
    LoginEvent.objects.create(user=user, email=user.email, succeeded=True, **_client(request))


@receiver(auth_signals.user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    email = str(credentials.get("email") or credentials.get("username") or "")[:254]
    user = User.objects.filter(email__iexact=email).first() if email else None
    LoginEvent.objects.create(user=user, email=email, succeeded=False, **_client(request))


def _mfa_event(name: str, user, authenticator=None) -> None:
    details = {"type": getattr(authenticator, "type", "")}
    with transaction.atomic():
        for org_id in sorted(organisation_ids(user)):
            audit.record_event(
                organisation_id=org_id, name=name, obj=user, details=details, actor=user
            )


@receiver(mfa_signals.authenticator_added)
def _mfa_added(sender, request, user, authenticator, **kwargs) -> None:
    _mfa_event("mfa_added", user, authenticator)


@receiver(mfa_signals.authenticator_removed)
def _mfa_removed(sender, request, user, authenticator, **kwargs) -> None:
    _mfa_event("mfa_removed", user, authenticator)


@receiver(mfa_signals.authenticator_reset)
def _mfa_reset(sender, request, user, authenticator, **kwargs) -> None:
    _mfa_event("mfa_recovery_codes_regenerated", user, authenticator)

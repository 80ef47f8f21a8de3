"""The dashboard's 「次にやること」: what is missing or due, per scope and for the user's role.
Each app declares what it asks of whom by registering a provider from its AppConfig.ready();
a provider returns only steps the user may take (or must know about) in the scopes given."""

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Organisation, Scope, User
from .permissions import CHANGE_SCOPE
from .policies import can

CERTIFICATE_WARNING_DAYS = 90


@dataclass(frozen=True)
class Step:
    label: str
    url: str
    scope: str = ""  # the scope's name, "" for the organisation
    overdue: bool = False  # past its date: shown first, in red


Provider = Callable[[User, Organisation, Sequence[Scope], dt.date], list[Step]]
PROVIDERS: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)
    return provider


def next_steps(user: User, organisation: Organisation, scopes: Sequence[Scope], today) -> list:
    steps = [step for provider in PROVIDERS for step in provider(user, organisation, scopes, today)]
    return sorted(steps, key=lambda s: not s.overdue)  # stable: each provider's order kept


def certificate_state(scope: Scope, today: dt.date) -> str:
    """ "expired", "expiring" (within CERTIFICATE_WARNING_DAYS), "valid" or "" (no date)."""
    until = scope.certificate_expires_on
    if until is None:
        return ""
    if until < today:
        return "expired"
    return "expiring" if (until - today).days <= CERTIFICATE_WARNING_DAYS else "valid"


@register
def certificates(user, organisation, scopes, today) -> list[Step]:
    """Certificates that have expired or expire soon, for those who keep the scope's record."""
    steps = []
    for scope in scopes:
        state = certificate_state(scope, today)
        if state in ("expired", "expiring") and can(user, CHANGE_SCOPE, scope):
            date = scope.certificate_expires_on.strftime("%Y/%m/%d")
            label = (
                _("The certificate expired on {date}: record the renewal or the new certificate.")
                if state == "expired"
                else _("The certificate expires on {date}: plan the renewal audit.")
            )
            steps.append(
                Step(
                    label.format(date=date),
                    reverse("core:scope_edit", args=[scope.pk]),
                    scope.name,
                    overdue=state == "expired",
                )
            )
    return steps

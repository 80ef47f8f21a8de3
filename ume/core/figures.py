"""The dashboard's figures: each app registers a provider from its AppConfig.ready() that
returns the cards the user may see (counts linking to the filtered list they come from), for
the scopes given (the one chosen in the header, or all the user's)."""

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .models import Organisation, Scope, User


@dataclass(frozen=True)
class Figure:
    label: str
    value: int
    url: str = ""
    alert: bool = False  # something is late or not allowed: shown in red when not zero
    testid: str = ""


@dataclass(frozen=True)
class Widget:
    title: str
    figures: list[Figure] = field(default_factory=list)
    link: tuple[str, str] | None = None  # (label, url) of the page behind the card
    testid: str = ""


Provider = Callable[[User, Organisation, Sequence[Scope], dt.date], list[Widget]]
PROVIDERS: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)
    return provider


def widgets(user: User, organisation: Organisation, scopes: Sequence[Scope], today) -> list:
    return [w for provider in PROVIDERS for w in provider(user, organisation, scopes, today)]

"""Helpers every module's services use: ``@service`` (one transaction, audited as the actor,
the declared contract checked first) and ``update_fields`` (locked, versioned edits)."""

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction

from .. import audit
from ..locking import bump_version, check_version, require_version
from ..policies import require


@dataclass(frozen=True)
class Contract:
    """What a write service promises, declared where it is defined (``@service(...)``) and
    held by the service walker (``tests/test_service_contracts.py``) for every service.

    ``perm`` is checked on the record that the argument ``on`` names (a dotted path such as
    ``"row.scope"``) before the service runs; ``refs`` name the arguments (``"data.scope"``
    for a key of ``data``) that point at other records, which the service must refuse when
    they belong to another organisation or to a scope the actor cannot reach; ``versioned``
    names the argument carrying the version(s) an update is based on: required, stale refused.
    ``members_may``: every member may act on their own records (their API tokens), so
    read-only roles are not refused. ``public`` says why a service has no permission."""

    perm: str | None
    on: str = "organisation"
    refs: tuple[str, ...] = ()
    versioned: str | None = None
    members_may: bool = False
    public: str = ""

    def check(self, actor, kwargs: dict[str, Any]) -> None:
        if self.perm is not None:
            require(actor, self.perm, resolve(kwargs, self.on))
        if self.versioned is not None:
            require_version(kwargs.get(self.versioned))


def resolve(kwargs: dict[str, Any], path: str) -> Any:
    """``"row.scope"`` → ``kwargs["row"].scope``; ``"data.scope"`` → ``kwargs["data"]["scope"]``."""
    name, *attrs = path.split(".")
    value = kwargs.get(name)
    for attr in attrs:
        value = value.get(attr) if isinstance(value, dict) else getattr(value, attr, None)
    return value


# Every service of every app, by dotted name: the walker calls each one.
REGISTRY: dict[str, Callable[..., Any]] = {}


def service(func: Callable | None = None, /, **contract: Any) -> Any:
    """Run the service in one transaction, attributing audited changes to ``actor``, after
    checking its ``Contract`` (given as keyword arguments). A bare ``@service`` registers
    without a contract, which the service walker refuses."""

    declared = Contract(**contract) if contract else None

    def decorate(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args, actor, **kwargs):
            with transaction.atomic(), audit.acting_as(actor):
                if declared is not None:
                    declared.check(actor, kwargs)
                return fn(*args, actor=actor, **kwargs)

        wrapper.contract = declared  # type: ignore[attr-defined]
        REGISTRY[f"{fn.__module__}.{fn.__name__}"] = wrapper
        return wrapper

    return decorate(func) if func is not None else decorate


def update_fields(
    obj: models.Model,
    data: dict[str, Any],
    *,
    version: int | None,
) -> models.Model:
    """Lock the row, refuse a missing or stale version, apply ``data``, validate and save.

    ``version`` is the version the user's form or API request was based on.
    """
    locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    if hasattr(locked, "version"):
        check_version(locked, version)
        bump_version(locked)
    m2m = {}
    for name, value in data.items():
        field = locked._meta.get_field(name)
        if field.many_to_many:
            m2m[name] = value
        else:
            setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    for name, value in m2m.items():
        getattr(locked, name).set(value)
    return locked

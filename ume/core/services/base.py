"""Helpers every module's services use."""

import functools
from collections.abc import Callable
from typing import Any

from django.db import models, transaction

from .. import audit
from ..locking import bump_version, check_version


def service[F: Callable[..., Any]](func: F) -> F:
    """Run the service in one transaction, attributing audited changes to ``actor``."""

    @functools.wraps(func)
    def wrapper(*args, actor, **kwargs):
        with transaction.atomic(), audit.acting_as(actor):
            return func(*args, actor=actor, **kwargs)

    return wrapper  # type: ignore[return-value]


def update_fields(
    obj: models.Model,
    data: dict[str, Any],
    *,
    version: int | None = None,
    exclude_validation: tuple[str, ...] = (),
) -> models.Model:
    """Lock the row, refuse a stale edit, apply ``data``, validate and save.

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
    locked.full_clean(exclude=exclude_validation or None)
    locked.save()
    for name, value in m2m.items():
        getattr(locked, name).set(value)
    return locked

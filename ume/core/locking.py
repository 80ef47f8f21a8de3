"""Optimistic locking shared by every module: a stale edit is refused, never overwrites."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import VersionedModel


class StaleEditError(ValidationError):
    """Someone else saved the record after this user opened it."""


def check_version(obj: VersionedModel, expected_version: int | None) -> None:
    """Refuse the write when ``obj`` changed since the form/API client read ``expected_version``.

    Call on a row locked with ``select_for_update()`` inside the service's transaction, then
    ``bump_version(obj)`` before saving.
    """
    if expected_version is None:
        return
    if int(expected_version) != obj.version:
        raise StaleEditError(
            _(
                "This record was changed by someone else after you opened it (version "
                "{theirs}; you edited version {yours}). Reload the page, check their changes "
                "and apply yours again."
            ).format(theirs=obj.version, yours=expected_version),
            code="stale",
        )


def bump_version(obj: VersionedModel) -> None:
    obj.version += 1

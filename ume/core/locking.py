"""Optimistic locking shared by every module: a stale edit is refused, never overwrites."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import VersionedModel


class StaleEditError(ValidationError):
    """Someone else saved the record after this user opened it."""


class VersionRequiredError(ValidationError):
    """An update that does not say which version of the record it was based on."""


def require_version(version: Any) -> None:
    """Refuse an update without the version it is based on (a dict of versions: none empty)."""
    missing = version is None or (
        isinstance(version, dict) and (not version or None in version.values())
    )
    if missing:
        raise VersionRequiredError(
            _(
                "The version of the record you edited is missing, so your change could "
                "overwrite someone else's. Reload the page and apply your change again."
            ),
            code="version_required",
        )


def check_version(obj: VersionedModel, expected_version: int | None) -> None:
    """Refuse the write when ``obj`` changed since the form/API client read ``expected_version``,
    or when no version is given (an update must say what it was based on).

    Call on a row locked with ``select_for_update()`` inside the service's transaction, then
    ``bump_version(obj)`` before saving.
    """
    require_version(expected_version)
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

"""Default-deny API permission: a view must declare ``permission_required`` (read) and
optionally ``write_permission_required``; both are checked through the policy layer, after
the organisation's MFA rule (the same as the pages') and a token's read-only limit."""

from django.utils.translation import gettext as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from ..mfa import mfa_missing
from ..models import ApiToken
from ..policies import can
from .authentication import mfa_message


class PolicyPermission(BasePermission):
    message = None

    def has_permission(self, request, view) -> bool:
        perm = self.organisation_perm(request, view)
        org = getattr(request, "organisation", None)
        if perm is None or org is None:
            return False
        if mfa_missing(request.user, org):
            self.message = mfa_message()
            return False
        token = request.auth if isinstance(request.auth, ApiToken) else None
        if token is not None and token.read_only and request.method not in SAFE_METHODS:
            self.message = _("This API token is read-only.")
            return False
        return can(request.user, perm, org)

    def has_object_permission(self, request, view, obj) -> bool:
        perm = self._perm(request, view)
        return perm is not None and can(request.user, perm, obj)

    def organisation_perm(self, request, view) -> str | None:
        """What the organisation-level check asks (before any record is read)."""
        return self._perm(request, view)

    @staticmethod
    def _perm(request, view) -> str | None:
        if request.method in SAFE_METHODS:
            return getattr(view, "permission_required", None)
        return getattr(view, "write_permission_required", None)


class RecordWritePermission(PolicyPermission):
    """For records whose edit right depends on the record itself (an asset's 管理責任者 edits
    it): a write to one record is checked against that record only, after the organisation-
    level read permission; creating is checked as usual."""

    def organisation_perm(self, request, view) -> str | None:
        if request.method not in SAFE_METHODS and getattr(view, "detail", False):
            return getattr(view, "permission_required", None)
        return self._perm(request, view)

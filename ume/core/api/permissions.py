"""Default-deny API permission: a view must declare ``permission_required`` (read) and
optionally ``write_permission_required``; both are checked through the policy layer."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from ..policies import can


class PolicyPermission(BasePermission):
    def has_permission(self, request, view) -> bool:
        perm = self._perm(request, view)
        org = getattr(request, "organisation", None)
        if perm is None or org is None:
            return False
        return can(request.user, perm, org)

    def has_object_permission(self, request, view, obj) -> bool:
        perm = self._perm(request, view)
        return perm is not None and can(request.user, perm, obj)

    @staticmethod
    def _perm(request, view) -> str | None:
        if request.method in SAFE_METHODS:
            return getattr(view, "permission_required", None)
        return getattr(view, "write_permission_required", None)

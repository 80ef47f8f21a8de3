"""Template context shared by every page: organisation, scope switcher and navigation."""

from .policies import can
from .selectors import organisation_list, scope_list


def ume(request) -> dict:
    user = getattr(request, "user", None)
    org = getattr(request, "organisation", None)
    if not (user and user.is_authenticated and org):
        return {}
    return {
        "current_organisation": org,
        "current_scope": getattr(request, "scope", None),
        "switch_organisations": organisation_list(actor=user),
        "switch_scopes": scope_list(actor=user, organisation=org),
        "nav": {
            "members": can(user, "core.view_membership", org),
            "audit": can(user, "core.view_auditentry", org),
            "organisation_settings": can(user, "core.change_organisation", org),
            "api_tokens": can(user, "core.manage_api_tokens", org),
        },
    }

"""Template context shared by every page: organisation, scope switcher and navigation."""

from .permissions import CHANGE_ORGANISATION, MANAGE_API_TOKENS, VIEW_AUDITENTRY, VIEW_MEMBERSHIP
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
            "members": can(user, VIEW_MEMBERSHIP, org),
            "audit": can(user, VIEW_AUDITENTRY, org),
            "organisation_settings": can(user, CHANGE_ORGANISATION, org),
            "api_tokens": can(user, MANAGE_API_TOKENS, org),
        },
    }

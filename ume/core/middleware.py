"""Request context: the acting user for the audit trail, the current organisation and scope,
and the organisation's MFA requirement."""

from django.shortcuts import redirect
from django.utils.functional import empty

from . import audit
from .choices import MfaRequirement, Role
from .models import Organisation, Scope
from .roles import memberships_of, roles_in, visible_scope_ids

SESSION_ORG = "ume_org"
SESSION_SCOPE = "ume_scope"


class AuditActorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if getattr(user, "_wrapped", None) is empty:
            user._setup()
        with audit.acting_as(getattr(user, "_wrapped", user)):
            return self.get_response(request)


class OrganisationMiddleware:
    """Sets ``request.organisation`` (None for users without a membership) and ``request.scope``
    (None = all scopes the user may see)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.organisation = None
        request.scope = None
        if request.user.is_authenticated:
            self._resolve(request)
        return self.get_response(request)

    @staticmethod
    def _resolve(request) -> None:
        org_ids = [org for org, _, _ in memberships_of(request.user)]
        if not org_ids:
            return
        wanted = request.session.get(SESSION_ORG)
        org_id = wanted if wanted in org_ids else min(org_ids)
        request.organisation = Organisation.objects.filter(pk=org_id).first()
        visible = visible_scope_ids(request.user, org_id)
        scope_id = request.session.get(SESSION_SCOPE)
        if visible is not None and scope_id not in visible:
            scope_id = min(visible) if visible else None
        if scope_id:
            request.scope = Scope.objects.filter(pk=scope_id, organisation_id=org_id,
                                                 is_active=True).first()


MFA_EXEMPT_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/api/", "/invitations/")


def mfa_required(user, organisation) -> bool:
    if organisation is None:
        return False
    if organisation.require_mfa == MfaRequirement.EVERYONE:
        return True
    return (organisation.require_mfa == MfaRequirement.ADMINS
            and Role.ADMIN in roles_in(user, organisation.pk))


class RequireMfaMiddleware:
    """Sends users who must use MFA but have no authenticator to the MFA set-up page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (request.user.is_authenticated and not request.path.startswith(MFA_EXEMPT_PREFIXES)
                and mfa_required(request.user, request.organisation)):
            from allauth.mfa.models import Authenticator

            has_factor = Authenticator.objects.filter(user=request.user).exclude(
                type=Authenticator.Type.RECOVERY_CODES).exists()
            if not has_factor:
                return redirect("mfa_index")
        return self.get_response(request)

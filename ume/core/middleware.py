"""Request context: the acting user for the audit trail, the current organisation and scope,
and the organisation's MFA requirement."""

from django.conf import settings
from django.contrib import messages
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.utils import translation
from django.utils.functional import empty
from django.utils.translation import gettext as _

from . import audit
from .mfa import mfa_missing
from .models import Organisation, Scope
from .roles import memberships_of, visible_scope_ids

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
        resolve_context(
            request,
            request.user,
            request.session.get(SESSION_ORG),
            request.session.get(SESSION_SCOPE),
        )


def resolve_context(request, user, wanted_org: int | None, wanted_scope: int | None) -> None:
    """Set ``request.organisation`` and ``request.scope`` to what ``user`` may see, preferring
    the wanted ones (from the session, or the API's X-Ume-Organisation header)."""
    request.organisation = None
    request.scope = None
    org_ids = [org for org, _, _ in memberships_of(user)]
    if not org_ids:
        return
    org_id = wanted_org if wanted_org in org_ids else min(org_ids)
    request.organisation = Organisation.objects.filter(pk=org_id).first()
    visible = visible_scope_ids(user, org_id)
    scope_id = wanted_scope
    if visible is not None and scope_id not in visible:
        scope_id = min(visible) if visible else None
    if scope_id:
        request.scope = Scope.objects.filter(
            pk=scope_id, organisation_id=org_id, is_active=True
        ).first()


# The API enforces the same rule itself (ume.core.api.permissions), answering 403 instead.
MFA_NOTICE_SESSION_KEY = "ume_mfa_notice"
MFA_EXEMPT_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/api/", "/invitations/")


class RequireMfaMiddleware:
    """Sends users who must use MFA but have no authenticator to the MFA set-up page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.user.is_authenticated
            and not request.path.startswith(MFA_EXEMPT_PREFIXES)
            and mfa_missing(request.user, request.organisation)
        ):
            if not request.session.get(MFA_NOTICE_SESSION_KEY):
                request.session[MFA_NOTICE_SESSION_KEY] = True
                messages.warning(
                    request,
                    _(
                        "{org} requires multi-factor authentication. Set up an authenticator "
                        "app or a security key to continue. Until then your API tokens do not "
                        "work either."
                    ).format(org=request.organisation.name),
                )
            return redirect("mfa_index")
        return self.get_response(request)


class JapaneseFirstLocaleMiddleware(LocaleMiddleware):
    """Japanese unless the user chose English (language cookie): Ume is Japanese-first, so the
    browser's Accept-Language does not switch an office worker's UI to English by surprise."""

    def process_request(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()

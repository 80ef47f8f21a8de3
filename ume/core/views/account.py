"""The user's own login and security page, and the organisation/scope switcher."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from .. import selectors, services
from ..forms import ApiTokenForm
from ..mfa import mfa_missing
from ..middleware import SESSION_ORG, SESSION_SCOPE
from ..models import LoginEvent
from ..permissions import USE_API, VIEW_DASHBOARD
from ..policies import can
from ..roles import organisation_ids, visible_scope_ids
from ..selectors import login_summary
from ..services.tokens import only_read_only_roles
from ..tables import token_status
from .base import PolicyMixin, ServiceFormView
from .tokens import NEW_TOKEN_SESSION_KEY


class AccountSecurityView(ServiceFormView):
    """Previous login and failed attempts (JIS Q 27002 8.5), the user's recent logins, MFA,
    and the user's API tokens in the current organisation (issued here, shown once)."""

    permission_required = VIEW_DASHBOARD
    template_name = "core/account_security.html"
    form_class = ApiTokenForm
    page_title = gettext_lazy("Login and security")
    breadcrumbs = [(gettext_lazy("Login and security"), None)]
    success_url = reverse_lazy("core:account_security")

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "max_days": self.organisation.api_token_max_days,
            "read_only_forced": only_read_only_roles(self.request.user, self.organisation),
        }

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["login"] = login_summary(user=user)
        ctx["events"] = LoginEvent.objects.filter(user=user)[:30]
        ctx["authenticators"] = _authenticators(user)
        tokens = list(selectors.api_token_list(actor=user, organisation=self.organisation)[:50])
        suspended = {user.pk} if mfa_missing(user, self.organisation) else set()
        ctx["tokens"] = [(t, *token_status(t, suspended)) for t in tokens]
        ctx["may_issue"] = can(user, USE_API, self.organisation)
        ctx["new_token"] = self.request.session.pop(NEW_TOKEN_SESSION_KEY, None)
        return ctx

    def perform(self, form):
        token, raw = services.api_token_create(
            actor=self.request.user,
            organisation=self.organisation,
            name=form.cleaned_data["name"],
            days=form.cleaned_data["days"],
            read_only=form.cleaned_data["read_only"],
        )
        self.request.session[NEW_TOKEN_SESSION_KEY] = raw
        messages.success(
            self.request,
            _("The API token “{name}” was issued. Copy it now: it is shown only once.").format(
                name=token.name
            ),
        )
        return token


def _authenticators(user) -> list[dict]:
    from allauth.mfa.models import Authenticator

    labels = {
        Authenticator.Type.TOTP: _("Authenticator app"),
        Authenticator.Type.WEBAUTHN: _("Security key"),
        Authenticator.Type.RECOVERY_CODES: _("Recovery codes"),
    }
    return [
        {
            "label": labels.get(a.type, a.type),
            "name": (a.data or {}).get("name", ""),
            "created_at": a.created_at,
        }
        for a in Authenticator.objects.filter(user=user).order_by("type")
    ]


class SwitchView(PolicyMixin, View):
    """Switch the current organisation or ISMS scope (kept in the session)."""

    permission_required = VIEW_DASHBOARD
    http_method_names = ["post"]

    def post(self, request):
        org = request.POST.get("organisation")
        if org and org.isdigit() and int(org) in organisation_ids(request.user):
            request.session[SESSION_ORG] = int(org)
            request.session.pop(SESSION_SCOPE, None)
        scope = request.POST.get("scope")
        if scope is not None and request.organisation is not None:
            visible = visible_scope_ids(request.user, request.organisation.pk)
            if scope == "" and visible is None:
                request.session.pop(SESSION_SCOPE, None)
            elif scope.isdigit() and (visible is None or int(scope) in visible):
                request.session[SESSION_SCOPE] = int(scope)
        target = request.META.get("HTTP_REFERER", "/")
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
            target = "/"
        return redirect(target)

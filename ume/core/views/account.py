"""The user's own login and security page, and the organisation/scope switcher."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from rest_framework.authtoken.models import Token

from .. import services
from ..middleware import SESSION_ORG, SESSION_SCOPE
from ..models import LoginEvent
from ..roles import organisation_ids, visible_scope_ids
from ..selectors import login_summary
from .base import PageView, PolicyMixin


class AccountSecurityView(PageView):
    """Previous login and failed attempts (JIS Q 27002 8.5), and the user's recent logins."""

    permission_required = "core.view_dashboard"
    template_name = "core/account_security.html"
    page_title = gettext_lazy("Login and security")
    breadcrumbs = [(gettext_lazy("Login and security"), None)]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["login"] = login_summary(user=self.request.user)
        ctx["events"] = LoginEvent.objects.filter(user=self.request.user)[:30]
        from allauth.mfa.models import Authenticator

        labels = {
            Authenticator.Type.TOTP: _("Authenticator app"),
            Authenticator.Type.WEBAUTHN: _("Security key"),
            Authenticator.Type.RECOVERY_CODES: _("Recovery codes"),
        }
        ctx["authenticators"] = [
            {
                "label": labels.get(a.type, a.type),
                "name": (a.data or {}).get("name", ""),
                "created_at": a.created_at,
            }
            for a in Authenticator.objects.filter(user=self.request.user).order_by("type")
        ]
        ctx["has_token"] = Token.objects.filter(user=self.request.user).exists()
        ctx["new_token"] = self.request.session.pop("ume_new_token", None)
        return ctx

    def post(self, request):
        """Issue or revoke the user's API token (shown once, right after issuing)."""
        if request.POST.get("action") == "revoke":
            services.api_token_revoke(actor=request.user)
            messages.success(request, _("The API token was revoked."))
        else:
            token = services.api_token_rotate(actor=request.user)
            request.session["ume_new_token"] = token.key
            messages.success(
                request, _("A new API token was issued. Copy it now: it is shown only once.")
            )
        return redirect("core:account_security")


class SwitchView(PolicyMixin, View):
    """Switch the current organisation or ISMS scope (kept in the session)."""

    permission_required = "core.view_dashboard"
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

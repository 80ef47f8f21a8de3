"""API tokens: each user issues and revokes their own on the security page; administrators
list and revoke every token of the organisation (JIS Q 27002 5.17, 5.18)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from .. import selectors, services
from ..filters import ApiTokenFilter
from ..models import ApiToken
from ..permissions import MANAGE_API_TOKENS, USE_API
from ..services.tokens import may_revoke
from ..tables import ApiTokenTable
from .base import ListView, PolicyMixin

NEW_TOKEN_SESSION_KEY = "ume_new_token"


class ApiTokenListView(ListView):
    """Every API token of the organisation, with its state."""

    permission_required = MANAGE_API_TOKENS
    table_class = ApiTokenTable
    filterset_class = ApiTokenFilter
    page_title = gettext_lazy("API tokens")
    breadcrumbs = [(gettext_lazy("API tokens"), None)]

    def get_queryset(self):
        return selectors.api_token_list(
            actor=self.request.user, organisation=self.organisation, everyone=True
        )

    def get_table_kwargs(self):
        users = ApiToken.objects.usable().filter(organisation=self.organisation)
        return {
            "suspended": selectors.users_missing_mfa(
                organisation=self.organisation, user_ids=users.values_list("user_id", flat=True)
            )
        }


class ApiTokenRevokeView(PolicyMixin, View):
    """Revoke one token: its user, or an administrator of its organisation."""

    permission_required = USE_API
    http_method_names = ["post"]

    def post(self, request, pk: int):
        token = (
            selectors.api_token_list(
                actor=request.user, organisation=self.organisation, everyone=True
            )
            .filter(pk=pk)
            .first()
        )
        if token is None or not may_revoke(request.user, token):
            raise Http404
        try:
            services.api_token_revoke(actor=request.user, token=token)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("The API token “{name}” was revoked.").format(name=token.name)
            )
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
            target = "core:account_security"
        return redirect(target)

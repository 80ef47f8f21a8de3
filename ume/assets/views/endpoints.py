"""The endpoint list (8.1, 6.7): exported as Excel, or kept as evidence on the scope's
Statement of Applicability rows for 8.1 and 6.7."""

from abc import ABC, abstractmethod

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from ume.core.exports import export_meta, export_response, filename_for, write_xlsx
from ume.core.models import Scope
from ume.core.policies import can
from ume.core.views.base import PolicyMixin
from ume.measures.permissions import UPLOAD_EVIDENCE

from .. import endpoints, selectors, services
from ..exports import endpoint_table
from ..filters import ENDPOINTS
from ..permissions import VIEW_ASSET


class EndpointExportView(PolicyMixin, View):
    """Every endpoint the user may see (of the scope chosen in the header, if any)."""

    permission_required = VIEW_ASSET
    http_method_names = ["get"]

    def get(self, request):
        assets = selectors.asset_list(
            actor=request.user,
            organisation=request.organisation,
            scope=getattr(request, "scope", None),
        ).filter(endpoints.ENDPOINT)
        devices = endpoints.with_flags(
            assets.select_related("byod_approved_by"), timezone.localdate()
        )
        data = write_xlsx([endpoint_table(devices)], meta=export_meta(request))
        return export_response(data, filename=filename_for(_("endpoints"), "xlsx"), kind="xlsx")


class ScopeEvidenceView(PolicyMixin, View, ABC):
    """POST ``scope``: keep a list of that scope as evidence on its SoA (``keep`` writes it and
    returns the evidence file; ``done`` says so)."""

    permission_required = UPLOAD_EVIDENCE
    http_method_names = ["post"]
    back_url = ""

    @abstractmethod
    def keep(self, scope): ...

    @abstractmethod
    def done(self, scope, evidence) -> str: ...

    def post(self, request):
        back = redirect(self.back_url)
        scope = Scope.objects.filter(
            organisation=request.organisation, pk=_number(request.POST.get("scope"))
        ).first()
        if scope is None or not can(request.user, UPLOAD_EVIDENCE, scope):
            messages.error(request, _("Choose an ISMS scope you keep evidence for."))
            return back
        try:
            evidence = self.keep(scope)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return back
        messages.success(request, self.done(scope, evidence))
        return back


class EndpointEvidenceView(ScopeEvidenceView):
    """Keep the scope's endpoint list as evidence of its 8.1 and 6.7 rows."""

    @property
    def back_url(self) -> str:
        return f"{reverse('assets:asset_list')}?endpoint={ENDPOINTS}"

    def keep(self, scope):
        return services.endpoint_list_keep_as_evidence(actor=self.request.user, scope=scope)

    def done(self, scope, evidence) -> str:
        return _(
            "The endpoint list of {scope} was kept as evidence of 8.1 and 6.7 (SHA-256 {digest}…)."
        ).format(scope=scope.name, digest=evidence.sha256[:12])


def _number(value) -> int:
    return int(value) if value and str(value).isdigit() and len(str(value)) < 12 else 0

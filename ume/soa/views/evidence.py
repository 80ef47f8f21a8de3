"""Evidence files attached to SoA rows."""

from django.shortcuts import get_object_or_404, redirect
from django.views import View

from ume.core.views.base import PolicyMixin
from ume.measures.permissions import UPLOAD_EVIDENCE
from ume.measures.views.evidence import upload_from_request

from .. import selectors
from .base import ScopeMixin


class RowEvidenceUploadView(ScopeMixin, PolicyMixin, View):
    permission_required = UPLOAD_EVIDENCE
    http_method_names = ["post"]

    def post(self, request, scope_pk, pk):
        row = get_object_or_404(
            selectors.soa_row_list(actor=request.user, soa=self.get_soa()), pk=pk
        )
        upload_from_request(request, scope=self.get_scope(), attach_to=row)
        return redirect("soa:row_edit", scope_pk, pk)

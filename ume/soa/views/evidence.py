"""Evidence files attached to SoA rows."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View

from ume.core.views.base import PolicyMixin
from ume.measures import services as measure_services
from ume.measures.forms import EvidenceForm
from ume.measures.permissions import UPLOAD_EVIDENCE

from .. import selectors
from .base import ScopeMixin


class RowEvidenceUploadView(ScopeMixin, PolicyMixin, View):
    permission_required = UPLOAD_EVIDENCE
    http_method_names = ["post"]

    def post(self, request, scope_pk, pk):
        row = get_object_or_404(
            selectors.soa_row_list(actor=request.user, soa=self.get_soa()), pk=pk
        )
        form = EvidenceForm(request.POST, request.FILES)
        if not form.is_valid():
            if "file" in form.errors:
                messages.error(request, _("Choose a file to upload."))
            for msg in form.errors.get("description", []):
                messages.error(request, msg)
        else:
            try:
                evidence = measure_services.evidence_upload(
                    actor=request.user,
                    organisation=request.organisation,
                    scope=self.get_scope(),
                    uploaded=form.cleaned_data["file"],
                    description=form.cleaned_data["description"],
                    attach_to=row,
                )
            except ValidationError as exc:
                for msg in exc.messages:
                    messages.error(request, msg)
            else:
                messages.success(
                    request,
                    _("“{name}” was added as evidence (SHA-256 {digest}…).").format(
                        name=evidence.name, digest=evidence.sha256[:12]
                    ),
                )
        return redirect("soa:row_edit", scope_pk, pk)

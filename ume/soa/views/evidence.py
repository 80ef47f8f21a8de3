"""Evidence files attached to SoA rows."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from ume.core.validators import SINGLE_LINE
from ume.core.views.base import PolicyMixin

from .. import selectors, services
from ..models import EvidenceFile
from .base import ScopeMixin


class EvidenceForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("file"))
    description = forms.CharField(
        label=gettext_lazy("description"), required=False, max_length=300, validators=SINGLE_LINE
    )


class RowEvidenceUploadView(ScopeMixin, PolicyMixin, View):
    permission_required = "soa.upload_evidence"
    http_method_names = ["post"]

    def post(self, request, scope_pk, pk):
        row = get_object_or_404(selectors.soa_rows(actor=request.user, soa=self.get_soa()), pk=pk)
        form = EvidenceForm(request.POST, request.FILES)
        if not form.is_valid():
            if "file" in form.errors:
                messages.error(request, _("Choose a file to upload."))
            for msg in form.errors.get("description", []):
                messages.error(request, msg)
        else:
            try:
                evidence = services.evidence_upload(
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


class EvidenceDownloadView(PolicyMixin, View):
    """Download an evidence file of the organisation (scope-limited users: their scopes)."""

    permission_required = "soa.view_soa"
    http_method_names = ["get"]

    def get(self, request, pk):
        evidence = EvidenceFile.objects.filter(pk=pk, organisation=request.organisation).first()
        if evidence is None or not selectors.can_view_evidence(request.user, evidence):
            raise Http404
        return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.name)

"""Evidence files: the upload every record with evidence offers (measures, SoA rows, later
risks and documents) and the download (the organisation's files, scope-limited users: their
scopes)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.views import View

from ume.core.models import Scope
from ume.core.views.base import PolicyMixin

from .. import selectors, services
from ..forms import EvidenceForm
from ..permissions import VIEW_EVIDENCE


def upload_from_request(
    request, *, scope: Scope | None, attach_to: services.EvidenceHolder
) -> None:
    """Keep the posted file as evidence of ``attach_to`` and say how it went in the messages;
    a refused file changes nothing and the message says why."""
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        if "file" in form.errors:
            messages.error(request, _("Choose a file to upload."))
        for msg in form.errors.get("description", []):
            messages.error(request, msg)
        return
    try:
        evidence = services.evidence_upload(
            actor=request.user,
            organisation=request.organisation,
            scope=scope,
            uploaded=form.cleaned_data["file"],
            description=form.cleaned_data["description"],
            attach_to=attach_to,
        )
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
        return
    messages.success(
        request,
        _("“{name}” was added as evidence (SHA-256 {digest}…).").format(
            name=evidence.name, digest=evidence.sha256[:12]
        ),
    )


class EvidenceDownloadView(PolicyMixin, View):
    permission_required = VIEW_EVIDENCE
    http_method_names = ["get"]

    def get(self, request, pk):
        evidence = selectors.evidence_get(
            actor=request.user, organisation=request.organisation, pk=pk
        )
        if evidence is None:
            raise Http404
        return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.name)

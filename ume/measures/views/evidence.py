"""Evidence files: download (the organisation's files, scope-limited users: their scopes)."""

from django.http import FileResponse, Http404
from django.views import View

from ume.core.views.base import PolicyMixin

from .. import selectors
from ..permissions import VIEW_EVIDENCE


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

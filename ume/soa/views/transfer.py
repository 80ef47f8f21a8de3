"""Export (xlsx, docx, pdf) and import (preview, then apply) of a scope's SoA.

The import is two requests: the upload is parsed into an ``ImportPreview`` and shown; its
serialisable form waits in the session (one per SoA) until the user confirms, and the apply
step refuses a preview that expired, was replaced by another upload, or whose rows changed.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import FormView

from ume.core.exports import export_response, filename_for
from ume.core.services import export_record
from ume.core.views.base import PolicyMixin

from .. import services
from ..exports import soa_docx, soa_pdf, soa_xlsx
from ..importers import PREVIEWS, ImportPreview, StalePreviewError, apply
from ..permissions import CHANGE_SOA, VIEW_SOA
from .base import ScopeMixin

EXPORTERS = {"xlsx": soa_xlsx, "docx": soa_docx, "pdf": soa_pdf}
MAX_MESSAGES = 20


def session_key(soa) -> str:
    return f"soa_import_preview_{soa.pk}"


class SoAImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel file (.xlsx)"))
    format = forms.ChoiceField(
        label=gettext_lazy("Kind of file"),
        initial="2022",
        widget=forms.RadioSelect,
        choices=[
            (
                "2022",
                gettext_lazy("Statement of Applicability exported from Ume (ISO/IEC 27001:2022)"),
            ),
            (
                "2013",
                gettext_lazy(
                    "Statement of Applicability for ISO/IEC 27001:2013 (migration to 2022)"
                ),
            ),
        ],
    )


class SoAExportView(ScopeMixin, PolicyMixin, View):
    """``?format=xlsx|docx|pdf&version=N``: the current draft, or approved version N."""

    permission_required = VIEW_SOA
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        kind = request.GET.get("format", "xlsx")
        if kind not in EXPORTERS:
            raise Http404
        soa = self.get_soa()
        version = None
        raw = request.GET.get("version", "")
        if raw:
            if not raw.isdigit() or len(raw) > 6:
                raise Http404
            version = soa.versions.filter(number=int(raw)).select_related("approved_by").first()
            if version is None:
                raise Http404
        data = EXPORTERS[kind](soa=soa, version=version)
        # Who took a copy of the SoA out of Ume, and which one, belongs in the audit trail.
        export_record(
            actor=request.user,
            organisation=soa.organisation,
            name="soa_exported",
            obj=soa,
            details={
                "format": kind,
                "scope": soa.scope_id,
                "version": version.number if version else None,
            },
        )
        base = f"{_('Statement of Applicability')}_{soa.scope.name}"
        if version is not None:
            base += "_" + _("Version {number}").format(number=version.number)
        return export_response(data, filename=filename_for(base, kind), kind=kind)


class SoAImportView(ScopeMixin, PolicyMixin, FormView):
    """Upload a file; the response is the preview (nothing is written yet)."""

    permission_required = CHANGE_SOA
    template_name = "soa/import.html"
    form_class = SoAImportForm

    def get_soa(self):
        if not hasattr(self, "_soa"):
            self._soa = services.soa_get_or_create(actor=self.request.user, scope=self.get_scope())
        return self._soa

    def get_breadcrumbs(self):
        return self.soa_breadcrumbs((_("Import"), None))

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "scope": self.get_scope(),
            "page_title": _("Import the Statement of Applicability"),
            "max_mb": round(settings.UME_IMPORT_MAX_BYTES / 1024 / 1024, 1),
        }

    def form_valid(self, form):
        soa = self.get_soa()
        preview = PREVIEWS[form.cleaned_data["format"]](soa=soa, uploaded=form.cleaned_data["file"])
        key = session_key(soa)
        if preview.ok and preview.changes:
            self.request.session[key] = preview.as_dict()
        else:
            self.request.session.pop(key, None)
        scope = self.get_scope()
        context = {
            **self.get_context_data(form=form),
            "preview": preview,
            "changed_controls": len(preview.changes),
            "page_title": _("Check the import"),
            "breadcrumbs": self.soa_breadcrumbs(
                (_("Import"), reverse("soa:soa_import", args=[scope.pk])), (_("Preview"), None)
            ),
        }
        return TemplateResponse(self.request, "soa/import_preview.html", context)


class SoAImportApplyView(ScopeMixin, PolicyMixin, View):
    """POST ``preview`` (the id shown on the preview page): apply the preview kept in the
    session, all or nothing."""

    permission_required = CHANGE_SOA
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        soa = self.get_soa()
        back = redirect("soa:soa_import", self.get_scope().pk)
        key = session_key(soa)
        preview = ImportPreview.from_session(request.session.get(key))
        if (
            preview is None
            or preview.expired()
            or request.POST.get("preview") != preview.preview_id
        ):
            request.session.pop(key, None)
            messages.warning(
                request,
                _(
                    "The preview has expired or was replaced by another "
                    "upload. Upload the file again."
                ),
            )
            return back
        try:
            count = apply(actor=request.user, soa=soa, preview=preview)
        except StalePreviewError as exc:
            request.session.pop(key, None)
            messages.warning(request, " ".join(exc.messages))
            return back
        except ValidationError as exc:
            request.session.pop(key, None)
            for message in exc.messages[:MAX_MESSAGES]:
                messages.error(request, message)
            return back
        request.session.pop(key, None)
        messages.success(
            request,
            ngettext(
                "{count} control was updated from the file.",
                "{count} controls were updated from the file.",
                count,
            ).format(count=count),
        )
        return redirect("soa:detail", self.get_scope().pk)


urlpatterns = [
    path("<int:scope_pk>/export/", SoAExportView.as_view(), name="soa_export"),
    path("<int:scope_pk>/import/", SoAImportView.as_view(), name="soa_import"),
    path("<int:scope_pk>/import/apply/", SoAImportApplyView.as_view(), name="soa_import_apply"),
]

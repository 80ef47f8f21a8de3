"""Import of retention events from Excel or CSV (preview, then apply all or nothing), and the
template to fill in. The preview waits in the session until the 事務局 confirms it."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import FormView

from ume.core.exports import Table, export_response, filename_for, write_xlsx
from ume.core.views.base import PolicyMixin

from .. import services
from ..choices import EventType
from ..importers import EventImportPreview, preview_events
from ..permissions import MANAGE_RETENTION
from .events import DUE, EVENTS

SESSION_KEY = "retention_event_import_preview"
MAX_MESSAGES = 20


class EventImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel (.xlsx) or CSV file"))


class RetentionEventImportView(PolicyMixin, FormView):
    permission_required = MANAGE_RETENTION
    template_name = "assets/retention_event_import.html"
    form_class = EventImportForm
    page_title = gettext_lazy("Import retention events")
    breadcrumbs = [DUE, EVENTS, (gettext_lazy("Import"), None)]

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "max_mb": round(settings.UME_IMPORT_MAX_BYTES / 1024 / 1024, 1),
        }

    def form_valid(self, form):
        preview = preview_events(
            organisation=self.request.organisation, uploaded=form.cleaned_data["file"]
        )
        if preview.ok and preview.rows:
            self.request.session[SESSION_KEY] = preview.as_dict()
        else:
            self.request.session.pop(SESSION_KEY, None)
        labels = dict(EventType.choices)
        context = {
            **self.get_context_data(form=form),
            "preview": preview,
            "lines": [(line, labels.get(line.event_type, "")) for line in preview.lines],
            "counts": preview.counts(),
            "page_title": _("Check the import"),
            "breadcrumbs": [
                DUE,
                EVENTS,
                (_("Import"), reverse("assets:retention_event_import")),
                (_("Preview"), None),
            ],
        }
        return TemplateResponse(self.request, "assets/retention_event_import_preview.html", context)


class RetentionEventImportApplyView(PolicyMixin, View):
    """POST ``preview`` (the id shown on the preview page): record its rows, all or nothing."""

    permission_required = MANAGE_RETENTION
    http_method_names = ["post"]

    def post(self, request):
        back = redirect("assets:retention_event_import")
        preview = EventImportPreview.from_session(request.session.pop(SESSION_KEY, None))
        if (
            preview is None
            or preview.expired()
            or request.POST.get("preview") != preview.preview_id
        ):
            messages.warning(
                request,
                _(
                    "The preview has expired or was replaced by another upload. "
                    "Upload the file again."
                ),
            )
            return back
        try:
            count = services.retention_events_import(
                actor=request.user, organisation=request.organisation, rows=preview.rows
            )
        except ValidationError as exc:
            for message in exc.messages[:MAX_MESSAGES]:
                messages.error(request, message)
            return back
        messages.success(
            request,
            ngettext(
                "{count} event was recorded. The dates of its records follow it.",
                "{count} events were recorded. The dates of their records follow them.",
                count,
            ).format(count=count),
        )
        return redirect("assets:retention_event_list")


class RetentionEventTemplateView(PolicyMixin, View):
    """An empty sheet with the import's headers, example rows and the kinds of event."""

    permission_required = MANAGE_RETENTION
    http_method_names = ["get"]

    def get(self, request) -> HttpResponse:
        events = Table(
            title=_("Retention events"),
            headers=["対象", "起算事由", "日付", "対象の記録", "開始日"],
            rows=[
                ["山田 太郎", "退職", "令和7年3月31日", "", "平成30年4月1日"],
                ["A社 業務委託契約", "契約終了", "2025/9/30", "", ""],
            ],
        )
        guide = Table(
            title=_("How to fill it in"),
            headers=[_("column"), _("what to enter")],
            rows=[[str(column), str(text)] for column, text in GUIDE],
        )
        kinds = Table(
            title=_("Kinds of event"),
            headers=[_("code"), _("kind of event")],
            rows=[[k.value, str(k.label)] for k in EventType],
        )
        return export_response(
            write_xlsx([events, guide, kinds]),
            filename=filename_for(_("retention events template"), "xlsx"),
            kind="xlsx",
        )


GUIDE = [
    ("対象", gettext_lazy("Required: a leaver's name or a contract's name, as on the due list.")),
    (
        "起算事由",
        gettext_lazy(
            "Required: 退職, 契約終了, 作成, 完結, 会議 or その他 (or a code of the last sheet)."
        ),
    ),
    ("日付", gettext_lazy("2025/4/1, 2025年4月1日, 令和7年4月1日, R7.4.1 or an Excel date.")),
    (
        "対象の記録",
        gettext_lazy(
            "Optional: asset numbers (A-00005) separated by commas, to limit the records the "
            "event concerns."
        ),
    ),
    (
        "開始日",
        gettext_lazy(
            "Optional: the join date of a leaver or the start of a contract. It is checked, "
            "not kept: a row whose event comes before it is refused."
        ),
    ),
]

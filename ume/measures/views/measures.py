"""Measures (対策（実施事項）): the organisation's own security measures, mapped to Annex A
controls, with evidence files and suggested controls while typing (seed 003: controls were born
from measures organisations already practise)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView

from ume.catalogue.suggest import suggest_controls
from ume.core.exports import (
    Table,
    exceeds_export_limit,
    export_meta,
    export_response,
    filename_for,
    write_xlsx,
)
from ume.core.policies import can
from ume.core.selectors import record_history
from ume.core.views.base import (
    ListView,
    ObjectMixin,
    PolicyMixin,
    RecordEditMixin,
    ServiceFormView,
)

from .. import selectors, services
from ..filters import UNMAPPED, MeasureFilter, without_controls
from ..forms import EvidenceForm, MeasureForm
from ..models import Measure
from ..permissions import CHANGE_MEASURE, UPLOAD_EVIDENCE, VIEW_MEASURE
from ..tables import MeasureTable
from .evidence import upload_from_request

MEASURES = (gettext_lazy("Measures"), reverse_lazy("measures:measure_list"))
SUGGEST_MAX_TEXT = 2000


def measures_of(request) -> QuerySet[Measure]:
    """The measures the user may see (the selector prefetches light control rows)."""
    return selectors.measure_list(actor=request.user, organisation=request.organisation)


class MeasureListView(ListView):
    permission_required = VIEW_MEASURE
    table_class = MeasureTable
    filterset_class = MeasureFilter
    template_name = "measures/measure_list.html"
    page_title = gettext_lazy("Measures")
    breadcrumbs = [(gettext_lazy("Measures"), None)]
    create_url = reverse_lazy("measures:measure_create")
    create_permission = CHANGE_MEASURE

    def get_queryset(self):
        return selectors.with_control_lists(measures_of(self.request))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["unmapped_count"] = (
            without_controls(
                selectors.measure_list(actor=self.request.user, organisation=self.organisation)
            )
            .values("pk")
            .count()
        )
        ctx["unmapped_active"] = self.request.GET.get("unmapped") == UNMAPPED
        return ctx


class MeasureFormMixin:
    form_class = MeasureForm
    template_name = "measures/measure_form.html"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "organisation": self.request.organisation,
            "actor": self.request.user,
            "suggest_url": reverse("measures:measure_suggest"),
            "read_only": not self.may_edit(),
        }

    def may_edit(self) -> bool:
        return True

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = ctx["form"]
        chosen = form["controls"].value() or []
        text = f"{form['title'].value() or ''}\n{form['description'].value() or ''}".strip()
        ctx.update(
            may_edit=self.may_edit(),
            selected_controls={str(pk) for pk in chosen},
            suggestions=suggest_controls(text) if self.may_edit() and text else [],
            typed=bool(text),
        )
        return ctx


class MeasureCreateView(MeasureFormMixin, ServiceFormView):
    permission_required = CHANGE_MEASURE
    page_title = gettext_lazy("New measure")
    breadcrumbs = [MEASURES, (gettext_lazy("New measure"), None)]
    success_message = gettext_lazy("The measure was created. You can now add evidence files.")

    def get_initial(self):
        # The scope chosen in the header is the likely one for a new measure.
        scope = getattr(self.request, "scope", None)
        return {**super().get_initial(), "scope": scope.pk if scope else None}

    def perform(self, form):
        return services.measure_create(
            actor=self.request.user, organisation=self.organisation, data=form.changed_data_dict()
        )

    def get_success_url(self):
        return reverse("measures:measure_edit", args=[self.saved.pk])


class MeasureEditView(ObjectMixin, RecordEditMixin, MeasureFormMixin, ServiceFormView):
    """Everyone who may see a measure reads it here (external auditors included: the
    evidence is what they came for); saving needs ``write_permission_required``."""

    permission_required = VIEW_MEASURE
    write_permission_required = CHANGE_MEASURE
    success_url = reverse_lazy("measures:measure_list")
    success_message = gettext_lazy("The measure was saved.")

    def get_queryset(self):
        return measures_of(self.request)

    def get_breadcrumbs(self):
        return [MEASURES, (self.get_object().title, None)]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        measure = self.get_object()
        user = self.request.user
        ctx.update(
            object=measure,
            measure=measure,
            page_title=measure.title,
            evidence_files=measure.evidence_files.select_related("uploaded_by"),
            evidence_form=EvidenceForm(),
            may_upload=can(user, UPLOAD_EVIDENCE, measure),
            may_delete=self.may_edit(),
            history=record_history(actor=user, obj=measure)[:50],
        )
        return ctx

    def perform(self, form):
        return services.measure_update(
            actor=self.request.user,
            measure=self.get_object(),
            data=form.changed_data_dict(),
            version=form.cleaned_data.get("version"),
        )


class MeasureDeleteView(ObjectMixin, PolicyMixin, DetailView):
    """GET shows a confirmation; POST deletes through the service."""

    permission_required = CHANGE_MEASURE
    template_name = "core/confirm_delete.html"

    def get_queryset(self):
        return measures_of(self.request)

    def get_breadcrumbs(self):
        measure = self.get_object()
        return [
            MEASURES,
            (measure.title, reverse("measures:measure_edit", args=[measure.pk])),
            (_("Delete"), None),
        ]

    def get_context_data(self, **kwargs):
        measure = self.get_object()
        return {
            **super().get_context_data(**kwargs),
            "page_title": _("Delete measure"),
            "question": _("Delete the measure “{title}”?").format(title=measure.title),
            "cancel_url": reverse("measures:measure_edit", args=[measure.pk]),
        }

    def post(self, request, *args, **kwargs):
        measure = self.get_object()
        try:
            services.measure_delete(actor=request.user, measure=measure)
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
            return redirect("measures:measure_edit", pk=measure.pk)
        messages.success(request, _("The measure was deleted."))
        return redirect("measures:measure_list")


class MeasureEvidenceUploadView(ObjectMixin, PolicyMixin, View):
    """A file kept as evidence of the measure (its SHA-256 is stored); refused files change
    nothing and say why."""

    permission_required = UPLOAD_EVIDENCE
    http_method_names = ["post"]

    def get_queryset(self):
        return measures_of(self.request)

    def post(self, request, pk: int):
        measure = self.get_object()
        upload_from_request(request, scope=measure.scope, attach_to=measure)
        return redirect(reverse("measures:measure_edit", args=[measure.pk]) + "#evidence")


class MeasureSuggestView(PolicyMixin, View):
    """The suggested controls for the typed title and description (htmx partial). A POST that
    writes nothing: the text can be long."""

    permission_required = VIEW_MEASURE
    http_method_names = ["post"]

    def post(self, request):
        params = request.POST
        text = params.get("text") or f"{params.get('title', '')}\n{params.get('description', '')}"
        chosen = {v for v in params.getlist("controls") if v.isdigit() and len(v) < 19}
        return TemplateResponse(
            request,
            "measures/partials/measure_suggestions.html",
            {
                "suggestions": suggest_controls(text[:SUGGEST_MAX_TEXT]),
                "selected_controls": chosen,
                "may_edit": True,
                "typed": bool(text.strip()),
            },
        )


EXPORT_HEADERS = [
    gettext_lazy("title"),
    gettext_lazy("description"),
    gettext_lazy("controls"),
    gettext_lazy("ISMS scope"),
    gettext_lazy("owner"),
    gettext_lazy("status"),
    gettext_lazy("evidence"),
    gettext_lazy("evidence files"),
    gettext_lazy("updated at"),
]


class MeasureExportView(PolicyMixin, View):
    """The filtered measure list as an Excel workbook."""

    permission_required = VIEW_MEASURE
    http_method_names = ["get"]

    def get(self, request) -> HttpResponse:
        filterset = MeasureFilter(
            request.GET, queryset=measures_of(request), organisation=request.organisation
        )
        if not filterset.is_valid():
            messages.error(request, _("Check the filter conditions."))
            return redirect("measures:measure_list")
        measures = filterset.qs.prefetch_related("evidence_files")
        if exceeds_export_limit(measures):
            messages.error(
                request,
                _(
                    "More than {limit} measures match. Narrow the conditions and export again."
                ).format(limit=settings.UME_EXPORT_MAX_ROWS),
            )
            return redirect("measures:measure_list")
        table = Table(
            title=_("Measures"), headers=[str(h) for h in EXPORT_HEADERS], rows=self._rows(measures)
        )
        return export_response(
            write_xlsx([table], meta=export_meta(request)),
            filename=filename_for(_("measures"), "xlsx"),
            kind="xlsx",
        )

    @staticmethod
    def _rows(measures):
        all_scopes = _("All ISMS scopes")
        for m in measures:
            yield [
                m.title,
                m.description,
                ", ".join(c.ref for c in m.controls.all()),
                m.scope.name if m.scope_id else all_scopes,
                str(m.owner) if m.owner_id else "",
                m.get_status_display(),
                m.evidence_note,
                "\n".join(f"{e.name} (SHA-256 {e.sha256})" for e in m.evidence_files.all()),
                timezone.localtime(m.updated_at).replace(tzinfo=None),
            ]

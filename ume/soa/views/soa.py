"""The Statement of Applicability of a scope: table, row editing, bulk edit, approval."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from ume.catalogue.choices import Level
from ume.core import selectors as core_selectors
from ume.core.views.base import PageView, PolicyMixin, ServiceFormView
from ume.measures import selectors as measure_selectors

from .. import selectors, services
from ..domain import changes_since, field_labels, level_gap
from ..forms import ApproveForm, BulkEditForm, RowFilterForm, SoARowForm
from ..models import SoARow
from ..permissions import APPROVE_SOA, CHANGE_SOA, VIEW_SOA
from .base import ScopeMixin


class SoAIndexView(PageView):
    """Every scope with the state of its SoA; with a scope chosen, straight to it."""

    permission_required = VIEW_SOA
    template_name = "soa/index.html"
    page_title = gettext_lazy("Statement of Applicability")
    breadcrumbs = [(gettext_lazy("Statement of Applicability"), None)]

    def get(self, request, *args, **kwargs):
        if request.scope is not None and "all" not in request.GET:
            return redirect("soa:detail", request.scope.pk)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        scopes = list(
            core_selectors.scope_list(actor=self.request.user, organisation=self.organisation)
        )
        for scope in scopes:
            scope.soa_obj = selectors.soa_get(actor=self.request.user, scope=scope)
            scope.latest = (
                selectors.soa_version_list(actor=self.request.user, soa=scope.soa_obj).first()
                if scope.soa_obj
                else None
            )
        ctx["scopes"] = scopes
        return ctx


class SoADetailView(ScopeMixin, PageView):
    permission_required = VIEW_SOA
    template_name = "soa/detail.html"

    def get_template_names(self):
        if self.request.htmx and not self.request.htmx.boosted:
            return ["soa/partials/rows.html"]
        return [self.template_name]

    def get_breadcrumbs(self):
        return self.soa_breadcrumbs()

    def post(self, request, *args, **kwargs):
        """Create the SoA of this scope (93 rows at the recommended target level)."""
        try:
            services.soa_get_or_create(actor=request.user, scope=self.get_scope())
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _(
                    "The Statement of Applicability was created with the "
                    "recommended target level for each control."
                ),
            )
        return redirect("soa:detail", self.get_scope().pk)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        scope = self.get_scope()
        ctx["scope"] = scope
        ctx["page_title"] = _("Statement of Applicability: {scope}").format(scope=scope.name)
        soa = selectors.soa_get(actor=self.request.user, scope=scope)
        ctx["soa"] = soa
        if soa is None:
            return ctx
        form = RowFilterForm(self.request.GET or None)
        data = form.cleaned_data if form.is_valid() else {}
        filters = {k: data.get(k, "") for k in ("theme", "status", "applicable", "gap", "q")}
        rows = list(
            selectors.filter_rows(
                selectors.soa_row_list(actor=self.request.user, soa=soa), **filters
            )
        )
        for row in rows:
            row.gap = level_gap(row)
        versions = list(selectors.soa_version_list(actor=self.request.user, soa=soa)[:1])
        latest = versions[0] if versions else None
        # Every change to a row since the newest approval, whatever it was: the approved
        # version is the evidence, so the page says how far the draft has moved from it.
        changes = (
            changes_since(latest, soa, None if any(filters.values()) else rows) if latest else {}
        )
        for row in rows:
            row.changed_fields = field_labels(changes.get(row.control.ref, ()))
        ctx.update(
            rows=rows,
            filter_form=form,
            bulk_form=BulkEditForm(prefix="bulk"),
            latest=latest,
            changed_count=len(changes),
            summary=selectors.gap_summary(actor=self.request.user, soa=soa),
        )
        return ctx


class SoARowEditView(ScopeMixin, ServiceFormView):
    permission_required = CHANGE_SOA
    template_name = "soa/row_form.html"
    form_class = SoARowForm
    success_message = gettext_lazy("The row was saved.")

    def get_row(self) -> SoARow:
        if not hasattr(self, "_row"):
            self._row = get_object_or_404(
                selectors.soa_row_list(actor=self.request.user, soa=self.get_soa()),
                pk=self.kwargs["pk"],
            )
        return self._row

    def get_form_kwargs(self):
        measures = measure_selectors.measure_list(
            actor=self.request.user, organisation=self.organisation, scope=self.get_scope()
        )
        return {**super().get_form_kwargs(), "instance": self.get_row(), "measures": measures}

    def get_breadcrumbs(self):
        row = self.get_row()
        return self.soa_breadcrumbs((f"{row.control.ref} {row.control.l_title}", None))

    def get_context_data(self, **kwargs):
        row = self.get_row()
        from ume.core.selectors import record_history

        return {
            **super().get_context_data(**kwargs),
            "row": row,
            "control": row.control,
            "scope": self.get_scope(),
            "levels": Level,
            "page_title": f"{row.control.ref} {row.control.l_title}",
            "history": record_history(actor=self.request.user, obj=row)[:30],
        }

    def perform(self, form):
        return services.soa_row_update(
            actor=self.request.user,
            row=self.get_row(),
            data=form.changed_data_dict(),
            version=form.cleaned_data.get("version"),
        )

    def get_success_url(self):
        return reverse("soa:detail", args=[self.get_scope().pk]) + f"#row-{self.saved.pk}"


class SoABulkEditView(ScopeMixin, PolicyMixin, View):
    """POST from the SoA table: ticked rows (``rows``) with their versions (``v_<id>``)."""

    permission_required = CHANGE_SOA
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        soa = self.get_soa()
        form = BulkEditForm(request.POST, prefix="bulk")
        back = reverse("soa:detail", args=[self.get_scope().pk])
        ids = [int(i) for i in request.POST.getlist("rows") if i.isdigit() and len(i) < 19]
        versions = {}
        for pk in ids:
            raw = request.POST.get(f"v_{pk}", "")
            versions[pk] = int(raw) if raw.isdigit() and len(raw) < 10 else None
        if not form.is_valid():
            messages.error(request, _("Check the values to set."))
            return redirect(back)
        try:
            count = services.soa_rows_bulk_update(
                actor=request.user, soa=soa, versions=versions, data=form.changes()
            )
        except ValidationError as exc:
            for msg in exc.messages[:20]:
                messages.error(request, msg)
            return redirect(back)
        messages.success(request, _("{count} rows were updated.").format(count=count))
        return redirect(back)


class SoAApproveView(ScopeMixin, ServiceFormView):
    permission_required = APPROVE_SOA
    template_name = "soa/approve.html"
    form_class = ApproveForm

    def get_breadcrumbs(self):
        return self.soa_breadcrumbs((_("Approval"), None))

    def get_context_data(self, **kwargs):
        soa = self.get_soa()
        return {
            **super().get_context_data(**kwargs),
            "scope": self.get_scope(),
            "page_title": _("Approve the Statement of Applicability"),
            "summary": selectors.gap_summary(actor=self.request.user, soa=soa),
            "latest": selectors.soa_version_list(actor=self.request.user, soa=soa).first(),
        }

    def perform(self, form):
        version = services.soa_approve(
            actor=self.request.user, soa=self.get_soa(), comment=form.cleaned_data["comment"]
        )
        messages.success(
            self.request, _("Version {number} was approved.").format(number=version.number)
        )
        return version

    def get_success_url(self):
        return reverse("soa:version_detail", args=[self.get_scope().pk, self.saved.number])


__all__ = [
    "SoAApproveView",
    "SoABulkEditView",
    "SoADetailView",
    "SoAIndexView",
    "SoARowEditView",
]

"""Base views every module builds on: default-deny permission checks, organisation context,
service-backed forms with optimistic locking, and htmx partial selection."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from ..exports import (
    exceeds_export_limit,
    export_meta,
    export_response,
    filename_for,
    write_csv,
    write_xlsx,
)
from ..policies import can
from ..services import export_record


def public_view(view):
    """Mark a function view as intentionally public (no login); the route test checks it."""
    view.public = True
    return view


class PolicyMixin(LoginRequiredMixin):
    """Default deny: a view must name ``permission_required``; it is checked against
    ``get_permission_object()`` (the current organisation unless overridden)."""

    permission_required: str | None = None
    breadcrumbs: list[tuple[str, str | None]] = []

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if getattr(request, "organisation", None) is None:
            raise PermissionDenied(_("You are not a member of any organization."))
        if self.permission_required is None:
            raise PermissionDenied("view declares no permission")
        if not can(request.user, self.permission_required, self.get_permission_object()):
            raise PermissionDenied(_("You do not have permission to open this page."))
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self) -> Any:
        return self.request.organisation

    def get_breadcrumbs(self) -> list[tuple[str, str | None]]:
        return list(self.breadcrumbs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("breadcrumbs", self.get_breadcrumbs())
        ctx.setdefault("page_title", getattr(self, "page_title", ""))
        return ctx

    @property
    def organisation(self):
        return self.request.organisation


class ObjectMixin:
    """Fetch the object through a selector (so other organisations' rows are a 404)."""

    def get_queryset(self):
        raise ImproperlyConfigured(f"{type(self).__name__} must return its selector's queryset")

    def get_object(self):
        if not hasattr(self, "_object"):
            try:
                self._object = self.get_queryset().get(pk=self.kwargs["pk"])
            except self.get_queryset().model.DoesNotExist:
                raise Http404 from None
        return self._object

    def get_permission_object(self):
        return self.get_object()


class RecordEditMixin:
    """A record's form that everyone who may see the record opens (read-only for them);
    saving needs ``write_permission_required`` on the record itself. Put it before the
    module's form mixin, whose ``may_edit`` (True, for a new record) it overrides."""

    write_permission_required: str | None = None

    def post(self, request, *args, **kwargs):
        if not self.may_edit():
            raise PermissionDenied(_("You do not have permission to do this."))
        return super().post(request, *args, **kwargs)

    def may_edit(self) -> bool:
        return can(self.request.user, self.write_permission_required, self.get_object())

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_object()}


class PageView(PolicyMixin, TemplateView):
    pass


class ServiceFormView(PolicyMixin, FormView):
    """A form whose valid data goes to one service. ``perform(form)`` calls it and returns the
    saved object; ValidationError (including a stale edit) is shown on the form, nothing saved."""

    success_message: str = ""

    def perform(self, form) -> Any:
        raise ImproperlyConfigured(f"{type(self).__name__} must call its service in perform()")

    def form_valid(self, form):
        try:
            self.saved = self.perform(form)
        except ValidationError as exc:
            attach_errors(form, exc)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())


def attach_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors on their fields (when the
    form has them), the rest, such as a stale edit, as non-field errors."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


class ListView(PolicyMixin, SingleTableMixin, FilterView):
    """A filtered, sorted, paginated table whose queryset comes from a selector."""

    paginate_by = 50
    template_name = "core/list.html"
    filterset_class = None

    def get_table_pagination(self, table):
        return {"per_page": self.paginate_by}

    def get_paginate_by(self, queryset):
        # django-tables2 paginates the table; Django's own pagination would COUNT(*) the
        # whole filtered queryset again on every request.
        return None

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        if "organisation" in filterset_class.__init__.__code__.co_varnames:
            kwargs["organisation"] = self.request.organisation
        return kwargs

    def get_template_names(self):
        if self.request.htmx and not self.request.htmx.boosted:
            return ["core/partials/list_results.html"]
        return [self.template_name]


class FilteredExportView(PolicyMixin, View):
    """The records a list shows under its filters, as xlsx or csv (``kind`` from the URL):
    a filter that does not validate or too many rows go back to the list with a message; an
    export is written to the audit trail as ``export_event``. Subclasses name the selector
    (``records``), the table (``table``) and the texts."""

    http_method_names = ["get"]
    filterset_class: Any = None
    list_url: str = ""  # the list's URL name, where refusals go back to
    export_event: str = ""
    filename: Any = ""  # lazy text, e.g. _("retention rules")
    too_many: Any = ""  # lazy text with {limit}

    def records(self, request):
        raise ImproperlyConfigured(f"{type(self).__name__} must return its selector's queryset")

    def filterset_kwargs(self, request) -> dict[str, Any]:
        return {}

    def rows(self, filtered):
        """What the table is written from (the filtered records by default)."""
        return filtered

    def table(self, rows):
        raise ImproperlyConfigured(f"{type(self).__name__} must build its export table")

    def get(self, request, kind: str):
        filterset = self.filterset_class(
            request.GET, queryset=self.records(request), **self.filterset_kwargs(request)
        )
        if not filterset.is_valid():
            messages.error(request, _("Check the filter conditions."))
            return redirect(self.list_url)
        rows = self.rows(filterset.qs)
        if exceeds_export_limit(rows):
            messages.error(request, str(self.too_many).format(limit=settings.UME_EXPORT_MAX_ROWS))
            return redirect(self.list_url)
        export_record(
            actor=request.user,
            organisation=request.organisation,
            name=self.export_event,
            details={"format": kind},
        )
        name = filename_for(str(self.filename), kind)
        table = self.table(rows)
        if kind == "csv":
            return export_response(write_csv(table), filename=name, kind="csv")
        data = write_xlsx([table], meta=export_meta(request))
        return export_response(data, filename=name, kind="xlsx")

"""Organisation profile, ISMS scopes (JIS Q 27001 4.3) and departments."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView

from .. import selectors, services
from ..filters import DepartmentFilter, ScopeFilter
from ..forms import DepartmentForm, OrganisationForm, ScopeForm
from ..models import ApiToken
from ..permissions import (
    ADD_DEPARTMENT,
    ADD_SCOPE,
    CHANGE_DEPARTMENT,
    CHANGE_ORGANISATION,
    CHANGE_SCOPE,
    DELETE_DEPARTMENT,
    VIEW_DEPARTMENT,
    VIEW_SCOPE,
)
from ..tables import DepartmentTable, ScopeTable
from .base import ListView, ObjectMixin, PolicyMixin, ServiceFormView

SCOPES = (gettext_lazy("ISMS scopes"), reverse_lazy("core:scope_list"))
DEPARTMENTS = (gettext_lazy("Departments"), reverse_lazy("core:department_list"))


class OrganisationEditView(ServiceFormView):
    permission_required = CHANGE_ORGANISATION
    template_name = "core/form.html"
    form_class = OrganisationForm
    page_title = gettext_lazy("Organization profile")
    breadcrumbs = [(gettext_lazy("Organization profile"), None)]
    success_url = reverse_lazy("core:organisation_edit")
    success_message = gettext_lazy("The organization profile was saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.organisation}

    def perform(self, form):
        org = services.organisation_update(
            actor=self.request.user,
            organisation=self.organisation,
            data=form.changed_data_dict(),
            version=form.cleaned_data.get("version"),
        )
        if "require_mfa" in form.changed_data:
            self._warn_suspended_tokens(org)
        return org

    def _warn_suspended_tokens(self, org) -> None:
        holders = (
            ApiToken.objects.usable().filter(organisation=org).values_list("user_id", flat=True)
        )
        blocked = selectors.users_missing_mfa(organisation=org, user_ids=holders)
        if blocked:
            messages.warning(
                self.request,
                _(
                    "{count} users with API tokens have not set up multi-factor "
                    "authentication: their tokens stop working until they do."
                ).format(count=len(blocked)),
            )


class ScopeListView(ListView):
    permission_required = VIEW_SCOPE
    table_class = ScopeTable
    filterset_class = ScopeFilter
    page_title = gettext_lazy("ISMS scopes")
    breadcrumbs = [(gettext_lazy("ISMS scopes"), None)]
    create_url = reverse_lazy("core:scope_create")
    create_permission = ADD_SCOPE

    def get_queryset(self):
        return selectors.scope_list(
            actor=self.request.user, organisation=self.organisation, include_inactive=True
        )


class ScopeDetailView(ObjectMixin, PolicyMixin, DetailView):
    permission_required = VIEW_SCOPE
    template_name = "core/scope_detail.html"
    context_object_name = "scope"

    def get_queryset(self):
        return selectors.scope_list(
            actor=self.request.user, organisation=self.organisation, include_inactive=True
        )

    def get_breadcrumbs(self):
        return [SCOPES, (self.get_object().name, None)]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["page_title"] = self.object.name
        ctx["history"] = selectors.record_history(actor=self.request.user, obj=self.object)[:50]
        ctx["departments"] = self.object.departments.all()
        return ctx


class ScopeCreateView(ServiceFormView):
    permission_required = ADD_SCOPE
    template_name = "core/form.html"
    form_class = ScopeForm
    page_title = gettext_lazy("New ISMS scope")
    breadcrumbs = [SCOPES, (gettext_lazy("New ISMS scope"), None)]
    success_message = gettext_lazy("The ISMS scope was created.")

    def perform(self, form):
        data = form.changed_data_dict()
        return services.scope_create(
            actor=self.request.user, organisation=self.organisation, data=data
        )

    def get_success_url(self):
        return reverse("core:scope_detail", args=[self.saved.pk])


class ScopeEditView(ObjectMixin, ServiceFormView):
    permission_required = CHANGE_SCOPE
    template_name = "core/form.html"
    form_class = ScopeForm
    success_message = gettext_lazy("The ISMS scope was saved.")

    def get_queryset(self):
        return selectors.scope_list(
            actor=self.request.user, organisation=self.organisation, include_inactive=True
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_object()}

    def get_breadcrumbs(self):
        scope = self.get_object()
        return [
            SCOPES,
            (scope.name, reverse("core:scope_detail", args=[scope.pk])),
            (_("Edit"), None),
        ]

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "page_title": _("Edit {name}").format(name=self.get_object().name),
        }

    def perform(self, form):
        return services.scope_update(
            actor=self.request.user,
            scope=self.get_object(),
            data=form.changed_data_dict(),
            version=form.cleaned_data.get("version"),
        )

    def get_success_url(self):
        return reverse("core:scope_detail", args=[self.saved.pk])


class DepartmentListView(ListView):
    permission_required = VIEW_DEPARTMENT
    table_class = DepartmentTable
    filterset_class = DepartmentFilter
    page_title = gettext_lazy("Departments")
    breadcrumbs = [(gettext_lazy("Departments"), None)]
    create_url = reverse_lazy("core:department_create")
    create_permission = ADD_DEPARTMENT

    def get_queryset(self):
        return selectors.department_list(actor=self.request.user, organisation=self.organisation)


class DepartmentFormMixin:
    form_class = DepartmentForm
    template_name = "core/form.html"
    success_url = reverse_lazy("core:department_list")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organisation": self.request.organisation}


class DepartmentCreateView(DepartmentFormMixin, ServiceFormView):
    permission_required = ADD_DEPARTMENT
    page_title = gettext_lazy("New department")
    breadcrumbs = [DEPARTMENTS, (gettext_lazy("New department"), None)]
    success_message = gettext_lazy("The department was created.")

    def perform(self, form):
        return services.department_create(
            actor=self.request.user, organisation=self.organisation, data=form.changed_data_dict()
        )


class DepartmentEditView(ObjectMixin, DepartmentFormMixin, ServiceFormView):
    permission_required = CHANGE_DEPARTMENT
    success_message = gettext_lazy("The department was saved.")
    template_name = "core/department_form.html"

    def get_queryset(self):
        return selectors.department_list(actor=self.request.user, organisation=self.organisation)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_object()}

    def get_breadcrumbs(self):
        return [DEPARTMENTS, (self.get_object().name, None)]

    def get_context_data(self, **kwargs):
        obj = self.get_object()
        return {
            **super().get_context_data(**kwargs),
            "page_title": obj.name,
            "object": obj,
            "history": selectors.record_history(actor=self.request.user, obj=obj)[:50],
        }

    def perform(self, form):
        return services.department_update(
            actor=self.request.user,
            department=self.get_object(),
            data=form.changed_data_dict(),
            version=form.cleaned_data.get("version"),
        )


class DepartmentDeleteView(ObjectMixin, PolicyMixin, DetailView):
    """GET shows a confirmation; POST deletes through the service."""

    permission_required = DELETE_DEPARTMENT
    template_name = "core/confirm_delete.html"

    def get_queryset(self):
        return selectors.department_list(actor=self.request.user, organisation=self.organisation)

    def get_breadcrumbs(self):
        return [DEPARTMENTS, (self.get_object().name, None)]

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "page_title": _("Delete department"),
            "question": _("Delete the department “{name}”?").format(name=self.get_object().name),
            "cancel_url": reverse("core:department_edit", args=[self.get_object().pk]),
        }

    def post(self, request, *args, **kwargs):
        try:
            services.department_delete(actor=request.user, department=self.get_object())
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
            return redirect("core:department_edit", pk=self.get_object().pk)
        messages.success(request, _("The department was deleted."))
        return redirect("core:department_list")

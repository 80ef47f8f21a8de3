"""Retention rules (保存期間): the built-in statutory rules with their law, article and
source, the organization's own and contractual rules, and its choice between a rule's 本則
and its transitional period (経過措置)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView

from ume.core.policies import can
from ume.core.selectors import record_history
from ume.core.views.base import (
    FilteredExportView,
    ListView,
    ObjectMixin,
    PolicyMixin,
    ServiceFormView,
)

from .. import retention, selectors, services
from ..exports import retention_rules_table
from ..filters import RetentionRuleFilter
from ..forms import RetentionChoiceForm, RetentionRuleForm
from ..permissions import MANAGE_RETENTION, VIEW_RETENTION
from ..tables import RetentionRuleTable

RULES = (gettext_lazy("Retention rules"), reverse_lazy("assets:retention_rule_list"))


def rules_of(request):
    return selectors.retention_rule_list(actor=request.user, organisation=request.organisation)


class RetentionRuleListView(ListView):
    permission_required = VIEW_RETENTION
    table_class = RetentionRuleTable
    filterset_class = RetentionRuleFilter
    template_name = "assets/retention_rule_list.html"
    page_title = gettext_lazy("Retention rules")
    breadcrumbs = [
        (gettext_lazy("Information assets"), reverse_lazy("assets:asset_list")),
        (gettext_lazy("Retention rules"), None),
    ]
    create_url = reverse_lazy("assets:retention_rule_create")
    create_permission = MANAGE_RETENTION
    create_label = gettext_lazy("New rule")

    def get_queryset(self):
        return rules_of(self.request)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["needs_choice"] = RetentionRuleFilter(
            {"state": retention.RuleState.NEEDS_CHOICE}, queryset=self.get_queryset()
        ).qs.count()
        return ctx


class RuleObjectMixin(ObjectMixin):
    """A rule of the list (built in or the organization's own; another's is a 404). Built-in
    rules belong to no organization, so the permission is checked on the organization."""

    def get_queryset(self):
        return rules_of(self.request)

    def get_permission_object(self):
        self.get_object()
        return self.request.organisation


class RetentionRuleDetailView(RuleObjectMixin, ServiceFormView):
    """The rule with its source; the 事務局 chooses here between 本則 and 経過措置."""

    permission_required = VIEW_RETENTION
    form_class = RetentionChoiceForm
    template_name = "assets/retention_rule_detail.html"
    success_message = gettext_lazy("The choice was saved. Dates follow the chosen period.")

    def may_choose(self) -> bool:
        rule = self.get_object()
        return rule.has_transitional and can(
            self.request.user, MANAGE_RETENTION, self.request.organisation
        )

    def post(self, request, *args, **kwargs):
        if not self.may_choose():
            raise PermissionDenied(_("You do not have permission to do this."))
        return super().post(request, *args, **kwargs)

    def choice(self):
        return selectors.retention_choice(self.request.organisation, self.get_object())

    def get_initial(self):
        choice = self.choice()
        chosen = choice.pk and choice.use_transitional
        return {
            "period": RetentionChoiceForm.TRANSITIONAL if chosen else RetentionChoiceForm.MAIN,
            "version": choice.version,
        }

    def get_breadcrumbs(self):
        return [RULES, (self.get_object().label, None)]

    def get_context_data(self, **kwargs):
        rule = self.get_object()
        choice = self.choice()
        chosen = choice.use_transitional if choice.pk else None
        assets = selectors.asset_list(actor=self.request.user, organisation=self.organisation)
        following = assets.filter(retention_rules=rule)
        own = not rule.is_builtin
        return {
            **super().get_context_data(**kwargs),
            "page_title": rule.label,
            "rule": rule,
            "state": retention.state(rule, chosen),
            "main_label": retention.describe(rule.main_period(), rule.no_period),
            "transitional_label": retention.describe(rule.period(True))
            if rule.has_transitional
            else "",
            "effective_label": retention.effective_label(rule, chosen),
            "choice": choice if choice.pk else None,
            "may_choose": self.may_choose(),
            "run": selectors.retention_run(self.organisation),
            "may_manage": own and can(self.request.user, MANAGE_RETENTION, rule),
            "assets": following[:50],
            "asset_count": following.count(),
            "history": record_history(actor=self.request.user, obj=rule if own else choice)[:50]
            if own or choice.pk
            else [],
        }

    def perform(self, form):
        return services.retention_period_choose(
            actor=self.request.user,
            organisation=self.organisation,
            rule=self.get_object(),
            use_transitional=form.cleaned_data["period"] == RetentionChoiceForm.TRANSITIONAL,
            version=form.cleaned_data["version"],
        )

    def get_success_url(self):
        return reverse("assets:retention_rule_detail", args=[self.get_object().pk])


class RetentionRuleCreateView(ServiceFormView):
    permission_required = MANAGE_RETENTION
    form_class = RetentionRuleForm
    template_name = "core/form.html"
    page_title = gettext_lazy("New retention rule")
    breadcrumbs = [RULES, (gettext_lazy("New retention rule"), None)]
    success_message = gettext_lazy("The retention rule was added.")

    def perform(self, form):
        return services.retention_rule_create(
            actor=self.request.user, organisation=self.organisation, data=form.changed_data_dict()
        )

    def get_success_url(self):
        return reverse("assets:retention_rule_detail", args=[self.saved.pk])


class OwnRuleMixin(ObjectMixin):
    """Only the organization's own rules are edited or deleted (built-in ones are a 404)."""

    permission_required = MANAGE_RETENTION

    def get_queryset(self):
        return rules_of(self.request).filter(organisation=self.request.organisation)


class RetentionRuleEditView(OwnRuleMixin, ServiceFormView):
    form_class = RetentionRuleForm
    template_name = "core/form.html"
    success_message = gettext_lazy("The retention rule was saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_object()}

    def get_breadcrumbs(self):
        rule = self.get_object()
        detail = reverse("assets:retention_rule_detail", args=[rule.pk])
        return [RULES, (rule.label, detail), (_("Edit"), None)]

    def get_context_data(self, **kwargs):
        rule = self.get_object()
        return {
            **super().get_context_data(**kwargs),
            "page_title": rule.label,
            "delete_url": reverse("assets:retention_rule_delete", args=[rule.pk]),
        }

    def perform(self, form):
        return services.retention_rule_update(
            actor=self.request.user,
            rule=self.get_object(),
            data=form.changed_data_dict(),
            version=form.cleaned_data.get("version"),
        )

    def get_success_url(self):
        return reverse("assets:retention_rule_detail", args=[self.get_object().pk])


class RetentionRuleDeleteView(OwnRuleMixin, PolicyMixin, DetailView):
    """GET asks for confirmation; POST deletes through the service (refused while in use)."""

    template_name = "core/confirm_delete.html"

    def get_breadcrumbs(self):
        return [RULES, (self.get_object().label, None), (_("Delete"), None)]

    def get_context_data(self, **kwargs):
        rule = self.get_object()
        return {
            **super().get_context_data(**kwargs),
            "page_title": _("Delete retention rule"),
            "question": _("Delete the retention rule “{name}”?").format(name=rule.label),
            "cancel_url": reverse("assets:retention_rule_detail", args=[rule.pk]),
        }

    def post(self, request, *args, **kwargs):
        rule = self.get_object()
        try:
            services.retention_rule_delete(actor=request.user, rule=rule)
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
            return redirect("assets:retention_rule_detail", pk=rule.pk)
        messages.success(request, _("The retention rule was deleted."))
        return redirect("assets:retention_rule_list")


class RetentionRuleExportView(FilteredExportView):
    """The filtered rules with their law, article, source and the organization's choice."""

    permission_required = VIEW_RETENTION
    filterset_class = RetentionRuleFilter
    list_url = "assets:retention_rule_list"
    export_event = "retention_rules_exported"
    filename = gettext_lazy("retention rules")
    too_many = gettext_lazy(
        "More than {limit} rules match. Narrow the conditions and export again."
    )

    def records(self, request):
        return rules_of(request)

    def table(self, rows):
        return retention_rules_table(rows)

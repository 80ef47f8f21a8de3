"""The ledger's settings: the organization's 機密区分 (classification levels) and the rule
that derives 重要度 from C/I/A, each with where it comes from."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView

from ume.core.views.base import ObjectMixin, PolicyMixin, ServiceFormView

from .. import selectors, services
from ..choices import PROVENANCE
from ..forms import ClassificationLevelForm, LedgerSettingsForm
from ..permissions import MANAGE_CLASSIFICATION

LEDGER = (gettext_lazy("Information assets"), reverse_lazy("assets:asset_list"))
SETTINGS = (gettext_lazy("Ledger settings"), reverse_lazy("assets:settings"))


class LedgerSettingsView(ServiceFormView):
    """The classification levels and the importance rule (the 事務局 and administrators)."""

    permission_required = MANAGE_CLASSIFICATION
    form_class = LedgerSettingsForm
    template_name = "assets/settings.html"
    page_title = gettext_lazy("Ledger settings")
    breadcrumbs = [LEDGER, (gettext_lazy("Ledger settings"), None)]
    success_url = reverse_lazy("assets:settings")
    success_message = gettext_lazy(
        "The settings were saved. Every asset's importance follows the importance rule."
    )

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": selectors.ledger_settings(self.organisation),
        }

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "levels": selectors.classification_levels(self.organisation),
            "importance_source": PROVENANCE["importance"],
        }

    def perform(self, form):
        return services.ledger_settings_update(
            actor=self.request.user,
            organisation=self.organisation,
            data=form.changed_data_dict(),
            version=form.cleaned_data.get("version"),
        )


class LevelCreateView(ServiceFormView):
    permission_required = MANAGE_CLASSIFICATION
    form_class = ClassificationLevelForm
    template_name = "core/form.html"
    page_title = gettext_lazy("New classification level")
    breadcrumbs = [LEDGER, SETTINGS, (gettext_lazy("New classification level"), None)]
    success_url = reverse_lazy("assets:settings")
    success_message = gettext_lazy("The classification level was added.")

    def get_initial(self):
        last = selectors.classification_levels(self.organisation).last()
        return {"rank": (last.rank + 1) if last else 1}

    def perform(self, form):
        return services.classification_level_create(
            actor=self.request.user, organisation=self.organisation, data=form.changed_data_dict()
        )


class LevelEditView(ObjectMixin, ServiceFormView):
    permission_required = MANAGE_CLASSIFICATION
    form_class = ClassificationLevelForm
    template_name = "core/form.html"
    success_url = reverse_lazy("assets:settings")
    success_message = gettext_lazy("The classification level was saved.")

    def get_queryset(self):
        return selectors.classification_levels(self.organisation)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_object()}

    def get_breadcrumbs(self):
        return [LEDGER, SETTINGS, (self.get_object().label, None)]

    def get_context_data(self, **kwargs):
        level = self.get_object()
        return {
            **super().get_context_data(**kwargs),
            "page_title": level.label,
            "delete_url": reverse("assets:level_delete", args=[level.pk]),
        }

    def perform(self, form):
        return services.classification_level_update(
            actor=self.request.user,
            level=self.get_object(),
            data=form.changed_data_dict(),
            version=form.cleaned_data.get("version"),
        )


class LevelDeleteView(ObjectMixin, PolicyMixin, DetailView):
    """GET shows a confirmation; POST deletes through the service (refused while in use)."""

    permission_required = MANAGE_CLASSIFICATION
    template_name = "core/confirm_delete.html"

    def get_queryset(self):
        return selectors.classification_levels(self.organisation)

    def get_breadcrumbs(self):
        return [LEDGER, SETTINGS, (self.get_object().label, None), (_("Delete"), None)]

    def get_context_data(self, **kwargs):
        level = self.get_object()
        return {
            **super().get_context_data(**kwargs),
            "page_title": _("Delete classification level"),
            "question": _("Delete the classification level “{name}”?").format(name=level.label),
            "cancel_url": reverse("assets:settings"),
        }

    def post(self, request, *args, **kwargs):
        try:
            services.classification_level_delete(actor=request.user, level=self.get_object())
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
            return redirect("assets:settings")
        messages.success(request, _("The classification level was deleted."))
        return redirect("assets:settings")

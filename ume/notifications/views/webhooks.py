"""Webhooks: the 事務局 or an administrator sends notifications to Slack, Teams, Chatwork or
any HTTPS endpoint; a test button; the last posts with their status."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView

from ume.core.views.base import ObjectMixin, PageView, PolicyMixin, ServiceFormView

from .. import delivery, selectors, services, webhooks
from ..forms import WebhookForm
from ..models import Notification
from ..permissions import MANAGE_WEBHOOKS


def _trail() -> list:
    return [
        (_("Notifications"), reverse("notifications:inbox")),
        (_("Webhooks"), reverse("notifications:webhooks")),
    ]


class WebhookListView(PageView):
    permission_required = MANAGE_WEBHOOKS
    template_name = "notifications/webhook_list.html"
    page_title = gettext_lazy("Webhooks")

    def get_breadcrumbs(self):
        return [(_("Notifications"), reverse("notifications:inbox")), (self.page_title, None)]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["webhooks"] = selectors.webhook_list(
            actor=self.request.user, organisation=self.organisation
        )
        return ctx


class _WebhookMixin:
    def get_queryset(self):
        return selectors.webhook_list(actor=self.request.user, organisation=self.organisation)


class WebhookCreateView(ServiceFormView):
    permission_required = MANAGE_WEBHOOKS
    template_name = "core/form.html"
    form_class = WebhookForm
    page_title = gettext_lazy("Add a webhook")
    success_url = reverse_lazy("notifications:webhooks")
    success_message = gettext_lazy("The webhook was saved.")

    def get_breadcrumbs(self):
        return [*_trail(), (self.page_title, None)]

    def perform(self, form):
        return services.webhook_create(
            actor=self.request.user, organisation=self.organisation, data=form.changed_data_dict()
        )


class WebhookEditView(_WebhookMixin, ObjectMixin, ServiceFormView):
    permission_required = MANAGE_WEBHOOKS
    template_name = "notifications/webhook_form.html"
    form_class = WebhookForm
    success_url = reverse_lazy("notifications:webhooks")
    success_message = gettext_lazy("The webhook was saved.")

    @property
    def page_title(self) -> str:
        return self.get_object().name

    def get_permission_object(self):
        return self.get_object().organisation

    def get_breadcrumbs(self):
        return [*_trail(), (self.page_title, None)]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_object()}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["webhook"] = self.get_object()
        ctx["deliveries"] = self.get_object().deliveries.select_related("notification")[
            : webhooks.KEPT
        ]
        return ctx

    def perform(self, form):
        data = form.changed_data_dict()
        return services.webhook_update(
            actor=self.request.user,
            webhook=self.get_object(),
            data=data,
            version=form.cleaned_data.get("version"),
        )


class WebhookDeleteView(_WebhookMixin, ObjectMixin, PolicyMixin, DetailView):
    """GET shows a confirmation; POST deletes through the service."""

    permission_required = MANAGE_WEBHOOKS
    template_name = "core/confirm_delete.html"

    def get_permission_object(self):
        return self.get_object().organisation

    def get_breadcrumbs(self):
        return [*_trail(), (self.get_object().name, None)]

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "page_title": _("Delete webhook"),
            "question": _("Delete the webhook “{name}”? Nothing more is posted to it.").format(
                name=self.get_object().name
            ),
            "cancel_url": reverse("notifications:webhook_edit", args=[self.get_object().pk]),
        }

    def post(self, request, *args, **kwargs):
        services.webhook_delete(actor=request.user, webhook=self.get_object())
        messages.success(request, _("The webhook was deleted."))
        return HttpResponseRedirect(reverse("notifications:webhooks"))


class WebhookTestView(_WebhookMixin, ObjectMixin, PolicyMixin, View):
    """Post a sample notification now and say how the endpoint answered."""

    permission_required = MANAGE_WEBHOOKS
    http_method_names = ["post"]

    def get_permission_object(self):
        return self.get_object().organisation

    def post(self, request, pk: int):
        webhook = self.get_object()
        sample = Notification(
            organisation=webhook.organisation,
            kind="soa.revision_recommended",
            title=_("Sample notification"),
            due=timezone.localdate(),
        )
        try:
            status = webhooks.post(webhook, webhooks.payload(webhook, sample, test=True))
        except (ValidationError, OSError, ValueError) as exc:
            code = getattr(exc, "code", None)
            reason = f"HTTP {code}" if code else delivery.reason_of(exc)
            messages.error(request, _("The test failed: {reason}").format(reason=reason))
        else:
            messages.success(
                request, _("The test was posted (HTTP {status}).").format(status=status)
            )
        return HttpResponseRedirect(reverse("notifications:webhook_edit", args=[webhook.pk]))

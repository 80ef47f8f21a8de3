"""Retention events (退職日, 契約終了日 …) typed by hand until the registers that know them
exist: recorded, corrected with a reason, withdrawn. Each change recomputes the dates of the
records kept about the subject; a leaver's name shows only to roles that may see it."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ume.core.policies import can
from ume.core.selectors import record_history
from ume.core.views.base import ListView, ObjectMixin, ServiceFormView

from .. import selectors, services
from ..choices import EventSource
from ..filters import RetentionEventFilter
from ..forms import RetentionEventCorrectForm, RetentionEventForm, RetentionEventWithdrawForm
from ..models import RetentionItem
from ..permissions import MANAGE_RETENTION, VIEW_RETENTION
from ..tables import RetentionEventTable

EVENTS = (gettext_lazy("Retention events"), reverse_lazy("assets:retention_event_list"))
DUE = (gettext_lazy("Retention and deletion"), reverse_lazy("assets:retention_batch_list"))


def events_of(request):
    return selectors.retention_event_list(actor=request.user, organisation=request.organisation)


class RetentionEventListView(ListView):
    permission_required = VIEW_RETENTION
    table_class = RetentionEventTable
    filterset_class = RetentionEventFilter
    template_name = "assets/retention_event_list.html"
    page_title = gettext_lazy("Retention events")
    breadcrumbs = [DUE, (gettext_lazy("Retention events"), None)]
    create_url = reverse_lazy("assets:retention_event_create")
    create_permission = MANAGE_RETENTION
    create_label = gettext_lazy("Record an event")

    def get_queryset(self):
        return events_of(self.request)

    def get_table_kwargs(self):
        return {"may_see_names": selectors.may_see_names(self.request.user, self.organisation)}


class RetentionEventCreateView(ServiceFormView):
    permission_required = MANAGE_RETENTION
    form_class = RetentionEventForm
    template_name = "core/form.html"
    page_title = gettext_lazy("Record a retention event")
    breadcrumbs = [DUE, EVENTS, (gettext_lazy("Record an event"), None)]
    success_message = gettext_lazy("The event was recorded. The dates of its records follow it.")

    def get_form_kwargs(self):
        assets = selectors.asset_list(actor=self.request.user, organisation=self.organisation)
        ruled = assets.filter(retention_rules__isnull=False).distinct()
        return {**super().get_form_kwargs(), "assets": ruled}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "cancel_url": EVENTS[1]}

    def perform(self, form):
        data = form.cleaned_data
        return services.retention_event_record(
            actor=self.request.user,
            organisation=self.organisation,
            source=EventSource.MANUAL,
            subject=data["subject"],
            event_type=data["event_type"],
            date=data["date"],
            assets=list(data["assets"]) or None,
            started_on=data.get("started_on"),
        )

    def get_success_url(self):
        return reverse("assets:retention_event_edit", args=[self.saved.pk])


class EventObjectMixin(ObjectMixin):
    def get_queryset(self):
        return events_of(self.request)

    def may_see_names(self) -> bool:
        return selectors.may_see_names(self.request.user, self.request.organisation)

    def subject_label(self) -> str:
        return self.get_object().subject.label(self.may_see_names())


class RetentionEventEditView(EventObjectMixin, ServiceFormView):
    """The event, the records kept about its subject with their dates, and (for the 事務局)
    the correction of its date."""

    permission_required = VIEW_RETENTION
    form_class = RetentionEventCorrectForm
    template_name = "assets/retention_event_detail.html"
    success_message = gettext_lazy("The date was corrected. The records' dates follow it.")

    def may_manage(self) -> bool:
        return can(self.request.user, MANAGE_RETENTION, self.get_object())

    def post(self, request, *args, **kwargs):
        if not self.may_manage():
            raise PermissionDenied(_("You do not have permission to do this."))
        return super().post(request, *args, **kwargs)

    def get_initial(self):
        event = self.get_object()
        return {"date": event.date, "version": event.version}

    def get_breadcrumbs(self):
        return [DUE, EVENTS, (self.subject_label(), None)]

    def get_context_data(self, **kwargs):
        event = self.get_object()
        batches = selectors.retention_batch_list(
            actor=self.request.user, organisation=self.organisation
        )
        items = (
            RetentionItem.objects.filter(subject=event.subject, batch__in=batches.values("pk"))
            .select_related("asset", "batch", "rule")
            .order_by("keep_until", "pk")
        )
        return {
            **super().get_context_data(**kwargs),
            "page_title": f"{self.subject_label()} — {event.get_event_type_display()}",
            "event": event,
            "subject_label": self.subject_label(),
            "items": items,
            "may_manage": self.may_manage(),
            # The trail names the subject: shown to those who may see the name.
            "show_history": self.may_see_names() or not event.subject.personal,
            "history": record_history(actor=self.request.user, obj=event)[:50],
        }

    def perform(self, form):
        return services.retention_event_update(
            actor=self.request.user,
            event=self.get_object(),
            data={"date": form.cleaned_data["date"], "reason": form.cleaned_data["reason"]},
            version=form.cleaned_data["version"],
        )

    def get_success_url(self):
        return reverse("assets:retention_event_edit", args=[self.get_object().pk])


class RetentionEventWithdrawView(EventObjectMixin, ServiceFormView):
    """The event did not happen after all: asks for the reason, then withdraws it."""

    permission_required = MANAGE_RETENTION
    form_class = RetentionEventWithdrawForm
    template_name = "core/form.html"
    success_message = gettext_lazy(
        "The event was withdrawn. Records kept only because of it no longer have a date."
    )

    def get(self, request, *args, **kwargs):
        if self.get_object().withdrawn:
            return redirect("assets:retention_event_edit", pk=self.get_object().pk)
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        return {"version": self.get_object().version}

    def get_breadcrumbs(self):
        detail = reverse("assets:retention_event_edit", args=[self.get_object().pk])
        return [DUE, EVENTS, (self.subject_label(), detail), (_("Withdraw"), None)]

    def get_context_data(self, **kwargs):
        event = self.get_object()
        return {
            **super().get_context_data(**kwargs),
            "page_title": _("Withdraw the event “{name}”").format(
                name=f"{self.subject_label()} {event.get_event_type_display()}"
            ),
            "cancel_url": reverse("assets:retention_event_edit", args=[event.pk]),
        }

    def perform(self, form):
        return services.retention_event_withdraw(
            actor=self.request.user,
            event=self.get_object(),
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
        )

    def get_success_url(self):
        return reverse("assets:retention_event_edit", args=[self.get_object().pk])

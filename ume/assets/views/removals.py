"""Equipment removals (持出, A.7.13): the list with its filters and exports, the request, the
manager's decision, and the closing as returned or disposed of (A.7.14)."""

from django.core.exceptions import PermissionDenied
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ume.core.models import Scope
from ume.core.policies import can
from ume.core.selectors import record_history
from ume.core.views.base import (
    FilteredExportView,
    ListView,
    ObjectMixin,
    ServiceFormView,
)
from ume.measures.permissions import UPLOAD_EVIDENCE

from .. import selectors, services
from ..choices import AssetStatus, AssetType, RemovalStatus
from ..exports import removals_table
from ..filters import RemovalFilter
from ..forms import (
    AssetDisposalForm,
    RemovalCancelForm,
    RemovalDecisionForm,
    RemovalRequestForm,
    RemovalReturnForm,
)
from ..models import EquipmentRemoval
from ..permissions import APPROVE_REMOVAL, CHANGE_ASSET, VIEW_ASSET
from ..tables import RemovalTable, removal_badges
from .endpoints import ScopeEvidenceView, _number

REMOVALS = (gettext_lazy("Equipment removals"), reverse_lazy("assets:removal_list"))


def removals_of(request):
    return selectors.removal_list(actor=request.user, organisation=request.organisation)


def evidence_scopes(request) -> list[Scope]:
    return [
        s
        for s in Scope.objects.filter(organisation=request.organisation, is_active=True)
        if can(request.user, UPLOAD_EVIDENCE, s)
    ]


class RemovalListView(ListView):
    permission_required = VIEW_ASSET
    table_class = RemovalTable
    filterset_class = RemovalFilter
    template_name = "assets/removal_list.html"
    page_title = gettext_lazy("Equipment removals")
    breadcrumbs = [(gettext_lazy("Equipment removals"), None)]
    create_url = reverse_lazy("assets:removal_create")
    create_permission = VIEW_ASSET  # the form offers the equipment the user may change
    create_label = gettext_lazy("Request a removal")

    def get_queryset(self):
        return removals_of(self.request)

    def get_context_data(self, **kwargs):
        removals = self.get_queryset()
        return {
            **super().get_context_data(**kwargs),
            "overdue_count": removals.filter(
                EquipmentRemoval.overdue_q(timezone.localdate())
            ).count(),
            "pending_count": removals.filter(status=RemovalStatus.REQUESTED).count(),
            "evidence_scopes": evidence_scopes(self.request),
        }


class RemovalExportView(FilteredExportView):
    permission_required = VIEW_ASSET
    filterset_class = RemovalFilter
    list_url = "assets:removal_list"
    export_event = "removals_exported"
    filename = gettext_lazy("equipment removals")
    too_many = gettext_lazy(
        "More than {limit} removals match. Narrow the conditions and export again."
    )

    def records(self, request):
        return removals_of(request).select_related("deletion__certificate")

    def table(self, rows):
        return removals_table(rows)


class RemovalEvidenceView(ScopeEvidenceView):
    """Keep the scope's removal records as evidence of 7.13, 7.10 and 7.14."""

    back_url = reverse_lazy("assets:removal_list")

    def keep(self, scope):
        return services.removal_records_keep_as_evidence(actor=self.request.user, scope=scope)

    def done(self, scope, evidence) -> str:
        return _(
            "The equipment removals of {scope} were kept as evidence of 7.13, 7.10 and 7.14 "
            "(SHA-256 {digest}…)."
        ).format(scope=scope.name, digest=evidence.sha256[:12])


class RemovalCreateView(ServiceFormView):
    permission_required = VIEW_ASSET  # and CHANGE_ASSET on the chosen equipment (the service)
    form_class = RemovalRequestForm
    template_name = "core/form.html"
    page_title = gettext_lazy("Request an equipment removal")
    breadcrumbs = [REMOVALS, (gettext_lazy("Request a removal"), None)]
    success_message = gettext_lazy("The removal was requested. It leaves once it is approved.")

    def equipment(self):
        hardware = (
            selectors.asset_list(actor=self.request.user, organisation=self.organisation)
            .filter(asset_type=AssetType.HARDWARE)
            .exclude(status=AssetStatus.DISPOSED)
        )
        return selectors.changeable_assets(
            actor=self.request.user, organisation=self.organisation, assets=hardware
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "assets": self.equipment()}

    def get_initial(self):
        return {
            "asset": _number(self.request.GET.get("asset")) or None,
            "out_on": timezone.localdate(),
        }

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "cancel_url": REMOVALS[1]}

    def perform(self, form):
        data = dict(form.cleaned_data)
        return services.removal_request(actor=self.request.user, asset=data.pop("asset"), data=data)

    def get_success_url(self):
        return reverse("assets:removal_detail", args=[self.saved.pk])


class RemovalMixin(ObjectMixin):
    def get_queryset(self):
        return removals_of(self.request)

    def detail_url(self) -> str:
        return reverse("assets:removal_detail", args=[self.get_object().pk])

    def get_initial(self):
        return {"version": self.get_object().version}

    def get_success_url(self):
        return self.detail_url()


class RemovalDetailView(RemovalMixin, ServiceFormView):
    """The removal, its decision (for the approver) and the steps that close it."""

    permission_required = VIEW_ASSET
    form_class = RemovalDecisionForm
    template_name = "assets/removal_detail.html"

    def may(self, perm: str, obj=None) -> bool:
        return can(self.request.user, perm, obj or self.get_object())

    def post(self, request, *args, **kwargs):
        if not self.may(APPROVE_REMOVAL):
            raise PermissionDenied(_("You do not have permission to do this."))
        return super().post(request, *args, **kwargs)

    def get_breadcrumbs(self):
        return [REMOVALS, (str(self.get_object().asset), None)]

    def get_context_data(self, **kwargs):
        removal = self.get_object()
        return {
            **super().get_context_data(**kwargs),
            "page_title": _("Removal: {asset}").format(asset=removal.asset),
            "removal": removal,
            "badges": removal_badges(removal),
            "may_decide": removal.status == RemovalStatus.REQUESTED and self.may(APPROVE_REMOVAL),
            "may_close": removal.status == RemovalStatus.APPROVED
            and self.may(CHANGE_ASSET, removal.asset),
            "may_cancel": removal.status in (RemovalStatus.REQUESTED, RemovalStatus.APPROVED)
            and self.may(CHANGE_ASSET, removal.asset),
            "approver": selectors.ledger_settings(self.organisation).get_removal_approver_display(),
            "history": record_history(actor=self.request.user, obj=removal)[:50],
        }

    def perform(self, form):
        note, version = form.cleaned_data["note"], form.cleaned_data["version"]
        service = (
            services.removal_reject
            if self.request.POST.get("decision") == "reject"
            else services.removal_approve
        )
        self.success_message = (
            _("The removal was rejected.")
            if service is services.removal_reject
            else _("The removal was approved.")
        )
        return service(
            actor=self.request.user, removal=self.get_object(), note=note, version=version
        )


class RemovalStepView(RemovalMixin, ServiceFormView):
    """A step that changes the removal, checked on its equipment (CHANGE_ASSET)."""

    permission_required = CHANGE_ASSET
    template_name = "core/form.html"
    step_label = ""
    title = ""

    def get_permission_object(self):
        return self.get_object().asset

    def get_breadcrumbs(self):
        return [
            REMOVALS,
            (str(self.get_object().asset), self.detail_url()),
            (self.step_label, None),
        ]

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "page_title": self.title.format(asset=self.get_object().asset),
            "cancel_url": self.detail_url(),
        }


class RemovalReturnView(RemovalStepView):
    form_class = RemovalReturnForm
    step_label = gettext_lazy("Record the return")
    title = gettext_lazy("Record the return: {asset}")
    success_message = gettext_lazy("The return was recorded.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organisation": self.organisation}

    def get_initial(self):
        return {
            **super().get_initial(),
            "returned_on": timezone.localdate(),
            "checked_by": self.request.user.pk,
        }

    def perform(self, form):
        data = dict(form.cleaned_data)
        version = data.pop("version")
        return services.removal_return(
            actor=self.request.user, removal=self.get_object(), data=data, version=version
        )


class RemovalDisposeView(RemovalStepView):
    form_class = AssetDisposalForm
    step_label = gettext_lazy("Record the disposal")
    title = gettext_lazy("Record the disposal: {asset}")
    success_message = gettext_lazy("The disposal was recorded. The equipment is now disposed of.")

    def get_initial(self):
        removal = self.get_object()
        return {
            **super().get_initial(),
            "deleted_on": timezone.localdate(),
            "supplier": removal.supplier,
        }

    def perform(self, form):
        data = dict(form.cleaned_data)
        certificate, version = data.pop("certificate"), data.pop("version")
        return services.removal_dispose(
            actor=self.request.user,
            removal=self.get_object(),
            data=data,
            certificate=certificate,
            version=version,
        )


class RemovalCancelView(RemovalStepView):
    form_class = RemovalCancelForm
    step_label = gettext_lazy("Cancel the removal")
    title = gettext_lazy("Cancel the removal: {asset}")
    success_message = gettext_lazy("The removal was cancelled.")

    def perform(self, form):
        return services.removal_cancel(
            actor=self.request.user,
            removal=self.get_object(),
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
        )

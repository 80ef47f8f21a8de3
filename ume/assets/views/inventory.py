"""棚卸し (inventory reviews, A.5.9): campaigns per scope, each owner's assets to confirm (many
at once), correct on the asset's page or report not found; progress per department; the report
as xlsx or pdf, kept as evidence of 5.9 when the campaign closes."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from ume.core.exports import export_response, filename_for
from ume.core.models import Scope
from ume.core.policies import can
from ume.core.services import export_record
from ume.core.views.base import ListView, ObjectMixin, PolicyMixin, ServiceFormView

from .. import inventory, selectors, services
from ..choices import CheckResult
from ..filters import InventoryCampaignFilter, InventoryCheckFilter
from ..forms import InventoryCloseForm, InventoryNotFoundForm, InventoryStartForm
from ..models import InventoryCampaign, InventoryCheck
from ..permissions import CHANGE_ASSET, MANAGE_INVENTORY, VIEW_ASSET
from ..tables import InventoryCampaignTable, InventoryCheckTable

CAMPAIGNS = (gettext_lazy("Inventory reviews"), reverse_lazy("assets:inventory_list"))


def campaigns_of(request):
    return selectors.inventory_campaigns(actor=request.user, organisation=request.organisation)


def detail_url(campaign) -> str:
    return reverse("assets:inventory_detail", args=[campaign.pk])


class InventoryListView(ListView):
    permission_required = VIEW_ASSET
    table_class = InventoryCampaignTable
    filterset_class = InventoryCampaignFilter
    template_name = "assets/inventory_list.html"
    page_title = gettext_lazy("Inventory reviews")
    breadcrumbs = [(gettext_lazy("Inventory reviews"), None)]
    create_url = reverse_lazy("assets:inventory_create")
    create_permission = MANAGE_INVENTORY
    create_label = gettext_lazy("Start an inventory review")

    def get_queryset(self):
        return selectors.inventory_campaign_list(
            actor=self.request.user, organisation=self.request.organisation
        )


class InventoryCreateView(ServiceFormView):
    permission_required = MANAGE_INVENTORY
    form_class = InventoryStartForm
    template_name = "core/form.html"
    page_title = gettext_lazy("Start an inventory review")
    breadcrumbs = [CAMPAIGNS, (gettext_lazy("Start"), None)]
    success_message = gettext_lazy(
        "The inventory review was started. Each asset owner now sees their assets to check."
    )

    def scopes(self):
        active = Scope.objects.filter(organisation=self.organisation, is_active=True)
        allowed = [s.pk for s in active if can(self.request.user, MANAGE_INVENTORY, s)]
        return active.filter(pk__in=allowed).order_by("name")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scopes": self.scopes()}

    def get_initial(self):
        today = timezone.localdate()
        year = today.year if today.month > 3 else today.year - 1
        scope = getattr(self.request, "scope", None)
        return {
            "scope": scope.pk if scope else None,
            "name": _("{year} inventory review of information assets").format(year=year),
            "due_on": today + dt.timedelta(days=30),
        }

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "cancel_url": CAMPAIGNS[1]}

    def perform(self, form):
        data = dict(form.cleaned_data)
        return services.inventory_campaign_start(
            actor=self.request.user, scope=data.pop("scope"), data=data
        )

    def get_success_url(self):
        return detail_url(self.saved)


class CampaignMixin:
    """The campaign of the URL, through the selector (other organizations' are a 404)."""

    def get_object(self):
        if not hasattr(self, "_object"):
            try:
                self._object = campaigns_of(self.request).get(pk=self.kwargs["pk"])
            except InventoryCampaign.DoesNotExist:
                raise Http404 from None
        return self._object

    def get_permission_object(self):
        return self.get_object()


class InventoryDetailView(CampaignMixin, ListView):
    """Progress per department, the user's own assets to check, and every answer (filtered)."""

    permission_required = VIEW_ASSET
    table_class = InventoryCheckTable
    filterset_class = InventoryCheckFilter
    template_name = "assets/inventory_detail.html"

    def get_queryset(self):
        return selectors.inventory_checks(self.get_object())

    def my_checks(self, campaign):
        """Pending checks of the assets the user answers for: their own and, as its head, their
        department's (the 事務局 finds the rest in the answers below, filtered 未確認)."""
        pending = selectors.inventory_checks(campaign).filter(result=CheckResult.PENDING)
        user = self.request.user
        mine = pending.filter(Q(asset__owner=user) | Q(asset__department__head=user))
        return [c for c in mine[:200] if can(user, CHANGE_ASSET, c.asset)]

    def get_breadcrumbs(self):
        return [CAMPAIGNS, (self.get_object().name, None)]

    def get_context_data(self, **kwargs):
        campaign = self.get_object()
        per, total = inventory.progress(campaign)
        return {
            **super().get_context_data(**kwargs),
            "page_title": campaign.name,
            "campaign": campaign,
            "progress": per,
            "total": total,
            "my_checks": self.my_checks(campaign) if campaign.is_open else [],
            "may_manage": campaign.is_open and can(self.request.user, MANAGE_INVENTORY, campaign),
            "overdue": campaign.is_open and campaign.due_on < timezone.localdate(),
        }


class InventoryConfirmView(CampaignMixin, PolicyMixin, View):
    """POST ``checks`` (ids) with ``version-<id>``: confirm those assets as registered, all or
    none (each asset's right to change is checked by the service)."""

    permission_required = VIEW_ASSET
    http_method_names = ["post"]

    def post(self, request, pk):
        campaign = self.get_object()
        ids = [int(v) for v in request.POST.getlist("checks") if v.isdigit() and len(v) < 12]
        checks = InventoryCheck.objects.filter(campaign=campaign, pk__in=ids).select_related(
            "asset"
        )
        if not ids or len(checks) != len(set(ids)):
            messages.error(request, _("Choose the assets to confirm."))
            return redirect(detail_url(campaign))
        by_asset: dict = {}
        for check in checks:
            version = request.POST.get(f"version-{check.pk}", "")
            by_asset.setdefault(check.asset, {})[check.pk] = (
                int(version) if version.isdigit() and len(version) < 12 else None
            )
        try:
            with transaction.atomic():
                for asset, versions in by_asset.items():
                    if not can(request.user, CHANGE_ASSET, asset):
                        raise ValidationError(
                            _("You may not answer for {asset}. Nothing was confirmed.").format(
                                asset=asset
                            )
                        )
                    services.inventory_checks_confirm(
                        actor=request.user, asset=asset, versions=versions
                    )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(detail_url(campaign))
        messages.success(
            request,
            _("{count} assets were confirmed as registered.").format(count=len(checks)),
        )
        return redirect(detail_url(campaign))


class CheckMixin(ObjectMixin):
    def get_queryset(self):
        campaigns = campaigns_of(self.request).values("pk")
        return InventoryCheck.objects.filter(campaign__in=campaigns).select_related(
            "asset", "campaign"
        )

    def get_permission_object(self):
        return self.get_object().asset


class InventoryNotFoundView(CheckMixin, ServiceFormView):
    permission_required = CHANGE_ASSET
    form_class = InventoryNotFoundForm
    template_name = "core/form.html"
    success_message = gettext_lazy("The asset was reported as not found.")

    def get_initial(self):
        return {"version": self.get_object().version}

    def get_breadcrumbs(self):
        check = self.get_object()
        return [
            CAMPAIGNS,
            (check.campaign.name, detail_url(check.campaign)),
            (_("Not found"), None),
        ]

    def get_context_data(self, **kwargs):
        check = self.get_object()
        return {
            **super().get_context_data(**kwargs),
            "page_title": _("Report as not found: {asset}").format(asset=check.asset),
            "cancel_url": detail_url(check.campaign),
        }

    def perform(self, form):
        return services.inventory_check_record(
            actor=self.request.user,
            check=self.get_object(),
            result=CheckResult.NOT_FOUND,
            note=form.cleaned_data["note"],
            version=form.cleaned_data["version"],
        )

    def get_success_url(self):
        return detail_url(self.get_object().campaign)


class InventoryCloseView(CampaignMixin, ServiceFormView):
    permission_required = MANAGE_INVENTORY
    form_class = InventoryCloseForm
    template_name = "assets/inventory_close.html"
    success_message = gettext_lazy(
        "The inventory review was closed. Its report was kept as evidence of 5.9."
    )

    def get(self, request, *args, **kwargs):
        if not self.get_object().is_open:
            return redirect(detail_url(self.get_object()))
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        return {"version": self.get_object().version}

    def get_breadcrumbs(self):
        campaign = self.get_object()
        return [CAMPAIGNS, (campaign.name, detail_url(campaign)), (_("Close"), None)]

    def get_context_data(self, **kwargs):
        campaign = self.get_object()
        _per, total = inventory.progress(campaign)
        return {
            **super().get_context_data(**kwargs),
            "page_title": _("Close the inventory review “{name}”").format(name=campaign.name),
            "campaign": campaign,
            "total": total,
            "cancel_url": detail_url(campaign),
        }

    def perform(self, form):
        return services.inventory_campaign_close(
            actor=self.request.user,
            campaign=self.get_object(),
            version=form.cleaned_data["version"],
        )

    def get_success_url(self):
        return detail_url(self.get_object())


class InventoryReportView(CampaignMixin, PolicyMixin, View):
    """The campaign's report as xlsx or pdf (at any time; the closing keeps one as evidence)."""

    permission_required = VIEW_ASSET
    http_method_names = ["get"]

    def get(self, request, pk, kind: str):
        campaign = self.get_object()
        if kind not in ("xlsx", "pdf"):
            raise PermissionDenied
        export_record(
            actor=request.user,
            organisation=request.organisation,
            name="inventory_report_exported",
            obj=campaign,
            details={"format": kind},
        )
        data = inventory.report_xlsx(campaign) if kind == "xlsx" else inventory.report_pdf(campaign)
        return export_response(data, filename=filename_for(campaign.name, kind), kind=kind)

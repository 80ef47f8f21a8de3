"""The information asset ledger (情報資産台帳): the list with its filters and exports, and the
asset form (read-only for those who may see but not edit the asset)."""

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from ume.core.exports import (
    exceeds_export_limit,
    export_meta,
    export_response,
    filename_for,
    write_csv,
    write_xlsx,
)
from ume.core.models import Scope
from ume.core.policies import can
from ume.core.selectors import record_history
from ume.core.services import export_record
from ume.core.views.base import (
    ListView,
    ObjectMixin,
    PolicyMixin,
    RecordEditMixin,
    ServiceFormView,
)
from ume.measures.permissions import UPLOAD_EVIDENCE

from .. import selectors, services
from ..choices import AssetStatus, AssetType, CheckResult
from ..endpoints import flags as endpoint_flags
from ..endpoints import with_flags
from ..exports import ledger_table, sources_table
from ..filters import UNOWNED, AssetFilter
from ..forms import AssetDisposalForm, AssetForm
from ..models import Asset, InventoryCheck
from ..permissions import ADD_ASSET, CHANGE_ASSET, VIEW_ASSET
from ..tables import AssetTable

LEDGER = (gettext_lazy("Information assets"), reverse_lazy("assets:asset_list"))


def assets_of(request) -> QuerySet[Asset]:
    return selectors.asset_list(actor=request.user, organisation=request.organisation)


class AssetListView(ListView):
    permission_required = VIEW_ASSET
    table_class = AssetTable
    filterset_class = AssetFilter
    template_name = "assets/asset_list.html"
    page_title = gettext_lazy("Information assets")
    breadcrumbs = [(gettext_lazy("Information assets"), None)]
    create_url = reverse_lazy("assets:asset_create")
    create_permission = ADD_ASSET
    create_label = gettext_lazy("New asset")

    def get_queryset(self):
        scope = getattr(self.request, "scope", None)
        assets = selectors.asset_list(
            actor=self.request.user, organisation=self.organisation, scope=scope
        )
        return with_flags(assets, timezone.localdate())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["unowned_count"] = self.get_queryset().filter(owner__isnull=True).count()
        ctx["unowned_active"] = self.request.GET.get("unowned") == UNOWNED
        if self.request.GET.get("endpoint"):
            ctx["endpoint_view"] = True
            ctx["evidence_scopes"] = [
                s
                for s in Scope.objects.filter(organisation=self.organisation, is_active=True)
                if can(self.request.user, UPLOAD_EVIDENCE, s)
            ]
        return ctx


class AssetFormMixin:
    form_class = AssetForm
    template_name = "assets/asset_form.html"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "organisation": self.request.organisation,
            "actor": self.request.user,
            "read_only": not self.may_edit(),
        }

    def may_edit(self) -> bool:
        return True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "may_edit": self.may_edit()}


class AssetCreateView(AssetFormMixin, ServiceFormView):
    permission_required = ADD_ASSET
    page_title = gettext_lazy("New asset")
    breadcrumbs = [LEDGER, (gettext_lazy("New asset"), None)]
    success_message = gettext_lazy("The asset was added to the ledger.")

    def get_initial(self):
        scope = getattr(self.request, "scope", None)
        return {**super().get_initial(), "scope": scope.pk if scope else None}

    def perform(self, form):
        data = form.changed_data_dict()
        scope = data.pop("scope")
        return services.asset_create(actor=self.request.user, scope=scope, data=data)

    def get_success_url(self):
        return reverse("assets:asset_edit", args=[self.saved.pk])


class AssetEditView(ObjectMixin, RecordEditMixin, AssetFormMixin, ServiceFormView):
    """Everyone who may see an asset reads it here; saving needs ``write_permission_required``
    on the asset (its owner, the head of its department, the 事務局)."""

    permission_required = VIEW_ASSET
    write_permission_required = CHANGE_ASSET
    success_url = reverse_lazy("assets:asset_list")
    success_message = gettext_lazy("The asset was saved.")

    def get_queryset(self):
        return assets_of(self.request)

    def get_breadcrumbs(self):
        return [LEDGER, (str(self.get_object()), None)]

    def get_context_data(self, **kwargs):
        asset = self.get_object()
        return {
            **super().get_context_data(**kwargs),
            "asset": asset,
            "endpoint_flags": endpoint_flags(asset),
            "page_title": str(asset),
            "history": record_history(actor=self.request.user, obj=asset)[:50],
            "deletions": asset.deletion_records.select_related("performed_by", "certificate")[:20],
            "may_dispose": asset.status != AssetStatus.DISPOSED
            and can(self.request.user, CHANGE_ASSET, asset),
            "inventory_check": self.inventory_check(),
            "removals": asset.removals.order_by("-out_on", "-pk")[:10]
            if asset.asset_type == AssetType.HARDWARE
            else None,
        }

    def inventory_check(self) -> InventoryCheck | None:
        """The pending 棚卸し check this edit answers (``?check=`` from the campaign page)."""
        value = self.request.POST.get("check") or self.request.GET.get("check") or ""
        if not (value.isdigit() and len(value) < 12):
            return None
        return (
            InventoryCheck.objects.filter(
                pk=int(value),
                asset=self.get_object(),
                result=CheckResult.PENDING,
                campaign__closed_at__isnull=True,
            )
            .select_related("campaign")
            .first()
        )

    def perform(self, form):
        check = self.inventory_check()
        changed = [f for f in form.changed_data if f != "version"]
        with transaction.atomic():
            asset = services.asset_update(
                actor=self.request.user,
                asset=self.get_object(),
                data=form.changed_data_dict(),
                version=form.cleaned_data.get("version"),
            )
            if check is not None and changed:
                services.inventory_check_record(
                    actor=self.request.user,
                    check=check,
                    result=CheckResult.CORRECTED,
                    changed_fields=changed,
                    version=check.version,
                )
            elif check is not None:
                services.inventory_checks_confirm(
                    actor=self.request.user, asset=asset, versions={check.pk: check.version}
                )
        self.answered = check
        return asset

    def get_success_url(self):
        check = getattr(self, "answered", None)
        if check is not None:
            return reverse("assets:inventory_detail", args=[check.campaign_id])
        return super().get_success_url()


class AssetExportView(PolicyMixin, View):
    """The filtered ledger as an Excel workbook (with the lists' sources) or a CSV file."""

    permission_required = VIEW_ASSET
    http_method_names = ["get"]

    def get(self, request, kind: str) -> HttpResponse:
        organisation = request.organisation
        filterset = AssetFilter(
            request.GET,
            queryset=selectors.asset_list(
                actor=request.user, organisation=organisation, scope=getattr(request, "scope", None)
            ),
            organisation=organisation,
            request=request,
        )
        if not filterset.is_valid():
            messages.error(request, _("Check the filter conditions."))
            return redirect("assets:asset_list")
        assets = filterset.qs
        if exceeds_export_limit(assets):
            messages.error(
                request,
                _("More than {limit} assets match. Narrow the conditions and export again.").format(
                    limit=settings.UME_EXPORT_MAX_ROWS
                ),
            )
            return redirect("assets:asset_list")
        export_record(
            actor=request.user,
            organisation=organisation,
            name="assets_exported",
            details={"format": kind},
        )
        name = filename_for(_("information assets"), kind)
        if kind == "csv":
            return export_response(write_csv(ledger_table(assets)), filename=name, kind="csv")
        sources = sources_table(
            list(selectors.classification_levels(organisation)),
            selectors.ledger_settings(organisation),
        )
        data = write_xlsx([ledger_table(assets), sources], meta=export_meta(request))
        return export_response(data, filename=name, kind="xlsx")


class AssetDisposeView(ObjectMixin, ServiceFormView):
    """Record an asset's disposal (廃棄): it becomes 廃棄済 and keeps the record."""

    permission_required = CHANGE_ASSET
    form_class = AssetDisposalForm
    template_name = "core/form.html"
    success_message = gettext_lazy("The disposal was recorded. The asset is now disposed of.")

    def get_queryset(self):
        return assets_of(self.request)

    def get_initial(self):
        return {"version": self.get_object().version, "deleted_on": timezone.localdate()}

    def get_breadcrumbs(self):
        asset = self.get_object()
        edit = reverse("assets:asset_edit", args=[asset.pk])
        return [LEDGER, (str(asset), edit), (_("Record the disposal"), None)]

    def get_context_data(self, **kwargs):
        asset = self.get_object()
        return {
            **super().get_context_data(**kwargs),
            "page_title": _("Record the disposal: {asset}").format(asset=asset),
            "cancel_url": reverse("assets:asset_edit", args=[asset.pk]),
        }

    def perform(self, form):
        data = dict(form.cleaned_data)
        certificate, version = data.pop("certificate"), data.pop("version")
        return services.asset_dispose(
            actor=self.request.user,
            asset=self.get_object(),
            data=data,
            certificate=certificate,
            version=version,
        )

    def get_success_url(self):
        return reverse("assets:asset_edit", args=[self.get_object().pk])

"""Deletion records (消去記録) of the organization, filtered and exported as evidence of 8.10."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse_lazy
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
from ume.core.services import export_record
from ume.core.views.base import ListView, PolicyMixin

from .. import selectors
from ..exports import deletion_records_table
from ..filters import DeletionRecordFilter
from ..permissions import VIEW_RETENTION
from ..tables import DeletionRecordTable

DUE = (gettext_lazy("Retention and deletion"), reverse_lazy("assets:retention_batch_list"))


def records_of(request):
    return selectors.deletion_record_list(actor=request.user, organisation=request.organisation)


class DeletionRecordListView(ListView):
    permission_required = VIEW_RETENTION
    table_class = DeletionRecordTable
    filterset_class = DeletionRecordFilter
    template_name = "assets/deletion_record_list.html"
    page_title = gettext_lazy("Deletion records")
    breadcrumbs = [DUE, (gettext_lazy("Deletion records"), None)]

    def get_queryset(self):
        return records_of(self.request)


class DeletionRecordExportView(PolicyMixin, View):
    permission_required = VIEW_RETENTION
    http_method_names = ["get"]

    def get(self, request, kind: str) -> HttpResponse:
        filterset = DeletionRecordFilter(request.GET, queryset=records_of(request))
        if not filterset.is_valid():
            messages.error(request, _("Check the filter conditions."))
            return redirect("assets:deletion_record_list")
        records = filterset.qs
        if exceeds_export_limit(records):
            messages.error(
                request,
                _(
                    "More than {limit} deletion records match. Narrow the conditions and "
                    "export again."
                ).format(limit=settings.UME_EXPORT_MAX_ROWS),
            )
            return redirect("assets:deletion_record_list")
        export_record(
            actor=request.user,
            organisation=request.organisation,
            name="deletion_records_exported",
            details={"format": kind},
        )
        name = filename_for(_("deletion records"), kind)
        table = deletion_records_table(records)
        if kind == "csv":
            return export_response(write_csv(table), filename=name, kind="csv")
        return export_response(
            write_xlsx([table], meta=export_meta(request)), filename=name, kind="xlsx"
        )

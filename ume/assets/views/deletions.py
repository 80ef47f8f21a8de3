"""Deletion records (消去記録) of the organization, filtered and exported as evidence of 8.10."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy

from ume.core.views.base import FilteredExportView, ListView

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


class DeletionRecordExportView(FilteredExportView):
    permission_required = VIEW_RETENTION
    filterset_class = DeletionRecordFilter
    list_url = "assets:deletion_record_list"
    export_event = "deletion_records_exported"
    filename = gettext_lazy("deletion records")
    too_many = gettext_lazy(
        "More than {limit} deletion records match. Narrow the conditions and export again."
    )

    def records(self, request):
        return records_of(request)

    def table(self, rows):
        return deletion_records_table(rows)

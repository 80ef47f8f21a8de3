"""The e-mail delivery log the 事務局 and administrators read and export."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from ume.core.exports import (
    Table,
    exceeds_export_limit,
    export_meta,
    export_response,
    filename_for,
    write_xlsx,
)
from ume.core.views.base import ListView, PolicyMixin

from .. import selectors
from ..filters import DeliveryFilter
from ..models import DeliveryStatus
from ..permissions import VIEW_DELIVERY_LOG
from ..tables import DeliveryTable


class DeliveryLogView(ListView):
    """What was mailed to whom, what failed and why (the 事務局's delivery log)."""

    permission_required = VIEW_DELIVERY_LOG
    template_name = "notifications/delivery_list.html"
    table_class = DeliveryTable
    filterset_class = DeliveryFilter
    page_title = gettext_lazy("E-mail delivery log")

    def get_breadcrumbs(self):
        return [(_("Notifications"), reverse("notifications:inbox")), (self.page_title, None)]

    def get_queryset(self):
        return selectors.delivery_list(actor=self.request.user, organisation=self.organisation)


EXPORT_HEADERS = [
    gettext_lazy("created at"),
    gettext_lazy("recipient"),
    gettext_lazy("subject"),
    gettext_lazy("status"),
    gettext_lazy("attempts"),
    gettext_lazy("reason"),
    gettext_lazy("sent at"),
]


class DeliveryExportView(PolicyMixin, View):
    """The filtered delivery log as an Excel workbook."""

    permission_required = VIEW_DELIVERY_LOG
    http_method_names = ["get"]

    def get(self, request):
        deliveries = selectors.delivery_list(actor=request.user, organisation=request.organisation)
        filterset = DeliveryFilter(request.GET, queryset=deliveries)
        if not filterset.is_valid():
            messages.error(request, _("Check the filter conditions."))
            return HttpResponseRedirect(reverse("notifications:deliveries"))
        if exceeds_export_limit(filterset.qs):
            messages.error(
                request,
                _(
                    "More than {limit} deliveries match. Narrow the conditions and export again."
                ).format(limit=settings.UME_EXPORT_MAX_ROWS),
            )
            return HttpResponseRedirect(reverse("notifications:deliveries"))
        statuses = dict(DeliveryStatus.choices)
        rows = (
            [
                _local(d.created_at),
                d.recipient.email,
                d.subject,
                str(statuses.get(d.status, d.status)),
                d.attempts,
                d.last_error,
                _local(d.sent_at) if d.sent_at else "",
            ]
            for d in filterset.qs
        )
        table = Table(
            title=_("E-mail delivery log"), headers=[str(h) for h in EXPORT_HEADERS], rows=rows
        )
        return export_response(
            write_xlsx([table], meta=export_meta(request)),
            filename=filename_for(_("delivery log"), "xlsx"),
            kind="xlsx",
        )


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y/%m/%d %H:%M")

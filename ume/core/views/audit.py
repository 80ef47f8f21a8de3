"""The audit trail (監査証跡): filterable list, per-record history and exports for auditors."""

import json

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from .. import selectors, services
from ..audit_labels import model_label_display
from ..exports import (
    Table,
    exceeds_export_limit,
    export_meta,
    export_response,
    filename_for,
    write_csv,
    write_xlsx,
)
from ..filters import AuditEntryFilter
from ..permissions import EXPORT_AUDITENTRY, VIEW_AUDITENTRY
from ..tables import AuditEntryTable
from .base import ListView, PolicyMixin


class AuditEntryListView(ListView):
    permission_required = VIEW_AUDITENTRY
    table_class = AuditEntryTable
    filterset_class = AuditEntryFilter
    template_name = "core/audit_list.html"
    page_title = gettext_lazy("Audit trail")
    breadcrumbs = [(gettext_lazy("Audit trail"), None)]
    paginate_by = 50

    def get_queryset(self):
        return selectors.audit_entry_list(actor=self.request.user, organisation=self.organisation)

    def get_table_pagination(self, table):
        # The count of a million-row trail is the slow part; django-tables2's LazyPaginator
        # skips it and still offers next/previous pages.
        from django_tables2.paginators import LazyPaginator

        return {"per_page": self.paginate_by, "paginator_class": LazyPaginator}


EXPORT_HEADERS = [
    gettext_lazy("Number"),
    gettext_lazy("date and time"),
    gettext_lazy("user"),
    gettext_lazy("operation"),
    gettext_lazy("record type"),
    gettext_lazy("record ID"),
    gettext_lazy("record"),
    gettext_lazy("changes"),
    gettext_lazy("previous hash"),
    gettext_lazy("hash"),
]


class AuditExportView(PolicyMixin, View):
    """The filtered trail as xlsx or csv, with the hashes so an auditor can re-verify it."""

    permission_required = EXPORT_AUDITENTRY
    http_method_names = ["get"]

    def get(self, request):
        kind = request.GET.get("format", "xlsx")
        if kind not in ("xlsx", "csv"):
            messages.error(request, _("Choose Excel (xlsx) or CSV."))
            return redirect("core:audit_list")
        qs = selectors.audit_entry_list(actor=request.user, organisation=self.organisation)
        filterset = AuditEntryFilter(request.GET, queryset=qs, organisation=self.organisation)
        if not filterset.is_valid():
            messages.error(request, _("Check the filter conditions."))
            return redirect("core:audit_list")
        rows = filterset.qs.order_by("seq")
        if exceeds_export_limit(rows):
            messages.error(
                request,
                _(
                    "More than {limit} entries match. Narrow the period or "
                    "other conditions and export again."
                ).format(limit=settings.UME_EXPORT_MAX_ROWS),
            )
            return redirect("core:audit_list")
        table = Table(
            title=_("Audit trail"), headers=[str(h) for h in EXPORT_HEADERS], rows=self._rows(rows)
        )
        base = filename_for(_("audit-trail"), kind)
        if kind == "csv":
            content = write_csv(table)
        else:
            meta = export_meta(
                request,
                **{
                    _("Verification"): _(
                        "Each hash is SHA-256 over the previous hash and the entry; see the README "
                        "(verify_audit)."
                    )
                },
            )
            content = write_xlsx([table], meta=meta)
        # The export itself is a security event; it follows the entries it contains.
        services.export_record(
            actor=request.user,
            organisation=self.organisation,
            name="audit_exported",
            details={"format": kind, "query": request.GET.urlencode()},
        )
        return export_response(content, filename=base, kind=kind)

    @staticmethod
    def _rows(queryset):
        for e in queryset.values_list(
            "seq",
            "at",
            "actor_label",
            "action",
            "model_label",
            "object_id",
            "object_repr",
            "changes",
            "prev_hash",
            "hash",
        ).iterator(chunk_size=5000):
            seq, at, actor, action, label, oid, orepr, changes, prev, digest = e
            yield [
                seq,
                timezone.localtime(at).replace(tzinfo=None),
                actor,
                action,
                model_label_display(label),
                oid,
                orepr,
                json.dumps(json.loads(changes), ensure_ascii=False),
                prev,
                digest,
            ]

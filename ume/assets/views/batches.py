"""The due list (保存期限の一覧): batches of retained items grouped by record class and fiscal
year (「2025年度 退職者の履歴書」), what is overdue, due this month or on hold; a batch's items
with the rule that set each date; holds (保留) that suspend deletion."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView

from ume.core.policies import can
from ume.core.selectors import record_history
from ume.core.views.base import (
    FilteredExportView,
    ListView,
    ObjectMixin,
    PolicyMixin,
    ServiceFormView,
)

from .. import retention, selectors, services
from ..exports import retention_batches_table
from ..filters import RetentionBatchFilter
from ..forms import DeletionRecordForm, RetentionHoldForm
from ..models import RetentionItem, RetentionRule
from ..permissions import CHANGE_ASSET, MANAGE_RETENTION, VIEW_RETENTION
from ..tables import RetentionBatchTable

DUE = (gettext_lazy("Retention and deletion"), reverse_lazy("assets:retention_batch_list"))
ITEMS_PER_PAGE = 100


def batches_of(request):
    return selectors.retention_batch_list(actor=request.user, organisation=request.organisation)


class RetentionBatchListView(ListView):
    permission_required = VIEW_RETENTION
    table_class = RetentionBatchTable
    filterset_class = RetentionBatchFilter
    template_name = "assets/retention_batch_list.html"
    page_title = gettext_lazy("Retention and deletion")
    breadcrumbs = [
        (gettext_lazy("Information assets"), reverse_lazy("assets:asset_list")),
        (gettext_lazy("Retention and deletion"), None),
    ]

    def get_queryset(self):
        return batches_of(self.request)

    def get_table_kwargs(self):
        return {"today": timezone.localdate()}

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        batches = self.get_queryset()
        counts = batches.aggregate(
            **{
                state: Count("pk", filter=retention.due_range(state, today))
                for state in (retention.Due.OVERDUE, retention.Due.THIS_MONTH)
            },
            held=Count("pk", filter=Q(held_count__gt=0)),
        )
        return {
            **super().get_context_data(**kwargs),
            "counts": counts,
            "run": selectors.retention_run(self.organisation),
            "may_record": can(self.request.user, MANAGE_RETENTION, self.organisation),
        }


class BatchObjectMixin(ObjectMixin):
    def get_queryset(self):
        return batches_of(self.request)


def explain(item: RetentionItem, rules: dict[int, RetentionRule]) -> list[dict]:
    """Each rule's date for the item, the one that set the date first."""
    rows = []
    for basis in item.basis:
        rule = rules.get(basis["rule"])
        rows.append(
            {
                "rule": rule,
                "event_type": basis["event_type"],
                "event_date": basis["event_date"],
                "keep_until": basis["keep_until"],
                "note": basis["note"],
                "wins": item.rule_id is not None and basis["rule"] == item.rule_id,
            }
        )
    return sorted(rows, key=lambda r: (not r["wins"], r["keep_until"] or "9999"))


class RetentionBatchDetailView(BatchObjectMixin, PolicyMixin, DetailView):
    """A batch's items: whom each is about, its start date and last day kept, the rule that set
    it (with every rule's own date), and its hold."""

    permission_required = VIEW_RETENTION
    template_name = "assets/retention_batch_detail.html"
    context_object_name = "batch"

    def get_breadcrumbs(self):
        return [DUE, (self.get_object().label, None)]

    def get_context_data(self, **kwargs):
        batch = self.get_object()
        page = Paginator(selectors.retention_items(batch), ITEMS_PER_PAGE).get_page(
            self.request.GET.get("page")
        )
        rules = {
            r.pk: r
            for r in RetentionRule.objects.filter(
                pk__in={b["rule"] for item in page for b in item.basis}
            )
        }
        see_names = selectors.may_see_names(self.request.user, self.request.organisation)
        today = timezone.localdate()
        items = [
            {
                "item": item,
                "subject": item.subject.label(see_names),
                "due": retention.due(item.keep_until, today),
                "basis": explain(item, rules),
            }
            for item in page
        ]
        return {
            **super().get_context_data(**kwargs),
            "page_title": batch.label,
            "page_obj": page,
            "items": items,
            "first_due": retention.Due.DELETED
            if batch.deleted_count and batch.deleted_count == batch.item_count
            else retention.due(batch.first_due, today),
            "may_manage": can(self.request.user, MANAGE_RETENTION, batch.organisation),
            "may_delete": can(self.request.user, CHANGE_ASSET, batch.asset)
            and selectors.deletable_items(batch).exists(),
            "deletions": batch.deletion_records.select_related("performed_by", "certificate"),
        }


class ItemObjectMixin(ObjectMixin):
    """An item of a batch the actor may see (another organization's is a 404)."""

    def get_queryset(self):
        return RetentionItem.objects.filter(
            batch__in=batches_of(self.request).values("pk")
        ).select_related("batch", "batch__asset", "subject", "hold_owner")


class RetentionHoldView(ItemObjectMixin, ServiceFormView):
    """Put an item on hold (保留): reason, owner and review date."""

    permission_required = MANAGE_RETENTION
    form_class = RetentionHoldForm
    template_name = "assets/retention_hold.html"
    success_message = gettext_lazy("The item is on hold. It will not be listed for deletion.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organisation": self.request.organisation}

    def get_initial(self):
        item = self.get_object()
        return {
            "hold_reason": item.hold_reason,
            "hold_owner": item.hold_owner_id or self.request.user.pk,
            "hold_review_on": item.hold_review_on,
            "version": item.version,
        }

    def item_label(self) -> str:
        item = self.get_object()
        names = selectors.may_see_names(self.request.user, self.request.organisation)
        return f"{item.subject.label(names)} / {item.batch.asset.name}"

    def get_breadcrumbs(self):
        batch = self.get_object().batch
        detail = reverse("assets:retention_batch_detail", args=[batch.pk])
        return [DUE, (batch.label, detail), (_("Hold"), None)]

    def get_context_data(self, **kwargs):
        item = self.get_object()
        return {
            **super().get_context_data(**kwargs),
            "page_title": _("Hold: {item}").format(item=self.item_label()),
            "item": item,
            "history": record_history(actor=self.request.user, obj=item)[:20]
            if selectors.may_see_names(self.request.user, self.request.organisation)
            or not item.subject.personal
            else [],
            "cancel_url": reverse("assets:retention_batch_detail", args=[item.batch_id]),
        }

    def perform(self, form):
        return services.retention_hold_set(
            actor=self.request.user,
            item=self.get_object(),
            data={k: form.cleaned_data[k] for k in ("hold_reason", "hold_owner", "hold_review_on")},
            version=form.cleaned_data["version"],
        )

    def get_success_url(self):
        return reverse("assets:retention_batch_detail", args=[self.get_object().batch_id])


class RetentionHoldReleaseView(ItemObjectMixin, PolicyMixin, View):
    """POST only: the hold ends; the item is listed for deletion again when due."""

    permission_required = MANAGE_RETENTION
    http_method_names = ["post"]

    def post(self, request, pk: int):
        item = self.get_object()
        sent = request.POST.get("version", "")
        version = int(sent) if sent.isdigit() and len(sent) < 10 else None
        try:
            services.retention_hold_release(actor=request.user, item=item, version=version)
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
        else:
            messages.success(request, _("The hold was released."))
        return redirect("assets:retention_batch_detail", pk=item.batch_id)


class RetentionBatchExportView(FilteredExportView):
    """The filtered due list, one row per item, for the owners who delete them."""

    permission_required = VIEW_RETENTION
    filterset_class = RetentionBatchFilter
    list_url = "assets:retention_batch_list"
    export_event = "retention_due_exported"
    filename = gettext_lazy("retention due list")
    too_many = gettext_lazy(
        "More than {limit} items match. Narrow the conditions and export again."
    )

    def records(self, request):
        self.see_names = selectors.may_see_names(request.user, request.organisation)
        return batches_of(request)

    def filterset_kwargs(self, request):
        return {"organisation": request.organisation}

    def rows(self, filtered):
        return (
            RetentionItem.objects.filter(batch__in=filtered.values("pk"))
            .select_related("batch", "batch__asset", "batch__asset__owner", "subject", "rule")
            .order_by("batch__first_due", "batch_id", "keep_until", "pk")
        )

    def table(self, rows):
        return retention_batches_table(rows, self.see_names, timezone.localdate())


class RetentionProgressView(PolicyMixin, View):
    """The progress of a background recompute (polled by the due list and rule pages)."""

    permission_required = VIEW_RETENTION
    http_method_names = ["get"]

    def get(self, request) -> HttpResponse:
        run = selectors.retention_run(request.organisation)
        context = {
            "run": run,
            "finished": run is not None and not run.active,
            "reload_url": (request.htmx.current_url if request.htmx else "")
            or reverse("assets:retention_batch_list"),
        }
        return TemplateResponse(request, "assets/partials/retention_progress.html", context)


class DeletionRecordCreateView(BatchObjectMixin, ServiceFormView):
    """Record that a batch's items past their 保存期限 were deleted (one certificate may close
    the whole batch). Open to those who may edit the record (asset)."""

    permission_required = CHANGE_ASSET
    form_class = DeletionRecordForm
    template_name = "core/form.html"
    success_message = gettext_lazy("The deletion was recorded.")

    def get_permission_object(self):
        return self.get_object().asset

    def get_form_kwargs(self):
        batch = self.get_object()
        names = selectors.may_see_names(self.request.user, self.request.organisation)
        due = (
            selectors.deletable_items(batch).select_related("subject").order_by("keep_until", "pk")
        )
        choices = [(str(i.pk), f"{i.subject.label(names)}（{i.keep_until:%Y/%m/%d}）") for i in due]
        return {**super().get_form_kwargs(), "items": choices}

    def get_breadcrumbs(self):
        batch = self.get_object()
        detail = reverse("assets:retention_batch_detail", args=[batch.pk])
        return [DUE, (batch.label, detail), (_("Record the deletion"), None)]

    def get_context_data(self, **kwargs):
        batch = self.get_object()
        return {
            **super().get_context_data(**kwargs),
            "page_title": _("Record the deletion: {batch}").format(batch=batch.label),
            "cancel_url": reverse("assets:retention_batch_detail", args=[batch.pk]),
        }

    def get(self, request, *args, **kwargs):
        if not selectors.deletable_items(self.get_object()).exists():
            messages.info(request, _("No item of this batch is due for deletion."))
            return redirect("assets:retention_batch_detail", pk=self.get_object().pk)
        return super().get(request, *args, **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        return services.deletion_record_create(
            actor=self.request.user,
            batch=self.get_object(),
            items=[int(pk) for pk in data["items"]],
            certificate=data.get("certificate"),
            data={k: v for k, v in data.items() if k not in ("items", "certificate")},
        )

    def get_success_url(self):
        return reverse("assets:retention_batch_detail", args=[self.get_object().pk])

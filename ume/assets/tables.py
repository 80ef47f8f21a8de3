"""The asset ledger table (django-tables2: sorting and pagination)."""

import django_tables2 as tables
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ume.core.html import html, html_join
from ume.core.templatetags.ume import link_pattern

from . import retention
from .choices import (
    AssetStatus,
    AssetType,
    CheckResult,
    EventSource,
    EventType,
    Location,
    RemovalStatus,
    RuleKind,
)
from .models import (
    Asset,
    DeletionRecord,
    EquipmentRemoval,
    InventoryCampaign,
    InventoryCheck,
    RetentionBatch,
    RetentionEvent,
    RetentionRule,
)

STATUS_COLOURS = {
    AssetStatus.IN_USE: "bg-green-lt",
    AssetStatus.TO_DISPOSE: "bg-yellow-lt",
    AssetStatus.DISPOSED: "bg-secondary-lt",
}
IMPORTANCE_COLOURS = {3: "bg-red-lt", 2: "bg-orange-lt", 1: "bg-azure-lt"}
STATUS_LABELS = dict(AssetStatus.choices)
# Columns a phone leaves out (the number, name, owner, importance and status stay).
WIDE = {"th": {"class": "d-none d-md-table-cell"}, "td": {"class": "d-none d-md-table-cell"}}
TYPE_LABELS = dict(AssetType.choices)
LOCATION_LABELS = dict(Location.choices)


class AssetTable(tables.Table):
    ref = tables.Column(verbose_name=_("asset number"), attrs={"td": {"class": "text-nowrap"}})
    name = tables.Column(verbose_name=_("asset name"))
    asset_type = tables.Column(verbose_name=_("asset type"), attrs=WIDE)
    owner = tables.Column(
        verbose_name=_("asset owner"), order_by=("owner__full_name", "owner__email")
    )
    location = tables.Column(verbose_name=_("storage"), attrs=WIDE)
    classification = tables.Column(
        verbose_name=_("classification"), order_by=("classification__rank",), attrs=WIDE
    )
    cia = tables.Column(
        empty_values=(),
        orderable=False,
        verbose_name=_("C/I/A"),
        attrs={"th": WIDE["th"], "td": {"class": "text-nowrap d-none d-md-table-cell"}},
    )
    importance = tables.Column(verbose_name=_("importance"))
    personal = tables.Column(
        empty_values=(), orderable=False, verbose_name=_("personal data"), attrs=WIDE
    )
    status = tables.Column(verbose_name=_("status"))

    class Meta:
        model = Asset
        fields = (
            "ref",
            "name",
            "asset_type",
            "owner",
            "location",
            "classification",
            "cia",
            "importance",
            "personal",
            "status",
        )
        empty_text = _(
            "There are no assets yet. Add the information your organization keeps, or import "
            "your existing ledger from Excel."
        )

    def order_importance(self, queryset, is_descending: bool):
        """Assets not yet valued come last either way (PostgreSQL puts NULL first when
        descending, SQLite last); ties follow the number in the same direction, so one index
        serves both."""
        value = F("importance")
        if is_descending:
            return queryset.order_by(value.desc(nulls_last=True), "-ref"), True
        return queryset.order_by(value.asc(nulls_last=True), "ref"), True

    def render_ref(self, record: Asset):
        if not hasattr(self, "_edit_url"):
            self._edit_url = link_pattern("assets:asset_edit")
        return html(
            '<a data-testid="asset-link" href="{}">{}</a>', self._edit_url(record.pk), record.ref
        )

    def render_name(self, record: Asset):
        warnings = [
            label
            for on, label in (
                (getattr(record, "flag_byod", False), _("Unapproved BYOD")),
                (getattr(record, "flag_remote", False), _("Outside access at risk")),
            )
            if on
        ]
        return html(
            '{}<div class="small text-secondary">{}</div>{}',
            record.name,
            record.scope.name,
            html_join(" ", '<span class="badge bg-red-lt">{}</span>', ((w,) for w in warnings)),
        )

    def render_asset_type(self, record: Asset):
        return TYPE_LABELS.get(record.asset_type, record.asset_type)

    def render_location(self, record: Asset):
        return LOCATION_LABELS.get(record.location, record.location)

    def render_classification(self, record: Asset):
        return record.classification.label

    def render_cia(self, record: Asset):
        values = (record.confidentiality, record.integrity, record.availability)
        return "/".join("–" if v is None else str(v) for v in values)

    def render_importance(self, record: Asset):
        return html(
            '<span class="badge {}">{}</span>',
            IMPORTANCE_COLOURS.get(record.importance, ""),
            record.importance,
        )

    def render_personal(self, record: Asset):
        flags = [
            (record.personal_info, _("Personal")),
            (record.sensitive_personal_info, _("Special care")),
            (record.my_number, _("My Number")),
        ]
        return html_join(
            " ",
            '<span class="badge bg-purple-lt">{}</span>',
            ((label,) for on, label in flags if on),
        )

    def render_status(self, record: Asset):
        return html(
            '<span class="badge {}">{}</span>',
            STATUS_COLOURS.get(record.status, "bg-secondary-lt"),
            STATUS_LABELS.get(record.status, record.status),
        )


STATE_COLOURS = {
    retention.RuleState.NEEDS_CHOICE: "bg-orange-lt",
    retention.RuleState.MAIN: "bg-blue-lt",
    retention.RuleState.TRANSITIONAL: "bg-purple-lt",
}
KIND_LABELS = dict(RuleKind.choices)
EVENT_LABELS = dict(EventType.choices)


class RetentionRuleTable(tables.Table):
    record_ja = tables.Column(verbose_name=_("kind of record"))
    period = tables.Column(
        empty_values=(), verbose_name=_("retention period"), order_by=("years", "months")
    )
    start_event_ja = tables.Column(verbose_name=_("start event"), attrs=WIDE)
    kind = tables.Column(verbose_name=_("kind of rule"), attrs=WIDE)
    asset_count = tables.Column(
        verbose_name=_("assets"),
        attrs={"th": WIDE["th"], "td": {"class": "text-end d-none d-md-table-cell"}},
    )

    class Meta:
        model = RetentionRule
        fields = ("record_ja", "period", "start_event_ja", "kind", "asset_count")
        empty_text = _("No rule matches these conditions. Clear the filter to see every rule.")

    def render_record_ja(self, record: RetentionRule):
        if not hasattr(self, "_detail_url"):
            self._detail_url = link_pattern("assets:retention_rule_detail")
        basis = " ".join(p for p in (record.law, record.article) if p)
        return html(
            '<a data-testid="rule-link" href="{}">{}</a><div class="small text-secondary">{}</div>',
            self._detail_url(record.pk),
            record.label,
            basis,
        )

    def render_period(self, record: RetentionRule):
        choice = getattr(record, "use_transitional", None)
        state = retention.state(record, choice)
        badge = (
            html('<span class="badge {}">{}</span>', STATE_COLOURS[state], state.label)
            if state in STATE_COLOURS
            else ""
        )
        return html(
            '<span class="text-nowrap">{}</span> {}',
            retention.effective_label(record, choice),
            badge,
        )

    def render_start_event_ja(self, record: RetentionRule):
        return html(
            '{}<div class="small text-secondary">{}</div>',
            record.start_event,
            EVENT_LABELS.get(record.event_type, ""),
        )

    def render_kind(self, record: RetentionRule):
        return KIND_LABELS.get(record.kind, record.kind)


DUE_COLOURS = {
    retention.Due.OVERDUE: "bg-red-lt",
    retention.Due.THIS_MONTH: "bg-orange-lt",
    retention.Due.SOON: "bg-yellow-lt",
    retention.Due.LATER: "bg-green-lt",
    retention.Due.NO_DATE: "bg-secondary-lt",
    retention.Due.DELETED: "bg-secondary-lt",
}
SOURCE_LABELS = dict(EventSource.choices)
RIGHT = {"td": {"class": "text-end"}}


def due_badge(keep_until, today):
    state = retention.due(keep_until, today)
    return html('<span class="badge {}">{}</span>', DUE_COLOURS[state], state.label)


def ymd(day) -> str:
    return day.strftime("%Y/%m/%d") if day else "—"


class RetentionEventTable(tables.Table):
    """Events; a leaver's name shows only to readers who may see it (``may_see_names``)."""

    subject = tables.Column(
        verbose_name=pgettext_lazy("retention", "subject"), order_by=("subject__name",)
    )
    event_type = tables.Column(verbose_name=_("kind of event"))
    date = tables.Column(
        verbose_name=_("date of the event"), attrs={"td": {"class": "text-nowrap"}}
    )
    source = tables.Column(verbose_name=_("entered through"), attrs=WIDE)
    item_count = tables.Column(
        verbose_name=_("items"),
        attrs={"th": WIDE["th"], "td": {"class": "text-end d-none d-md-table-cell"}},
    )

    class Meta:
        model = RetentionEvent
        fields = ("subject", "event_type", "date", "source", "item_count")
        empty_text = _(
            "No event is recorded yet. Record a leaver's last day or a contract's end, and the "
            "records kept about them get their dates."
        )

    def __init__(self, *args, may_see_names: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.may_see_names = may_see_names

    def render_subject(self, record: RetentionEvent):
        if not hasattr(self, "_edit_url"):
            self._edit_url = link_pattern("assets:retention_event_edit")
        withdrawn = (
            html(' <span class="badge bg-secondary-lt">{}</span>', _("Withdrawn"))
            if record.withdrawn
            else ""
        )
        return html(
            '<a data-testid="event-link" href="{}">{}</a>{}',
            self._edit_url(record.pk),
            record.subject.label(self.may_see_names),
            withdrawn,
        )

    def render_event_type(self, record: RetentionEvent):
        return EVENT_LABELS.get(record.event_type, record.event_type)

    def render_date(self, record: RetentionEvent):
        return ymd(record.date)

    def render_source(self, record: RetentionEvent):
        return SOURCE_LABELS.get(record.source, record.source)


class RetentionBatchTable(tables.Table):
    """The due list: one row per batch, its first and last due date and its holds."""

    label = tables.Column(
        empty_values=(), verbose_name=_("batch"), order_by=("asset__name", "fiscal_year")
    )
    owner = tables.Column(
        empty_values=(),
        verbose_name=_("asset owner"),
        order_by=("asset__owner__full_name", "asset__owner__email"),
        attrs=WIDE,
    )
    item_count = tables.Column(verbose_name=_("items"), attrs=RIGHT)
    first_due = tables.Column(
        verbose_name=_("first due date"), attrs={"td": {"class": "text-nowrap"}}
    )
    last_due = tables.Column(verbose_name=_("last due date"), attrs=WIDE)
    held_count = tables.Column(
        verbose_name=_("on hold"),
        attrs={"th": WIDE["th"], "td": {"class": "text-end d-none d-md-table-cell"}},
    )

    class Meta:
        model = RetentionBatch
        fields = ("label", "owner", "item_count", "first_due", "last_due", "held_count")
        empty_text = _(
            "No batch matches. Batches appear when an event is recorded for records that "
            "follow a retention rule counting from it."
        )

    def __init__(self, *args, today=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def render_label(self, record: RetentionBatch):
        if not hasattr(self, "_detail_url"):
            self._detail_url = link_pattern("assets:retention_batch_detail")
        return html(
            '<a data-testid="batch-link" href="{}">{}</a>'
            '<div class="small text-secondary">{} {}</div>',
            self._detail_url(record.pk),
            record.label,
            record.asset.ref,
            record.asset.scope.name,
        )

    def render_owner(self, record: RetentionBatch):
        owner = record.asset.owner
        return str(owner) if owner else html('<span class="text-warning">{}</span>', _("No owner"))

    def render_first_due(self, record: RetentionBatch):
        if record.deleted_count and record.deleted_count == record.item_count:
            badge = retention.Due.DELETED
            return html('<span class="badge {}">{}</span>', DUE_COLOURS[badge], badge.label)
        return html("{} {}", ymd(record.first_due), due_badge(record.first_due, self.today))

    def render_last_due(self, record: RetentionBatch):
        return ymd(record.last_due)

    def render_held_count(self, record: RetentionBatch):
        if not record.held_count:
            return "0"
        return html('<span class="badge bg-purple-lt">{}</span>', record.held_count)


class DeletionRecordTable(tables.Table):
    """Deletion records: evidence of 8.10, with the certificate's file and SHA-256."""

    deleted_on = tables.Column(verbose_name=_("deleted on"), attrs={"td": {"class": "text-nowrap"}})
    batch_label = tables.Column(verbose_name=_("batch"), order_by=("batch_label", "asset__name"))
    method = tables.Column(verbose_name=_("method"), attrs=WIDE)
    item_count = tables.Column(verbose_name=_("items deleted"), attrs=RIGHT)
    witness = tables.Column(verbose_name=_("witness"), attrs=WIDE)
    certificate = tables.Column(
        verbose_name=_("certificate of erasure"), order_by=("certificate__name",)
    )

    class Meta:
        model = DeletionRecord
        fields = ("deleted_on", "batch_label", "method", "item_count", "witness", "certificate")
        empty_text = _(
            "No deletion is recorded yet. When the items of a batch are past their retention "
            "period, record their deletion from the batch's page."
        )

    def render_deleted_on(self, record: DeletionRecord):
        return ymd(record.deleted_on)

    def render_batch_label(self, record: DeletionRecord):
        if not hasattr(self, "_batch_url"):
            self._batch_url = link_pattern("assets:retention_batch_detail")
        label = record.batch_label or record.asset.name
        link = (
            html('<a href="{}">{}</a>', self._batch_url(record.batch_id), label)
            if record.batch_id
            else label
        )
        return html(
            '{}<div class="small text-secondary">{} {}</div>',
            link,
            record.asset.ref,
            record.asset.scope.name,
        )

    def render_method(self, record: DeletionRecord):
        return html(
            '{}<div class="small text-secondary">{}</div>',
            record.get_method_display(),
            record.supplier,
        )

    def render_certificate(self, record: DeletionRecord):
        if not hasattr(self, "_file_url"):
            self._file_url = link_pattern("measures:evidence_download")
        return html(
            '<a href="{}" data-testid="deletion-certificate">{}</a>',
            self._file_url(record.certificate_id),
            record.certificate.name,
        )


REMOVAL_COLOURS = {
    RemovalStatus.REQUESTED: "bg-yellow-lt",
    RemovalStatus.APPROVED: "bg-blue-lt",
    RemovalStatus.RETURNED: "bg-green-lt",
    RemovalStatus.DISPOSED: "bg-secondary-lt",
    RemovalStatus.REJECTED: "bg-red-lt",
    RemovalStatus.CANCELLED: "bg-secondary-lt",
}


def removal_badges(removal: EquipmentRemoval):
    """The status (持出中 once an approved removal has left), 期限切れ when it is overdue."""
    if removal.is_out:
        badges = html('<span class="badge bg-azure-lt">{}</span>', _("Out"))
    else:
        badges = html(
            '<span class="badge {}">{}</span>',
            REMOVAL_COLOURS[removal.status],
            removal.get_status_display(),
        )
    if removal.overdue:
        badges = html(
            '{} <span class="badge bg-red-lt" data-testid="removal-overdue">{}</span>',
            badges,
            _("Overdue"),
        )
    return badges


class RemovalTable(tables.Table):
    """Equipment removals (持出): evidence of 7.13, 7.10 and 7.14."""

    out_on = tables.Column(verbose_name=_("out date"), attrs={"td": {"class": "text-nowrap"}})
    asset = tables.Column(verbose_name=_("equipment"), order_by=("asset__ref",))
    purpose = tables.Column(verbose_name=_("purpose"), attrs=WIDE)
    supplier = tables.Column(verbose_name=_("supplier taking it"), attrs=WIDE)
    expected_return_on = tables.Column(
        verbose_name=_("expected return"),
        attrs={"th": WIDE["th"], "td": {"class": "d-none d-md-table-cell text-nowrap"}},
    )
    status = tables.Column(verbose_name=_("status"))

    class Meta:
        model = EquipmentRemoval
        fields = ("out_on", "asset", "purpose", "supplier", "expected_return_on", "status")
        empty_text = _(
            "No equipment removal is recorded. When a PC, a server or a medium leaves for "
            "repair or disposal, request its removal from here or from the asset's page."
        )

    def render_out_on(self, record: EquipmentRemoval):
        return ymd(record.out_on)

    def render_asset(self, record: EquipmentRemoval):
        if not hasattr(self, "_url"):
            self._url = link_pattern("assets:removal_detail")
        return html(
            '<a href="{}">{}</a><div class="small text-secondary">{} {}</div>',
            self._url(record.pk),
            record.asset.name,
            record.asset.ref,
            record.scope.name,
        )

    def render_expected_return_on(self, record: EquipmentRemoval):
        return ymd(record.expected_return_on) if record.expected_return_on else "—"

    def render_status(self, record: EquipmentRemoval):
        return removal_badges(record)


def progress_bar(answered: int, total: int):
    percent = round(100 * answered / total) if total else 100
    return html(
        '<div class="d-flex align-items-center gap-2"><div class="progress progress-sm flex-fill" '
        'style="min-width:6rem"><div class="progress-bar" style="width: {}%" role="progressbar" '
        'aria-valuenow="{}" aria-valuemin="0" aria-valuemax="100"></div></div>'
        '<span class="small text-nowrap">{} / {}</span></div>',
        percent,
        percent,
        answered,
        total,
    )


class InventoryCampaignTable(tables.Table):
    name = tables.Column(verbose_name=_("name"))
    scope = tables.Column(verbose_name=_("ISMS scope"), order_by=("scope__name",), attrs=WIDE)
    started_on = tables.Column(verbose_name=_("started on"), attrs=WIDE)
    due_on = tables.Column(verbose_name=_("answer by"), attrs={"td": {"class": "text-nowrap"}})
    answered = tables.Column(verbose_name=_("progress"), order_by=("answered",))
    closed_at = tables.Column(verbose_name=_("status"), empty_values=())

    class Meta:
        model = InventoryCampaign
        fields = ("name", "scope", "started_on", "due_on", "answered", "closed_at")
        empty_text = _(
            "No inventory review yet. Start one for a scope: each asset owner confirms or "
            "corrects their assets, and the report is kept as evidence of 5.9."
        )

    def render_name(self, record: InventoryCampaign):
        if not hasattr(self, "_url"):
            self._url = link_pattern("assets:inventory_detail")
        return html('<a href="{}">{}</a>', self._url(record.pk), record.name)

    def render_scope(self, record: InventoryCampaign):
        return record.scope.name

    def render_started_on(self, record: InventoryCampaign):
        return ymd(record.started_on)

    def render_due_on(self, record: InventoryCampaign):
        return ymd(record.due_on)

    def render_answered(self, record: InventoryCampaign):
        return progress_bar(record.answered, record.total)

    def render_closed_at(self, record: InventoryCampaign):
        if record.closed_at:
            return html(
                '<span class="badge bg-secondary-lt">{}</span>',
                pgettext_lazy("inventory", "Closed"),
            )
        return html('<span class="badge bg-green-lt">{}</span>', pgettext_lazy("inventory", "Open"))


RESULT_COLOURS = {
    CheckResult.PENDING: "bg-yellow-lt",
    CheckResult.CONFIRMED: "bg-green-lt",
    CheckResult.CORRECTED: "bg-blue-lt",
    CheckResult.NOT_FOUND: "bg-red-lt",
}


class InventoryCheckTable(tables.Table):
    asset = tables.Column(verbose_name=_("asset"), order_by=("asset__ref",))
    department = tables.Column(
        verbose_name=_("department"), order_by=("department__name",), attrs=WIDE
    )
    owner = tables.Column(verbose_name=_("asset owner"), order_by=("owner__full_name",))
    result = tables.Column(verbose_name=_("result"))
    checked_by = tables.Column(verbose_name=_("answered by"), attrs=WIDE)

    class Meta:
        model = InventoryCheck
        fields = ("asset", "department", "owner", "result", "checked_by")
        empty_text = _("No asset matches the conditions.")

    def render_asset(self, record: InventoryCheck):
        if not hasattr(self, "_url"):
            self._url = link_pattern("assets:asset_edit")
        return html(
            '<a href="{}">{}</a><div class="small text-secondary">{}</div>',
            self._url(record.asset_id),
            record.asset.name,
            record.asset.ref,
        )

    def render_owner(self, record: InventoryCheck):
        return record.owner.full_name or record.owner.email

    def render_result(self, record: InventoryCheck):
        badge = html(
            '<span class="badge {}">{}</span>',
            RESULT_COLOURS[record.result],
            record.get_result_display(),
        )
        if record.note:
            return html('{}<div class="small text-secondary">{}</div>', badge, record.note)
        return badge

    def render_checked_by(self, record: InventoryCheck):
        when = (
            timezone.localtime(record.checked_at).strftime("%Y/%m/%d") if record.checked_at else ""
        )
        return html(
            '{}<div class="small text-secondary">{}</div>',
            record.checked_by.full_name or record.checked_by.email,
            when,
        )

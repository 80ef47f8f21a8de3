"""The asset ledger table (django-tables2: sorting and pagination)."""

import django_tables2 as tables
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from ume.core.html import html, html_join
from ume.core.templatetags.ume import link_pattern

from . import retention
from .choices import AssetStatus, AssetType, EventType, Location, RuleKind
from .models import Asset, RetentionRule

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
        descending, SQLite last)."""
        value = F("importance")
        key = value.desc(nulls_last=True) if is_descending else value.asc(nulls_last=True)
        return queryset.order_by(key, "ref"), True

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

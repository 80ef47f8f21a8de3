"""The ledger as a spreadsheet: one row per asset with Japanese (or English) headers, the
column order the import reads back, and a sheet naming where the built-in lists come from."""

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from ume.core.exports import Table

from .choices import (
    PROVENANCE,
    AssetStatus,
    AssetType,
    DataHandling,
    DeletionMethod,
    ImportanceRule,
    Location,
    NoPeriod,
    RemovalPurpose,
    RemovalStatus,
)
from .models import Asset, ClassificationLevel, LedgerSettings

MARK = "○"
HEADERS = [
    gettext_lazy("asset number"),
    gettext_lazy("asset name"),
    gettext_lazy("ISMS scope"),
    gettext_lazy("asset type"),
    gettext_lazy("asset owner"),
    gettext_lazy("department"),
    gettext_lazy("storage"),
    gettext_lazy("storage details"),
    gettext_lazy("format"),
    gettext_lazy("classification"),
    gettext_lazy("confidentiality"),
    gettext_lazy("integrity"),
    gettext_lazy("availability"),
    gettext_lazy("importance"),
    gettext_lazy("personal information"),
    gettext_lazy("special care-required personal information"),
    gettext_lazy("specific personal information (My Number)"),
    gettext_lazy("supplier or cloud service holding it"),
    gettext_lazy("measures"),
    gettext_lazy("retention rules"),
    gettext_lazy("status"),
    gettext_lazy("last reviewed on"),
    gettext_lazy("notes"),
    gettext_lazy("updated at"),
]


def ledger_table(assets) -> Table:
    return Table(
        title=_("Information assets"), headers=[str(h) for h in HEADERS], rows=_rows(assets)
    )


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def _rows(assets) -> Iterator[list[Any]]:
    """One row per asset; labels and linked measures are read once, not per row (20,000 rows
    of lazy translations and related managers cost seconds)."""
    types, places = _labels(AssetType.choices), _labels(Location.choices)
    states = _labels(AssetStatus.choices)
    levels: dict[int, str] = {}
    measures: dict[int, list[str]] = {}
    links = Asset.measures.through.objects.filter(asset__in=assets.values("pk"))
    for asset_id, title in links.values_list("asset_id", "measure__title").order_by(
        "measure__title"
    ):
        measures.setdefault(asset_id, []).append(title)
    retention: dict[int, list[str]] = {}
    rule_links = Asset.retention_rules.through.objects.filter(asset__in=assets.values("pk"))
    for link in rule_links.select_related("retentionrule").order_by("retentionrule__record_ja"):
        retention.setdefault(link.asset_id, []).append(link.retentionrule.label)
    for a in assets.iterator(chunk_size=2000):
        if a.classification_id and a.classification_id not in levels:
            levels[a.classification_id] = a.classification.label
        yield [
            a.ref,
            a.name,
            a.scope.name,
            types.get(a.asset_type, a.asset_type),
            a.owner.email if a.owner_id else "",
            a.department.name if a.department_id else "",
            places.get(a.location, a.location),
            a.storage_detail,
            a.media_format,
            levels.get(a.classification_id, ""),
            a.confidentiality,
            a.integrity,
            a.availability,
            a.importance,
            MARK if a.personal_info else "",
            MARK if a.sensitive_personal_info else "",
            MARK if a.my_number else "",
            a.holder,
            "\n".join(measures.get(a.pk, ())),
            "\n".join(retention.get(a.pk, ())),
            states.get(a.status, a.status),
            a.last_reviewed_on,
            a.notes,
            a.updated_at,  # the export layer shows it in Japan time
        ]


def sources_table(levels: list[ClassificationLevel], settings: LedgerSettings) -> Table:
    """Where the lists the ledger uses come from (issue 20: provenance shown in exports)."""
    rules = dict(ImportanceRule.choices)
    rows: list[list[str]] = [
        [
            _("classification"),
            f"{lv.rank}. {lv.label}",
            lv.handling,
            lv.provenance or _("Set by the organization"),
        ]
        for lv in levels
    ]
    rows += [
        [_("importance"), str(rules[settings.importance_rule]), "", str(PROVENANCE["importance"])],
        [
            _("asset type"),
            " / ".join(str(v) for v in AssetType.labels),
            "",
            str(PROVENANCE["asset_types"]),
        ],
        [
            _("storage"),
            " / ".join(str(v) for v in Location.labels),
            "",
            str(PROVENANCE["locations"]),
        ],
    ]
    return Table(
        title=_("Lists and sources"),
        headers=[_("list"), _("values"), _("how it is handled"), _("source")],
        rows=rows,
    )


ENDPOINT_HEADERS = [
    gettext_lazy("asset number"),
    gettext_lazy("asset name"),
    gettext_lazy("ISMS scope"),
    gettext_lazy("asset owner"),
    gettext_lazy("endpoint type"),
    gettext_lazy("owned by"),
    gettext_lazy("BYOD approved by"),
    gettext_lazy("BYOD approved on"),
    gettext_lazy("BYOD approval ends on"),
    gettext_lazy("connects from outside"),
    gettext_lazy("identified by"),
    gettext_lazy("device identifier"),
    gettext_lazy("enrolled in MDM"),
    gettext_lazy("disk encrypted"),
    gettext_lazy("operating system"),
    gettext_lazy("OS version"),
    gettext_lazy("endpoint last confirmed on"),
    gettext_lazy("status"),
    gettext_lazy("warnings"),
]


def endpoint_table(assets) -> Table:
    """The endpoint list (8.1, 6.7): one row per device with its approval, identification and
    encryption, and what the ledger warns of (``endpoints.with_flags`` rows)."""
    from .choices import DeviceIdKind, DeviceKind, Ownership
    from .endpoints import messages_for

    kinds, owners = _labels(DeviceKind.choices), _labels(Ownership.choices)
    ids, states = _labels(DeviceIdKind.choices), _labels(AssetStatus.choices)
    rows = (
        [
            a.ref,
            a.name,
            a.scope.name,
            a.owner.email if a.owner_id else "",
            kinds.get(a.device_kind, a.device_kind),
            owners.get(a.ownership, a.ownership),
            a.byod_approved_by.email if a.byod_approved_by_id else "",
            a.byod_approved_on,
            a.byod_expires_on,
            MARK if a.remote_access else "",
            ids.get(a.device_id_kind, a.device_id_kind),
            a.device_id,
            MARK if a.mdm_enrolled else "",
            MARK if a.disk_encrypted else "",
            a.os_name,
            a.os_version,
            a.endpoint_confirmed_on,
            states.get(a.status, a.status),
            "\n".join(messages_for(a.flag_byod, a.flag_remote)),
        ]
        for a in assets
    )
    return Table(title=_("Endpoints"), headers=[str(h) for h in ENDPOINT_HEADERS], rows=rows)


RULE_HEADERS = [
    gettext_lazy("kind of record"),
    gettext_lazy("kind of rule"),
    gettext_lazy("basis"),
    gettext_lazy("article"),
    gettext_lazy("retention period (main rule)"),
    gettext_lazy("transitional period"),
    gettext_lazy("transitional provision"),
    gettext_lazy("period this organization follows"),
    gettext_lazy("state"),
    gettext_lazy("start event"),
    gettext_lazy("kind of start event"),
    gettext_lazy("count the event day"),
    gettext_lazy("assets"),
    gettext_lazy("notes"),
    gettext_lazy("source"),
]


def retention_rules_table(rules) -> Table:
    """One row per rule, with the organization's choice (``selectors.retention_rule_list``)."""
    from . import retention
    from .choices import EventType, RuleKind

    kinds, events = _labels(RuleKind.choices), _labels(EventType.choices)

    def row(rule) -> list[Any]:
        chosen = getattr(rule, "use_transitional", None)
        return [
            rule.label,
            kinds.get(rule.kind, rule.kind),
            rule.law,
            rule.article,
            retention.describe(rule.main_period(), rule.no_period),
            retention.describe(rule.period(True)) if rule.has_transitional else "",
            rule.transitional_provision,
            retention.effective_label(rule, chosen),
            str(retention.state(rule, chosen).label),
            rule.start_event,
            events.get(rule.event_type, rule.event_type),
            MARK if rule.first_day_counts else "",
            getattr(rule, "asset_count", ""),
            rule.notes,
            rule.source,
        ]

    return Table(
        title=_("Retention rules"),
        headers=[str(h) for h in RULE_HEADERS],
        rows=(row(r) for r in rules),
    )


DUE_HEADERS = [
    gettext_lazy("batch"),
    gettext_lazy("asset number"),
    gettext_lazy("asset name"),
    gettext_lazy("asset owner"),
    pgettext_lazy("retention", "subject"),
    gettext_lazy("start date"),
    gettext_lazy("kept until"),
    gettext_lazy("due"),
    gettext_lazy("rule that sets the date"),
    gettext_lazy("on hold"),
    gettext_lazy("reason for the hold"),
    gettext_lazy("review the hold on"),
]


def retention_batches_table(items, may_see_names: bool, today) -> Table:
    """The due list, one row per retained item (a leaver's name only for those who may see
    it); what was kept, never a copy of the record."""
    from . import retention

    rows = (
        [
            i.batch.label,
            i.batch.asset.ref,
            i.batch.asset.name,
            i.batch.asset.owner.email if i.batch.asset.owner_id else "",
            i.subject.label(may_see_names),
            i.start_date,
            i.keep_until,
            NoPeriod.PERMANENT.label if i.permanent else retention.due(i.keep_until, today).label,
            i.rule.label if i.rule_id else "",
            MARK if i.held else "",
            i.hold_reason,
            i.hold_review_on,
        ]
        for i in items
    )
    return Table(title=_("Retention due list"), headers=[str(h) for h in DUE_HEADERS], rows=rows)


DELETION_HEADERS = [
    gettext_lazy("deleted on"),
    gettext_lazy("batch"),
    gettext_lazy("asset number"),
    gettext_lazy("asset name"),
    gettext_lazy("ISMS scope"),
    gettext_lazy("method"),
    gettext_lazy("items deleted"),
    gettext_lazy("deleted by"),
    gettext_lazy("witness"),
    gettext_lazy("supplier that held the data"),
    gettext_lazy("supplier's confirmation"),
    gettext_lazy("certificate of erasure"),
    gettext_lazy("SHA-256"),
    gettext_lazy("notes"),
]


def deletion_records_table(records) -> Table:
    """Deletion records as evidence of 8.10: ids and counts, the certificate's name and hash."""
    methods = _labels(DeletionMethod.choices)
    rows = (
        [
            r.deleted_on,
            r.batch_label,
            r.asset.ref,
            r.asset.name,
            r.asset.scope.name,
            methods.get(r.method, r.method),
            r.item_count,
            r.performed_by.email if r.performed_by_id else "",
            r.witness,
            r.supplier,
            r.supplier_confirmation,
            r.certificate.name if r.certificate_id else "",
            r.certificate.sha256 if r.certificate_id else "",
            r.notes,
        ]
        for r in records
    )
    return Table(title=_("Deletion records"), headers=[str(h) for h in DELETION_HEADERS], rows=rows)


REMOVAL_HEADERS = [
    gettext_lazy("out date"),
    gettext_lazy("asset number"),
    gettext_lazy("equipment"),
    gettext_lazy("ISMS scope"),
    gettext_lazy("purpose"),
    gettext_lazy("supplier taking it"),
    gettext_lazy("data on it"),
    gettext_lazy("done to the data first"),
    gettext_lazy("expected return"),
    gettext_lazy("status"),
    gettext_lazy("requested by"),
    gettext_lazy("decided by"),
    gettext_lazy("decided at"),
    gettext_lazy("approver's comment"),
    gettext_lazy("returned on"),
    gettext_lazy("checked by"),
    gettext_lazy("deletion method"),
    gettext_lazy("certificate of erasure"),
    gettext_lazy("SHA-256"),
    gettext_lazy("closing note"),
]


def _email(user) -> str:
    return user.email if user is not None else ""


def removals_table(removals) -> Table:
    """Equipment removals (持出) as evidence of 7.13, 7.10 and 7.14: who approved them and
    when, how each ended, with the disposal's certificate and hash."""
    purposes, handling = _labels(RemovalPurpose.choices), _labels(DataHandling.choices)
    statuses, methods = _labels(RemovalStatus.choices), _labels(DeletionMethod.choices)
    rows = []
    for r in removals:
        deletion = r.deletion
        certificate = deletion.certificate if deletion and deletion.certificate_id else None
        rows.append(
            [
                r.out_on,
                r.asset.ref,
                r.asset.name,
                r.scope.name,
                purposes.get(r.purpose, r.purpose),
                r.supplier,
                r.data_held,
                handling.get(r.data_handling, r.data_handling),
                r.expected_return_on,
                statuses.get(r.status, r.status),
                _email(r.requested_by),
                _email(r.decided_by),
                r.decided_at,
                r.decision_note,
                r.returned_on,
                _email(r.checked_by),
                methods.get(deletion.method, deletion.method) if deletion else "",
                certificate.name if certificate else "",
                certificate.sha256 if certificate else "",
                r.closing_note,
            ]
        )
    title = _("Equipment removals")
    return Table(title=title, headers=[str(h) for h in REMOVAL_HEADERS], rows=rows)

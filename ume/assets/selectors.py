"""Reads of the asset ledger, limited to what the actor may see."""

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from ume.core.models import Organisation, Scope
from ume.core.policies import can
from ume.core.roles import scopes_with, visible_scope_ids

from .choices import CheckResult
from .models import (
    Asset,
    ClassificationLevel,
    DeletionRecord,
    EquipmentRemoval,
    InventoryCampaign,
    InventoryCheck,
    LedgerSettings,
    RetentionBatch,
    RetentionEvent,
    RetentionItem,
    RetentionRule,
    RetentionRuleChoice,
    RetentionRun,
)
from .permissions import (
    KEEPING_ROLES,
    VIEW_ASSET,
    VIEW_RETENTION,
    VIEW_RETENTION_NAMES,
    WRITING_ROLES,
)

# What a list of assets shows (table, API, export): never the owner's password hash or the
# rest of the user row.
LIST_FIELDS = (
    *(f.attname for f in Asset._meta.concrete_fields),
    "owner__full_name",
    "owner__email",
    "scope__name",
    "department__name",
    "classification__name_ja",
    "classification__name_en",
    "classification__rank",
)


def asset_list(*, actor, organisation: Organisation, scope: Scope | None = None) -> QuerySet[Asset]:
    """The organization's assets in the scopes the actor may see (``scope``: one of them)."""
    if not can(actor, VIEW_ASSET, organisation):
        return Asset.objects.none()
    qs = Asset.objects.filter(organisation=organisation)
    visible = visible_scope_ids(actor, organisation.pk)
    if visible is not None:
        qs = qs.filter(scope__in=visible)
    if scope is not None:
        qs = qs.filter(scope=scope)
    return (
        qs.select_related("owner", "scope", "department", "classification")
        .only(*LIST_FIELDS)
        .order_by("ref")
    )


def _in_scopes(scopes: set[int] | None) -> Q:
    # Every scope: a condition always true (an empty Q would vanish from an OR).
    return Q(pk__isnull=False) if scopes is None else Q(scope__in=scopes)


def changeable_assets(*, actor, organisation: Organisation, assets: QuerySet[Asset]):
    """Those of ``assets`` the actor may change (``CHANGE_ASSET`` of rules.py as one filter:
    the 事務局 and administrators in their scopes; a member who may write, the assets they
    own or whose department they head)."""
    keeper = scopes_with(actor, organisation.pk, KEEPING_ROLES)
    writer = scopes_with(actor, organisation.pk, WRITING_ROLES)
    answers = Q(owner=actor) | Q(department__head=actor)
    return assets.filter(_in_scopes(keeper) | (_in_scopes(writer) & answers))


def classification_levels(organisation: Organisation) -> QuerySet[ClassificationLevel]:
    return ClassificationLevel.objects.filter(organisation=organisation).order_by("rank", "pk")


def ledger_settings(organisation: Organisation) -> LedgerSettings:
    """The organization's settings (the defaults, unsaved, when it has none yet)."""
    found = LedgerSettings.objects.filter(organisation=organisation).first()
    return found or LedgerSettings(organisation=organisation)


def retention_rule_list(*, actor, organisation: Organisation) -> QuerySet[RetentionRule]:
    """The built-in rules and the organization's own, each with the organization's choice
    (``use_transitional``: None until it chooses) and how many of its assets the actor may see
    follow it (``asset_count``)."""
    if not can(actor, VIEW_RETENTION, organisation):
        return RetentionRule.objects.none()
    choice = RetentionRuleChoice.objects.filter(organisation=organisation, rule=OuterRef("pk"))
    counted = Q(assets__organisation=organisation)
    visible = visible_scope_ids(actor, organisation.pk)
    if visible is not None:
        counted &= Q(assets__scope__in=visible)
    return (
        RetentionRule.objects.filter(Q(organisation__isnull=True) | Q(organisation=organisation))
        .annotate(
            use_transitional=Subquery(choice.values("use_transitional")[:1]),
            asset_count=Count("assets", filter=counted),
        )
        .order_by("kind", "law_ja", "record_ja", "pk")
    )


def retention_choice(organisation: Organisation, rule: RetentionRule) -> RetentionRuleChoice:
    """The organization's choice for ``rule`` (unsaved, version 1, when it has made none)."""
    found = RetentionRuleChoice.objects.filter(organisation=organisation, rule=rule).first()
    return found or RetentionRuleChoice(organisation=organisation, rule=rule)


def may_see_names(actor, organisation: Organisation) -> bool:
    """Whether the actor sees leavers' names (else 「退職者 No.12」)."""
    return can(actor, VIEW_RETENTION_NAMES, organisation)


def retention_event_list(*, actor, organisation: Organisation) -> QuerySet[RetentionEvent]:
    """The organization's retention events with how many items each subject has. Events
    are organization-wide: they are read by those who may see every record's dates."""
    if not can(actor, VIEW_RETENTION, organisation):
        return RetentionEvent.objects.none()
    items = RetentionItem.objects.filter(subject=OuterRef("subject")).values("subject")
    return (
        RetentionEvent.objects.filter(organisation=organisation)
        .select_related("subject")
        .annotate(item_count=Subquery(items.annotate(n=Count("pk")).values("n")[:1]))
        .order_by("-date", "pk")
    )


def retention_batch_list(*, actor, organisation: Organisation) -> QuerySet[RetentionBatch]:
    """Batches of the records (assets) the actor may see."""
    assets = asset_list(actor=actor, organisation=organisation).values("pk")
    return (
        RetentionBatch.objects.filter(organisation=organisation, asset__in=assets)
        .select_related("asset", "asset__owner", "asset__scope")
        .order_by("first_due", "pk")
    )


def retention_items(batch: RetentionBatch) -> QuerySet[RetentionItem]:
    return (
        RetentionItem.objects.filter(batch=batch)
        .select_related("subject", "rule", "hold_owner", "deletion")
        .order_by("keep_until", "subject__name", "pk")
    )


def retention_run(organisation: Organisation) -> RetentionRun | None:
    """The organization's background recompute, if it ever had one."""
    return RetentionRun.objects.filter(organisation=organisation).first()


def deletable_items(batch: RetentionBatch, today=None) -> QuerySet[RetentionItem]:
    """The items of ``batch`` that may be deleted: past their 保存期限, not held, not deleted."""
    return RetentionItem.objects.filter(
        batch=batch,
        keep_until__lt=today or timezone.localdate(),
        held=False,
        deletion__isnull=True,
    )


def deletion_record_list(*, actor, organisation: Organisation) -> QuerySet[DeletionRecord]:
    """Deletion records of the records (assets) the actor may see, newest first."""
    assets = asset_list(actor=actor, organisation=organisation).values("pk")
    return (
        DeletionRecord.objects.filter(organisation=organisation, asset__in=assets)
        .select_related("asset", "asset__scope", "performed_by", "certificate")
        .order_by("-deleted_on", "-pk")
    )


def removal_list(*, actor, organisation: Organisation) -> QuerySet[EquipmentRemoval]:
    """Equipment removals (持出) of the assets the actor may see, latest out date first."""
    assets = asset_list(actor=actor, organisation=organisation).values("pk")
    return (
        EquipmentRemoval.objects.filter(organisation=organisation, asset__in=assets)
        .select_related("asset", "scope", "requested_by", "decided_by", "checked_by")
        .order_by("-out_on", "-pk")
    )


def inventory_campaigns(*, actor, organisation: Organisation) -> QuerySet[InventoryCampaign]:
    """棚卸し campaigns of the scopes the actor may see."""
    if not can(actor, VIEW_ASSET, organisation):
        return InventoryCampaign.objects.none()
    qs = InventoryCampaign.objects.filter(organisation=organisation)
    visible = visible_scope_ids(actor, organisation.pk)
    if visible is not None:
        qs = qs.filter(scope__in=visible)
    return qs.select_related("scope", "started_by", "report").order_by("-started_on", "-pk")


def _check_count(checks: QuerySet[InventoryCheck]) -> Coalesce:
    """How many of ``checks`` a campaign has, counted per campaign by the (campaign, result)
    index rather than by grouping every campaign column over its checks."""
    per_campaign = checks.filter(campaign=OuterRef("pk")).order_by().values("campaign")
    return Coalesce(Subquery(per_campaign.annotate(n=Count("pk")).values("n")[:1]), 0)


def inventory_campaign_list(*, actor, organisation: Organisation) -> QuerySet[InventoryCampaign]:
    """棚卸し campaigns of the scopes the actor may see, with their answer counts."""
    return inventory_campaigns(actor=actor, organisation=organisation).annotate(
        total=_check_count(InventoryCheck.objects.all()),
        answered=_check_count(InventoryCheck.objects.exclude(result=CheckResult.PENDING)),
    )


def inventory_checks(campaign: InventoryCampaign) -> QuerySet[InventoryCheck]:
    return (
        InventoryCheck.objects.filter(campaign=campaign)
        .select_related("asset", "asset__classification", "department", "owner", "checked_by")
        .order_by("asset__ref")
    )

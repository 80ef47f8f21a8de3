"""Recompute retained items: for every subject (a leaver, a contract) and every record class
(asset) whose rules count from one of its events, the item's dates and batch. Run after an
event is recorded, corrected or withdrawn, and after a rule, a choice, an asset's rules or the
fiscal year changes. Items are written in bulk: the trail keeps the change that caused the
recompute (the event with its reason, the rule, the choice), not each item."""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Max, Min, Q

from ume.core.models import Organisation

from .. import retention
from ..models import (
    Asset,
    RetentionBatch,
    RetentionEvent,
    RetentionItem,
    RetentionRule,
    RetentionRuleChoice,
    RetentionSubject,
)

CHUNK = 2000
DATE_FIELDS = ("batch", "start_date", "keep_until", "rule", "permanent", "basis")
ITEM_VALUES = ("start_date", "keep_until", "rule_id", "permanent", "basis")


def _rules_by_asset(organisation: Organisation) -> dict[int, list]:
    """(rule, use_transitional) pairs of each asset that follows a rule."""
    choices = dict(
        RetentionRuleChoice.objects.filter(organisation=organisation).values_list(
            "rule_id", "use_transitional"
        )
    )
    rules = {
        r.pk: r
        for r in RetentionRule.objects.filter(
            Q(organisation__isnull=True) | Q(organisation=organisation)
        )
    }
    links = Asset.retention_rules.through.objects.filter(asset__organisation=organisation)
    by_asset: dict[int, list] = defaultdict(list)
    for asset_id, rule_id in links.values_list("asset_id", "retentionrule_id").order_by("pk"):
        by_asset[asset_id].append((rules[rule_id], choices.get(rule_id)))
    return by_asset


def recompute(
    organisation: Organisation, subjects: Iterable[RetentionSubject] | None = None
) -> int:
    """Bring the items of ``subjects`` (all the organization's when None) up to date; returns
    how many items there are afterwards."""
    rules_by_asset = _rules_by_asset(organisation)
    subject_qs = RetentionSubject.objects.filter(organisation=organisation)
    if subjects is not None:
        subject_qs = subject_qs.filter(pk__in=[s.pk for s in subjects])
    subject_ids = list(subject_qs.values_list("pk", flat=True))
    events: dict[int, dict[str, object]] = defaultdict(dict)
    for subject_id, kind, day in RetentionEvent.objects.filter(
        subject_id__in=subject_ids, withdrawn=False
    ).values_list("subject_id", "event_type", "date"):
        events[subject_id][kind] = day
    chosen_assets: dict[int, set[int]] = defaultdict(set)
    for subject_id, asset_id in RetentionSubject.assets.through.objects.filter(
        retentionsubject_id__in=subject_ids
    ).values_list("retentionsubject_id", "asset_id"):
        chosen_assets[subject_id].add(asset_id)
    existing = {
        (i.asset_id, i.subject_id): i
        for i in RetentionItem.objects.filter(subject_id__in=subject_ids)
    }
    batches = {
        (b.asset_id, b.event_type, b.fiscal_year): b
        for b in RetentionBatch.objects.filter(organisation=organisation)
    }
    touched_batches = {i.batch_id for i in existing.values()}
    new, changed, keep = [], [], set()
    for subject_id in subject_ids:
        dates = events.get(subject_id, {})
        for asset_id, rules in rules_by_asset.items():
            chosen = chosen_assets[subject_id]
            if chosen and asset_id not in chosen:
                continue
            # Without a choice of records, only those counting from one of the subject's own
            # events: a leaver's 退職日 does not put them in the accounting books.
            direct = [
                r
                for r, _ in rules
                if r.event_type in dates
                or (chosen and retention.event_date(r.event_type, dates, organisation))
            ]
            if not direct:
                continue
            result = retention.item_dates(rules, dates, organisation)
            primary = (
                next(r for r, _ in rules if r.pk == result.rule_id) if result.rule_id else direct[0]
            )
            start = retention.event_date(primary.event_type, dates, organisation)
            key = (asset_id, primary.event_type, organisation.fiscal_year(start))
            if key not in batches:
                batches[key] = RetentionBatch.objects.create(
                    organisation=organisation,
                    asset_id=asset_id,
                    event_type=primary.event_type,
                    fiscal_year=key[2],
                )
            values = {
                "batch": batches[key],
                "start_date": result.start_date,
                "keep_until": result.keep_until,
                "rule_id": result.rule_id,
                "permanent": result.permanent,
                "basis": [b.as_json() for b in result.basis],
            }
            touched_batches.add(batches[key].pk)
            item = existing.get((asset_id, subject_id))
            if item is None:
                new.append(
                    RetentionItem(
                        organisation=organisation,
                        asset_id=asset_id,
                        subject_id=subject_id,
                        **values,
                    )
                )
                continue
            keep.add(item.pk)
            before = [getattr(item, f) for f in ("batch_id", *ITEM_VALUES)]
            after = [values["batch"].pk, *(values[f] for f in ITEM_VALUES)]
            if before != after:
                for field, value in values.items():
                    setattr(item, field, value)
                changed.append(item)
    RetentionItem.objects.bulk_create(new, batch_size=CHUNK)
    RetentionItem.objects.bulk_update(changed, DATE_FIELDS, batch_size=CHUNK)
    gone = [i.pk for i in existing.values() if i.pk not in keep and not i.held]
    RetentionItem.objects.filter(pk__in=gone).delete()
    refresh_batches(touched_batches)
    return RetentionItem.objects.filter(subject_id__in=subject_ids).count()


def refresh_batches(batch_ids: set[int]) -> None:
    """First and last due date (of the items not on hold: a hold suspends deletion) and item
    count of each batch; empty batches go."""
    due = Q(held=False)
    figures = {
        row["batch_id"]: row
        for row in RetentionItem.objects.filter(batch_id__in=batch_ids)
        .values("batch_id")
        .annotate(
            first=Min("keep_until", filter=due), last=Max("keep_until", filter=due), n=Count("pk")
        )
    }
    stale = []
    for batch in RetentionBatch.objects.filter(pk__in=batch_ids):
        row = figures.get(batch.pk)
        if row is None:
            stale.append(batch.pk)
            continue
        batch.first_due, batch.last_due, batch.item_count = row["first"], row["last"], row["n"]
        batch.save(update_fields=["first_due", "last_due", "item_count", "updated_at"])
    RetentionBatch.objects.filter(pk__in=stale).delete()

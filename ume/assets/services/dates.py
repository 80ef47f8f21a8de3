"""Recompute retained items: for every subject (a leaver, a contract) and every record class
(asset) whose rules count from one of its events, the item's dates and batch. Run after an
event is recorded, corrected or withdrawn, and after a rule, a choice, an asset's rules or the
fiscal year changes. Items are written in bulk: the trail keeps the change that caused the
recompute (the event with its reason, the rule, the choice), not each item."""

from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from ume.core import bulk
from ume.core.models import Organisation

from .. import retention
from ..models import (
    Asset,
    RetentionBatch,
    RetentionEvent,
    RetentionItem,
    RetentionRule,
    RetentionRuleChoice,
    RetentionRun,
    RetentionSubject,
)

# Above this many subjects, an organization-wide recompute runs in the background with
# progress on the due list (setting ``UME_RETENTION_INLINE_SUBJECTS``); below, in the request.
INLINE_SUBJECTS = 5000
SUBJECTS_PER_STEP = 5000
DATE_FIELDS = ("batch", "start_date", "keep_until", "rule", "permanent", "basis")
ITEM_VALUES = ("start_date", "keep_until", "rule_id", "permanent", "basis")
BASIS = RetentionItem._meta.get_field("basis")


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


def _dates(rules, direct, dates, organisation) -> tuple:
    """(the item's dates, the event and fiscal year of its batch, the basis as stored)."""
    result = retention.item_dates(rules, dates, organisation)
    primary = next(r for r, _ in rules if r.pk == result.rule_id) if result.rule_id else direct[0]
    start = retention.event_date(primary.event_type, dates, organisation)
    basis = [b.as_json() for b in result.basis]
    # The JSON as stored, encoded once for every item of this combination.
    stored = bulk.Prepared(BASIS.get_db_prep_save(basis, connections[DEFAULT_DB_ALIAS]))
    return result, primary.event_type, organisation.fiscal_year(start), basis, stored


def recompute(
    organisation: Organisation, subjects: Iterable[RetentionSubject] | None = None
) -> int:
    """Bring the items of ``subjects`` (all the organization's when None) up to date; returns
    how many items there are afterwards."""
    ids = None if subjects is None else [s.pk for s in subjects]
    touched = _recompute(organisation, ids, {})
    refresh_batches(touched)
    return RetentionItem.objects.filter(**_of_subjects(organisation, ids)).count()


def _of_subjects(organisation: Organisation, subject_ids: list[int] | None) -> dict:
    """The filter of the subjects' rows. All of the organization's subjects are read by
    organization, never as a list of ids (PostgreSQL takes at most 65,535 parameters)."""
    if subject_ids is None:
        return {"subject__organisation": organisation}
    return {"subject_id__in": subject_ids}


def _recompute(organisation: Organisation, subject_ids: list[int] | None, computed: dict) -> set:
    """Write the items of the subjects (all the organization's when None); returns the batches
    touched, whose figures the caller refreshes. ``computed``: the dates of each combination
    of events, shared by the steps of a background recompute."""
    rules_by_asset = _rules_by_asset(organisation)
    mine = _of_subjects(organisation, subject_ids)
    events: dict[int, dict[str, object]] = defaultdict(dict)
    for subject_id, kind, day in RetentionEvent.objects.filter(withdrawn=False, **mine).values_list(
        "subject_id", "event_type", "date"
    ):
        events[subject_id][kind] = day
    chosen_assets: dict[int, set[int]] = defaultdict(set)
    links = RetentionSubject.assets.through.objects.filter(
        **{k.replace("subject", "retentionsubject"): v for k, v in mine.items()}
    )
    for subject_id, asset_id in links.values_list("retentionsubject_id", "asset_id"):
        chosen_assets[subject_id].add(asset_id)
    existing = {
        (row[1], row[2]): row
        for row in RetentionItem.objects.filter(**mine).values_list(
            "pk", "asset_id", "subject_id", "held", "deletion_id", "batch_id", *ITEM_VALUES
        )
    }
    batches = {
        (b.asset_id, b.event_type, b.fiscal_year): b
        for b in RetentionBatch.objects.filter(organisation=organisation)
    }
    touched_batches = {row[5] for row in existing.values()}
    new, changed, keep = [], [], set()
    for subject_id, dates in events.items():
        chosen = chosen_assets[subject_id]
        for asset_id, rules in rules_by_asset.items():
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
            # Subjects with the same events get the same dates: each combination is computed
            # once (50,000 leavers share a few thousand 退職日).
            combination = (asset_id, tuple(sorted(dates.items())), bool(chosen))
            if combination not in computed:
                computed[combination] = _dates(rules, direct, dates, organisation)
            result, event_type, fiscal_year, basis, stored_basis = computed[combination]
            key = (asset_id, event_type, fiscal_year)
            if key not in batches:
                batches[key] = RetentionBatch.objects.create(
                    organisation=organisation,
                    asset_id=asset_id,
                    event_type=event_type,
                    fiscal_year=fiscal_year,
                )
            touched_batches.add(batches[key].pk)
            values = (
                batches[key].pk,
                result.start_date,
                result.keep_until,
                result.rule_id,
                result.permanent,
                basis,
            )
            written = (*values[:-1], stored_basis)
            row = existing.get((asset_id, subject_id))
            if row is None:
                new.append((asset_id, subject_id, written))
            else:
                keep.add(row[0])
                if row[4] is None and tuple(row[5:]) != values:  # deleted items stay as they were
                    changed.append((row[0], written))
    _insert(organisation, new)
    _update_dates(changed)
    # Items no longer kept go, unless held or deleted already (their record stays).
    gone = [row[0] for row in existing.values() if row[0] not in keep and not (row[3] or row[4])]
    for start in range(0, len(gone), bulk.CHUNK):
        RetentionItem.objects.filter(pk__in=gone[start : start + bulk.CHUNK]).delete()
    return touched_batches


def schedule_recompute(organisation: Organisation) -> bool:
    """Recompute every date of the organization: now when it has few subjects, else in the
    background (returns True) with progress in its ``RetentionRun``."""
    limit = getattr(settings, "UME_RETENTION_INLINE_SUBJECTS", INLINE_SUBJECTS)
    count = RetentionSubject.objects.filter(organisation=organisation).count()
    if count <= limit:
        recompute(organisation)
        return False
    run, _ = RetentionRun.objects.select_for_update().get_or_create(
        organisation=organisation,
        defaults={"state": RetentionRun.State.QUEUED, "requested_at": timezone.now()},
    )
    run.state, run.generation = RetentionRun.State.QUEUED, run.generation + 1
    run.total, run.done, run.requested_at = count, 0, timezone.now()
    run.finished_at = None
    run.save()
    from ..tasks import recompute_retention

    transaction.on_commit(lambda: recompute_retention.enqueue(organisation_id=organisation.pk))
    return True


def run_scheduled(organisation_id: int) -> None:
    """The background recompute: subjects in steps (each its own transaction, its progress
    saved), again from the start if another change was scheduled meanwhile."""
    run = RetentionRun.objects.filter(organisation_id=organisation_id).first()
    while run is not None and run.state != RetentionRun.State.DONE:
        generation = run.generation
        organisation = run.organisation
        ids = list(
            RetentionSubject.objects.filter(organisation=organisation)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        RetentionRun.objects.filter(pk=run.pk).update(
            state=RetentionRun.State.RUNNING, total=len(ids), done=0
        )
        computed: dict = {}
        touched: set[int] = set()
        for start in range(0, len(ids), SUBJECTS_PER_STEP):
            step = ids[start : start + SUBJECTS_PER_STEP]
            with transaction.atomic():
                touched |= _recompute(organisation, step, computed)
            RetentionRun.objects.filter(pk=run.pk).update(done=start + len(step))
        with transaction.atomic():  # the batches' figures once, after every step
            refresh_batches(touched)
        with transaction.atomic():
            run = RetentionRun.objects.select_for_update().get(pk=run.pk)
            if run.generation == generation:
                run.state, run.finished_at = RetentionRun.State.DONE, timezone.now()
                run.save(update_fields=["state", "finished_at"])


def _insert(organisation: Organisation, rows: list[tuple]) -> None:
    """Insert new items, ``(asset_id, subject_id, values)``."""
    now = timezone.now()
    fixed = {
        "organisation_id": organisation.pk,
        "held": False,
        "hold_reason": "",
        "hold_owner_id": None,
        "hold_review_on": None,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    bulk.insert_rows(
        RetentionItem,
        ("asset", "subject", *DATE_FIELDS, *fixed),
        ((asset_id, subject_id, *values, *fixed.values()) for asset_id, subject_id, values in rows),
    )


def _update_dates(rows: list[tuple]) -> None:
    """Write recomputed dates, ``(pk, values)``."""
    now = timezone.now()
    bulk.update_rows(
        RetentionItem,
        (*DATE_FIELDS, "updated_at"),
        ((*values, now, pk) for pk, values in rows),
    )


def refresh_batches(batch_ids: set[int]) -> None:
    """First and last due date (of the items not on hold: a hold suspends deletion), item
    and hold counts of each batch; empty batches go."""
    due, held = Q(held=False, deletion__isnull=True), Q(held=True, deletion__isnull=True)
    figures = {
        row["batch_id"]: row
        for row in RetentionItem.objects.filter(batch_id__in=batch_ids)
        .values("batch_id")
        .annotate(
            first=Min("keep_until", filter=due),
            last=Max("keep_until", filter=due),
            n=Count("pk"),
            held=Count("pk", filter=held),
            deleted=Count("pk", filter=Q(deletion__isnull=False)),
        )
    }
    stale = []
    for batch in RetentionBatch.objects.filter(pk__in=batch_ids):
        row = figures.get(batch.pk)
        if row is None:
            stale.append(batch.pk)
            continue
        batch.first_due, batch.last_due = row["first"], row["last"]
        batch.item_count, batch.held_count = row["n"], row["held"]
        batch.deleted_count = row["deleted"]
        batch.save(
            update_fields=[
                "first_due",
                "last_due",
                "item_count",
                "held_count",
                "deleted_count",
                "updated_at",
            ]
        )
    RetentionBatch.objects.filter(pk__in=stale).delete()

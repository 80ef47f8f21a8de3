"""Retention dates at 100,000 items: 50,000 leavers whose 履歴書 and 労働者名簿 are kept five
years (two items each), computed from scratch, then recomputed after the organization chooses
the transitional period (every date moves); then the due list and a batch page. Printed, never
asserted."""

import datetime as dt
import random
import time
from collections.abc import Callable

from django.db import transaction
from django.test import Client
from django.urls import reverse

from .cases import fetch_page, table_rows
from .timing import Result, measure

LEAVERS = 50_000
RULES = ("labour-standards-109-hiring-records", "labour-standards-109-workers-register")


def _timed(name: str, rows: int, seconds: float, note: str) -> Result:
    result = Result(name, rows, [seconds], 0)
    result.notes.append(note)
    return result


def run(fx, *, runs: int, log: Callable[[str], None], done: Callable[[Result], None]) -> None:
    from ume.assets.models import RetentionEvent, RetentionRule, RetentionSubject
    from ume.assets.reference import load_retention_rules
    from ume.assets.services import asset_create, recompute, retention_period_choose

    org, admin = fx.organisation, fx.admin
    with transaction.atomic():
        load_retention_rules()
    rules = list(RetentionRule.objects.filter(organisation__isnull=True, code__in=RULES))
    scope = org.scopes.order_by("pk").first()
    for name, rule in zip(("履歴書（ベンチ）", "労働者名簿（ベンチ）"), rules, strict=True):
        asset_create(actor=admin, scope=scope, data={"name": name, "retention_rules": [rule]})
    rng = random.Random(20261207)
    started = time.perf_counter()
    subjects = RetentionSubject.objects.bulk_create(
        [
            RetentionSubject(
                organisation=org, key=f"bench:{i}", name=f"退職者 {i:05d}", personal=True
            )
            for i in range(LEAVERS)
        ],
        batch_size=5000,
    )
    RetentionEvent.objects.bulk_create(
        [
            RetentionEvent(
                organisation=org,
                subject=s,
                event_type="leaving",
                date=dt.date(2015, 4, 1) + dt.timedelta(days=rng.randrange(4000)),
            )
            for s in subjects
        ],
        batch_size=5000,
    )
    log(f"  {LEAVERS:,} leavers seeded in {time.perf_counter() - started:.1f} s")
    log("retention recompute (100,000 items) …")
    started = time.perf_counter()
    with transaction.atomic():
        count = recompute(org)
    first = time.perf_counter() - started
    done(_timed("retention recompute, from scratch", count, first, f"created {count:,} items"))
    started = time.perf_counter()
    for rule in rules:  # each choice recomputes every item
        retention_period_choose(
            actor=admin, organisation=org, rule=rule, use_transitional=True, version=1
        )
    again = (time.perf_counter() - started) / len(rules)
    done(
        _timed(
            "retention recompute, after a transitional choice",
            count,
            again,
            f"every date moved by two years: {again:.2f} s per choice",
        )
    )
    client = Client()
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    due = reverse("assets:retention_batch_list")
    batch = org.retention_batches.order_by("-item_count").first()
    pages = [
        ("due list, page 1", fetch_page(client, due, table_rows)),
        ("due list, overdue", fetch_page(client, f"{due}?due=overdue", table_rows)),
        (
            f"batch page ({batch.item_count:,} items, page 1)",
            fetch_page(
                client, reverse("assets:retention_batch_detail", args=[batch.pk]), table_rows
            ),
        ),
    ]
    for name, fetch in pages:
        done(measure(name, fetch, runs=runs, warmups=3))

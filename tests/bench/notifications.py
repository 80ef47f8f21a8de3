"""Notifications at scale (issue: notifications): the daily scheduler over 100,000 due items
owned by 500 users (the first run raises them all, a second raises nothing), then the inbox and
the bell of one user with 10,000 notifications. Printed, never asserted."""

import datetime as dt
import random
import time
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from .cases import fetch_page
from .timing import Result, measure

USERS = 500
DUE_PER_MEASURE = 5  # 20,000 measures × 5 review dates = 100,000 due items
INBOX = 10_000
KIND = "bench.review_due"


def _seed_users(fx, rng: random.Random) -> list:
    from ume.core.choices import Role
    from ume.core.models import Membership, User

    users = User.objects.bulk_create(
        [User(email=f"bench{i:03d}@example.jp", full_name=f"担当 {i:03d}") for i in range(USERS)]
    )
    Membership.objects.bulk_create(
        [Membership(user=u, organisation=fx.organisation, role=Role.STAFF) for u in users]
    )
    return users


def _register_kind(owners: dict[int, object], today: dt.date):
    """A kind as a module would declare it: each measure has five review dates, owned by one
    of the 500 users; reminders 30/7/1 days before and weekly when late."""
    from ume.measures.models import Measure
    from ume.measures.permissions import VIEW_MEASURE
    from ume.notifications import kinds

    def due_items(organisation, day):
        for m in Measure.objects.filter(organisation=organisation).only("id", "title", "scope_id"):
            m.organisation_id = organisation.pk
            for n in range(DUE_PER_MEASURE):
                due = today + dt.timedelta(days=(m.pk * 7 + n * 13) % 60 - 20)
                yield kinds.DueItem(record=m, due=due, title=m.title, owner=owners[m.pk])

    return kinds.register(
        kinds.ReminderKind(
            code=KIND,
            label="見直し期限",
            module="bench",
            due_items=due_items,
            permission=VIEW_MEASURE,
            permission_object=lambda m: m,
            url=lambda m: reverse("measures:measure_edit", args=[m.pk]),
            recipients=(kinds.OWNER,),
        )
    )


def run(fx, *, runs: int, log: Callable[[str], None], done: Callable[[Result], None]) -> None:
    from ume.core.models import Organisation
    from ume.measures.models import Measure
    from ume.notifications.models import Notification
    from ume.notifications.scheduler import compute_reminders

    from . import measures

    measures.seed(fx, count=measures.MEASURES, log=log)
    rng = random.Random(20261207)
    started = time.perf_counter()
    users = _seed_users(fx, rng)
    ids = list(Measure.objects.filter(organisation=fx.organisation).values_list("pk", flat=True))
    owners = {pk: rng.choice(users) for pk in ids}
    today = timezone.localdate()
    _register_kind(owners, today)
    log(f"  {USERS} users seeded in {time.perf_counter() - started:.1f} s")

    orgs = Organisation.objects.filter(pk=fx.organisation.pk)
    for label in ("first run", "second run (nothing new)"):
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            raised = compute_reminders(today=today, organisations=orgs, codes=(KIND,))
            seconds = time.perf_counter() - t0
        result = Result(
            f"reminders, {len(ids) * DUE_PER_MEASURE:,} due items, {label}",
            raised[KIND],
            [seconds],
            len(queries),
        )
        done(result)

    content_type = ContentType.objects.get_for_model(Measure)
    Notification.objects.bulk_create(
        [
            Notification(
                organisation=fx.organisation,
                recipient=fx.admin,
                kind=KIND,
                content_type=content_type,
                object_id=ids[i % len(ids)],
                title=f"見直し {i:05d}",
                due=today + dt.timedelta(days=i % 90 - 30),
                stage=-(i // len(ids)) - 1,  # distinct keys for one record
                read_at=timezone.now() if i % 3 else None,
            )
            for i in range(INBOX)
        ],
        batch_size=2000,
    )
    client = Client()
    client.force_login(fx.admin, backend="django.contrib.auth.backends.ModelBackend")
    inbox = reverse("notifications:inbox")

    def items(html: bytes) -> int:
        return html.count(b'data-testid="notification"')

    log(f"inbox of one user with {INBOX:,} notifications …")
    for name, url in (
        ("inbox, page 1", inbox),
        ("inbox, unread, page 20", f"{inbox}?state=unread&page=20"),
        ("bell count", reverse("notifications:badge")),
    ):
        counter = items if "badge" not in url else (lambda html: int(b"bell-count" in html))
        done(measure(name, fetch_page(client, url, counter), runs=runs, warmups=3))

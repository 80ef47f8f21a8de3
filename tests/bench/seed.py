"""The bench fixture: one organisation (``make_org``) and a long, VALID audit hash chain.

Appending a million entries through ``audit.append`` (a locked head row and two writes per entry)
would take far too long, so the chain is computed here with ``audit.entry_hash`` and written
with ``bulk_create`` (the bench's own fixture; ``AuditEntry.save`` is bypassed on purpose), in
transactions of ``CHUNK`` entries. The organisation's ``AuditChainHead`` is then moved to the last
entry, so ``verify_chain`` sees exactly what a long-lived installation would hold.
"""

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from ume.core.audit import canonical_json, entry_hash
from ume.core.choices import AuditAction, Role
from ume.core.models import AuditChainHead, AuditEntry, Organisation, User
from ume.core.tests.factories import make_org

CHUNK = 20_000  # entries per transaction
BATCH = 5_000  # rows per INSERT (bulk_create lowers it if the database needs fewer parameters)
SPAN = dt.timedelta(days=730)  # the seeded entries are spread over the last two years

SCOPES = ["本社", "開発センター", "大阪支店", "名古屋営業所", "福岡データセンター"]
DEPARTMENTS = [
    "総務部",
    "情報システム部",
    "営業部",
    "経理部",
    "人事部",
    "品質保証部",
    "開発部",
    "法務部",
]
PEOPLE = [
    "田中 太郎",
    "鈴木 花子",
    "佐藤 一郎",
    "高橋 美咲",
    "伊藤 健",
    "渡辺 直子",
    "山本 翔",
    "中村 由美",
    "小林 誠",
    "加藤 さくら",
]
BODIES = [
    "",
    "一般財団法人日本品質保証機構",
    "BSIグループジャパン株式会社",
    "一般社団法人日本能率協会",
]
# update 60 %, create 25 %, delete 15 %
ACTIONS = (
    [AuditAction.UPDATE.value] * 12
    + [AuditAction.CREATE.value] * 5
    + [AuditAction.DELETE.value] * 3
)
LABELS = [
    "core.scope",
    "core.department",
    "core.department",
    "core.membership",
    "core.membership",
    "core.membership",
]
POOL = 64  # change texts per (record type, operation)


@dataclass
class Fixture:
    organisation: Organisation
    admin: User
    entries: int  # entries in the organisation's chain after seeding
    seeded: int  # of which written by the bench (the rest come from make_org)
    first_at: dt.datetime  # time of the first and last seeded entry (UTC)
    last_at: dt.datetime
    seconds: float


def _changes_pool(rng: random.Random, scope_ids: list[int], user_ids: list[int]) -> dict:
    """Canonical JSON change texts per (record type, operation), as ``audit._diff`` writes."""
    roles = list(Role.values)

    def scope(action: str) -> dict:
        name = rng.choice(SCOPES)
        if action == AuditAction.CREATE:
            return {
                "name": [None, name],
                "is_active": [None, True],
                "boundaries": [None, f"{name}の全業務"],
            }
        if action == AuditAction.DELETE:
            return {"name": [name, None], "is_active": [False, None]}
        return rng.choice(
            [
                {
                    "boundaries": [
                        f"{name}の全業務",
                        f"{name}の情報システム部門及び{rng.choice(DEPARTMENTS)}",
                    ]
                },
                {
                    "certificate_expires_on": [
                        f"{rng.randint(2024, 2026)}-03-31",
                        f"{rng.randint(2027, 2029)}-03-31",
                    ]
                },
                {"certification_body": [rng.choice(BODIES), rng.choice(BODIES)]},
                {"is_active": [True, False]},
            ]
        )

    def department(action: str) -> dict:
        name = rng.choice(DEPARTMENTS)
        if action == AuditAction.CREATE:
            return {"name": [None, name], "scopes": [[], sorted(rng.sample(scope_ids, 1))]}
        if action == AuditAction.DELETE:
            return {"name": [name, None], "head": [rng.choice(user_ids), None]}
        return rng.choice(
            [
                {"name": [name, f"{name}（{rng.choice(SCOPES)}）"]},
                {"head": [None, rng.choice(user_ids)]},
                {"scopes": [[scope_ids[0]], sorted(scope_ids)]},
            ]
        )

    def membership(action: str) -> dict:
        role = rng.choice(roles)
        if action == AuditAction.CREATE:
            return {
                "role": [None, role],
                "user": [None, rng.choice(user_ids)],
                "department": [None, rng.randint(1, 40)],
            }
        if action == AuditAction.DELETE:
            return {"role": [role, None], "is_active": [False, None]}
        return rng.choice(
            [
                {"role": [role, rng.choice(roles)]},
                {"is_active": [True, False]},
                {"valid_until": [None, f"{rng.randint(2025, 2027)}-{rng.randint(1, 12):02d}-01"]},
                {"note": ["", f"{rng.choice(DEPARTMENTS)}から{rng.choice(DEPARTMENTS)}へ異動"]},
            ]
        )

    makers = {"core.scope": scope, "core.department": department, "core.membership": membership}
    return {
        (label, action): [canonical_json(maker(action)) for _ in range(POOL)]
        for label, maker in makers.items()
        for action in sorted(set(ACTIONS))  # a fixed order: the same content every run
    }


def _reprs(label: str, rng: random.Random) -> str:
    if label == "core.scope":
        return rng.choice(SCOPES)
    if label == "core.department":
        return rng.choice(DEPARTMENTS)
    return f"{rng.choice(PEOPLE)} — {rng.choice(DEPARTMENTS)}"


def seed(entries: int, *, log: Callable[[str], None], random_seed: int = 20260501) -> Fixture:
    started = time.perf_counter()
    rng = random.Random(random_seed)
    world = make_org()
    org = world.org
    head = AuditChainHead.objects.get(pk=org.pk)
    to_add = max(entries - head.seq, 0)
    users = list(world.users.values())
    # Mostly people (the admin and the secretariat most), sometimes the system (actor None).
    actors: list[tuple[int | None, str]] = [(u.pk, u.email) for u in users]
    actors += [(users[0].pk, users[0].email)] * 4 + [(users[1].pk, users[1].email)] * 3
    actors += [(None, "system")]
    scope_ids = [world.hq.pk, world.dev.pk]
    changes = _changes_pool(rng, scope_ids, [u.pk for u in users])

    step_us = SPAN / dt.timedelta(microseconds=1) / max(to_add, 1)
    start = timezone.now() - SPAN
    prev, seq = head.hash, head.seq
    first_at = last_at = start
    written = 0
    while written < to_add:
        batch = []
        for i in range(written, min(written + CHUNK, to_add)):
            seq += 1
            # Strictly increasing: entry i lies in [i, i + 0.9) steps after the start.
            at = start + dt.timedelta(microseconds=int((i + rng.random() * 0.9) * step_us))
            actor_id, actor_label = rng.choice(actors)
            label = rng.choice(LABELS)
            action = rng.choice(ACTIONS)
            object_id = str(rng.randint(1, 5_000))
            object_repr = _reprs(label, rng)
            text = rng.choice(changes[label, action])
            if label == "core.scope":
                scope_id = rng.choice(scope_ids)
            else:
                scope_id = scope_ids[0] if rng.random() < 0.35 else None
            digest = entry_hash(
                prev,
                seq,
                org.pk,
                at,
                actor_id,
                action,
                label,
                object_id,
                object_repr,
                text,
                actor_label=actor_label,
                scope_id=scope_id,
            )
            batch.append(
                AuditEntry(
                    organisation_id=org.pk,
                    seq=seq,
                    at=at,
                    actor_id=actor_id,
                    actor_label=actor_label,
                    action=action,
                    model_label=label,
                    object_id=object_id,
                    object_repr=object_repr,
                    scope_id=scope_id,
                    changes=text,
                    prev_hash=prev,
                    hash=digest,
                )
            )
            prev = digest
            if i == 0:
                first_at = at
            last_at = at
        with transaction.atomic():
            AuditEntry.objects.bulk_create(batch, batch_size=BATCH)
        written += len(batch)
        if written % 100_000 < CHUNK or written == to_add:
            log(
                f"  seeded {written:,} / {to_add:,} entries ({time.perf_counter() - started:.0f} s)"
            )
    with transaction.atomic():
        AuditChainHead.objects.filter(pk=org.pk).update(seq=seq, hash=prev)
    _settle(log)
    return Fixture(
        organisation=org,
        admin=world[Role.ADMIN],
        entries=seq,
        seeded=to_add,
        first_at=first_at,
        last_at=last_at,
        seconds=time.perf_counter() - started,
    )


def _settle(log: Callable[[str], None]) -> None:
    """Leave the database as a long-running installation would have it: PostgreSQL's
    autovacuum would have vacuumed and analysed the table; SQLite's WAL is checkpointed (Django
    never runs ANALYZE on SQLite, so neither does the bench)."""
    table = AuditEntry._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A first VACUUM right after the load leaves many pages not yet all-visible (index-only
            # scans then visit the heap); repeat until they are, as autovacuum eventually would.
            rounds, pages, visible = 0, 1, 0
            while visible < pages and rounds < 3:
                rounds += 1
                cursor.execute(f'VACUUM (FREEZE, ANALYZE) "{table}"')
                cursor.execute(
                    "SELECT relpages, relallvisible FROM pg_class WHERE relname = %s", [table]
                )
                pages, visible = cursor.fetchone()
            log(
                f"  VACUUM (FREEZE, ANALYZE) {table} ×{rounds}: {visible:,} of {pages:,} "
                "pages all-visible"
            )
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")

"""One audit-trail mechanism for every app (DESIGN.md "Audit trail").

Any ``AuditedModel`` save, delete or many-to-many change appends an entry to its organisation's
SHA-256 hash chain, inside the same transaction as the change. Appends lock the organisation's
chain head (``select_for_update``; SQLite's IMMEDIATE transactions serialise writers), so
concurrent writers never fork the chain. The acting user comes from ``acting_as`` (services) or
from ``AuditActorMiddleware`` (requests).
"""

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from .bulk import insert_many
from .choices import AuditAction
from .models import GENESIS_HASH, AuditChainHead, AuditedModel, AuditEntry
from .models.audit import HASH_VERSION_CURRENT, HASH_VERSION_LEGACY


class AuditError(RuntimeError):
    """An audited write happened outside a transaction (its entry could not be atomic with it)."""


_actor: ContextVar[Any] = ContextVar("ume_audit_actor", default=None)


@contextmanager
def acting_as(actor) -> Iterator[None]:
    """Attribute every audited change inside the block to ``actor`` (a user, or None = system)."""
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor():
    actor = _actor.get()
    actor = getattr(actor, "_wrapped", actor)  # a request's lazy user, already evaluated
    return actor if getattr(actor, "is_authenticated", False) else None


def canonical_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def format_at(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def format_at_v2(at: datetime) -> str:
    """The time as hashed from version 2: RFC 3339 in UTC, always 6 fractional digits."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def entry_hash(
    prev_hash: str,
    seq: int,
    organisation_id: int,
    at: datetime,
    actor_id: int | None,
    action: str,
    model_label: str,
    object_id: str,
    object_repr: str,
    changes: str,
    *,
    actor_label: str,
    scope_id: int | None,
    version: int = HASH_VERSION_CURRENT,
) -> str:
    """SHA-256 over the previous hash and every stored field of the entry, under ``version``.

    Version 2 (every entry since migration core 0002) hashes, joined by U+001F::

        "2", L, prev_hash, seq, organisation_id, at, actor_id, actor_label, action,
        model_label, object_id, object_repr, scope_id, changes

    where ``at`` is UTC ``YYYY-MM-DDTHH:MM:SS.ffffff+00:00``, a missing actor or scope is "",
    and ``L`` is the code-point lengths of the six free-text fields (actor_label, action,
    model_label, object_id, object_repr, changes) joined by commas, so no text containing U+001F
    can shift content from one field into another. Version 1 (entries written before 0002) left
    ``actor_label`` and ``scope_id`` out; it is still verified, but never after a version 2 entry.
    """
    if version == 2:
        payload = _V2 % (
            len(actor_label),
            len(action),
            len(model_label),
            len(object_id),
            len(object_repr),
            len(changes),
            prev_hash,
            seq,
            organisation_id,
            format_at_v2(at),
            "" if actor_id is None else actor_id,
            actor_label,
            action,
            model_label,
            object_id,
            object_repr,
            "" if scope_id is None else scope_id,
            changes,
        )
    elif version == 1:
        payload = "\x1f".join(
            (
                prev_hash,
                str(seq),
                str(organisation_id),
                format_at(at),
                "" if actor_id is None else str(actor_id),
                action,
                model_label,
                object_id,
                object_repr,
                changes,
            )
        )
    else:
        raise ValueError(f"unknown audit hash version {version!r}")
    return hashlib.sha256(payload.encode()).hexdigest()


# The version 2 payload (see entry_hash); %s of an int is its decimal digits, like str().
_V2 = "2\x1f%d,%d,%d,%d,%d,%d" + "\x1f%s" * 12


def append(
    *,
    organisation_id: int,
    action: str,
    model_label: str,
    object_id: str = "",
    object_repr: str = "",
    changes: dict | None = None,
    scope_id: int | None = None,
    actor=None,
) -> AuditEntry:
    """Append one entry to the organisation's chain. Must run inside ``transaction.atomic``."""
    entry = {
        "action": action,
        "model_label": model_label,
        "object_id": object_id,
        "object_repr": object_repr,
        "changes": changes,
        "scope_id": scope_id,
    }
    return append_many(organisation_id=organisation_id, entries=[entry], actor=actor)[0]


def append_many(
    *, organisation_id: int, entries: list[dict[str, Any]], actor=None
) -> list[AuditEntry]:
    """Append ``entries`` (each with ``action``, ``model_label`` and optionally ``object_id``,
    ``object_repr``, ``changes``, ``scope_id``) to the organisation's chain in order, under one
    lock of its head and with one prepared INSERT (an import of 10,000 rows). Must run inside
    ``transaction.atomic``."""
    if not transaction.get_connection().in_atomic_block:
        raise AuditError("audited writes must run inside transaction.atomic()")
    actor = actor if actor is not None else current_actor()
    head = AuditChainHead.objects.select_for_update().filter(pk=organisation_id).first()
    if head is None:  # the organisation's own creation, in this same transaction
        head = AuditChainHead.objects.create(organisation_id=organisation_id)
    seq, prev = head.seq, head.hash
    at = timezone.now()
    actor_label = actor.email if actor else "system"
    rows = []
    for entry in entries:
        seq += 1
        changes_text = canonical_json(entry.get("changes") or {})
        repr_text = entry.get("object_repr", "")[:200]
        object_id = entry.get("object_id", "")
        digest = entry_hash(
            prev,
            seq,
            organisation_id,
            at,
            actor.pk if actor else None,
            entry["action"],
            entry["model_label"],
            object_id,
            repr_text,
            changes_text,
            actor_label=actor_label,
            scope_id=entry.get("scope_id"),
            version=HASH_VERSION_CURRENT,
        )
        rows.append(
            AuditEntry(
                organisation_id=organisation_id,
                seq=seq,
                at=at,
                actor=actor,
                actor_label=actor_label,
                action=entry["action"],
                model_label=entry["model_label"],
                object_id=object_id,
                object_repr=repr_text,
                scope_id=entry.get("scope_id"),
                changes=changes_text,
                prev_hash=prev,
                hash=digest,
                hash_version=HASH_VERSION_CURRENT,
            )
        )
        prev = digest
    if len(rows) == 1:
        rows[0].save()
    else:  # appended only: entries are never saved twice (their pk stays unset)
        insert_many(AuditEntry, rows)
    AuditChainHead.objects.filter(pk=organisation_id).update(seq=seq, hash=prev)
    return rows


def record_event(
    *, organisation_id: int, name: str, obj=None, details: dict | None = None, actor=None
) -> AuditEntry:
    """Record a security event (login, MFA change, export) that is not a row change."""
    return append(
        organisation_id=organisation_id,
        action=AuditAction.EVENT,
        model_label=obj._meta.label_lower if obj is not None else "core.event",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj) if obj is not None else name,
        changes={"event": name, **(details or {})},
        actor=actor,
    )


# --- Signal wiring: the only place model changes become audit entries ---------------------------


def diff(before: dict, after: dict) -> dict[str, list]:
    """``{field: [before, after]}`` of the fields whose values differ, in field-name order."""
    changes = {}
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        if old != new:
            changes[key] = [old, new]
    return changes


def _record(instance: AuditedModel, action: str, changes: dict) -> None:
    org_id = instance.audit_organisation_id
    if org_id is None:
        return
    append(
        organisation_id=org_id,
        action=action,
        model_label=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance),
        changes=changes,
        scope_id=instance.audit_scope_id,
    )


@receiver(post_save)
def _on_save(sender, instance, created, raw=False, **kwargs) -> None:
    if raw or not isinstance(instance, AuditedModel):
        return
    after = instance.audit_snapshot()
    before = {} if created else getattr(instance, "_audit_loaded", {})
    changes = diff(before, after)
    if changes or created:
        _record(instance, AuditAction.CREATE if created else AuditAction.UPDATE, changes)
    instance._audit_loaded = after


@receiver(post_delete)
def _on_delete(sender, instance, **kwargs) -> None:
    if not isinstance(instance, AuditedModel):
        return
    # Django clears the primary key only after every post_delete signal has been sent.
    _record(instance, AuditAction.DELETE, diff(instance.audit_snapshot(), {}))


@receiver(m2m_changed)
def _on_m2m(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    if reverse or not isinstance(instance, AuditedModel):
        return
    field = next((f for f in instance._meta.many_to_many if f.remote_field.through is sender), None)
    if field is None:
        return
    if action.startswith("pre_"):
        instance.__dict__.setdefault("_audit_m2m", {})[field.name] = sorted(
            getattr(instance, field.name).values_list("pk", flat=True)
        )
        return
    before = instance.__dict__.get("_audit_m2m", {}).pop(field.name, [])
    after = sorted(getattr(instance, field.name).values_list("pk", flat=True))
    if before != after:
        _record(instance, AuditAction.UPDATE, {field.name: [before, after]})


# --- Verification ----------------------------------------------------------------------------


@dataclass
class ChainReport:
    organisation_id: int
    entries: int
    broken_seq: int | None = None
    reason: str = ""
    head_seq: int = 0  # the last entry verified (0 and the genesis hash for an empty chain)
    head_hash: str = GENESIS_HASH
    legacy_entries: int = 0  # version 1: actor_label and scope_id outside their hash

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def verify_chain(organisation_id: int, *, chunk_size: int = 20_000) -> ChainReport:
    """Recompute every hash of one organisation's chain; report the first broken entry.

    The payloads of ``entry_hash`` are inlined here: this loop runs once per entry (a million
    entries in a few seconds), and a test checks that both agree.
    """
    rows = (
        AuditEntry.objects.filter(organisation_id=organisation_id)
        .order_by("seq")
        .values_list(
            "seq",
            "at",
            "actor_id",
            "actor_label",
            "action",
            "model_label",
            "object_id",
            "object_repr",
            "scope_id",
            "changes",
            "prev_hash",
            "hash",
            "hash_version",
        )
        .iterator(chunk_size=chunk_size)
    )
    prev, expected_seq, count, legacy, upgraded = GENESIS_HASH, 1, 0, 0, False
    sha, sep, utc, v2 = hashlib.sha256, "\x1f", UTC, _V2
    org = str(organisation_id)

    def broken(seq: int, reason: str) -> ChainReport:
        return ChainReport(
            organisation_id, count, seq, reason, expected_seq - 1, prev, legacy_entries=legacy
        )

    for (
        seq,
        at,
        actor_id,
        alabel,
        action,
        label,
        oid,
        orepr,
        scope_id,
        changes,
        prev_hash,
        digest,
        version,
    ) in rows:
        count += 1
        if seq != expected_seq:
            return broken(seq, f"sequence gap: expected {expected_seq}")
        if prev_hash != prev:
            return broken(seq, "previous hash does not match")
        if version == 2:
            upgraded = True
            payload = v2 % (
                len(alabel),
                len(action),
                len(label),
                len(oid),
                len(orepr),
                len(changes),
                prev,
                seq,
                org,
                at.astimezone(utc).isoformat(timespec="microseconds"),
                "" if actor_id is None else actor_id,
                alabel,
                action,
                label,
                oid,
                orepr,
                "" if scope_id is None else scope_id,
                changes,
            )
        elif version == HASH_VERSION_LEGACY and not upgraded:
            legacy += 1
            payload = sep.join(
                (
                    prev,
                    str(seq),
                    org,
                    at.astimezone(utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                    "" if actor_id is None else str(actor_id),
                    action,
                    label,
                    oid,
                    orepr,
                    changes,
                )
            )
        elif version == HASH_VERSION_LEGACY:
            return broken(seq, "hash version downgraded: a version 1 entry after version 2")
        else:
            return broken(seq, f"unknown hash version {version}")
        if sha(payload.encode()).hexdigest() != digest:
            return broken(seq, "content does not match its hash")
        prev, expected_seq = digest, seq + 1
    head = AuditChainHead.objects.filter(pk=organisation_id).values_list("seq", "hash").first()
    if head and (head[0] != expected_seq - 1 or head[1] != prev):
        return broken(
            expected_seq - 1, "chain head does not match the last entry (entries removed?)"
        )
    return ChainReport(organisation_id, count, None, "", expected_seq - 1, prev, legacy)

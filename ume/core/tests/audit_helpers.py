"""What an attacker with write access to the database does to the audit trail, for the tests.

``AuditEntry`` refuses every change through the model and its queryset; ``QuerySet._update`` (the
internal call ``save`` uses) writes the columns directly, as raw SQL would, on both databases.
"""

from ume.core.audit import entry_hash
from ume.core.models import GENESIS_HASH, AuditChainHead, AuditEntry


def tamper(entry_pk: int, **values) -> None:
    """Overwrite stored columns of one entry (values as the model field takes them)."""
    fields = [(AuditEntry._meta.get_field(name), None, value) for name, value in values.items()]
    AuditEntry.objects.filter(pk=entry_pk)._update(fields)


def rechain(organisation_id: int, *, from_seq: int = 1, version: int | None = None) -> str:
    """Recompute every hash from ``from_seq`` on (each entry's own hash version unless
    ``version``) and move the chain head to the last entry: a rewritten chain that verifies."""
    entries = list(AuditEntry.objects.filter(organisation_id=organisation_id).order_by("seq"))
    prev = GENESIS_HASH
    for entry in entries:
        if entry.seq < from_seq:
            prev = entry.hash
            continue
        hash_version = version or entry.hash_version
        digest = entry_hash(
            prev,
            entry.seq,
            organisation_id,
            entry.at,
            entry.actor_id,
            entry.action,
            entry.model_label,
            entry.object_id,
            entry.object_repr,
            entry.changes,
            actor_label=entry.actor_label,
            scope_id=entry.scope_id,
            version=hash_version,
        )
        tamper(entry.pk, prev_hash=prev, hash=digest, hash_version=hash_version)
        prev = digest
    last = entries[-1].seq if entries else 0
    AuditChainHead.objects.filter(pk=organisation_id).update(seq=last, hash=prev)
    return prev


def truncate(organisation_id: int, *, keep: int) -> None:
    """Delete every entry after ``keep`` and rewind the chain head onto entry ``keep``."""
    AuditEntry.objects.filter(organisation_id=organisation_id, seq__gt=keep)._raw_delete("default")
    last = AuditEntry.objects.get(organisation_id=organisation_id, seq=keep)
    AuditChainHead.objects.filter(pk=organisation_id).update(seq=last.seq, hash=last.hash)

"""The audit trail: one mechanism, same transaction, hash-chained, append-only, verifiable."""

import datetime as dt
import io
import itertools
import json
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, connections, transaction
from django.utils import translation

from ume.core import audit, services
from ume.core.choices import Role
from ume.core.models import AppendOnlyError, AuditChainHead, AuditEntry, Department, Scope

from .audit_helpers import rechain, tamper

pytestmark = pytest.mark.django_db


def entries_for(obj):
    return list(
        AuditEntry.objects.filter(
            model_label=obj._meta.label_lower, object_id=str(obj.pk)
        ).order_by("seq")
    )


def test_create_update_delete_and_m2m_are_recorded_with_actor_and_diff(world):
    admin = world[Role.ADMIN]
    dept = services.department_create(
        actor=admin, organisation=world.org, data={"name": "営業部", "scopes": [world.hq]}
    )
    services.department_update(
        actor=admin,
        department=dept,
        data={"name": "営業本部", "scopes": [world.hq, world.dev]},
        version=1,
    )
    pk = dept.pk
    services.department_delete(actor=admin, department=Department.objects.get(pk=pk))
    rows = list(
        AuditEntry.objects.filter(model_label="core.department", object_id=str(pk)).order_by("seq")
    )
    actions = [r.action for r in rows]
    assert actions == ["create", "update", "update", "update", "delete"]
    assert all(r.actor_id == admin.pk and r.actor_label == admin.email for r in rows)
    rename = json.loads(rows[2].changes)
    assert rename["name"] == ["営業部", "営業本部"]
    assert rename["version"] == [1, 2]
    m2m = json.loads(rows[3].changes)
    assert m2m["scopes"] == [[world.hq.pk], sorted([world.hq.pk, world.dev.pk])]
    assert json.loads(rows[4].changes)["name"] == ["営業本部", None]


def test_entries_record_the_scope_of_scoped_records(world):
    entry = entries_for(world.hq)[0]
    assert entry.scope_id == world.hq.pk


def test_unchanged_save_records_nothing(world):
    before = AuditEntry.objects.count()
    with transaction.atomic():
        Scope.objects.get(pk=world.hq.pk).save()
    assert AuditEntry.objects.count() == before


def test_a_list_changed_in_place_is_recorded_against_the_value_as_read(world, catalogue):
    """The values read are kept for the diff: a list field changed in place before the save
    (``row.reasons.append``) still shows its value before the change."""
    from ume.soa import services as soa_services
    from ume.soa.models import SoARow

    soa = soa_services.soa_get_or_create(actor=world[Role.ADMIN], scope=world.hq)
    row = SoARow.objects.get(soa=soa, control__ref="5.1")
    assert row.reasons == []
    row.reasons.append("legal")
    with transaction.atomic():
        row.save()
    change = json.loads(AuditEntry.objects.latest("seq").changes)
    assert change["reasons"] == [[], ["legal"]]
    with transaction.atomic():
        SoARow.objects.get(pk=row.pk).save()  # read again, nothing changed: nothing recorded
    assert json.loads(AuditEntry.objects.latest("seq").changes) == change


@pytest.mark.django_db(transaction=True)
def test_write_outside_a_transaction_is_refused(world):
    scope = Scope.objects.get(pk=world.hq.pk)
    scope.sites = "大阪"
    with pytest.raises(audit.AuditError):
        scope.save()


def test_a_failed_service_leaves_neither_change_nor_entry(world):
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused, translation.override("ja"):
        services.scope_create(
            actor=world[Role.ADMIN], organisation=world.org, data={"name": "本社"}
        )
    assert refused.value.message_dict == {
        "name": ["適用範囲「本社」は既に存在します。別の名称を入力してください。"]
    }
    assert AuditEntry.objects.count() == before
    assert Scope.objects.filter(organisation=world.org).count() == 2


def test_entries_are_append_only(world):
    entry = AuditEntry.objects.filter(organisation=world.org).first()
    entry.object_repr = "rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(object_repr="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()


def test_chain_verifies_and_links_each_entry_to_the_previous(world):
    report = audit.verify_chain(world.org.pk)
    assert report.ok and report.entries == AuditEntry.objects.filter(organisation=world.org).count()
    rows = list(AuditEntry.objects.filter(organisation=world.org).order_by("seq"))
    assert rows[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(rows))
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))


def test_many_entries_appended_at_once_continue_the_chain_in_order(world):
    before = AuditChainHead.objects.get(pk=world.org.pk)
    entries = [
        {
            "action": "create",
            "model_label": "core.department",
            "object_id": str(i),
            "object_repr": f"部門{i}",
            "changes": {"name": [None, f"部門{i}"]},
        }
        for i in range(2500)
    ]
    with transaction.atomic(), audit.acting_as(world[Role.ADMIN]):
        written = audit.append_many(organisation_id=world.org.pk, entries=entries)
    assert [e.seq for e in written] == list(range(before.seq + 1, before.seq + 2501))
    assert written[0].prev_hash == before.hash
    head = AuditChainHead.objects.get(pk=world.org.pk)
    assert (head.seq, head.hash) == (written[-1].seq, written[-1].hash)
    stored = AuditEntry.objects.get(organisation=world.org, seq=before.seq + 1234)
    assert stored.object_repr == "部門1233" and stored.actor == world[Role.ADMIN]
    assert audit.verify_chain(world.org.pk).ok


def test_each_organisation_has_its_own_chain(world, other_world):
    assert audit.verify_chain(world.org.pk).ok
    assert audit.verify_chain(other_world.org.pk).ok
    assert AuditEntry.objects.filter(organisation=other_world.org, seq=1).exists()


def _tamper(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_tampered_content_is_detected_at_the_first_broken_entry(world):
    target = AuditEntry.objects.filter(organisation=world.org).order_by("seq")[3]
    _tamper("UPDATE core_auditentry SET object_repr = %s WHERE id = %s", ["改ざん", target.pk])
    report = audit.verify_chain(world.org.pk)
    assert not report.ok and report.broken_seq == target.seq
    assert "hash" in report.reason
    with pytest.raises(CommandError):
        call_command("verify_audit", organisation=[world.org.pk])


def test_removed_entries_are_detected(world):
    last = AuditEntry.objects.filter(organisation=world.org).order_by("-seq").first()
    middle = AuditEntry.objects.filter(organisation=world.org).order_by("seq")[2]
    _tamper("DELETE FROM core_auditentry WHERE id = %s", [last.pk])
    report = audit.verify_chain(world.org.pk)
    assert not report.ok and "head" in report.reason
    _tamper("DELETE FROM core_auditentry WHERE id = %s", [middle.pk])
    report = audit.verify_chain(world.org.pk)
    assert report.broken_seq == middle.seq + 1 and "gap" in report.reason


def test_a_gap_in_a_chain_rehashed_around_it_is_detected(world):
    """An entry removed and every later hash recomputed (the head moved too): each entry links
    to the one before it, so only the sequence numbers show the gap."""
    middle = AuditEntry.objects.filter(organisation=world.org).order_by("seq")[2]
    _tamper("DELETE FROM core_auditentry WHERE id = %s", [middle.pk])
    rechain(world.org.pk, from_seq=middle.seq)
    after = AuditEntry.objects.get(organisation=world.org, seq=middle.seq + 1)
    before = AuditEntry.objects.get(organisation=world.org, seq=middle.seq - 1)
    assert after.prev_hash == before.hash  # the links themselves are consistent
    report = audit.verify_chain(world.org.pk)
    assert not report.ok and report.broken_seq == middle.seq + 1
    assert report.reason == f"sequence gap: expected {middle.seq}"


# One edit per stored column of the chain head (the last link verify_chain compares the chain's
# end with); a new column fails test_every_chain_head_field_has_a_tampering_case.
HEAD_TAMPERING = {
    "seq": lambda head: head.seq - 1,
    "hash": lambda head: "f" * 64,
}


def test_every_chain_head_field_has_a_tampering_case():
    stored = {f.name for f in AuditChainHead._meta.concrete_fields} - {"organisation"}
    assert stored == set(HEAD_TAMPERING)


@pytest.mark.parametrize("field", sorted(HEAD_TAMPERING))
def test_a_tampered_chain_head_is_detected(world, field):
    head = AuditChainHead.objects.get(pk=world.org.pk)
    last = AuditEntry.objects.filter(organisation=world.org).order_by("-seq").first()
    assert (head.seq, head.hash) == (last.seq, last.hash)
    AuditChainHead.objects.filter(pk=world.org.pk).update(**{field: HEAD_TAMPERING[field](head)})
    report = audit.verify_chain(world.org.pk)
    assert not report.ok and report.broken_seq == last.seq
    assert "chain head does not match" in report.reason
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("verify_audit", organisation=[world.org.pk], stdout=io.StringIO())


def test_verify_audit_command_reports_ok(world, capsys):
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert f"organisation {world.org.pk}: OK" in out


def test_verify_audit_rejects_unknown_organisation(world):
    with pytest.raises(CommandError, match="Unknown"):
        call_command("verify_audit", organisation=[999999])


def test_security_events_are_recorded(world):
    with transaction.atomic():
        entry = audit.record_event(
            organisation_id=world.org.pk,
            name="audit_exported",
            details={"format": "csv"},
            actor=world[Role.ADMIN],
        )
    assert entry.action == "event" and json.loads(entry.changes)["event"] == "audit_exported"
    assert audit.verify_chain(world.org.pk).ok


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_writers_never_fork_the_chain(world):
    """DESIGN.md: appends are serialised (row lock on PostgreSQL, IMMEDIATE on SQLite)."""
    admin = world[Role.ADMIN]
    errors: list[BaseException] = []
    barrier = threading.Barrier(20)

    def writer(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            services.department_create(
                actor=admin, organisation=world.org, data={"name": f"部署{n:02d}"}
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert Department.objects.filter(organisation=world.org, name__startswith="部署").count() == 20
    report = audit.verify_chain(world.org.pk)
    assert report.ok, report
    seqs = list(AuditEntry.objects.filter(organisation=world.org).values_list("seq", flat=True))
    assert len(seqs) == len(set(seqs))


def test_sequence_numbers_are_unique_per_organisation(world):
    first = AuditEntry.objects.filter(organisation=world.org).order_by("seq").first()
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEntry(
            organisation=world.org,
            seq=first.seq,
            at=first.at,
            action="event",
            model_label="x",
            prev_hash="0",
            hash="0",
        ).save()


# --- Every stored field is inside the hash (issue 15, finding 4) ---------------------------------


def _same_length(text: str) -> str:
    """``text`` with its last character changed: the hash covers the text itself, not only the
    lengths it is prefixed with."""
    return text[:-1] + ("0" if text[-1] != "0" else "1")


# One edit per stored column of an entry: (new value from the entry and the world, the entry
# verify_chain must name). A new column fails test_every_stored_field_has_a_tampering_case
# until it is hashed and listed here.
TAMPERING = {
    "at": (lambda e, w: e.at + dt.timedelta(microseconds=1), lambda e: e.seq),
    "actor": (lambda e, w: w[Role.SECRETARIAT].pk, lambda e: e.seq),
    "actor_label": (lambda e, w: _same_length(e.actor_label), lambda e: e.seq),
    "action": (lambda e, w: "delete" if e.action != "delete" else "update", lambda e: e.seq),
    "model_label": (lambda e, w: _same_length(e.model_label), lambda e: e.seq),
    "object_id": (lambda e, w: _same_length(e.object_id), lambda e: e.seq),
    "object_repr": (lambda e, w: _same_length(e.object_repr), lambda e: e.seq),
    "scope_id": (lambda e, w: w.dev.pk, lambda e: e.seq),
    "changes": (lambda e, w: _same_length(e.changes), lambda e: e.seq),
    "prev_hash": (lambda e, w: "f" * 64, lambda e: e.seq),
    "hash": (lambda e, w: "f" * 64, lambda e: e.seq),
    "hash_version": (lambda e, w: 1, lambda e: e.seq),
    # The entry moves to the end (and into the other chain): a gap where it was.
    "seq": (lambda e, w: e.seq + 1000, lambda e: e.seq + 1),
    "organisation": (
        lambda e, w: {"organisation": w.other, "seq": e.seq + 1000},
        lambda e: e.seq + 1,
    ),
}


def _hq_entry(world) -> AuditEntry:
    """An entry in the middle of the chain that records a scope (scope_id set)."""
    entry = AuditEntry.objects.filter(organisation=world.org, scope_id=world.hq.pk).order_by("seq")[
        1
    ]
    assert 1 < entry.seq < AuditEntry.objects.filter(organisation=world.org).count()
    return entry


def test_every_stored_field_has_a_tampering_case():
    stored = {f.name for f in AuditEntry._meta.concrete_fields} - {"id"}
    assert stored == set(TAMPERING)


@pytest.mark.parametrize("field", sorted(TAMPERING))
def test_tampering_with_any_stored_field_is_detected(world, other_world, field):
    world.other = other_world.org
    entry = _hq_entry(world)
    assert entry.hash_version == 2 and audit.verify_chain(world.org.pk).ok
    value_for, broken_at = TAMPERING[field]
    value = value_for(entry, world)
    tamper(entry.pk, **(value if isinstance(value, dict) else {field: value}))
    report = audit.verify_chain(world.org.pk)
    assert not report.ok, f"editing {field} in the database passed verify_chain"
    assert report.broken_seq == broken_at(entry), report
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("verify_audit", organisation=[world.org.pk], stdout=io.StringIO())


def test_a_version_1_entry_after_version_2_is_a_downgrade(world):
    """Re-hashing the last entry under version 1 (which ignores actor_label and scope_id) to hide
    an edit of its actor_label is refused even though its version 1 hash is right."""
    last = AuditEntry.objects.filter(organisation=world.org).order_by("-seq").first()
    tamper(last.pk, actor_label="someone-else@example.jp")
    rechain(world.org.pk, from_seq=last.seq, version=1)
    report = audit.verify_chain(world.org.pk)
    assert not report.ok and report.broken_seq == last.seq
    assert "downgrade" in report.reason


def test_an_unknown_hash_version_is_refused(world):
    entry = _hq_entry(world)
    tamper(entry.pk, hash_version=3)
    report = audit.verify_chain(world.org.pk)
    assert report.broken_seq == entry.seq and "unknown hash version" in report.reason
    with pytest.raises(ValueError):
        audit.entry_hash(
            "0" * 64, 1, 1, entry.at, None, "x", "x", "", "", "{}",
            actor_label="", scope_id=None, version=3,
        )  # fmt: skip


def test_version_1_entries_written_before_the_upgrade_still_verify(world):
    """Entries from before migration core 0002 are version 1 (their old payload); new entries
    continue the same chain under version 2."""
    rechain(world.org.pk, version=1)
    legacy = AuditEntry.objects.filter(organisation=world.org).count()
    assert set(AuditEntry.objects.values_list("hash_version", flat=True)) == {1}
    report = audit.verify_chain(world.org.pk)
    assert report.ok and report.legacy_entries == legacy
    services.department_create(
        actor=world[Role.ADMIN], organisation=world.org, data={"name": "監査室"}
    )
    report = audit.verify_chain(world.org.pk)
    assert report.ok and report.entries > legacy and report.legacy_entries == legacy
    newest = AuditEntry.objects.filter(organisation=world.org).order_by("-seq").first()
    assert newest.hash_version == 2 and newest.prev_hash != "0" * 64
    # Version 1 still protects what it always covered.
    first = AuditEntry.objects.filter(organisation=world.org).order_by("seq").first()
    tamper(first.pk, object_repr="改ざん")
    assert audit.verify_chain(world.org.pk).broken_seq == first.seq


def test_version_2_cannot_shift_text_between_fields():
    """The payload carries the length of each free-text field: moving a U+001F and what follows
    it from one field into the next changes the hash."""
    at = dt.datetime(2026, 11, 24, 9, 40, tzinfo=dt.UTC)
    common = dict(actor_label="a@example.jp", scope_id=None)

    def digest(object_id: str, object_repr: str) -> str:
        return audit.entry_hash(
            "0" * 64, 1, 1, at, None, "update", "core.scope", object_id, object_repr, "{}", **common
        )

    assert digest("1\x1f2", "x") != digest("1", "2\x1fx")


def test_verify_chain_and_entry_hash_agree_on_every_field(world):
    """verify_chain inlines the payload for speed; each entry's stored hash is entry_hash's."""
    for e in AuditEntry.objects.filter(organisation=world.org).order_by("seq"):
        assert e.hash == audit.entry_hash(
            e.prev_hash, e.seq, world.org.pk, e.at, e.actor_id, e.action, e.model_label,
            e.object_id, e.object_repr, e.changes, actor_label=e.actor_label,
            scope_id=e.scope_id, version=e.hash_version,
        )  # fmt: skip
    assert audit.verify_chain(world.org.pk).ok


def test_verify_audit_prints_each_head(world, other_world):
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    for org in (world.org, other_world.org):
        head = AuditEntry.objects.filter(organisation=org).order_by("-seq").first()
        assert f"organisation {org.pk}: OK" in out.getvalue()
        assert f"head: seq {head.seq}, hash {head.hash}" in out.getvalue()


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("prev_hash", "e" * 64, "previous hash does not match"),
        ("object_repr", "改ざん", "content does not match its hash"),
    ],
)
def test_a_broken_chain_reports_the_last_entry_it_could_verify(world, column, value, reason):
    """The report of a broken chain says where verification stopped: the broken entry, the
    entries read, and the last verified entry with its hash, from which a repair starts."""
    rows = list(AuditEntry.objects.filter(organisation=world.org).order_by("seq"))
    target, last_good = rows[3], rows[2]
    _tamper(f"UPDATE core_auditentry SET {column} = %s WHERE id = %s", [value, target.pk])
    assert audit.verify_chain(world.org.pk) == audit.ChainReport(
        organisation_id=world.org.pk,
        entries=4,
        broken_seq=target.seq,
        reason=reason,
        head_seq=last_good.seq,
        head_hash=last_good.hash,
        legacy_entries=0,
    )


def test_the_actor_is_the_real_user_and_only_an_authenticated_one(world):
    """A request's user is a lazy object: the trail records the user it wraps; an anonymous
    visitor (a failed login, an invitation being accepted) is recorded as the system."""
    from django.contrib.auth.models import AnonymousUser
    from django.utils.functional import SimpleLazyObject

    admin = world[Role.ADMIN]
    lazy = SimpleLazyObject(lambda: admin)
    assert lazy.is_authenticated  # evaluated, as the request's middleware leaves it
    with audit.acting_as(lazy):
        assert type(audit.current_actor()) is type(admin) and audit.current_actor() == admin
    with audit.acting_as(AnonymousUser()):
        assert audit.current_actor() is None
    with audit.acting_as(SimpleLazyObject(AnonymousUser)):
        assert audit.current_actor() is None


def test_saving_a_record_that_was_not_loaded_records_every_field_as_changed(world):
    """A record built in code with an existing id and saved (no values loaded to compare with)
    is recorded as an update listing every field, not dropped and not a crash."""
    dept = world.dept
    rebuilt = Department(
        pk=dept.pk,
        organisation_id=dept.organisation_id,
        name="再構築した部門",
        version=dept.version,
        created_at=dept.created_at,
    )
    with transaction.atomic(), audit.acting_as(world[Role.ADMIN]):
        rebuilt.save()
    entry = AuditEntry.objects.filter(object_id=str(dept.pk), model_label="core.department")
    entry = entry.order_by("seq").last()
    changes = json.loads(entry.changes)
    assert entry.action == "update" and changes["name"] == [None, "再構築した部門"]


def test_an_entry_by_the_system_verifies(world):
    """Entries without a user (commands, the demo, background tasks) hash their empty actor the
    same way when written and when verified."""
    with transaction.atomic():
        entry = audit.record_event(organisation_id=world.org.pk, name="mfa_added")
    assert entry.actor_id is None and entry.actor_label == "system"
    assert audit.verify_chain(world.org.pk) == audit.ChainReport(
        organisation_id=world.org.pk,
        entries=entry.seq,
        broken_seq=None,
        reason="",
        head_seq=entry.seq,
        head_hash=entry.hash,
        legacy_entries=0,
    )

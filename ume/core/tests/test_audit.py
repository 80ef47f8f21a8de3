"""The audit trail: one mechanism, same transaction, hash-chained, append-only, verifiable."""

import itertools
import json
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, connections, transaction

from ume.core import audit, services
from ume.core.choices import Role
from ume.core.models import AppendOnlyError, AuditEntry, Department, Scope

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


@pytest.mark.django_db(transaction=True)
def test_write_outside_a_transaction_is_refused(world):
    scope = Scope.objects.get(pk=world.hq.pk)
    scope.sites = "大阪"
    with pytest.raises(audit.AuditError):
        scope.save()


def test_a_failed_service_leaves_neither_change_nor_entry(world):
    before = AuditEntry.objects.count()
    with pytest.raises(Exception):  # noqa: B017 - the duplicate name is refused
        services.scope_create(
            actor=world[Role.ADMIN], organisation=world.org, data={"name": "本社"}
        )
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

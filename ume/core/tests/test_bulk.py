"""``insert_many`` and ``update_many`` write what ``save()`` would: every field's value as the
database stores it, repeated values included, and only the rows and fields named."""

import datetime as dt

from ume.core.bulk import insert_many, update_many
from ume.core.choices import Role
from ume.core.models import Department


def test_insert_many_writes_every_row_as_save_would(world):
    head = world[Role.DEPARTMENT_HEAD]
    names = ["経理部", "営業部", "営業部 第二", "１２３", "True"]
    rows = [
        Department(organisation=world.org, name=n, head=head if i % 2 else None)
        for i, n in enumerate(names)
    ]
    insert_many(Department, rows)
    stored = {d.name: d for d in Department.objects.filter(organisation=world.org, name__in=names)}
    assert sorted(stored) == sorted(names)
    assert [stored[n].head_id for n in names] == [None, head.pk, None, head.pk, None]
    assert {d.version for d in stored.values()} == {1}
    created = {d.created_at for d in stored.values()}
    assert all(isinstance(c, dt.datetime) and c.tzinfo is not None for c in created)


def test_update_many_changes_only_the_named_fields_of_the_given_rows(world, other_world):
    insert_many(Department, [Department(organisation=world.org, name=n) for n in ("甲", "乙")])
    first, second = Department.objects.filter(organisation=world.org, name__in=["甲", "乙"])
    theirs = Department.objects.filter(organisation=other_world.org).order_by("pk").first()
    first.name, second.name = "改名した部", "改名した部 二"
    first.head, second.head = world[Role.DEPARTMENT_HEAD], None
    first.version = 99  # not a named field: stays as stored
    update_many(Department, [first, second], ["name", "head"])
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.name, first.head_id) == ("改名した部", world[Role.DEPARTMENT_HEAD].pk)
    assert (second.name, second.head_id) == ("改名した部 二", None)
    assert first.version != 99
    untouched = Department.objects.get(pk=theirs.pk)
    assert untouched.name == theirs.name


def test_the_preparer_converts_each_value_by_its_own_type_and_passes_prepared_ones(db):
    from django.db import connection

    from ume.core.bulk import Prepared, preparer
    from ume.core.models import AuditEntry

    fields = [AuditEntry._meta.get_field(n) for n in ("seq", "at", "object_id")]
    at = dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC)
    prepare = preparer(fields)
    rows = [prepare([1, at, "1"]), prepare([True, at, "2"]), prepare([2, at, Prepared("生")])]
    expected_at = fields[1].get_db_prep_save(at, connection)
    assert rows[0] == [1, expected_at, "1"] and rows[2] == [2, expected_at, "生"]
    assert rows[1][0] == fields[0].get_db_prep_save(True, connection)

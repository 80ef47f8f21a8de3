"""Writing many rows at once with one prepared statement run per row (``executemany``).

Django's ``bulk_create`` and ``bulk_update`` compile every row's values into one large SQL
string in Python (and ``bulk_update`` a CASE expression per row and field): seconds per ten
thousand rows. These send one short statement and let the driver bind each row. They bypass
``save()`` and signals: callers write their own audit entries (``audit.append_many``)."""

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from itertools import batched
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models

CHUNK = 2000


# Values whose database form depends only on the field and the value: each distinct one is
# converted once per call (a column of booleans, levels or one date repeats few values).
_MEMO_TYPES = frozenset({type(None), bool, int, str, date, datetime})


class Prepared:
    """A value already in the database's form (one JSON document encoded once for many
    rows): ``preparer`` passes it through."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


def preparer(fields: Sequence[models.Field]) -> Callable[[Iterable[Any]], list]:
    """A function turning one row's Python values of ``fields`` into the values the database
    driver takes (dates, JSON, booleans), each distinct value converted once."""
    connection = connections[DEFAULT_DB_ALIAS]  # not the proxy each attribute read goes through
    memos: list[dict] = [{} for _ in fields]

    def prepare(values: Iterable[Any]) -> list:
        row = []
        for field, memo, value in zip(fields, memos, values, strict=True):
            kind = type(value)
            if kind is Prepared:
                row.append(value.value)
                continue
            if kind not in _MEMO_TYPES:
                row.append(field.get_db_prep_save(value, connection))
                continue
            key = (kind, value)
            if key not in memo:
                memo[key] = field.get_db_prep_save(value, connection)
            row.append(memo[key])
        return row

    return prepare


def _fields(model: type[models.Model], names: Iterable[str]) -> list[models.Field]:
    return [model._meta.get_field(name) for name in names]


def insert_rows(
    model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """INSERT ``rows``, each the values of the fields ``names`` (names or ``*_id`` columns)."""
    fields = _fields(model, names)
    connection = connections[DEFAULT_DB_ALIAS]
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({marks})"
    prepare = preparer(fields)
    with connection.cursor() as cursor:
        for chunk in batched(rows, CHUNK):
            cursor.executemany(sql, [prepare(row) for row in chunk])


def update_rows(
    model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """UPDATE the fields ``names`` of each row given as ``(*values, pk)``."""
    fields = _fields(model, names)
    connection = connections[DEFAULT_DB_ALIAS]
    qn = connection.ops.quote_name
    sets = ", ".join(f"{qn(f.column)} = %s" for f in fields)
    pk = model._meta.pk
    sql = f"UPDATE {qn(model._meta.db_table)} SET {sets} WHERE {qn(pk.column)} = %s"
    prepare = preparer([*fields, pk])
    with connection.cursor() as cursor:
        for chunk in batched(rows, CHUNK):
            cursor.executemany(sql, [prepare(row) for row in chunk])


def insert_many(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """INSERT ``objs`` (new instances, primary keys left to the database). Their ``pk`` stays
    unset: read the new rows back by a natural key if their ids are needed."""
    fields = [f for f in model._meta.local_concrete_fields if not f.primary_key]
    rows = ([f.pre_save(o, True) for f in fields] for o in objs)
    insert_rows(model, [f.name for f in fields], rows)


def update_many(
    model: type[models.Model], objs: Sequence[models.Model], names: Iterable[str]
) -> None:
    """UPDATE the fields ``names`` of ``objs`` (each by its primary key)."""
    fields = _fields(model, sorted(set(names)))
    rows = ([*(f.pre_save(o, False) for f in fields), o.pk] for o in objs)
    update_rows(model, [f.name for f in fields], rows)

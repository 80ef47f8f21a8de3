"""Writing many rows at once with one prepared statement run per row (``executemany``).

Django's ``bulk_create`` and ``bulk_update`` compile every row's values into one large SQL
string in Python (and ``bulk_update`` a CASE expression per row and field): seconds per ten
thousand rows. These send one short statement and let the driver bind each row. They bypass
``save()`` and signals: callers write their own audit entries (``audit.append_many``)."""

from collections.abc import Iterable, Sequence

from django.db import connection, models

CHUNK = 2000


def _prepared(fields, obj, add: bool) -> list:
    return [f.get_db_prep_save(f.pre_save(obj, add), connection) for f in fields]


def insert_many(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """INSERT ``objs`` (new instances, primary keys left to the database). Their ``pk`` stays
    unset: read the new rows back by a natural key if their ids are needed."""
    fields = [f for f in model._meta.local_concrete_fields if not f.primary_key]
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({marks})"
    with connection.cursor() as cursor:
        for start in range(0, len(objs), CHUNK):
            cursor.executemany(
                sql, [_prepared(fields, o, True) for o in objs[start : start + CHUNK]]
            )


def update_many(
    model: type[models.Model], objs: Sequence[models.Model], names: Iterable[str]
) -> None:
    """UPDATE the fields ``names`` of ``objs`` (each by its primary key)."""
    fields = [model._meta.get_field(n) for n in sorted(set(names))]
    qn = connection.ops.quote_name
    sets = ", ".join(f"{qn(f.column)} = %s" for f in fields)
    pk = model._meta.pk
    sql = f"UPDATE {qn(model._meta.db_table)} SET {sets} WHERE {qn(pk.column)} = %s"
    with connection.cursor() as cursor:
        for start in range(0, len(objs), CHUNK):
            cursor.executemany(
                sql,
                [
                    [*_prepared(fields, o, False), pk.get_db_prep_value(o.pk, connection)]
                    for o in objs[start : start + CHUNK]
                ],
            )

"""Writing many rows at once where Django's bulk helpers are slow.

``QuerySet.bulk_update`` builds one ``CASE WHEN pk = … THEN …`` expression per row and field,
which Django then resolves and compiles in Python: for a thousand rows and eight fields, more
time than everything else in a demo builder. ``update_rows`` sends one plain parameterised
``UPDATE … WHERE pk = %s`` per row through ``executemany``, with each value converted by its
field exactly as a save would (``get_db_prep_save``: JSON, file names, time zones).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections, models, router


def update_rows(objs: Sequence[models.Model], fields: Sequence[str]) -> int:
    """Write ``fields`` of each of ``objs`` (saved instances of one model) to its row, as
    ``bulk_update(objs, fields)`` would, without signals or ``auto_now``. Returns the number
    of rows given."""
    if not objs:
        return 0
    model = type(objs[0])
    meta = model._meta
    concrete: list[Any] = [meta.get_field(name) for name in fields]
    if any(not getattr(f, "concrete", False) or f.primary_key for f in concrete):
        raise ValueError("update_rows writes concrete, non-key fields only")
    pk: Any = meta.pk
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in concrete)
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {assignments} "  # noqa: S608 - quoted names only
        f"WHERE {quote(pk.column)} = %s"
    )
    params = []
    for obj in objs:
        if type(obj) is not model or obj.pk is None:
            raise ValueError("update_rows needs saved instances of one model")
        params.append(
            [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in concrete]
            + [pk.get_db_prep_value(obj.pk, connection)]
        )
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(objs)


def insert_rows(objs: Sequence[models.Model]) -> int:
    """Insert new instances of one model as ``bulk_create(objs)`` would (field defaults,
    ``auto_now_add``, each value converted by its field), through one ``executemany`` of a
    plain parameterised INSERT: Django's bulk insert compiles every value of every row into
    one large statement, which costs more than writing it. The instances get no primary key
    back; use ``bulk_create`` when they must. Returns the number of rows written."""
    if not objs:
        return 0
    model = type(objs[0])
    meta = model._meta
    connection = connections[router.db_for_write(model)]
    auto = meta.auto_field  # numbered by the database: left out
    fields: list[Any] = [f for f in meta.concrete_fields if f is not auto]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join("%s" for _ in fields)
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    params = []
    for obj in objs:
        if type(obj) is not model or (auto is not None and obj.pk is not None):
            raise ValueError("insert_rows needs new instances of one model")
        obj._state.adding = False
        params.append([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(objs)

"""Rows by hand-written SQL, their values converted as the ORM would convert them.

For the requests that phones send by the thousand at a contest's evening peak (an answer's
autosave, the session it carries, a submission, a start, the rules page), building a query
through the ORM costs more CPU than running it. Those paths write their SQL once and read
their rows through here: each column is named by the model field it comes from, and goes
through that field's converters on this database (SQLite gives datetimes and JSON as text,
PostgreSQL as Python values), so what the caller gets is what ``values_list`` would have
given; ``model_columns``/``model_fields``/``instance`` read whole model instances as the ORM
loads them. Each statement is counted where Django's own are (DEBUG, the tests' query
counts), and a request's first one checks the connection kept from an earlier request as
Django's cursors do (``CONN_HEALTH_CHECKS``).

On PostgreSQL these statements are prepared (``prepare=True``): the server plans a statement
once per connection instead of on every call. Django's cursors bind parameters on the client,
which prepares nothing, and planning the autosave's six-table join took 2–3 ms of the
server's CPU, ten times running it. The statement then goes through a psycopg cursor that
binds on the server, on Django's connection (same transaction, Django's error classes).
This needs ``prepare_threshold`` in the database OPTIONS (settings.py): Django's default,
None, turns prepared statements off altogether and ``prepare=True`` would be ignored.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Field, Model

_Converter = Callable[[Any, Any, Any], Any]
_Steps = tuple[list[_Converter], Any]
_converters: dict[tuple[str, tuple[tuple[str, str], ...]], list[_Steps]] = {}


def _field_converters(model: type[Model], name: str) -> _Steps:
    field: Field[Any, Any] = model._meta.get_field(name)  # type: ignore[assignment]
    column = field.get_col(model._meta.db_table)
    steps = [*connection.ops.get_db_converters(column), *field.get_db_converters(connection)]
    return steps, column


def _plan(fields: Sequence[tuple[type[Model], str]]) -> list[_Steps]:
    key = (connection.vendor, tuple((m._meta.label, n) for m, n in fields))
    plan = _converters.get(key)
    if plan is None:
        plan = _converters[key] = [_field_converters(m, n) for m, n in fields]
    return plan


def _run(sql: str, params: Sequence[Any], *, prepare: bool, one: bool | None) -> Any:
    """Run ``sql``: the first row when ``one``, every row when ``one`` is None, else the
    number of rows it changed."""
    if prepare and connection.vendor == "postgresql":
        import psycopg

        # What Django's cursor() does first: a connection kept from an earlier request is
        # checked (CONN_HEALTH_CHECKS) and, dead after a database restart, replaced.
        connection.close_if_health_check_failed()
        connection.ensure_connection()
        started = time.monotonic()
        try:
            with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
                cursor.execute(sql, params, prepare=True)
                return _result(cursor, one)
        finally:
            if connection.queries_logged:
                # Where Django's own cursors would log it (DEBUG, the tests' query counts).
                connection.queries_log.append(
                    {"sql": sql, "time": f"{time.monotonic() - started:.3f}"}
                )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return _result(cursor, one)


def _result(cursor: Any, one: bool | None) -> Any:
    if one is None:
        return cursor.fetchall()
    return cursor.fetchone() if one else cursor.rowcount


def _converted(row: Sequence[Any], plan: list[_Steps]) -> tuple[Any, ...]:
    values = []
    for value, (steps, column) in zip(row, plan, strict=True):
        for convert in steps:
            value = convert(value, column, connection)
        values.append(value)
    return tuple(values)


def execute(sql: str, params: Sequence[Any], *, prepare: bool = False) -> int:
    """Run a statement that changes rows; how many it changed."""
    return int(_run(sql, params, prepare=prepare, one=False))


def fetch_one(
    sql: str,
    params: Sequence[Any],
    fields: Sequence[tuple[type[Model], str]] | None,
    *,
    prepare: bool = False,
) -> tuple[Any, ...] | None:
    """The first row of ``sql`` (None when there is none), the i-th value converted as the
    model field ``fields[i]`` (``(Model, "field name")``) is by the ORM; ``fields`` None: as
    the database driver gives them (counts, numbers)."""
    row = _run(sql, params, prepare=prepare, one=True)
    if row is None:
        return None
    return tuple(row) if fields is None else _converted(row, _plan(fields))


def fetch_all(
    sql: str,
    params: Sequence[Any],
    fields: Sequence[tuple[type[Model], str]],
    *,
    prepare: bool = False,
) -> list[tuple[Any, ...]]:
    """Every row of ``sql``, converted as ``fetch_one`` converts one."""
    plan = _plan(fields)
    return [_converted(row, plan) for row in _run(sql, params, prepare=prepare, one=None)]


# -- whole model instances ------------------------------------------------------------------


@functools.cache
def model_columns(model: type[Model], alias: str) -> str:
    """The select list of every concrete column of ``model`` (table alias ``alias``), in the
    order ``model_fields`` and ``instance`` take them."""
    return ", ".join(f'{alias}."{f.column}"' for f in model._meta.concrete_fields)


@functools.cache
def model_fields(model: type[Model]) -> tuple[tuple[type[Model], str], ...]:
    """What ``fetch_one``/``fetch_all`` convert the columns of ``model_columns(model, …)`` as."""
    return tuple((model, f.name) for f in model._meta.concrete_fields)


@functools.cache
def _attnames(model: type[Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def instance(model: type[Model], values: Sequence[Any]) -> Any:
    """The instance the ORM would load from these converted values (every concrete field of
    ``model``, in ``model_columns`` order): saved, on this database, its fields all loaded."""
    return model.from_db(connection.alias, _attnames(model), list(values))

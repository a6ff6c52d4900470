"""Reads over the union tree. Callers pass the queryset of units the officer may see
(``lantoa.access.visible_units``) wherever a user is involved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.db.models.base import ModelState
from django.db.models.expressions import Col
from django.db.models.signals import post_init, pre_init

from lantoa.core.services import in_chunks
from lantoa.core.text import fold
from lantoa.units.models import UPPER_LEVEL_KINDS, Unit, UnitClosure, UnitKind, UnitStatus


def units_by_code(codes: Iterable[str], *, related: Sequence[str] = ()) -> dict[str, Unit]:
    """Code → unit for the ``codes`` that exist (any status), with ``related`` joined."""
    units = Unit.objects.select_related(*related) if related else Unit.objects.all()
    found: dict[str, Unit] = {}
    for chunk in in_chunks(sorted(set(codes))):
        for unit in units.filter(code__in=chunk):
            found[unit.code] = unit
    return found


def tree_is_empty() -> bool:
    """No units but, at most, the bare national root a fresh install starts with: what the
    seed and the demo may fill without mixing sample data into real data."""
    return not Unit.objects.exclude(kind=UnitKind.NATIONAL, parent=None).exists()


def subtree_ids(unit: Unit | int) -> QuerySet[UnitClosure, int]:
    """Ids of ``unit`` and all its descendants, as a subquery."""
    unit_id = unit if isinstance(unit, int) else unit.pk
    return UnitClosure.objects.filter(ancestor_id=unit_id).values_list("descendant_id", flat=True)


def active_children(unit: Unit | int) -> QuerySet[Unit]:
    """The active units directly under ``unit``, by kind, then name (as the tree shows them)."""
    unit_id = unit if isinstance(unit, int) else unit.pk
    return Unit.objects.filter(parent_id=unit_id, status=UnitStatus.ACTIVE).order_by(
        "kind", "name", "pk"
    )


def units_in_subtree(
    unit: Unit | int, *, include_self: bool = True, active_only: bool = False
) -> QuerySet[Unit]:
    unit_id = unit if isinstance(unit, int) else unit.pk
    qs = Unit.objects.filter(ancestor_links__ancestor_id=unit_id)
    if not include_self:
        qs = qs.exclude(pk=unit_id)
    if active_only:
        qs = qs.filter(status=UnitStatus.ACTIVE)
    return qs


# The three roll-up selectors below run on every unit page and API call, over subtrees of up
# to ~130.000 units. They send hand-written SQL through Django's cursor (so query logging,
# error wrapping and the test database still apply) instead of building an ORM query on each
# call: compiling six filtered aggregates cost 1-2 ms a call on SQLite, more than the query
# itself. bench/tree_bench.py holds them to 1.5x the time of the same joins typed by hand.
# Table and column names come from the models, the kinds and statuses from their choices;
# the only parameter is the unit id.
_UNITS = Unit._meta.db_table
_CLOSURE = UnitClosure._meta.db_table
_UNIT_FIELDS = Unit._meta.concrete_fields
_UNIT_ATTNAMES = [f.attname for f in _UNIT_FIELDS]


def _sql_literals(*values: str) -> str:
    # Only our own choice values (plain identifiers) are inlined, never user input.
    if not all(v.isidentifier() for v in values):
        raise ValueError(f"not a plain choice value: {values!r}")
    return ", ".join(f"'{v}'" for v in values)


def _unit_columns(alias: str) -> str:
    return ", ".join(f"{alias}.{f.column}" for f in _UNIT_FIELDS)


# Same order as the fields of SubtreeFigures. Filtered SUMs rather than COUNT(...) FILTER:
# the one spelling both SQLite and PostgreSQL run equally well.
_FIGURE_COLUMNS = (
    "COUNT(*)",
    f"SUM(CASE WHEN u.kind = {_sql_literals(UnitKind.GRASSROOTS)} THEN 1 ELSE 0 END)",
    f"SUM(CASE WHEN u.kind IN ({_sql_literals(*UPPER_LEVEL_KINDS)}) THEN 1 ELSE 0 END)",
    f"SUM(CASE WHEN u.kind = {_sql_literals(UnitKind.PROVINCE)} THEN 1 ELSE 0 END)",
    "SUM(u.member_count)",
    "SUM(u.worker_count)",
)
_FIGURES_SQL = ", ".join(_FIGURE_COLUMNS)
_ACTIVE = _sql_literals(UnitStatus.ACTIVE)

_SUBTREE_FIGURES_SQL = (
    f"SELECT {_FIGURES_SQL} FROM {_CLOSURE} c "  # noqa: S608 - names and constants only
    f"JOIN {_UNITS} u ON u.id = c.descendant_id "
    f"WHERE c.ancestor_id = %s AND u.status = {_ACTIVE}"
)
_PATH_TO_ROOT_SQL = (
    f"SELECT {_unit_columns('a')} FROM {_CLOSURE} c "  # noqa: S608 - names only
    f"JOIN {_UNITS} a ON a.id = c.ancestor_id "
    # Farthest ancestor first; unit_closure_up (descendant_id, depth) gives that order.
    "WHERE c.descendant_id = %s ORDER BY c.depth DESC"
)
# Two spellings of the same query, each the better one for its database (bench/README.md).
# SQLite: group the children's own rows; it reads them in (parent_id, status, id) index order
# and streams the groups without a temporary table.
_CHILDREN_FIGURES_SQL = (
    f"SELECT {_unit_columns('ch')}, {_FIGURES_SQL} FROM {_UNITS} ch "  # noqa: S608
    f"JOIN {_CLOSURE} c ON c.ancestor_id = ch.id "
    f"JOIN {_UNITS} u ON u.id = c.descendant_id "
    f"WHERE ch.parent_id = %s AND ch.status = {_ACTIVE} AND u.status = {_ACTIVE} "
    "GROUP BY ch.id ORDER BY ch.kind, ch.name, ch.id"
)
# PostgreSQL: aggregate by child id first, then join the children's rows; grouping the wide
# rows made it carry every column through the join of thousands of closure rows.
_CHILDREN_FIGURES_SQL_PG = (
    f"SELECT {_unit_columns('ch')}, f.* FROM {_UNITS} ch JOIN ("  # noqa: S608
    f"SELECT c.ancestor_id, {_FIGURES_SQL} FROM {_UNITS} k "
    f"JOIN {_CLOSURE} c ON c.ancestor_id = k.id "
    f"JOIN {_UNITS} u ON u.id = c.descendant_id "
    f"WHERE k.parent_id = %s AND k.status = {_ACTIVE} AND u.status = {_ACTIVE} "
    "GROUP BY c.ancestor_id"
    ") f ON f.ancestor_id = ch.id ORDER BY ch.kind, ch.name, ch.id"
)

_Converter = Callable[[Any, Col, BaseDatabaseWrapper], Any]
# (converter, column index, expression) for each Unit column the ORM would convert.
_Converters = list[tuple[_Converter, int, Col]]
_converters_by_connection: WeakKeyDictionary[BaseDatabaseWrapper, _Converters] = WeakKeyDictionary()


def _unit_converters(conn: BaseDatabaseWrapper) -> _Converters:
    """What the ORM applies to ``Unit`` columns read from ``conn`` (on SQLite: dates from
    text, timezone-aware datetimes), worked out once per connection."""
    converters = _converters_by_connection.get(conn)
    if converters is None:
        converters = []
        for index, field in enumerate(_UNIT_FIELDS):
            col = Col(_UNITS, field)
            for fn in conn.ops.get_db_converters(col) + field.get_db_converters(conn):
                converters.append((_quicker(fn, conn), index, col))
        _converters_by_connection[conn] = converters
    return converters


def _quicker(fn: _Converter, conn: BaseDatabaseWrapper) -> _Converter:
    """``fn``, or a quicker equivalent for the one converter that matters: SQLite's datetime
    converter, two calls per unit and a fifth of path_to_root's time. Django declares the
    column ``datetime``, so the sqlite3 module has already parsed it into a naive UTC
    datetime; the converter's remaining work is ``make_aware``, i.e. attaching the zone."""
    sqlite_datetime = getattr(type(conn.ops), "convert_datetimefield_value", None)
    if not (
        conn.vendor == "sqlite"
        and settings.USE_TZ
        and sqlite_datetime is not None
        and getattr(fn, "__func__", None) is sqlite_datetime
    ):
        return fn
    zone = conn.timezone

    def convert(value: Any, expression: Col, connection: BaseDatabaseWrapper) -> Any:
        if type(value) is dt.datetime and value.tzinfo is None:
            return value.replace(tzinfo=zone)
        return fn(value, expression, connection)

    return convert


def _fetch(conn: BaseDatabaseWrapper, query: str, unit_id: int) -> list[tuple[Any, ...]]:
    with conn.cursor() as cursor:
        cursor.execute(query, [unit_id])
        return cursor.fetchall()


def _units_with_rows(
    conn: BaseDatabaseWrapper, query: str, unit_id: int
) -> list[tuple[Unit, tuple[Any, ...]]]:
    """Run ``query`` (``Unit`` columns first, in field order) and load a ``Unit`` from each
    row, exactly as the ORM would have, next to the row itself for the columns after them."""
    converters = _unit_converters(conn)
    alias = conn.alias
    # Instances are built the way Django rebuilds an unpickled one (``Model.__reduce__`` and
    # ``__setstate__``: ``__new__`` and the attribute dict), not through ``Model.__init__``,
    # whose loop over the fields was a third of path_to_root's time on SQLite. That skips
    # the pre_init/post_init signals, so from_db() takes over while anything listens to them.
    plain = not (pre_init.has_listeners(Unit) or post_init.has_listeners(Unit))
    width = len(_UNIT_FIELDS)
    loaded = []
    for row in _fetch(conn, query, unit_id):
        values = list(row) if len(row) == width else list(row[:width])
        for fn, index, col in converters:
            value = values[index]
            if value is not None:  # no converter of a Unit field changes NULL
                values[index] = fn(value, col, conn)
        if plain:
            unit = Unit.__new__(Unit)
            unit.__dict__.update(zip(_UNIT_ATTNAMES, values, strict=True))
            unit._state = state = ModelState()
            state.adding = False
            state.db = alias
        else:
            unit = Unit.from_db(alias, _UNIT_ATTNAMES, values)
        loaded.append((unit, row))
    return loaded


def path_to_root(unit: Unit) -> list[Unit]:
    """Ancestors from the root down to ``unit`` itself."""
    # The connection proxy costs a thread-local lookup per attribute: resolve it once.
    conn = connections[DEFAULT_DB_ALIAS]
    return [u for u, _ in _units_with_rows(conn, _PATH_TO_ROOT_SQL, unit.pk)]


@dataclass
class SubtreeFigures:
    units: int = 0
    grassroots: int = 0
    upper_level: int = 0
    provinces: int = 0
    members: int = 0
    workers: int = 0

    @classmethod
    def from_values(cls, values: Sequence[Any]) -> SubtreeFigures:
        """From the ``_FIGURE_COLUMNS`` (a SUM over no rows is NULL: 0)."""
        return cls(*(int(v or 0) for v in values))


def subtree_figures(unit: Unit | int) -> SubtreeFigures:
    """Counts and sums over the active units of a subtree: one indexed join, no recursion."""
    unit_id = unit if isinstance(unit, int) else unit.pk
    row = _fetch(connections[DEFAULT_DB_ALIAS], _SUBTREE_FIGURES_SQL, unit_id)[0]
    return SubtreeFigures.from_values(row)


def children_figures(unit: Unit) -> list[tuple[Unit, SubtreeFigures]]:
    """Active children of ``unit`` (by kind, then name) with the figures of each child's
    subtree, in one query however many children."""
    conn = connections[DEFAULT_DB_ALIAS]
    query = _CHILDREN_FIGURES_SQL_PG if conn.vendor == "postgresql" else _CHILDREN_FIGURES_SQL
    return [
        (child, SubtreeFigures.from_values(row[-len(_FIGURE_COLUMNS) :]))
        for child, row in _units_with_rows(conn, query, unit.pk)
    ]


def unit_search(units: QuerySet[Unit], query: str, *, limit: int = 20) -> QuerySet[Unit]:
    """Units whose code, name, short name or employer has a word starting with each word of
    ``query``, ignoring diacritics (đ included) and word order. Ended units stay findable."""
    qs = units
    for word in fold(query).split():
        qs = qs.filter(search_text__contains=" " + word)
    return qs.order_by("depth", "name")[:limit]


SITE_UNIT_CACHE_KEY = "lantoa:units:site-unit"
SITE_UNIT_CACHE_SECONDS = 60


def site_unit() -> Unit | None:
    """The unit whose public pages these are (its name heads every public page):
    ``LANTOA_SITE_UNIT`` (a unit code); else the only active province; else the root; None on
    an empty installation.

    Kept in the cache (shared by the web processes) for a minute and dropped when a unit that
    can be it is saved or deleted (``site_unit_changed``): every public page shows it, and
    looking it up took one to three queries of each page. A change made without signals (a
    queryset ``update``) shows within the minute."""
    code = _site_code()
    kept = cache.get(SITE_UNIT_CACHE_KEY)
    if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == code:
        unit: Unit | None = kept[1]
        return unit
    unit = _site_unit_lookup(code)
    cache.set(SITE_UNIT_CACHE_KEY, (code, unit), SITE_UNIT_CACHE_SECONDS)
    return unit


def site_unit_changed(instance: Unit, **_kwargs: Any) -> None:
    """A unit was saved or deleted (the signals, ``UnitsConfig.ready``): only the root, a
    province (depth 1) or the unit ``LANTOA_SITE_UNIT`` names can be the site's unit, so the
    saves of the tree's other 126.000 units (an import's updates) cost no cache call."""
    code = _site_code()
    if instance.depth <= 1 or (code and instance.code == code):
        site_unit_forget()


def site_unit_forget() -> None:
    """The tree changed where the site's unit may be: the next page looks it up again. (A page
    rendered in the instant between this and the commit of the change may keep the unit as
    it was, for the minute the cache keeps it.)"""
    cache.delete(SITE_UNIT_CACHE_KEY)


def _site_code() -> str:
    return str(getattr(settings, "LANTOA_SITE_UNIT", "") or "").strip()


def _site_unit_lookup(code: str) -> Unit | None:
    if code:
        unit = Unit.objects.filter(code=code).first()
        if unit is not None:
            return unit
    provinces = list(
        Unit.objects.filter(kind=UnitKind.PROVINCE, status=UnitStatus.ACTIVE).order_by("pk")[:2]
    )
    if len(provinces) == 1:
        return provinces[0]
    return Unit.objects.filter(parent__isnull=True).order_by("pk").first()

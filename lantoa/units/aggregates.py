"""Figures for many units at once: one grouped aggregate over a unit's own rows or its whole
subtree (through ``UnitClosure``), per chunk of ids or one query for a queryset of units. The
target metrics, the reports and the dashboards of every app count with it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import Q, QuerySet

from lantoa.core.extensions import OWN
from lantoa.units.models import Unit

Units = Sequence[int] | QuerySet[Unit]
_CHUNK = 900


def _parts(units: Units) -> Iterator[Any]:
    """What goes into ``…__in``: the queryset as a subquery, or chunks of ids."""
    if isinstance(units, QuerySet):
        yield units.values("pk")
        return
    ids = sorted(set(units))
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _key(field: str, scope: str) -> str:
    return f"{field}_id" if scope == OWN else f"{field}__ancestor_links__ancestor_id"


def per_unit(
    base: QuerySet[Any], units: Units, scope: str, *, field: str = "unit", **aggregates: Any
) -> dict[int, dict[str, Any]]:
    """``aggregates`` over ``base`` grouped by unit (own rows or whole subtrees)."""
    key = _key(field, scope)
    out: dict[int, dict[str, Any]] = {}
    for part in _parts(units):
        rows = base.filter(**{f"{key}__in": part}).values(key).annotate(**aggregates).order_by()
        for row in rows:
            out[row[key]] = row
    return out


def counts(rows: dict[int, dict[str, Any]], name: str = "n") -> dict[int, int]:
    """``{unit id: int(row[name])}`` of ``per_unit``'s rows."""
    return {k: int(r[name] or 0) for k, r in rows.items()}


class SubtreeScope:
    """Where a report counts: ``unit``'s subtree today through the closure table (``ids``
    None), or an ended unit's tree as it stood the day before it ended (the ids of its units
    then)."""

    def __init__(self, unit: Unit, ids: list[int] | None) -> None:
        self.unit = unit
        self.ids = ids

    def parts(self, field_name: str = "unit") -> Iterator[Q]:
        """Filters whose union is the scope (disjoint: chunks of ids, or the closure join)."""
        if self.ids is None:
            yield Q(**{f"{field_name}__ancestor_links__ancestor_id": self.unit.pk})
            return
        for start in range(0, len(self.ids), _CHUNK):
            yield Q(**{f"{field_name}_id__in": self.ids[start : start + _CHUNK]})

    def chunks(self) -> Iterator[list[int]]:
        assert self.ids is not None
        for start in range(0, len(self.ids), _CHUNK):
            yield self.ids[start : start + _CHUNK]


def by_child(
    qs: QuerySet[Any], unit_path: str, parent: Unit, **aggregates: Any
) -> dict[int | None, dict[str, int]]:
    """``aggregates`` of ``qs`` grouped by the child of ``parent`` whose subtree holds the
    row's unit (``unit_path`` leads from the row to its unit), plus key ``None`` for rows of
    ``parent`` itself: one grouped query over the closure table (and one for ``parent``)."""
    link = f"{unit_path}__ancestor_links"
    grouped = (
        qs.filter(**{f"{link}__ancestor__parent_id": parent.pk})
        .values(f"{link}__ancestor_id")
        .annotate(**aggregates)
        .order_by()
    )
    out: dict[int | None, dict[str, int]] = {
        row.pop(f"{link}__ancestor_id"): {k: int(v or 0) for k, v in row.items()} for row in grouped
    }
    own = qs.filter(**{f"{unit_path}_id": parent.pk}).aggregate(**aggregates)
    out[None] = {k: int(v or 0) for k, v in own.items()}
    return out

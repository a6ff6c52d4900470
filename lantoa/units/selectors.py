"""Reads over the union tree. Callers pass the queryset of units the officer may see
(``lantoa.access.visible_units``) wherever a user is involved."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from lantoa.core.text import fold
from lantoa.units.models import UPPER_LEVEL_KINDS, Unit, UnitClosure, UnitKind, UnitStatus


def subtree_ids(unit: Unit | int) -> QuerySet[UnitClosure, int]:
    """Ids of ``unit`` and all its descendants, as a subquery."""
    unit_id = unit if isinstance(unit, int) else unit.pk
    return UnitClosure.objects.filter(ancestor_id=unit_id).values_list("descendant_id", flat=True)


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


def path_to_root(unit: Unit) -> list[Unit]:
    """Ancestors from the root down to ``unit`` itself."""
    return list(Unit.objects.filter(descendant_links__descendant=unit).order_by("depth"))


@dataclass
class SubtreeFigures:
    units: int = 0
    grassroots: int = 0
    upper_level: int = 0
    provinces: int = 0
    members: int = 0
    workers: int = 0

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> SubtreeFigures:
        return cls(**{name: int(row.get(name) or 0) for name in _FIGURE_AGGREGATES})


_FIGURE_AGGREGATES = {
    "units": Count("id"),
    "grassroots": Count("id", filter=Q(descendant__kind=UnitKind.GRASSROOTS)),
    "upper_level": Count("id", filter=Q(descendant__kind__in=UPPER_LEVEL_KINDS)),
    "provinces": Count("id", filter=Q(descendant__kind=UnitKind.PROVINCE)),
    "members": Sum("descendant__member_count"),
    "workers": Sum("descendant__worker_count"),
}


def subtree_figures(unit: Unit | int) -> SubtreeFigures:
    """Counts and sums over the active units of a subtree: one indexed join, no recursion."""
    unit_id = unit if isinstance(unit, int) else unit.pk
    row = UnitClosure.objects.filter(
        ancestor_id=unit_id, descendant__status=UnitStatus.ACTIVE
    ).aggregate(**_FIGURE_AGGREGATES)
    return SubtreeFigures.from_row(row)


def children_figures(unit: Unit) -> list[tuple[Unit, SubtreeFigures]]:
    """Active children of ``unit`` with the figures of each child's subtree (one query each
    for the children and the aggregates, however many children)."""
    children = list(unit.children.filter(status=UnitStatus.ACTIVE).order_by("kind", "name"))
    rows = (
        UnitClosure.objects.filter(
            ancestor__parent=unit,
            ancestor__status=UnitStatus.ACTIVE,
            descendant__status=UnitStatus.ACTIVE,
        )
        .values("ancestor_id")
        .annotate(**_FIGURE_AGGREGATES)
    )
    by_id = {r["ancestor_id"]: SubtreeFigures.from_row(r) for r in rows}
    return [(child, by_id.get(child.pk, SubtreeFigures())) for child in children]


def unit_search(units: QuerySet[Unit], query: str, *, limit: int = 20) -> QuerySet[Unit]:
    """Units whose code, name, short name or employer has a word starting with each word of
    ``query``, ignoring diacritics (đ included) and word order. Ended units stay findable."""
    qs = units
    for word in fold(query).split():
        qs = qs.filter(search_text__contains=" " + word)
    return qs.order_by("depth", "name")[:limit]

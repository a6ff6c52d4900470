"""Reads over activity records: lists for a unit, and roll-ups over a subtree for a period.

Callers pass a unit they got through ``lantoa.access.get_unit`` (its subtree is what the
officer may see).

Roll-ups follow the tree as it stands today: a unit merged into another is an ended node
under its successor, so the successor's roll-up counts the merged unit's records, before and
after the merger, and so do year-on-year comparisons. An ended unit itself is rolled up over
its tree *as it stood the day before it ended*: the units moved away from it at the merger
are put back from ``UnitEvent`` history, so its old reports can be made again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from lantoa.activities.models import Activity, ActivityFormat, ActivityKind
from lantoa.core.text import natural_key
from lantoa.units.history import PastTree, past_tree, rollup_window
from lantoa.units.models import (
    Unit,
    UnitClosure,
    UnitKind,
    UnitStatus,
)

KINDS: tuple[str, ...] = tuple(ActivityKind.values)
_CHUNK = 900  # ids per IN (...) list: well under every backend's parameter limit


@dataclass
class Figures:
    """Sums over the records of one kind (or of all kinds, ``grassroots`` aside)."""

    records: int = 0
    quantity: int = 0  # items: sessions, press items, members commended…
    participants: int = 0
    direct: int = 0  # items held in person
    online: int = 0  # items held online
    grassroots: int = 0  # distinct grassroots units with at least one such record

    def add(self, other: Figures) -> None:
        """Add ``other`` in place. ``grassroots`` adds up only over disjoint sets of units
        (different children of a unit), which is how it is used."""
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Figures:
        """From an aggregate row of ``_AGGREGATES`` (keys prefixed, see there)."""
        return cls(**{f.name: int(row.get(_PREFIX + f.name) or 0) for f in fields(cls)})

    @property
    def empty(self) -> bool:
        return not self.records


def _by_kind() -> dict[str, Figures]:
    return {kind: Figures() for kind in KINDS}


@dataclass
class ChildRollup:
    unit: Unit
    by_kind: dict[str, Figures] = field(default_factory=_by_kind)

    @property
    def records(self) -> int:
        return sum(f.records for f in self.by_kind.values())

    @property
    def participants(self) -> int:
        return sum(f.participants for f in self.by_kind.values())

    def kind(self, kind: str) -> Figures:
        return self.by_kind[kind]


@dataclass
class Rollup:
    """Figures of ``unit``'s subtree between ``start`` and ``end`` (both included)."""

    unit: Unit
    start: dt.date
    end: dt.date
    by_kind: dict[str, Figures] = field(default_factory=_by_kind)
    children: list[ChildRollup] = field(default_factory=list)
    own: dict[str, Figures] = field(default_factory=_by_kind)  # records of the unit itself
    # None: today's tree. A date: the tree as it stood that day (an ended unit's old tree).
    as_of: dt.date | None = None

    def kind(self, kind: str) -> Figures:
        return self.by_kind[kind]

    @property
    def records(self) -> int:
        return sum(f.records for f in self.by_kind.values())

    @property
    def participants(self) -> int:
        return sum(f.participants for f in self.by_kind.values())

    @property
    def grassroots_with_outreach(self) -> int:
        return self.by_kind[ActivityKind.OUTREACH].grassroots

    @property
    def own_records(self) -> int:
        return sum(f.records for f in self.own.values())


# Prefixed: an annotation may not take the name of a field it sums ("quantity").
_PREFIX = "f_"
_AGGREGATES: dict[str, Any] = {
    # COUNT(*), not COUNT(id): the covering index (activity_rollup_cover) has every column
    # summed here but not the id, and COUNT(id) made PostgreSQL read the table instead.
    _PREFIX + "records": Count("*"),
    _PREFIX + "quantity": Sum("quantity"),
    _PREFIX + "participants": Sum("participants"),
    _PREFIX + "direct": Sum("quantity", filter=Q(format=ActivityFormat.DIRECT)),
    _PREFIX + "online": Sum("quantity", filter=Q(format=ActivityFormat.ONLINE)),
    _PREFIX + "grassroots": Count(
        "unit_id", distinct=True, filter=Q(unit__kind=UnitKind.GRASSROOTS)
    ),
}


def activities_of(unit: Unit, *, subtree: bool = False) -> QuerySet[Activity]:
    """Records of ``unit`` (and of its whole subtree with ``subtree``), newest first."""
    where = Q(unit__ancestor_links__ancestor=unit) if subtree else Q(unit=unit)
    return Activity.objects.filter(where).select_related("unit").order_by("-held_on", "-id")


# --- roll-ups ------------------------------------------------------------------------------


def _children_now(unit: Unit, with_records: set[int]) -> list[Unit]:
    """Active children, then ended ones (merged into ``unit``) that have records; by kind,
    then by name read naturally ("khu vực số 2" before "khu vực số 10")."""
    children = sorted(Unit.objects.filter(parent=unit), key=lambda c: (c.kind, natural_key(c.name)))
    return [c for c in children if c.is_active or c.pk in with_records]


def _rollup_today(unit: Unit, start: dt.date, end: dt.date) -> Rollup:
    rollup = Rollup(unit=unit, start=start, end=end)
    period = Activity.objects.filter(held_on__gte=start, held_on__lte=end).order_by()
    for row in period.filter(unit_id=unit.pk).values("kind").annotate(**_AGGREGATES):
        rollup.own[row["kind"]] = Figures.from_row(row)
    per_child: dict[int, ChildRollup] = {}
    for row in (
        period.filter(unit__ancestor_links__ancestor__parent_id=unit.pk)
        .values("unit__ancestor_links__ancestor_id", "kind")
        .annotate(**_AGGREGATES)
    ):
        child_id = row["unit__ancestor_links__ancestor_id"]
        child = per_child.setdefault(child_id, ChildRollup(unit=unit))  # unit set below
        child.by_kind[row["kind"]] = Figures.from_row(row)
    for child_unit in _children_now(unit, set(per_child)):
        child = per_child.get(child_unit.pk) or ChildRollup(unit=child_unit)
        child.unit = child_unit
        rollup.children.append(child)
    # Every unit below ``unit`` is in exactly one child's subtree (ended children included:
    # the closure keeps them), so the totals are the unit's own records plus its children's,
    # with no second pass over the subtree's records; distinct grassroots units add up too.
    for kind in KINDS:
        total = Figures()
        total.add(rollup.own[kind])
        for child in per_child.values():
            total.add(child.by_kind[kind])
        rollup.by_kind[kind] = total
    return rollup


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _rollup_past(unit: Unit, start: dt.date, end: dt.date, tree: PastTree) -> Rollup:
    rollup = Rollup(unit=unit, start=start, end=end, as_of=tree.day)
    children = {c.pk: ChildRollup(unit=c) for c in tree.children}
    rollup.children = list(children.values())
    # Grouped by unit, so the chunks never split a group and grassroots counts stay exact.
    for chunk in _chunks(sorted(tree.bucket)):
        for row in (
            Activity.objects.filter(unit_id__in=chunk, held_on__gte=start, held_on__lte=end)
            .order_by()
            .values("unit_id", "kind")
            .annotate(**{k: v for k, v in _AGGREGATES.items() if k != _PREFIX + "grassroots"})
        ):
            figures = Figures.from_row(row)
            figures.grassroots = int(tree.kinds[row["unit_id"]] == UnitKind.GRASSROOTS)
            kind = row["kind"]
            rollup.by_kind[kind].add(figures)
            child_id = tree.bucket[row["unit_id"]]
            if child_id is None:
                rollup.own[kind].add(figures)
            else:
                children[child_id].by_kind[kind].add(figures)
    return rollup


def activity_rollup(unit: Unit, start: dt.date, end: dt.date) -> Rollup:
    """Per kind and per child of ``unit``: records, items, participants (direct/online) and
    distinct grassroots units, over the subtree and the days ``start``…``end``.

    Today's tree: one aggregate query over the closure table grouped by child whatever the
    size of the subtree, one over the unit's own records, and one for the list of children.
    """
    last, day = rollup_window(unit, start, end)
    if day is None:
        return _rollup_today(unit, start, last)
    if last < start:
        return Rollup(unit=unit, start=start, end=end, as_of=day)
    return _rollup_past(unit, start, last, past_tree(unit, day))


def activity_outlets(unit: Unit, start: dt.date, end: dt.date) -> list[tuple[str, str, int]]:
    """(kind, outlet, items) of press and broadcast records in the subtree, most items first."""
    last, day = rollup_window(unit, start, end)
    qs = Activity.objects.filter(
        held_on__gte=start,
        held_on__lte=last,
        kind__in=(ActivityKind.PRESS, ActivityKind.BROADCAST),
    ).exclude(outlet="")
    rows: dict[tuple[str, str], int] = {}
    if day is None:
        parts: Iterable[QuerySet[Activity]] = [qs.filter(unit__ancestor_links__ancestor_id=unit.pk)]
    else:
        parts = [qs.filter(unit_id__in=c) for c in _chunks(sorted(past_tree(unit, day).bucket))]
    for part in parts:
        for row in part.order_by().values("kind", "outlet").annotate(items=Sum("quantity")):
            key = (row["kind"], row["outlet"])
            rows[key] = rows.get(key, 0) + int(row["items"] or 0)
    return sorted(((k, o, n) for (k, o), n in rows.items()), key=lambda r: (-r[2], r[0], r[1]))


def grassroots_count(unit: Unit, day: dt.date | None = None) -> int:
    """Active grassroots units in today's subtree, or all grassroots units of the subtree as it
    stood on ``day`` (for an ended unit's old reports)."""
    if day is None:
        return UnitClosure.objects.filter(
            ancestor_id=unit.pk,
            descendant__kind=UnitKind.GRASSROOTS,
            descendant__status=UnitStatus.ACTIVE,
        ).count()
    tree = past_tree(unit, day)
    return sum(1 for kind in tree.kinds.values() if kind == UnitKind.GRASSROOTS)


def own_rollups_by_month(
    root: Unit, first: dt.date, last: dt.date
) -> dict[tuple[int, dt.date], Rollup]:
    """(unit id, first day of month) → the unit's own records of that month, for the grassroots
    units of ``root``'s subtree from ``first`` to ``last``, in one grouped query."""
    rows = (
        Activity.objects.filter(
            unit__ancestor_links__ancestor=root,
            unit__kind=UnitKind.GRASSROOTS,
            held_on__gte=first,
            held_on__lte=last,
        )
        .annotate(m=TruncMonth("held_on"))
        .values("unit_id", "m", "kind")
        .annotate(
            n=Count("pk"),
            q=Sum("quantity"),
            p=Sum("participants"),
            d=Sum("quantity", filter=Q(format=ActivityFormat.DIRECT)),
            o=Sum("quantity", filter=Q(format=ActivityFormat.ONLINE)),
        )
        .order_by()
    )
    found: dict[tuple[int, dt.date], Rollup] = {}
    units = {u.pk: u for u in Unit.objects.filter(ancestor_links__ancestor=root)}
    for row in rows:
        month = row["m"] if isinstance(row["m"], dt.date) else row["m"].date()
        month_end = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        key = (row["unit_id"], month)
        rollup = found.setdefault(
            key,
            Rollup(unit=units[row["unit_id"]], start=month, end=month_end - dt.timedelta(days=1)),
        )
        rollup.by_kind[row["kind"]] = Figures(
            records=row["n"],
            quantity=int(row["q"] or 0),
            participants=int(row["p"] or 0),
            direct=int(row["d"] or 0),
            online=int(row["o"] or 0),
            grassroots=int(row["kind"] == ActivityKind.OUTREACH),
        )
    return found


def merge_rollups(
    rollups: Iterable[Rollup | None], unit: Unit, start: dt.date, end: dt.date
) -> Rollup:
    """One unit's own rollups of consecutive periods added up into ``start``…``end``."""
    total = Rollup(unit=unit, start=start, end=end)
    for rollup in rollups:
        if rollup is None:
            continue
        for kind, figures in rollup.by_kind.items():
            merged = total.by_kind[kind]
            grassroots = max(merged.grassroots, figures.grassroots)
            merged.add(figures)
            merged.grassroots = grassroots  # one unit: reached or not
    return total

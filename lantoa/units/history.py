"""A unit's subtree as it stood on a past day, and the days an ended unit is reported over.

A unit merged into another is an ended node under its successor; an ended unit itself is
reported over its tree *as it stood the day before it ended*: the units moved away from it at
the merger are put back from ``UnitEvent`` history. The activity roll-ups and the period
report's counts both read the tree this way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from lantoa.core.text import natural_key
from lantoa.units.models import Unit, UnitEvent, UnitEventKind

_CHUNK = 900  # ids per IN (...) list: well under every backend's parameter limit
_MAX_DEPTH = 64  # a walk up the old tree longer than this means inconsistent history


@dataclass(frozen=True)
class PastTree:
    """``root``'s subtree on ``day``: each unit id → the child of ``root`` it was under
    (None for ``root`` itself), the kind of each unit, and the children on that day."""

    root: Unit
    day: dt.date
    bucket: Mapping[int, int | None]
    kinds: Mapping[int, str]
    children: tuple[Unit, ...]


def _closure_ids(ancestor_ids: Iterable[int]) -> dict[int, tuple[int | None, str]]:
    """id → (parent id, kind) of every unit in the current subtrees of ``ancestor_ids``."""
    out: dict[int, tuple[int | None, str]] = {}
    ids = sorted(set(ancestor_ids))
    for start in range(0, len(ids), _CHUNK):
        rows = (
            Unit.objects.filter(ancestor_links__ancestor_id__in=ids[start : start + _CHUNK])
            .values_list("id", "parent_id", "kind")
            .distinct()
        )
        out.update({pk: (parent, kind) for pk, parent, kind in rows})
    return out


def past_tree(root: Unit, day: dt.date) -> PastTree:
    """Rebuild ``root``'s subtree as of ``day`` by undoing the moves dated after it.

    Only units that can have been under ``root`` that day are read: its current subtree and,
    step by step, the subtrees of units moved after ``day`` away from a unit already found.
    """
    old_parent: dict[int, int] = {}
    for unit_id, parent_id in (
        UnitEvent.objects.filter(kind=UnitEventKind.MOVED, occurred_on__gt=day)
        .exclude(old_parent__isnull=True)
        .order_by("occurred_on", "id")
        .values_list("unit_id", "old_parent_id")
    ):
        old_parent.setdefault(unit_id, parent_id)  # the first move after ``day`` says where
    known = _closure_ids([root.pk])
    pending = set(old_parent) - set(known)
    while True:
        found = {a for a in pending if old_parent[a] in known}
        if not found:
            break
        known.update(_closure_ids(found))
        pending -= set(known)

    def parent_on_day(pk: int) -> int | None:
        return old_parent[pk] if pk in old_parent else known[pk][0]

    bucket: dict[int, int | None] = {root.pk: None}
    for pk in known:
        path: list[int] = []
        node: int | None = pk
        result: int | bool | None = False  # False: not under root that day
        while node is not None and node in known and len(path) < _MAX_DEPTH:
            if node in bucket:
                result = bucket[node]
                if node == root.pk:
                    result = path[-1] if path else None
                break
            path.append(node)
            node = parent_on_day(node)
        if result is False:
            continue
        for member in path:
            bucket[member] = result
    child_ids = [pk for pk in bucket if pk != root.pk and parent_on_day(pk) == root.pk]
    children = tuple(
        sorted(Unit.objects.filter(pk__in=child_ids), key=lambda c: (c.kind, natural_key(c.name)))
    )
    return PastTree(
        root=root,
        day=day,
        bucket=bucket,
        kinds={pk: known[pk][1] for pk in bucket},
        children=children,
    )


def rollup_window(unit: Unit, start: dt.date, end: dt.date) -> tuple[dt.date, dt.date | None]:
    """The last day an ``unit``'s records count and the day of the tree to use (None: today's).
    An ended unit is reported up to the day before it ended, over its tree of that day."""
    if unit.is_active or unit.ended_on is None:
        return end, None
    last = min(end, unit.ended_on - dt.timedelta(days=1))
    return last, last

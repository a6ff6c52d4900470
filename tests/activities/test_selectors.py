"""Activity roll-ups (lantoa.activities.selectors) checked against the raw records: a fixed number
of queries, merged units (successor includes, old unit still reportable), the past tree."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lantoa.activities.models import Activity, ActivityFormat, ActivityKind
from lantoa.activities.selectors import KINDS, Figures, activity_rollup, grassroots_count, past_tree
from lantoa.units.models import Unit, UnitKind
from lantoa.units.services import unit_create, unit_merge, unit_move
from tests.activities.support import MERGER, record
from tests.conftest import Tree

pytestmark = pytest.mark.django_db


def random_records(tree: Tree, count: int, seed: int = 7) -> list[Activity]:
    rng = random.Random(seed)
    units = [tree.pa, tree.a_kcn, tree.a_g1, tree.a_g2, tree.a_xa, tree.a_g3, tree.pb, tree.b_g1]
    rows = []
    for _ in range(count):
        kind = rng.choice(KINDS)
        rows.append(
            Activity(
                unit=rng.choice(units),
                held_on=dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 900)),
                kind=kind,
                title="Hoạt động thử",
                format=rng.choice(["", ActivityFormat.DIRECT, ActivityFormat.ONLINE]),
                participants=rng.randint(0, 500),
                quantity=rng.randint(1, 9),
            )
        )
    return Activity.objects.bulk_create(rows)


def expected(
    rows: list[Activity], unit_ids: set[int], start: dt.date, end: dt.date
) -> dict[str, Figures]:
    """Figures per kind computed in Python from the raw rows."""
    out = {kind: Figures() for kind in KINDS}
    grassroots: dict[str, set[int]] = defaultdict(set)
    for a in rows:
        if a.unit_id not in unit_ids or not start <= a.held_on <= end:
            continue
        f = out[a.kind]
        f.records += 1
        f.quantity += a.quantity
        f.participants += a.participants
        f.direct += a.quantity if a.format == ActivityFormat.DIRECT else 0
        f.online += a.quantity if a.format == ActivityFormat.ONLINE else 0
        if Unit.objects.get(pk=a.unit_id).kind == UnitKind.GRASSROOTS:
            grassroots[a.kind].add(a.unit_id)
    for kind, ids in grassroots.items():
        out[kind].grassroots = len(ids)
    return out


def ids(*units: Unit) -> set[int]:
    return {u.pk for u in units}


def test_rollup_matches_raw_records(tree: Tree) -> None:
    rows = random_records(tree, 300)
    start, end = dt.date(2024, 7, 1), dt.date(2025, 6, 30)
    subtree_a = ids(tree.pa, tree.a_kcn, tree.a_g1, tree.a_g2, tree.a_xa, tree.a_g3)
    rollup = activity_rollup(tree.pa, start, end)
    assert rollup.by_kind == expected(rows, subtree_a, start, end)
    assert rollup.records == sum(
        1 for a in rows if a.unit_id in subtree_a and start <= a.held_on <= end
    )
    # Per child (by kind, then name, as on the unit pages), then the province's own records.
    assert [c.unit.code for c in rollup.children] == ["A-XA", "A-KCN"]
    xa, kcn = rollup.children
    assert kcn.by_kind == expected(rows, ids(tree.a_kcn, tree.a_g1, tree.a_g2), start, end)
    assert xa.by_kind == expected(rows, ids(tree.a_xa, tree.a_g3), start, end)
    assert rollup.own == expected(rows, ids(tree.pa), start, end)
    # The national root sees both provinces; a grassroots unit only itself.
    everything = ids(tree.vn, tree.pa, tree.pb, tree.a_kcn, tree.a_g1, tree.a_g2, tree.a_xa)
    everything |= ids(tree.a_g3, tree.b_kcn, tree.b_g1)
    assert activity_rollup(tree.vn, start, end).by_kind == expected(rows, everything, start, end)
    assert activity_rollup(tree.a_g1, start, end).by_kind == expected(
        rows, ids(tree.a_g1), start, end
    )
    outreach = rollup.kind(ActivityKind.OUTREACH)
    assert outreach.grassroots <= 3 and rollup.grassroots_with_outreach == outreach.grassroots


def test_rollup_costs_the_same_few_queries_whatever_the_subtree(tree: Tree) -> None:
    random_records(tree, 200)
    for unit in (tree.vn, tree.pa, tree.a_g1):
        with CaptureQueriesContext(connection) as queries:
            activity_rollup(unit, dt.date(2024, 1, 1), dt.date(2026, 6, 30))
        assert len(queries) == 3, [q["sql"] for q in queries]


def test_merged_unit_reports_under_successor_and_still_alone_before(tree: Tree) -> None:
    record(tree.b_g1, dt.date(2024, 3, 10), participants=400)  # Bắc Ninh, before the merger
    record(tree.b_g1, dt.date(2025, 9, 1), participants=250)  # after: now under An Giang
    record(tree.pb, dt.date(2024, 4, 2), ActivityKind.PRESS, quantity=5, outlet="Báo Bắc Ninh")
    record(tree.a_g1, dt.date(2024, 3, 12), participants=100)
    unit_merge(source=tree.pb, target=tree.pa, on=MERGER)
    tree.pb.refresh_from_db()

    # The successor's report includes the merged unit's records, before and after the merger.
    year_2024 = activity_rollup(tree.pa, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert year_2024.kind(ActivityKind.OUTREACH).participants == 500
    assert year_2024.kind(ActivityKind.OUTREACH).grassroots == 2
    assert year_2024.kind(ActivityKind.PRESS).quantity == 5
    by_child = {c.unit.code: c for c in year_2024.children}
    assert by_child["P-B"].kind(ActivityKind.PRESS).quantity == 5  # the ended province itself
    assert by_child["B-KCN"].kind(ActivityKind.OUTREACH).participants == 400
    later = activity_rollup(tree.pa, dt.date(2025, 7, 1), dt.date(2025, 12, 31))
    assert later.kind(ActivityKind.OUTREACH).participants == 250

    # The old unit is still reportable for before the merger, over its tree of that time.
    old = activity_rollup(tree.pb, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert old.as_of == dt.date(2024, 12, 31)
    assert old.kind(ActivityKind.OUTREACH).participants == 400
    assert old.kind(ActivityKind.OUTREACH).grassroots == 1
    assert old.kind(ActivityKind.PRESS).quantity == 5
    assert [c.unit.code for c in old.children] == ["B-KCN"]
    assert old.children[0].kind(ActivityKind.OUTREACH).participants == 400
    assert old.own[ActivityKind.PRESS].quantity == 5
    assert grassroots_count(tree.pb, dt.date(2024, 12, 31)) == 1
    # A period across the merger counts only up to the day before it.
    across = activity_rollup(tree.pb, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert across.as_of == MERGER - dt.timedelta(days=1) and across.records == 0


def test_past_tree_undoes_later_moves_only(tree: Tree) -> None:
    # A-G3 moves from the commune union to the zone union in 2025; a new unit appears later.
    unit_move(unit=tree.a_g3, new_parent=tree.a_kcn, on=dt.date(2025, 3, 1))
    late = unit_create(code="A-G4", name="CĐCS mới", kind=UnitKind.GRASSROOTS, parent=tree.a_xa)
    unit_merge(source=tree.a_xa, target=tree.a_kcn, on=dt.date(2025, 8, 1))
    tree.a_xa.refresh_from_db()
    before = past_tree(tree.a_xa, dt.date(2025, 1, 31))
    assert set(before.bucket) == {tree.a_xa.pk, tree.a_g3.pk, late.pk}
    after_move = past_tree(tree.a_xa, dt.date(2025, 7, 31))
    assert set(after_move.bucket) == {tree.a_xa.pk, late.pk}
    assert after_move.bucket[late.pk] == late.pk and after_move.bucket[tree.a_xa.pk] is None


def test_children_are_listed_in_natural_order(tree: Tree) -> None:
    for number in (10, 2, 1, 11):
        unit_create(
            code=f"A-KV{number}",
            name=f"Công đoàn khu vực số {number}",
            kind=UnitKind.COMMUNE,
            parent=tree.pa,
        )
    rollup = activity_rollup(tree.pa, dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    communes = [c.unit.name for c in rollup.children if c.unit.kind == UnitKind.COMMUNE]
    numbered = [n for n in communes if "khu vực" in n]
    assert numbered == [f"Công đoàn khu vực số {n}" for n in (1, 2, 10, 11)]
    past = activity_rollup(tree.pa, dt.date(2024, 1, 1), dt.date(2024, 6, 30))
    assert [c.unit.name for c in past.children if "khu vực" in c.unit.name] == numbered


def test_report_groups_grassroots_unions_that_came_with_a_merger(tree: Tree) -> None:
    from types import SimpleNamespace

    from lantoa.activities.report_sections import child_table

    moved = [
        unit_create(code=f"B-CS{i}", name=f"CĐCS Bắc {i}", kind=UnitKind.GRASSROOTS, parent=tree.pb)
        for i in range(1, 5)
    ]
    unit_merge(source=tree.pb, target=tree.pa, on=MERGER)
    for unit in moved:
        record(unit, dt.date(2025, 9, 1), participants=10)
    record(tree.a_g1, dt.date(2025, 9, 2), participants=7)
    rollup = activity_rollup(tree.pa, dt.date(2025, 7, 1), dt.date(2025, 12, 31))
    table = child_table(SimpleNamespace(unit=tree.pa, current=rollup))
    names = [r[1] for r in table.rows]
    assert not any(name.startswith("CĐCS Bắc") for name in names)
    (group,) = [r for r in table.rows if "nguyên thuộc" in r[1]]
    assert (
        group[1] == "4 CĐCS nguyên thuộc Liên đoàn Lao động tỉnh Bắc Ninh (chuyển về khi hợp nhất)"
    )
    assert group[2] == 4 and group[3] == 40  # sessions, participants: the subtotal
    assert "Công đoàn các Khu công nghiệp tỉnh Bắc Ninh" in names  # upper-level units stay listed
    assert table.total[3] == 47

"""The roll-up selectors run hand-written SQL (for speed, see bench/README.md): they must
answer exactly what the ORM would, in one query each, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count, Q, Sum
from django.db.models.signals import post_init

from lantoa.units.models import UPPER_LEVEL_KINDS, Unit, UnitClosure, UnitKind, UnitStatus
from lantoa.units.selectors import SubtreeFigures, children_figures, path_to_root, subtree_figures
from lantoa.units.services import unit_create, unit_merge
from tests.conftest import Tree

FIELDS = [f.attname for f in Unit._meta.concrete_fields]


def as_loaded(unit: Unit) -> dict[str, Any]:
    return {name: getattr(unit, name) for name in FIELDS}


def orm_figures(unit: Unit) -> SubtreeFigures:
    """The figures computed the plain ORM way, to hold the SQL to."""
    row = UnitClosure.objects.filter(ancestor=unit, descendant__status=UnitStatus.ACTIVE).aggregate(
        units=Count("id"),
        grassroots=Count("id", filter=Q(descendant__kind=UnitKind.GRASSROOTS)),
        upper_level=Count("id", filter=Q(descendant__kind__in=UPPER_LEVEL_KINDS)),
        provinces=Count("id", filter=Q(descendant__kind=UnitKind.PROVINCE)),
        members=Sum("descendant__member_count"),
        workers=Sum("descendant__worker_count"),
    )
    return SubtreeFigures(**{k: v or 0 for k, v in row.items()})


@pytest.fixture
def merged_tree(tree: Tree) -> Tree:
    """The fixture tree after A-G2 merged into A-G1: an ended unit with an ``ended_on``."""
    unit_merge(source=tree.a_g2, target=tree.a_g1, on=dt.date(2025, 7, 1))
    return tree


def test_path_to_root_loads_units_as_the_orm_does(merged_tree: Tree, django_assert_num_queries):
    ended = Unit.objects.get(code="A-G2")
    with django_assert_num_queries(1):
        path = path_to_root(ended)
    expected = list(Unit.objects.filter(descendant_links__descendant=ended).order_by("depth"))
    assert [u.code for u in path] == ["VN", "P-A", "A-KCN", "A-G2"]
    assert [as_loaded(u) for u in path] == [as_loaded(u) for u in expected]
    # Same Python types as the ORM gives: aware datetimes (SQLite stores naive text), dates.
    assert path[-1].ended_on == dt.date(2025, 7, 1)
    assert all(u.created_at.utcoffset() == dt.timedelta(0) for u in path)
    assert all(not u._state.adding and u._state.db == "default" for u in path)
    # They behave as loaded instances: saving one updates its row, it adds none.
    path[1].short_name = "LĐLĐ AG"
    path[1].save()
    assert Unit.objects.count() == 10
    assert Unit.objects.get(code="P-A").short_name == "LĐLĐ AG"
    assert path[2].parent == path[1]


@pytest.fixture
def post_init_calls() -> Iterator[list[Unit]]:
    calls: list[Unit] = []

    def receiver(sender: type[Unit], instance: Unit, **kwargs: Any) -> None:
        calls.append(instance)

    post_init.connect(receiver, sender=Unit)
    try:
        yield calls
    finally:
        post_init.disconnect(receiver, sender=Unit)


def test_signal_receivers_still_see_the_units_loaded(tree: Tree, post_init_calls: list[Unit]):
    """The quick construction skips Model.__init__; with a post_init receiver connected the
    selectors fall back to Unit.from_db, so the receiver sees every unit."""
    path = path_to_root(tree.a_g1)
    children = [c for c, _ in children_figures(tree.pa)]
    assert [u.code for u in path] == ["VN", "P-A", "A-KCN", "A-G1"]
    assert [c.code for c in children] == ["A-XA", "A-KCN"]  # commune < industrial_zone
    assert post_init_calls == [*path, *children]
    assert [as_loaded(u) for u in path] == [
        as_loaded(u)
        for u in Unit.objects.filter(code__in=["VN", "P-A", "A-KCN", "A-G1"]).order_by("depth")
    ]


def test_subtree_figures_match_the_orm(merged_tree: Tree, django_assert_num_queries) -> None:
    for unit in Unit.objects.all():
        with django_assert_num_queries(1):
            figures = subtree_figures(unit)
        assert figures == orm_figures(unit), unit.code
        assert subtree_figures(unit.pk) == figures
    # A-G2 merged: no longer counted, its members neither; A-G1 keeps its own.
    assert subtree_figures(merged_tree.a_kcn) == SubtreeFigures(
        units=2, grassroots=1, upper_level=1, provinces=0, members=1200, workers=1350
    )
    # Nothing active below (the ended unit itself): zeros, not None.
    assert subtree_figures(Unit.objects.get(code="A-G2")) == SubtreeFigures()
    assert subtree_figures(10**9) == SubtreeFigures()


def test_children_figures_one_query_active_children_sorted(
    merged_tree: Tree, django_assert_num_queries
) -> None:
    tree = merged_tree
    # A second grassroots unit directly under the province and a sector union: sorting is by
    # kind value (commune < grassroots < industrial_zone < sector), then name.
    unit_create(
        code="A-G9",
        name="Công đoàn cơ sở Bệnh viện A",
        kind=UnitKind.GRASSROOTS,
        parent=tree.pa,
        member_count=7,
        worker_count=9,
    )
    unit_create(code="A-NG", name="Công đoàn ngành Giáo dục", kind=UnitKind.SECTOR, parent=tree.pa)
    with django_assert_num_queries(1):
        rows = children_figures(tree.pa)
    assert [c.code for c, _ in rows] == ["A-XA", "A-G9", "A-KCN", "A-NG"]
    for child, figures in rows:
        assert figures == orm_figures(child), child.code
        assert as_loaded(child) == as_loaded(Unit.objects.get(pk=child.pk))
    assert dict((c.code, f.members) for c, f in rows) == {
        "A-XA": 40,
        "A-G9": 7,
        "A-KCN": 1200,
        "A-NG": 0,
    }
    # The merged A-G2 is not a child any more worth listing under A-KCN.
    assert [c.code for c, _ in children_figures(tree.a_kcn)] == ["A-G1"]
    assert children_figures(tree.a_g1) == []


def test_closure_has_no_redundant_indexes_and_postgres_the_covering_one(db: None) -> None:
    with connection.cursor() as cursor:
        closure = connection.introspection.get_constraints(cursor, UnitClosure._meta.db_table)
        units = connection.introspection.get_constraints(cursor, Unit._meta.db_table)
    single = [c["columns"] for c in closure.values() if c["index"] and len(c["columns"]) == 1]
    assert ["ancestor_id"] not in single and ["descendant_id"] not in single
    composite = {tuple(c["columns"]) for c in closure.values() if c["index"] or c["unique"]}
    assert {("ancestor_id", "descendant_id"), ("descendant_id", "depth")} <= composite
    if connection.vendor == "postgresql":
        assert "unit_rollup_cover" in units
    else:
        assert "unit_rollup_cover" not in units

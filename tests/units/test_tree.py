"""Tree operations: closure consistency, subtree figures, moves, merges and cycles."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from lantoa.audit.models import AuditEvent
from lantoa.units.models import Unit, UnitClosure, UnitEvent, UnitEventKind, UnitKind, UnitStatus
from lantoa.units.selectors import (
    children_figures,
    path_to_root,
    subtree_figures,
    unit_search,
    units_in_subtree,
)
from lantoa.units.services import closure_rebuild, unit_create, unit_merge, unit_move
from tests.conftest import Tree, make_officer


def closure_snapshot() -> set[tuple[int, int, int]]:
    return set(UnitClosure.objects.values_list("ancestor_id", "descendant_id", "depth"))


def closure_from_parents() -> set[tuple[int, int, int]]:
    """The closure the parent links imply, computed the slow, obvious way."""
    parents = dict(Unit.objects.values_list("id", "parent_id"))
    expected = set()
    for uid in parents:
        node, depth = uid, 0
        while node is not None:
            expected.add((node, uid, depth))
            node, depth = parents[node], depth + 1
    return expected


def assert_consistent() -> None:
    assert closure_snapshot() == closure_from_parents()
    depths = dict(Unit.objects.values_list("id", "depth"))
    for anc, desc, depth in closure_snapshot():
        if anc == desc:
            continue
        assert depths[desc] - depths[anc] == depth


def codes(qs) -> set[str]:
    return set(qs.values_list("code", flat=True))


def test_create_builds_closure(tree: Tree) -> None:
    assert_consistent()
    assert UnitClosure.objects.count() == sum(u.depth + 1 for u in Unit.objects.all())
    assert codes(units_in_subtree(tree.pa)) == {"P-A", "A-KCN", "A-G1", "A-G2", "A-XA", "A-G3"}
    assert [u.code for u in path_to_root(tree.a_g1)] == ["VN", "P-A", "A-KCN", "A-G1"]


def test_subtree_figures(tree: Tree) -> None:
    fig = subtree_figures(tree.pa)
    assert (fig.units, fig.grassroots, fig.upper_level, fig.members, fig.workers) == (
        6,
        3,
        2,
        1540,
        1712,
    )
    national = subtree_figures(tree.vn)
    assert (national.units, national.provinces, national.grassroots, national.members) == (
        10,
        2,
        4,
        4040,
    )
    children = {c.code: f for c, f in children_figures(tree.pa)}
    assert children["A-KCN"].grassroots == 2 and children["A-KCN"].members == 1500
    assert children["A-XA"].units == 2 and children["A-XA"].members == 40


def test_move_subtree_updates_closure_and_history(tree: Tree) -> None:
    user = make_officer("mover", tree.vn, "admin")
    unit_move(unit=tree.a_kcn, new_parent=tree.pb, actor=user, on=dt.date(2025, 7, 1))
    assert_consistent()
    tree.a_g1.refresh_from_db()
    assert tree.a_g1.depth == 3
    assert [u.code for u in path_to_root(tree.a_g1)] == ["VN", "P-B", "A-KCN", "A-G1"]
    assert subtree_figures(tree.pa).members == 40
    assert subtree_figures(tree.pb).members == 4000
    event = UnitEvent.objects.get(unit=tree.a_kcn)
    assert (event.kind, event.old_parent_id, event.new_parent_id) == (
        UnitEventKind.MOVED,
        tree.pa.pk,
        tree.pb.pk,
    )
    assert AuditEvent.objects.filter(action="unit.move", target="A-KCN").count() == 1


@pytest.mark.parametrize("target", ["A-KCN", "A-G1", "P-A"])
def test_move_refuses_cycles(tree: Tree, target: str) -> None:
    before = closure_snapshot()
    with pytest.raises(ValidationError) as err:
        unit_move(unit=tree.pa, new_parent=Unit.objects.get(code=target))
    assert "vòng lặp" in str(err.value) or "cơ sở" in str(err.value)
    assert closure_snapshot() == before
    tree.pa.refresh_from_db()
    assert tree.pa.parent_id == tree.vn.pk


def test_move_refuses_grassroots_parent_and_national(tree: Tree) -> None:
    with pytest.raises(ValidationError, match="không thể là đơn vị cấp trên"):
        unit_move(unit=tree.a_g2, new_parent=tree.a_g1)
    with pytest.raises(ValidationError, match="Tổng Liên đoàn"):
        unit_move(unit=tree.vn, new_parent=tree.pa)


def test_merge_province_keeps_history_under_successor(tree: Tree) -> None:
    """Bắc Kạn into Thái Nguyên, in miniature: B merges into A."""
    members_before = subtree_figures(tree.vn).members
    unit_merge(source=tree.pb, target=tree.pa, on=dt.date(2025, 7, 1))
    assert_consistent()
    tree.pb.refresh_from_db()
    assert tree.pb.status == UnitStatus.MERGED
    assert tree.pb.successor_id == tree.pa.pk
    assert tree.pb.ended_on == dt.date(2025, 7, 1)
    # B's former children now hang under A; B itself is an ended node under A, so records
    # attached to B roll up into A.
    assert Unit.objects.get(code="B-KCN").parent_id == tree.pa.pk
    assert tree.pb.parent_id == tree.pa.pk
    assert "P-B" in codes(units_in_subtree(tree.pa))
    assert subtree_figures(tree.pa).members == 4040 == members_before
    # Ended units do not count as active units but stay findable by old code and name.
    assert subtree_figures(tree.vn).provinces == 1
    assert codes(unit_search(Unit.objects.all(), "bac ninh")) >= {"P-B"}
    assert codes(unit_search(Unit.objects.all(), "P-B")) == {"P-B"}
    kinds = list(
        UnitEvent.objects.filter(unit__code__in=["P-B", "B-KCN"]).values_list("unit__code", "kind")
    )
    assert ("P-B", UnitEventKind.MERGED) in kinds and ("B-KCN", UnitEventKind.MOVED) in kinds


def test_dissolve_district_into_its_province(tree: Tree) -> None:
    unit_merge(source=tree.a_xa, target=tree.pa, on=dt.date(2025, 7, 1))
    assert_consistent()
    assert Unit.objects.get(code="A-G3").parent_id == tree.pa.pk
    tree.a_xa.refresh_from_db()
    assert tree.a_xa.status == UnitStatus.MERGED and tree.a_xa.parent_id == tree.pa.pk


def test_merge_refusals(tree: Tree) -> None:
    with pytest.raises(ValidationError, match="chính nó"):
        unit_merge(source=tree.pa, target=tree.pa)
    with pytest.raises(ValidationError, match="trực thuộc"):
        unit_merge(source=tree.pa, target=tree.a_kcn)
    unit_merge(source=tree.a_g2, target=tree.a_g1)
    with pytest.raises(ValidationError, match="đã hợp nhất"):
        unit_merge(source=tree.a_g2, target=tree.a_g1)
    with pytest.raises(ValidationError, match="không thể là đơn vị cấp trên"):
        unit_create(code="X", name="X", kind=UnitKind.GRASSROOTS, parent=tree.a_g2)
    unit_merge(source=tree.a_xa, target=tree.pa)
    with pytest.raises(ValidationError, match="không thể nhận"):
        unit_create(code="Y", name="Y", kind=UnitKind.GRASSROOTS, parent=tree.a_xa)


def test_merge_chain_points_to_final_successor(tree: Tree) -> None:
    unit_merge(source=tree.a_g2, target=tree.a_g1)
    unit_merge(source=tree.a_kcn, target=tree.pa)
    unit_merge(source=tree.pa, target=tree.pb)
    assert Unit.objects.get(code="A-KCN").successor_id == tree.pb.pk
    assert_consistent()


def test_closure_rebuild_matches_incremental(tree: Tree) -> None:
    unit_move(unit=tree.a_xa, new_parent=tree.b_kcn)
    incremental = closure_snapshot()
    closure_rebuild()
    assert closure_snapshot() == incremental
    assert_consistent()


def test_search_folds_diacritics_and_word_order(tree: Tree) -> None:
    everything = Unit.objects.all()
    assert codes(unit_search(everything, "giay duc thanh")) == {"B-G1"}
    assert codes(unit_search(everything, "Đức giày")) == {"B-G1"}
    assert codes(unit_search(everything, "DIEN TU dong a")) == {"A-G2"}
    assert codes(unit_search(everything, "an gia")) == {"P-A", "A-KCN"}
    assert codes(unit_search(everything, "iang")) == set()  # word starts only
    assert codes(unit_search(everything, "khong co")) == set()

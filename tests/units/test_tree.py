"""Tree operations: closure consistency, subtree figures, moves, merges and cycles."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from lantoa.accounts.models import Membership, Role
from lantoa.audit.models import AuditEvent
from lantoa.units.models import Unit, UnitClosure, UnitEvent, UnitEventKind, UnitKind, UnitStatus
from lantoa.units.selectors import (
    children_figures,
    path_to_root,
    subtree_figures,
    unit_search,
    units_in_subtree,
)
from lantoa.units.services import (
    RestructureNotAllowed,
    closure_rebuild,
    unit_create,
    unit_merge,
    unit_move,
    unit_update,
)
from tests.conftest import Officers, Tree, make_officer


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
    unit_move(unit=tree.a_xa, new_parent=tree.pb)
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


# --- kinds fit the tree; changing them needs the rights of the level above ----------------


@pytest.mark.parametrize(
    ("kind", "parent", "field"),
    [
        (UnitKind.PROVINCE, "VN", None),
        (UnitKind.PROVINCE, "P-A", "parent"),
        (UnitKind.PROVINCE, "A-KCN", "parent"),
        (UnitKind.SECTOR, "P-A", None),
        (UnitKind.SECTOR, "VN", "parent"),
        (UnitKind.COMMUNE, "A-KCN", "parent"),
        (UnitKind.OTHER_UPPER, "A-XA", "parent"),
        (UnitKind.GRASSROOTS, "P-A", None),
        (UnitKind.GRASSROOTS, "A-KCN", None),
        (UnitKind.GRASSROOTS, "VN", "parent"),
        (UnitKind.GRASSROOTS, "A-G1", "parent"),
        (UnitKind.NATIONAL, "P-A", "parent"),
    ],
)
def test_new_unit_kind_must_fit_its_parent(
    tree: Tree, kind: str, parent: str, field: str | None
) -> None:
    make = lambda: unit_create(  # noqa: E731
        code="NEW", name="Đơn vị mới", kind=kind, parent=Unit.objects.get(code=parent)
    )
    if field is None:
        assert make().kind == kind
        return
    before = closure_snapshot()
    with pytest.raises(ValidationError) as err:
        make()
    assert list(err.value.message_dict) == [field]
    assert not Unit.objects.filter(code="NEW").exists()
    assert closure_snapshot() == before


def test_the_national_root_is_the_only_national_unit(tree: Tree) -> None:
    with pytest.raises(ValidationError) as err:
        unit_create(code="VN2", name="Tổng Liên đoàn thứ hai", kind=UnitKind.NATIONAL, parent=None)
    assert list(err.value.message_dict) == ["kind"]
    assert Unit.objects.filter(kind=UnitKind.NATIONAL).count() == 1


def test_kind_change_must_fit_the_place_and_children(tree: Tree) -> None:
    # Under an industrial-zone union only grassroots unions stand.
    with pytest.raises(ValidationError) as err:
        unit_update(unit=tree.a_g1, kind=UnitKind.PROVINCE)
    message = err.value.message_dict["kind"][0]
    assert message == (
        "Loại đơn vị “LĐLĐ tỉnh, thành phố” không hợp với vị trí của đơn vị: trực thuộc "
        "“Công đoàn các Khu công nghiệp tỉnh An Giang” (Công đoàn khu công nghiệp) chỉ có thể "
        "là “Công đoàn cơ sở”."
    )
    tree.a_g1.refresh_from_db()
    assert tree.a_g1.kind == UnitKind.GRASSROOTS
    # Provinces stand only under the national root.
    with pytest.raises(ValidationError, match="chỉ có thể là “Công đoàn ngành”"):
        unit_update(unit=tree.a_xa, kind=UnitKind.PROVINCE)
    with pytest.raises(ValidationError, match="chỉ có thể là “LĐLĐ tỉnh, thành phố”"):
        unit_update(unit=tree.pa, kind=UnitKind.SECTOR)
    with pytest.raises(ValidationError, match="gốc của cây"):
        unit_update(unit=tree.pa, kind=UnitKind.NATIONAL)
    # A commune union under a province may become a sector union; its grassroots fit.
    assert unit_update(unit=tree.a_xa, kind=UnitKind.SECTOR).kind == UnitKind.SECTOR


def test_kind_change_needs_an_admin_of_the_parent(tree: Tree, officers: Officers) -> None:
    grassroots_admin = make_officer("admin_g1", tree.a_g1, Role.ADMIN)
    # The unit's own admin edits its name and figures …
    unit_update(unit=tree.a_g1, actor=grassroots_admin, name="CĐCS May Ánh Dương")
    # … but not its kind, not even to one that would fit.
    with pytest.raises(RestructureNotAllowed) as err:
        unit_update(unit=tree.a_g1, actor=grassroots_admin, kind=UnitKind.PROVINCE)
    assert list(err.value.message_dict) == ["kind"]
    assert "đơn vị cấp trên" in err.value.message_dict["kind"][0]
    kcn_admin = make_officer("admin_kcn", tree.a_kcn, Role.ADMIN)
    with pytest.raises(RestructureNotAllowed):
        unit_update(unit=tree.a_kcn, actor=kcn_admin, kind=UnitKind.SECTOR)
    with pytest.raises(RestructureNotAllowed):
        unit_update(unit=tree.pa, actor=officers.a_admin, kind=UnitKind.SECTOR)
    unit_update(unit=tree.a_kcn, actor=officers.a_admin, kind=UnitKind.SECTOR)
    tree.a_g1.refresh_from_db()
    assert (tree.a_g1.kind, tree.a_g1.name) == (UnitKind.GRASSROOTS, "CĐCS May Ánh Dương")
    assert Unit.objects.get(code="A-KCN").kind == UnitKind.SECTOR


def test_move_needs_an_admin_of_the_old_and_new_parent(tree: Tree, officers: Officers) -> None:
    # Admin of A-G1 and of A-XA, but not of A-KCN above A-G1: may not take A-G1 away.
    officer = make_officer("admin_g1", tree.a_g1, Role.ADMIN)
    Membership.objects.create(user=officer, unit=tree.a_xa, role=Role.ADMIN)
    with pytest.raises(RestructureNotAllowed) as err:
        unit_move(unit=tree.a_g1, new_parent=tree.a_xa, actor=officer)
    assert list(err.value.message_dict) == ["parent"]
    tree.a_g1.refresh_from_db()
    assert tree.a_g1.parent_id == tree.a_kcn.pk
    with pytest.raises(RestructureNotAllowed):
        unit_move(unit=tree.a_g1, new_parent=tree.b_kcn, actor=officers.a_admin)
    unit_move(unit=tree.a_g1, new_parent=tree.a_xa, actor=officers.a_admin)
    assert Unit.objects.get(code="A-G1").parent_id == tree.a_xa.pk
    assert_consistent()


def test_move_keeps_kinds_fitting(tree: Tree) -> None:
    before = closure_snapshot()
    with pytest.raises(ValidationError) as err:
        unit_move(unit=tree.a_xa, new_parent=tree.b_kcn)
    assert err.value.message_dict["parent"] == [
        "Đơn vị cấp trên: “Công đoàn các Khu công nghiệp tỉnh Bắc Ninh” (Công đoàn khu công "
        "nghiệp) không thể nhận đơn vị loại “Công đoàn xã, phường”; trực thuộc nó chỉ có thể là "
        "“Công đoàn cơ sở”."
    ]
    with pytest.raises(ValidationError, match="không thể nhận đơn vị loại “LĐLĐ tỉnh"):
        unit_move(unit=tree.pb, new_parent=tree.pa)
    assert closure_snapshot() == before
    assert UnitEvent.objects.count() == 0


def test_merge_refuses_a_target_the_children_cannot_stand_under(tree: Tree) -> None:
    before = closure_snapshot()
    with pytest.raises(ValidationError) as err:
        unit_merge(source=tree.pb, target=tree.a_kcn)
    assert list(err.value.message_dict) == ["target"]
    assert "“Công đoàn các Khu công nghiệp tỉnh Bắc Ninh”" in err.value.message_dict["target"][0]
    assert Unit.objects.get(code="P-B").status == UnitStatus.ACTIVE
    assert closure_snapshot() == before
    # A commune union's grassroots fit under an industrial-zone union; the ended commune union
    # itself stands under its successor.
    unit_merge(source=tree.a_xa, target=tree.a_kcn)
    assert Unit.objects.get(code="A-XA").parent_id == tree.a_kcn.pk
    assert_consistent()

"""Coverage of grassroots units by Zalo groups and fanpages (lantoa.channels.selectors): exact
numbers on a hand-built tree, the gap list and a constant number of queries as the tree grows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lantoa.channels.models import ChannelStatus
from lantoa.channels.selectors import (
    CoverageSummary,
    channels_of,
    coverage_by_child,
    coverage_summary,
)
from lantoa.channels.services import channel_create
from lantoa.units.models import Unit, UnitKind
from lantoa.units.services import unit_create
from tests.channels.support import FB, ZALO, Extra
from tests.conftest import Tree

pytestmark = pytest.mark.django_db


def _numbers(s: CoverageSummary) -> tuple[int, ...]:
    return (
        s.grassroots_total,
        s.with_zalo_group,
        s.with_facebook_page,
        s.with_both,
        s.with_either,
        s.with_neither,
        s.big_total,
        s.big_with_either,
        s.big_with_trained_communicator,
    )


def test_province_summary_exact(tree: Tree, covered: Extra) -> None:
    s = coverage_summary(tree.pa)
    assert _numbers(s) == (5, 1, 2, 1, 2, 3, 3, 1, 1)
    assert s.either_share == pytest.approx(0.4)
    assert s.neither_share == pytest.approx(0.6)
    assert s.zalo_group_share == pytest.approx(0.2)
    assert s.big_either_share == pytest.approx(1 / 3)
    assert [u.code for u in s.gaps] == ["A-G6", "A-G5"]
    assert s.gap_count == 2


def test_national_and_leaf_summaries(tree: Tree, covered: Extra) -> None:
    s = coverage_summary(tree.vn)
    assert _numbers(s) == (6, 1, 2, 1, 2, 4, 4, 1, 1)
    assert [u.code for u in s.gaps] == ["A-G6", "B-G1", "A-G5"]
    leaf = coverage_summary(tree.a_g1)
    assert _numbers(leaf) == (1, 1, 1, 1, 1, 0, 1, 1, 1)
    assert leaf.gaps == []
    merged = coverage_summary(covered.a_g4)
    assert _numbers(merged) == (0,) * 9
    assert merged.either_share == 0.0


def test_gap_limit(tree: Tree, covered: Extra) -> None:
    s = coverage_summary(tree.vn, gap_limit=1)
    assert [u.code for u in s.gaps] == ["A-G6"] and s.gap_count == 3


def test_by_child_exact(tree: Tree, covered: Extra) -> None:
    rows = {u.code: _numbers(r) for u, r in coverage_by_child(tree.pa)}
    assert rows == {
        "A-KCN": (3, 1, 2, 1, 2, 1, 2, 1, 1),
        "A-XA": (2, 0, 0, 0, 0, 2, 1, 0, 0),
    }
    national = {u.code: _numbers(r) for u, r in coverage_by_child(tree.vn)}
    assert national == {"P-A": (5, 1, 2, 1, 2, 3, 3, 1, 1), "P-B": (1, 0, 0, 0, 0, 1, 1, 0, 0)}
    # Children of an industrial zone are grassroots units themselves; the merged one is left
    # out of the children.
    kcn = {u.code: _numbers(r) for u, r in coverage_by_child(tree.a_kcn)}
    assert set(kcn) == {"A-G1", "A-G2", "A-G6"}
    assert kcn["A-G2"] == (1, 0, 1, 0, 1, 0, 0, 0, 0)


def test_channels_of_filters(tree: Tree, covered: Extra) -> None:
    assert channels_of(tree.a_g1).count() == 2
    assert channels_of(tree.pa, subtree=True).count() == 8
    active_zalo = channels_of(tree.pa, subtree=True, kinds=[ZALO], status=ChannelStatus.ACTIVE)
    assert active_zalo.count() == 2
    assert (
        channels_of(
            tree.pa, subtree=True, status=[ChannelStatus.PAUSED, ChannelStatus.CLOSED]
        ).count()
        == 2
    )


def _grow(parent: Unit, n: int, tag: str) -> None:
    for i in range(n):
        zone = unit_create(
            code=f"{tag}-Z{i}", name=f"KCN {tag} {i}", kind=UnitKind.INDUSTRIAL_ZONE, parent=parent
        )
        for j in range(3):
            g = unit_create(
                code=f"{tag}-Z{i}-G{j}",
                name=f"CĐCS {tag} {i} {j}",
                kind=UnitKind.GRASSROOTS,
                parent=zone,
                member_count=500 * j,
            )
            if j:
                channel_create(
                    unit=g,
                    kind=ZALO if j == 1 else FB,
                    name="k",
                    identifier=f"{tag}{i}{j}",
                    url="" if j == 1 else f"https://facebook.com/{tag}{i}{j}",
                )


def test_query_count_constant_as_tree_grows(
    tree: Tree, django_assert_max_num_queries: object
) -> None:
    _grow(tree.pa, 2, "S")
    with CaptureQueriesContext(connection) as small:
        small_rows = coverage_by_child(tree.pa)
        coverage_summary(tree.pa)
    _grow(tree.pa, 12, "L")
    _grow(tree.pb, 5, "M")  # elsewhere in the tree: must not change the counts
    with CaptureQueriesContext(connection) as large:
        large_rows = coverage_by_child(tree.pa)
        coverage_summary(tree.pa)
    assert len(small_rows) == 4 and len(large_rows) == 16
    assert len(small.captured_queries) == len(large.captured_queries) <= 4
    with django_assert_max_num_queries(2):  # type: ignore[operator]
        coverage_by_child(tree.vn)
    by_code = {u.code: r for u, r in large_rows}
    assert _numbers(by_code["L-Z3"]) == (3, 1, 1, 0, 2, 1, 1, 1, 0)

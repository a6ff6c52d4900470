"""Coverage of grassroots units by Zalo groups and fanpages: exact numbers on a hand-built
tree, the gap list, the CSV export and a constant number of queries as the tree grows."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lantoa.audit.models import AuditEvent
from lantoa.channels.models import ChannelKind, ChannelStatus
from lantoa.channels.selectors import (
    CoverageSummary,
    channels_of,
    coverage_by_child,
    coverage_summary,
)
from lantoa.channels.services import channel_create
from lantoa.roster.services import communicator_create
from lantoa.units.models import Unit, UnitKind
from lantoa.units.services import unit_create, unit_merge
from tests.conftest import Officers, Tree, login

pytestmark = pytest.mark.django_db

FB = ChannelKind.FACEBOOK_PAGE
ZALO = ChannelKind.ZALO_GROUP


@dataclass
class Extra:
    a_g4: Unit  # merged, had an active Zalo group: must not count
    a_g5: Unit  # exactly 1.000 members, only a paused fanpage: a gap
    a_g6: Unit  # 3.000 members, nothing: the biggest gap


@pytest.fixture
def covered(tree: Tree) -> Extra:
    """Province A after this fixture:

    A-KCN: A-G1 (1.200; Zalo + fanpage; trained communicator), A-G2 (300; fanpage),
           A-G6 (3.000; nothing), A-G4 (1.500; merged into A-G2; active Zalo)
    A-XA:  A-G3 (40; closed Zalo group), A-G5 (1.000; paused fanpage; untrained communicator)
    P-B:   B-G1 (2.500; nothing)
    """
    g = UnitKind.GRASSROOTS
    a_g4 = unit_create(
        code="A-G4", name="CĐCS Công ty Gỗ Tân Phú", kind=g, parent=tree.a_kcn, member_count=1500
    )
    a_g5 = unit_create(
        code="A-G5", name="CĐCS Bệnh viện Mỹ Bình", kind=g, parent=tree.a_xa, member_count=1000
    )
    a_g6 = unit_create(
        code="A-G6",
        name="CĐCS Công ty Thủy sản Vĩnh Hoàn",
        kind=g,
        parent=tree.a_kcn,
        member_count=3000,
    )
    channel_create(unit=tree.a_g1, kind=ZALO, name="Zalo G1", identifier="g1")
    channel_create(unit=tree.a_g1, kind=FB, name="FB G1", url="https://facebook.com/g1")
    channel_create(unit=tree.a_g2, kind=FB, name="FB G2", url="https://facebook.com/g2")
    channel_create(
        unit=tree.a_g3, kind=ZALO, name="Zalo G3", identifier="g3", status=ChannelStatus.CLOSED
    )
    channel_create(
        unit=a_g5, kind=FB, name="FB G5", url="https://facebook.com/g5", status=ChannelStatus.PAUSED
    )
    channel_create(unit=a_g4, kind=ZALO, name="Zalo G4", identifier="g4")
    # Channels of upper-level units and other kinds are not grassroots coverage.
    channel_create(unit=tree.a_kcn, kind=FB, name="FB KCN", url="https://facebook.com/kcn")
    channel_create(unit=tree.a_g3, kind=ChannelKind.ZALO_OA, name="OA G3", identifier="oa")
    communicator_create(unit=tree.a_g1, full_name="Trần Thị Hoa", role="communicator", trained=True)
    communicator_create(unit=a_g5, full_name="Lê Văn Nam", role="communicator")
    communicator_create(unit=a_g6, full_name="Người đã nghỉ", role="communicator", trained=True)
    # ... who is no longer active, so A-G6 has no trained communicator.
    a_g6.communicators.update(active=False)
    unit_merge(source=a_g4, target=tree.a_g2)
    return Extra(a_g4, a_g5, a_g6)


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
    _grow(tree.b_kcn, 5, "M")
    with CaptureQueriesContext(connection) as large:
        large_rows = coverage_by_child(tree.pa)
        coverage_summary(tree.pa)
    assert len(small_rows) == 4 and len(large_rows) == 16
    assert len(small.captured_queries) == len(large.captured_queries) <= 4
    with django_assert_max_num_queries(2):  # type: ignore[operator]
        coverage_by_child(tree.vn)
    by_code = {u.code: r for u, r in large_rows}
    assert _numbers(by_code["L-Z3"]) == (3, 1, 1, 0, 2, 1, 1, 1, 0)


# --- screens ---------------------------------------------------------------------------


def test_coverage_page(client: Client, officers: Officers, tree: Tree, covered: Extra) -> None:
    login(client, officers.a_leader)
    resp = client.get(reverse("channels:coverage", kwargs={"code": "P-A"}))
    assert resp.status_code == 200
    body = resp.content.decode()
    assert resp.context["coverage"].with_either == 2
    assert [u.code for u, _ in resp.context["coverage_children"]] == ["A-XA", "A-KCN"]
    assert "40,0%" in body and "60,0%" in body  # either / neither
    assert "3.000" in body and "CĐCS Công ty Thủy sản Vĩnh Hoàn" in body
    assert reverse("channels:coverage", kwargs={"code": "A-KCN"}) in body
    assert 'style="width: 40.0%"' in body


def test_coverage_csv_export_audited(
    client: Client, officers: Officers, tree: Tree, covered: Extra
) -> None:
    login(client, officers.a_propaganda)
    resp = client.get(reverse("channels:coverage_csv", kwargs={"code": "P-A"}))
    assert resp.status_code == 200 and resp["Content-Type"].startswith("text/csv")
    text = resp.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Mã đơn vị"
    assert [(r[0], r[3]) for r in rows[1:]] == [("A-G6", "3000"), ("A-G5", "1000")]
    event = AuditEvent.objects.get(action="coverage.export")
    assert (event.actor_id, event.unit_id, event.data) == (
        officers.a_propaganda.pk,
        tree.pa.pk,
        {"rows": 2},
    )


def test_coverage_access(client: Client, officers: Officers, tree: Tree, covered: Extra) -> None:
    login(client, officers.a_admin)
    assert client.get(reverse("channels:coverage", kwargs={"code": "P-B"})).status_code == 404
    assert client.get(reverse("channels:coverage_csv", kwargs={"code": "P-B"})).status_code == 404
    # A communicator sees coverage but may not export data.
    login(client, officers.a_communicator)
    assert client.get(reverse("channels:coverage", kwargs={"code": "A-KCN"})).status_code == 200
    assert client.get(reverse("channels:coverage_csv", kwargs={"code": "A-KCN"})).status_code == 403
    assert not AuditEvent.objects.filter(action="coverage.export").exists()


def test_unit_page_partials_render(tree: Tree, covered: Extra) -> None:
    from django.template.loader import render_to_string

    html = render_to_string(
        "channels/_coverage.html",
        {
            "unit": tree.pa,
            "coverage": coverage_summary(tree.pa),
            "coverage_children": coverage_by_child(tree.pa),
        },
    )
    assert "20,0%" in html and "2 CĐCS lớn chưa có nhóm Zalo lẫn fanpage" in html
    html = render_to_string(
        "channels/_unit_channels.html",
        {"unit": tree.a_g1, "channels": list(channels_of(tree.a_g1)), "can_manage": True},
    )
    assert "Zalo G1" in html and reverse("channels:create", kwargs={"code": "A-G1"}) in html

"""What contests add elsewhere: the unit page's tile, target metrics and the period report
(organising unit and the entrants' grassroots unions), over the scenario of test_ranking
(province A organises; 5 entrants of 3 grassroots unions and a commune union; 8 attempts)."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from lantoa.core.extensions import target_metrics
from lantoa.core.periods import parse_period
from lantoa.reports.data import report_data
from lantoa.reports.render import render
from tests.conftest import Officers, Tree, login
from tests.contests.test_ranking import _scenario

YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def test_target_metrics(tree: Tree) -> None:
    _scenario(tree)
    organised = target_metrics.get("contests_organised")
    assert organised.values([tree.pa.pk, tree.a_kcn.pk], *YEAR) == {tree.pa.pk: 1.0}
    entrants = target_metrics.get("contest_entrants")
    ids = [tree.pa.pk, tree.a_kcn.pk, tree.a_g1.pk, tree.pb.pk]
    assert entrants.values(ids, *YEAR) == {tree.pa.pk: 5.0, tree.a_kcn.pk: 3.0, tree.a_g1.pk: 2.0}
    assert entrants.values(ids, dt.date(2025, 1, 1), dt.date(2025, 12, 31)) == {}


def test_the_period_report_tells_of_the_contests(tree: Tree) -> None:
    _scenario(tree)
    text = render(report_data(tree.pa, parse_period("2026-H1")), "md").decode()
    assert "Cuộc thi tìm hiểu pháp luật trực tuyến" in text
    assert "các cấp công đoàn đã tổ chức 1 cuộc thi tìm hiểu pháp luật trực tuyến" in text
    assert (
        "Đã có 5 lượt đoàn viên của 3 công đoàn cơ sở tham gia cuộc thi trực tuyến, với 8 bài thi"
        in text
    )
    grassroots = render(report_data(tree.a_g1, parse_period("2026-H1")), "md").decode()
    assert "Đã có 2 lượt đoàn viên tham gia cuộc thi trực tuyến, với 3 bài thi" in grassroots
    other = render(report_data(tree.pb, parse_period("2026-H1")), "md").decode()
    assert "Cuộc thi tìm hiểu pháp luật trực tuyến" not in other


def test_the_unit_page_links_to_the_contests(
    client: Client, tree: Tree, officers: Officers
) -> None:
    login(client, officers.a_propaganda)
    page = client.get(f"/don-vi/{tree.pa.code}/").content.decode()
    assert "/cuoc-thi/P-A/" in page

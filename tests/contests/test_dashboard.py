"""Contest figures in the unit dashboard (the ``dashboard_figures`` registry): the organising
unit's and the entrants' grassroots unions', a merged unit's entrants counted for its
successor (the merged unit stands under it in the closure table, as for every figure)."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.test import Client

from lantoa.contests import entry
from lantoa.core.periods import parse_period
from lantoa.reports.dashboard import compute_dashboard
from lantoa.units.services import unit_merge
from tests.conftest import Officers, Tree, login
from tests.contests.support import NOW, answer_all, entrant, quiz

MAY = parse_period("2026-05")
TODAY = dt.date(2026, 5, 20)


def _take(person, rnd, seconds: int = 100) -> None:
    attempt = entry.attempt_start(entrant=person, round=rnd, now=NOW)
    answer_all(attempt, right=2, now=NOW + dt.timedelta(seconds=1))
    entry.attempt_submit(attempt=attempt, now=NOW + dt.timedelta(seconds=seconds))


def test_contest_figures_in_the_dashboards(client: Client, tree: Tree, officers: Officers) -> None:
    contest, (rnd,) = quiz(tree.pa, questions=12, per_attempt=4, attempts_allowed=2)
    for i, unit in enumerate([tree.a_g1, tree.a_g1, tree.a_g2, tree.a_g3, tree.a_xa]):
        _take(entrant(contest, unit, f"09120020{i:02d}", f"Người {i}"), rnd)
    # One of A-G1's entrants tries twice: 6 attempts by 5 entrants.
    _take(contest.entrants.get(phone="0912002000"), rnd, seconds=200)
    board = compute_dashboard(tree.pa, MAY, today=TODAY)
    assert (board.total.contests.organised, board.total.contests.entrants) == (1, 5)
    assert board.total.contests.attempts == 6
    by_code = {f.unit.code: f.contests for f in board.children}
    assert (by_code["A-KCN"].entrants, by_code["A-KCN"].organised) == (3, 0)
    assert by_code["A-XA"].entrants == 2
    grassroots = compute_dashboard(tree.a_g1, MAY, today=TODAY).total.contests
    assert (grassroots.entrants, grassroots.attempts, grassroots.organised) == (2, 3, 0)
    # Another month: nothing.
    assert (
        compute_dashboard(tree.pa, parse_period("2026-07"), today=TODAY).total.contests.entrants
        == 0
    )
    # The commune union merged into A-KCN: its own entrant and its grassroots union's now
    # count for A-KCN; the grassroots union keeps its own.
    unit_merge(source=tree.a_xa, target=tree.a_kcn)
    assert compute_dashboard(tree.a_kcn, MAY, today=TODAY).total.contests.entrants == 5
    assert compute_dashboard(tree.a_g3, MAY, today=TODAY).total.contests.entrants == 1
    board = compute_dashboard(tree.pa, MAY, today=TODAY)
    by_code = {f.unit.code: f.contests for f in board.children}
    assert by_code["A-KCN"].entrants == 5 and board.total.contests.entrants == 5
    # On the screen: the organiser's figure and each child's column.
    cache.clear()
    login(client, officers.a_admin)
    html = client.get("/bao-cao/P-A/tong-quan/?ky=2026-05").content.decode()
    assert "lượt đoàn viên dự thi trực tuyến; 1 cuộc thi được tổ chức" in html
    assert "Người dự thi" in html
    login(client, officers.a_viewer)
    html = client.get("/bao-cao/A-G1/tong-quan/?ky=2026-05").content.decode()
    assert '<span class="value">2</span><span class="label">lượt đoàn viên dự thi' in html

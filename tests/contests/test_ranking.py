"""Rankings per round and overall, and the participation table, against a hand calculation.

Round 1 (tie-break: attempts with every answer correct; 4 questions):

| entrant | unit  | attempt | score | prediction | start → submit (s) |
|---------|-------|---------|-------|------------|--------------------|
| An      | A-G1  | 1       | 4     | 2          | 0 → 100            |
| Bình    | A-G1  | 1       | 4     | 1          | 0 → 200            |
| Cường   | A-G2  | 1       | 3     | 2          | 0 → 50             |
| Cường   | A-G2  | 2       | 4     | 5          | 60 → 120           |
| Dung    | A-G3  | 1       | 4     | 2          | 10 → 110           |
| Em      | A-XA  | 1       | 2     | —          | 0 → 30             |

actual = 4 (An 1, Bình 1, Cường 2, Dung 1); gaps: An 2, Bình 3, Cường 1 (best attempt),
Dung 2, Em none. Order: Cường (4, gap 1); An (4, gap 2, 100 s, submitted first); Dung (4,
gap 2, 100 s, later); Bình (4, gap 3); Em (2).

Round 2 (tie-break: submitted attempts): An 3/4, prediction 2, 50 s; Em 4/4, prediction 1,
40 s. actual = 2: An gap 0, Em gap 1. Order: Em (4), An (3).

Overall (best attempt of each round added up): An 7 points; Em 6; then the 4-point entrants
by their gaps: Cường 1, Dung 2, Bình 3.
"""

from __future__ import annotations

import datetime as dt

from lantoa.contests import entry, selectors
from lantoa.contests.models import Entrant, Round
from lantoa.units.services import unit_merge
from tests.conftest import Tree
from tests.contests.support import NOW, answer_all, entrant, quiz


def _take(person: Entrant, rnd: Round, *, start: int, end: int, right: int, prediction, base=NOW):
    t0 = base + dt.timedelta(seconds=start)
    attempt = entry.attempt_start(entrant=person, round=rnd, now=t0)
    answer_all(attempt, right=right, now=t0 + dt.timedelta(seconds=1))
    return entry.attempt_submit(
        attempt=attempt, prediction=prediction, now=base + dt.timedelta(seconds=end)
    )


def _scenario(tree: Tree):
    contest, (r1, r2) = quiz(tree.pa, rounds=2, attempts_allowed=2, per_attempt=4)
    r2.tie_break = "attempts"
    r2.save()
    people = {
        "An": entrant(contest, tree.a_g1, "0912000101", "An"),
        "Bình": entrant(contest, tree.a_g1, "0912000102", "Bình"),
        "Cường": entrant(contest, tree.a_g2, "0912000103", "Cường"),
        "Dung": entrant(contest, tree.a_g3, "0912000104", "Dung"),
        "Em": entrant(contest, tree.a_xa, "0912000105", "Em"),
    }
    _take(people["An"], r1, start=0, end=100, right=4, prediction=2)
    _take(people["Bình"], r1, start=0, end=200, right=4, prediction=1)
    _take(people["Cường"], r1, start=0, end=50, right=3, prediction=2)
    _take(people["Cường"], r1, start=60, end=120, right=4, prediction=5)
    _take(people["Dung"], r1, start=10, end=110, right=4, prediction=2)
    _take(people["Em"], r1, start=0, end=30, right=2, prediction=None)
    week2 = r2.opens_at + dt.timedelta(hours=1)
    _take(people["An"], r2, start=0, end=50, right=3, prediction=2, base=week2)
    _take(people["Em"], r2, start=0, end=40, right=4, prediction=1, base=week2)
    return contest, r1, r2


def test_rankings_match_the_hand_calculation(tree: Tree) -> None:
    contest, r1, r2 = _scenario(tree)
    assert selectors.round_actuals(contest) == {r1.pk: 4, r2.pk: 2}
    first = selectors.round_ranking(r1)
    assert [(r.rank, r.entrant.full_name, r.attempt.score, r.gap) for r in first] == [
        (1, "Cường", 4, 1),
        (2, "An", 4, 2),
        (3, "Dung", 4, 2),
        (4, "Bình", 4, 3),
        (5, "Em", 2, None),
    ]
    assert first[0].attempt.number == 2  # Cường's better attempt
    assert [r.attempt.duration_ms for r in first] == [60_000, 100_000, 100_000, 200_000, 30_000]
    second = selectors.round_ranking(r2)
    assert [(r.entrant.full_name, r.attempt.score, r.gap) for r in second] == [
        ("Em", 4, 1),
        ("An", 3, 0),
    ]
    overall = selectors.overall_ranking(contest)
    assert [(r.entrant.full_name, r.score, r.rounds) for r in overall] == [
        ("An", 7, 2),
        ("Em", 6, 2),
        ("Cường", 4, 1),
        ("Dung", 4, 1),
        ("Bình", 4, 1),
    ]
    assert [r.gap for r in overall if r.entrant.full_name != "Em"] == [2, 1, 2, 3]
    assert overall[0].duration_ms == 150_000
    assert selectors.round_ranking(r1, limit=2)[1].entrant.full_name == "An"


def test_participation_by_unit_rolls_up_the_tree(tree: Tree) -> None:
    contest, _r1, r2 = _scenario(tree)
    table = selectors.participation(contest)
    rows = {p.unit.code: (p.entrants, p.members, p.attempts) for p in table.rows}
    assert rows == {"A-KCN": (3, 1500, 5), "A-XA": (2, 40, 3)}
    assert (table.own.entrants, table.own.attempts) == (0, 0)
    assert table.total is not None
    assert (table.total.entrants, table.total.members, table.total.attempts) == (5, 1540, 8)
    kcn = next(p for p in table.rows if p.unit is not None and p.unit.code == "A-KCN")
    assert kcn.rate == 3 / 1500  # 3 of 1.500 members
    week2 = {
        p.unit.code: (p.entrants, p.attempts) for p in selectors.participation(contest, r2).rows
    }
    assert week2 == {"A-KCN": (1, 1), "A-XA": (1, 1)}


def test_a_merged_unit_counts_for_its_successor(tree: Tree) -> None:
    contest, _r1, _r2 = _scenario(tree)
    # The commune union merges into the industrial-zone union: its entrants (Dung at A-G3,
    # moved along, and Em at A-XA itself) now count for A-KCN.
    unit_merge(source=tree.a_xa, target=tree.a_kcn)
    table = selectors.participation(contest)
    rows = {p.unit.code: (p.entrants, p.attempts) for p in table.rows}
    assert rows == {"A-KCN": (5, 8)}

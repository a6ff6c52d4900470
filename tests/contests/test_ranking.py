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
    assert [(r.rank, r.full_name, r.score, r.gap) for r in first] == [
        (1, "Cường", 4, 1),
        (2, "An", 4, 2),
        (3, "Dung", 4, 2),
        (4, "Bình", 4, 3),
        (5, "Em", 2, None),
    ]
    assert first[0].number == 2  # Cường's better attempt
    assert [r.duration_ms for r in first] == [60_000, 100_000, 100_000, 200_000, 30_000]
    second = selectors.round_ranking(r2)
    assert [(r.full_name, r.score, r.gap) for r in second] == [
        ("Em", 4, 1),
        ("An", 3, 0),
    ]
    overall = selectors.overall_ranking(contest)
    assert [(r.full_name, r.score, r.rounds) for r in overall] == [
        ("An", 7, 2),
        ("Em", 6, 2),
        ("Cường", 4, 1),
        ("Dung", 4, 1),
        ("Bình", 4, 1),
    ]
    assert [r.gap for r in overall if r.full_name != "Em"] == [2, 1, 2, 3]
    assert overall[0].duration_ms == 150_000
    assert selectors.round_ranking(r1, limit=2)[1].full_name == "An"


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


def test_rows_carry_what_the_pages_and_the_export_show(tree: Tree) -> None:
    """The rankings are plain rows: every column the pages, the XLSX export and the prize lists
    use, joined in by the query (no model instance behind them)."""
    contest, r1, r2 = _scenario(tree)
    first = selectors.round_ranking(r1)
    cuong = first[0]
    assert (cuong.full_name, cuong.phone, cuong.unit_code, cuong.unit_name) == (
        "Cường",
        "0912000103",
        "A-G2",
        tree.a_g2.name,
    )
    assert (cuong.number, cuong.score, cuong.total, cuong.prediction, cuong.gap) == (
        2,
        4,
        4,
        5,
        1,
    )
    assert (cuong.entrant_id, cuong.unit_id) == (
        Entrant.objects.get(phone="0912000103").pk,
        tree.a_g2.pk,
    )
    # Server timestamps, aware, as the model gives them (the page and export show them local).
    assert cuong.submitted_at == NOW + dt.timedelta(seconds=120)
    assert cuong.submitted_at.utcoffset() == dt.timedelta(0)
    em = first[-1]
    assert (em.full_name, em.prediction, em.gap, em.unit_code) == ("Em", None, None, "A-XA")
    overall = selectors.overall_ranking(contest)
    an = overall[0]
    assert (an.full_name, an.phone, an.unit_code, an.unit_name) == (
        "An",
        "0912000101",
        "A-G1",
        tree.a_g1.name,
    )
    week2 = r2.opens_at + dt.timedelta(hours=1)
    assert an.last_submitted_at == week2 + dt.timedelta(seconds=50)
    assert an.last_submitted_at.utcoffset() == dt.timedelta(0)
    # Em gave no prediction in round 1: their sum carries NO_PREDICTION (ranks after all).
    em_overall = next(o for o in overall if o.full_name == "Em")
    assert em_overall.gap == selectors.NO_PREDICTION + 1
    # A round's ranking reads only its own attempts; limits cut the same order.
    assert [r.full_name for r in selectors.round_ranking(r2, limit=1)] == ["Em"]
    assert [o.full_name for o in selectors.overall_ranking(contest, limit=3)] == [
        "An",
        "Em",
        "Cường",
    ]


def test_full_ties_and_no_tie_break(tree: Tree) -> None:
    """Same score, gap, duration and submission time: the earlier attempt (lower id) first.
    A round without the prediction question ranks by score, duration, submission; every gap
    is 0."""
    contest, (rnd,) = quiz(tree.pa, per_attempt=4, tie_break="none")
    people = [entrant(contest, tree.a_g1, f"09120002{i:02d}", f"Người {i}") for i in range(4)]
    # Người 0 and Người 1: identical in everything the rules look at.
    a0 = _take(people[0], rnd, start=0, end=100, right=3, prediction=7)
    a1 = _take(people[1], rnd, start=0, end=100, right=3, prediction=1)
    _take(people[2], rnd, start=0, end=90, right=3, prediction=None)  # faster
    _take(people[3], rnd, start=0, end=300, right=4, prediction=None)  # more right
    ranking = selectors.round_ranking(rnd)
    assert [(r.full_name, r.gap) for r in ranking] == [
        ("Người 3", 0),
        ("Người 2", 0),
        ("Người 0", 0),
        ("Người 1", 0),
    ]
    assert a0.pk < a1.pk and [r.attempt_id for r in ranking[2:]] == [a0.pk, a1.pk]
    assert [o.full_name for o in selectors.overall_ranking(contest)] == [
        r.full_name for r in ranking
    ]

"""Reads over the contests: lists, the rankings and the participation by unit.

Rankings are computed in SQL from the server's timestamps, the same query on SQLite and
PostgreSQL. Each entrant is ranked by their best submitted attempt of a round:

1. score (questions answered correctly) ↓,
2. |prediction − actual| ↑, where actual is, by the round's tie-break, the number of submitted
   attempts with every answer correct, or the number of submitted attempts; no prediction
   ranks after every prediction,
3. duration ↑ (submission − start, on the server),
4. submission time ↑.

Attempts the organisers excluded after reviewing a flag (``lantoa.contests.integrity``)
count nowhere: not in the rankings, nor in the tie-break's actual figure.

Overall, an entrant's best attempts of every round add up: total score ↓, total gap ↑, total
duration ↑, then the last of those submissions ↑.

Participation by unit follows the closure table: an entrant counts for their unit and every
unit above it, and a unit merged into another counts for its successor (it stands under it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from lantoa.contests.models import Attempt, Contest, ContestStatus, Entrant, Round, TieBreak
from lantoa.core.text import natural_key
from lantoa.units.models import Unit, UnitClosure
from lantoa.units.selectors import children_figures, subtree_figures

NO_PREDICTION = 2_000_000_000  # the gap of an attempt without a prediction: after all others


def contests_of(unit: Unit, *, subtree: bool = False) -> QuerySet[Contest]:
    if subtree:
        qs = Contest.objects.filter(
            unit_id__in=UnitClosure.objects.filter(ancestor_id=unit.pk).values("descendant_id")
        )
    else:
        qs = Contest.objects.filter(unit_id=unit.pk)
    return (
        qs.select_related("unit")
        .annotate(
            round_count=Count("rounds", distinct=True),
            entrant_count=Count(
                "entrants", filter=Q(entrants__verified_at__isnull=False), distinct=True
            ),
        )
        .order_by("-created_at", "-pk")
    )


# Finished contests stay on the public list this long after their results are published.
PUBLIC_RESULTS_DAYS = 365


@dataclass
class PublicContest:
    contest: Contest
    phase: str  # "open", "upcoming" or "closed" (results published)
    round: Round | None  # the round open now, or the next one


def public_contests(site: Unit | None, now: dt.datetime | None = None) -> list[PublicContest]:
    """The approved contests a visitor of the public site may enter or read the results of:
    those run by the site's unit, by a unit under it, or by one above it (a national contest
    is for the province's workers too); open ones first, then upcoming, then results."""
    now = now or timezone.now()
    qs = Contest.objects.filter(status=ContestStatus.APPROVED).select_related("unit")
    if site is not None:
        below = UnitClosure.objects.filter(ancestor_id=site.pk).values("descendant_id")
        above = UnitClosure.objects.filter(descendant_id=site.pk).values("ancestor_id")
        qs = qs.filter(Q(unit_id__in=below) | Q(unit_id__in=above))
    live = qs.filter(rounds__closes_at__gt=now).distinct()
    finished = qs.filter(
        results_published_at__gte=now - dt.timedelta(days=PUBLIC_RESULTS_DAYS)
    ).exclude(pk__in=live.values("pk"))
    rounds: dict[int, list[Round]] = {}
    for rnd in Round.objects.filter(contest__in=live, closes_at__gt=now).order_by("opens_at"):
        rounds.setdefault(rnd.contest_id, []).append(rnd)
    # Open ones closing soonest first, then upcoming ones opening soonest.
    keyed: list[tuple[tuple[int, dt.datetime], PublicContest]] = []
    for contest in live:
        ahead = rounds.get(contest.pk, [])
        current = next((r for r in ahead if r.opens_at <= now), None)
        if current is not None:
            keyed.append(((0, current.closes_at), PublicContest(contest, "open", current)))
        elif ahead:
            keyed.append(((1, ahead[0].opens_at), PublicContest(contest, "upcoming", ahead[0])))
    keyed.sort(key=lambda pair: (pair[0], pair[1].contest.pk))
    return [item for _, item in keyed] + [
        PublicContest(c, "closed", None) for c in finished.order_by("-results_published_at")
    ]


def open_round(contest: Contest, now: dt.datetime | None = None) -> Round | None:
    now = now or timezone.now()
    return contest.rounds.filter(opens_at__lte=now, closes_at__gt=now).order_by("number").first()


def phase(
    contest: Contest, now: dt.datetime | None = None, *, rounds: list[Round] | None = None
) -> str:
    """ "draft", "submitted", "upcoming", "open" or "closed" (approved contests by rounds;
    ``rounds``: the contest's, when the caller has them already)."""
    if not contest.is_approved:
        return str(contest.status)
    now = now or timezone.now()
    if rounds is None:
        rounds = list(contest.rounds.order_by("number"))
    if any(r.opens_at <= now < r.closes_at for r in rounds):
        return "open"
    if any(r.opens_at > now for r in rounds):
        return "upcoming"
    return "closed"


# --- rankings -------------------------------------------------------------------------------
#
# Both rankings are one query each, ordered in the database, and come back as plain rows
# (``RoundRow``/``OverallRow``: the entrant's name, phone and unit joined in), never model
# instances: the XLSX export takes the full ranking of 200.000 entrants, and building an
# ``Attempt``, an ``Entrant`` and a ``Unit`` for each cost ten times the query itself
# (bench/contests_bench.py).


def _tables() -> dict[str, str]:
    return {
        "attempt": Attempt._meta.db_table,
        "round": Round._meta.db_table,
        "entrant": Entrant._meta.db_table,
        "unit": Unit._meta.db_table,
    }


# Per round: the "actual" figure of the tie-break, then each submitted attempt's gap (of the
# contest, or of one round: {only}), each entrant's best attempt of a round first (rn = 1).
_GAPS = """
actual AS (
    SELECT r.id AS round_id,
           CASE r.tie_break
             WHEN '{all_correct}' THEN SUM(CASE WHEN a.score = a.total THEN 1 ELSE 0 END)
             WHEN '{attempts}' THEN COUNT(a.id)
             ELSE 0 END AS actual
    FROM {round} r LEFT JOIN {attempt} a
      ON a.round_id = r.id AND a.submitted_at IS NOT NULL AND NOT a.excluded
    WHERE r.contest_id = %s
    GROUP BY r.id, r.tie_break
),
gaps AS (
    SELECT a.id, a.entrant_id, a.round_id, a.number, a.score, a.total, a.prediction,
           a.duration_ms, a.submitted_at,
           CASE WHEN r.tie_break = '{none}' THEN 0
                WHEN a.prediction IS NULL THEN {no_prediction}
                ELSE ABS(a.prediction - x.actual) END AS gap
    FROM {attempt} a
    JOIN {round} r ON r.id = a.round_id
    JOIN actual x ON x.round_id = a.round_id
    WHERE r.contest_id = %s AND a.submitted_at IS NOT NULL AND NOT a.excluded{only}
),
best AS (
    SELECT g.*, ROW_NUMBER() OVER (
        PARTITION BY g.entrant_id, g.round_id
        ORDER BY g.score DESC, g.gap, g.duration_ms, g.submitted_at, g.id) AS rn
    FROM gaps g
)
"""


def _sql(body: str, *, one_round: bool = False) -> str:
    return ("WITH " + _GAPS + body).format(
        all_correct=TieBreak.ALL_CORRECT,
        attempts=TieBreak.ATTEMPTS,
        none=TieBreak.NONE,
        no_prediction=NO_PREDICTION,
        only=" AND a.round_id = %s" if one_round else "",
        **_tables(),
    )


_ROUND_RANKING = """
SELECT b.id, b.number, b.score, b.total, b.prediction,
       CASE WHEN b.gap >= {no_prediction} THEN NULL ELSE b.gap END,
       b.duration_ms, b.submitted_at, e.id, e.full_name, e.phone, u.id, u.code, u.name
FROM best b
JOIN {entrant} e ON e.id = b.entrant_id
JOIN {unit} u ON u.id = e.unit_id
WHERE b.rn = 1
ORDER BY b.score DESC, b.gap, b.duration_ms, b.submitted_at, b.id
"""

_OVERALL_RANKING = """
SELECT t.entrant_id, e.full_name, e.phone, u.id, u.code, u.name,
       t.score, t.gap, t.duration_ms, t.last, t.rounds
FROM (SELECT b.entrant_id, CAST(SUM(b.score) AS BIGINT) AS score,
             CAST(SUM(b.gap) AS BIGINT) AS gap,
             CAST(SUM(b.duration_ms) AS BIGINT) AS duration_ms, MAX(b.submitted_at) AS last,
             COUNT(*) AS rounds
      FROM best b WHERE b.rn = 1
      GROUP BY b.entrant_id) t
JOIN {entrant} e ON e.id = t.entrant_id
JOIN {unit} u ON u.id = e.unit_id
ORDER BY t.score DESC, t.gap, t.duration_ms, t.last, t.entrant_id
"""

_ACTUAL = """
SELECT x.round_id, x.actual FROM actual x
"""


@dataclass(slots=True)
class RoundRow:
    """An entrant's best attempt of a round, in ranking order."""

    rank: int
    attempt_id: int
    number: int  # which of the entrant's attempts
    score: int
    total: int
    prediction: int | None
    gap: int | None  # |prediction − actual|; None: no prediction
    duration_ms: int
    submitted_at: dt.datetime
    entrant_id: int
    full_name: str
    phone: str
    unit_id: int
    unit_code: str
    unit_name: str


@dataclass(slots=True)
class OverallRow:
    """An entrant's best attempts of every round added up, in ranking order."""

    rank: int
    entrant_id: int
    full_name: str
    phone: str
    unit_id: int
    unit_code: str
    unit_name: str
    score: int
    gap: int  # the sum of the rounds' gaps; a round without prediction adds NO_PREDICTION
    duration_ms: int
    last_submitted_at: dt.datetime | None
    rounds: int


def round_actuals(contest: Contest) -> dict[int, int]:
    """Round id → the actual figure its prediction question asks for."""
    with connection.cursor() as cursor:
        cursor.execute(_sql(_ACTUAL), [contest.pk, contest.pk])
        return {int(r): int(a or 0) for r, a in cursor.fetchall()}


def _aware() -> Callable[[Any], Any]:
    """Turns a timestamp as the raw cursor gives it into an aware datetime: PostgreSQL's
    already are; SQLite's are Django's UTC text (or a naive datetime when the column's
    declared type came through)."""
    if connection.vendor == "postgresql":
        return lambda value: value
    tz = connection.timezone
    parse = dt.datetime.fromisoformat

    def convert(value: Any) -> Any:
        if type(value) is str:
            return parse(value).replace(tzinfo=tz)
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=tz)

    return convert


def _fetch(query: str, params: list[Any], limit: int | None) -> list[tuple[Any, ...]]:
    if limit:
        query += f" LIMIT {int(limit)}"
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def round_ranking(rnd: Round, *, limit: int | None = None) -> list[RoundRow]:
    """The round's ranking, each entrant once (their best attempt); ``limit``: the first."""
    rows = _fetch(
        _sql(_ROUND_RANKING, one_round=True), [rnd.contest_id, rnd.contest_id, rnd.pk], limit
    )
    when = _aware()
    return [
        RoundRow(rank, a, n, s, t, p, g, d, when(at), e, name, phone, u, code, unit)
        for rank, (a, n, s, t, p, g, d, at, e, name, phone, u, code, unit) in enumerate(
            rows, start=1
        )
    ]


def overall_ranking(contest: Contest, *, limit: int | None = None) -> list[OverallRow]:
    """The contest's ranking over its rounds; ``limit``: the first."""
    rows = _fetch(_sql(_OVERALL_RANKING), [contest.pk, contest.pk], limit)
    when = _aware()
    return [
        OverallRow(rank, e, name, phone, u, code, unit, s, g, d, when(at), n)
        for rank, (e, name, phone, u, code, unit, s, g, d, at, n) in enumerate(rows, start=1)
    ]


# --- participation by unit --------------------------------------------------------------------


@dataclass
class Participation:
    unit: Unit | None  # None: the organiser's own row ("trực tiếp")
    entrants: int = 0
    members: int = 0
    attempts: int = 0

    @property
    def rate(self) -> float | None:
        """Entrants ÷ members (0.002 is 0,2%); None when the unit has no members counted."""
        return self.entrants / self.members if self.members else None


@dataclass
class ParticipationTable:
    unit: Unit
    own: Participation
    rows: list[Participation] = field(default_factory=list)
    total: Participation | None = None


def participation(contest: Contest, rnd: Round | None = None) -> ParticipationTable:
    """Entrants (with at least one submitted attempt), members and submitted attempts for the
    organiser itself and each unit directly under it, each with its whole subtree: one
    grouped query over the closure table."""
    unit = contest.unit
    attempts = Attempt.objects.filter(round__contest=contest, submitted_at__isnull=False)
    if rnd is not None:
        attempts = attempts.filter(round=rnd)
    attempts = attempts.order_by()
    per_child = {
        row["entrant__unit__ancestor_links__ancestor_id"]: row
        for row in attempts.filter(entrant__unit__ancestor_links__ancestor__parent_id=unit.pk)
        .values("entrant__unit__ancestor_links__ancestor_id")
        .annotate(entrants=Count("entrant_id", distinct=True), attempts=Count("id"))
    }
    own_row = attempts.filter(entrant__unit_id=unit.pk).aggregate(
        entrants=Count("entrant_id", distinct=True), attempts=Count("id")
    )
    total_row = attempts.aggregate(
        entrants=Count("entrant_id", distinct=True), attempts=Count("id")
    )
    table = ParticipationTable(
        unit=unit,
        own=Participation(
            unit=None,
            entrants=own_row["entrants"],
            attempts=own_row["attempts"],
            members=unit.member_count,
        ),
    )
    members = {child.pk: figures.members for child, figures in children_figures(unit)}
    children = [c for c in Unit.objects.filter(parent=unit) if c.is_active or c.pk in per_child]
    children.sort(key=lambda c: (not c.is_active, c.kind, natural_key(c.name)))
    for child in children:
        row: Mapping[str, Any] = per_child.get(child.pk, {})
        table.rows.append(
            Participation(
                unit=child,
                entrants=int(row.get("entrants") or 0),
                attempts=int(row.get("attempts") or 0),
                members=members.get(child.pk, 0),
            )
        )
    table.total = Participation(
        unit=unit,
        entrants=total_row["entrants"],
        attempts=total_row["attempts"],
        members=subtree_figures(unit).members,
    )
    return table


# -- the contest as its public pages show it ----------------------------------------------


PUBLIC_CACHE_SECONDS = 30


def _public_key(contest_id: int) -> str:
    return f"lantoa:contests:public:{int(contest_id)}"


def public_forget(contest_id: int) -> None:
    """The contest ``contest_id`` or one of its rounds changed: its public pages read it again
    (the models' post_save/post_delete, ``ContestsConfig.ready``; code that writes them with a
    queryset ``update`` calls this itself)."""
    cache.delete(_public_key(contest_id))


def public_contest(contest_id: int) -> tuple[Contest | None, list[Round]]:
    """The contest (with its unit) and its rounds in order, as the public pages show them:
    kept in the cache (shared by the web processes) for ``PUBLIC_CACHE_SECONDS`` and dropped
    when the contest or a round is saved. Every rules page, start and results page of an
    evening's rush asked the database for the same two rows; a unit renamed shows within
    the half minute."""
    key = _public_key(contest_id)
    kept = cache.get(key)
    if isinstance(kept, tuple) and len(kept) == 2:
        return kept
    # No ordering: the model's default one costs more to build than the lookup.
    found = list(Contest.objects.select_related("unit").filter(pk=contest_id).order_by()[:1])
    contest = found[0] if found else None
    # The default ordering of rounds joins the contest again.
    rounds = list(contest.rounds.order_by("number")) if contest is not None else []
    cache.set(key, (contest, rounds), PUBLIC_CACHE_SECONDS)
    return contest, rounds

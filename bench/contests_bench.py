"""Contests benchmark: a quiz round's rankings and the participation by unit at the size of a
large provincial contest, on the national seed.

    uv run python bench/contests_bench.py [--db sqlite|postgres] [--entrants N] [--attempts N]
                                          [--repeat N] [--drop]

Works on its own copy of the national seed (~130.000 units), so that its rows never weigh on
the other benchmarks: SQLite ``bench/results/contests-national-<seed>.sqlite3`` (copied with
SQLite's backup API from the tree benchmark's file when that one is seeded),
PostgreSQL ``lantoa_contests_bench`` (``CREATE DATABASE … TEMPLATE lantoa_bench`` when that one
is seeded and idle; otherwise seeded with bench/tree_bench.py's loader).

The organiser is the Ho Chi Minh City federation (``HCM``, 3.416 grassroots unions): one
approved quiz contest open to its subtree, one round of a week (20 questions, 2 attempts
allowed, tie-break "how many attempts answer everything correctly"). Entrants and attempts are
generated in the database itself, deterministically from the row number (PostgreSQL
``INSERT … SELECT`` over ``generate_series``, SQLite a recursive CTE; SQLite journal and sync
off for the load): every entrant verified, in one of the province's active grassroots unions
(all equally likely); every entrant one submitted attempt, the first ``attempts − entrants``
entrants a second one; scores 5–20 of 20 (≈ 4 % all correct), durations 1–20 minutes, a
prediction on 95 % of attempts, submissions spread over the week. A marker row keeps the sizes
and seed, so a second run reuses the data.

Then, on the same data, interleaved, after checking both sides give the same result:

* ``round_ranking(rnd)`` — the full ranking of the round (every entrant's best attempt as a
  plain ``RoundRow``: attempt, number, score, total, prediction, gap, duration, submission as
  an aware datetime, entrant's id, name and phone, unit's id, code and name) against the same
  ranking typed by hand with window functions, returning the same columns as tuples (the
  same ordering rules: score ↓, gap ↑, duration ↑, submission ↑, id); every column of every
  row is compared before timing;
* ``overall_ranking(contest)`` — the same over the contest's rounds, against a hand version;
* the same two with ``limit=200``, as the rankings page calls them (the XLSX export takes the
  full ranking);
* ``participation(contest)`` — entrants and submitted attempts of the organiser itself, of each
  unit directly under it (through the closure table) and in all, with the members of each,
  against the same figures typed by hand.

Goals (issue 14): each under 60 s, and ours ≤ 1,5 × hand SQL (p50). Prints a Markdown table,
also written to bench/results/contests-<db>.md; exit status 1 when a goal fails. ``--drop``
deletes the copy afterwards to give the disk back.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import tree_bench
from cascade_bench import prepare_postgres_copy
from dashboard_bench import _meta, drop_copy, prepare_sqlite, sqlite_bulk_mode
from tree_bench import RESULTS, fmt, p50_p95, timed

GOAL_SECONDS = 60.0
GOAL_RATIO = 1.5
ORGANISER = "HCM"
SLUG = "bench-thi-tim-hieu-phap-luat"
OPENS = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)  # 08:00 in Viet Nam
WEEK_S = 7 * 24 * 3600
QUESTIONS = 20
NO_PREDICTION = 2_000_000_000  # as lantoa.contests.selectors: no prediction ranks last
SHOWN = 200  # the rankings page shows the first 200 (lantoa.contests.views.RANKING_SHOWN)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--entrants", type=int, default=200_000)
    parser.add_argument("--attempts", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per operation")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--pg-url", default="postgres://postgres@127.0.0.1:5432/lantoa_contests_bench"
    )
    parser.add_argument("--pg-template", default="lantoa_bench")
    parser.add_argument("--drop", action="store_true", help="delete the copy at the end")
    args = parser.parse_args(argv)
    if not 1 <= args.entrants <= args.attempts <= 2 * args.entrants:
        parser.error("cần 1 ≤ --entrants ≤ --attempts ≤ 2 × --entrants (tối đa 2 lần thi/người)")
    return args


# Our copy of the national seed: ``bench/results/contests-national-<seed>.sqlite3`` or the
# PostgreSQL database of --pg-url (dashboard_bench's prepare_sqlite / drop_copy).
BENCH = "contests"


# -- the contest and its rows ------------------------------------------------------------------


def contest_and_round() -> tuple[Any, Any]:
    from lantoa.contests.models import Contest, ContestStatus, Round, TieBreak
    from lantoa.units.models import Unit

    unit = Unit.objects.get(code=ORGANISER)
    contest, _ = Contest.objects.get_or_create(
        unit=unit,
        slug=SLUG,
        defaults={
            "title": "Cuộc thi trực tuyến tìm hiểu pháp luật lao động (bench)",
            "rules": "Mỗi người dự thi được thi tối đa 2 lần; lấy kết quả cao nhất.",
            "status": ContestStatus.APPROVED,
            "approved_at": OPENS - dt.timedelta(days=3),
        },
    )
    rnd, _ = Round.objects.get_or_create(
        contest=contest,
        number=1,
        defaults={
            "title": "Tuần thi thứ nhất",
            "opens_at": OPENS,
            "closes_at": OPENS + dt.timedelta(seconds=WEEK_S),
            "questions_per_attempt": QUESTIONS,
            "time_limit_minutes": 30,
            "attempts_allowed": 2,
            "tie_break": TieBreak.ALL_CORRECT,
        },
    )
    return contest, rnd


def generate(contest: Any, rnd: Any, entrants: int, attempts: int, seed: int) -> None:
    """Fill the contest's entrants and the round's attempts (once per sizes/seed)."""
    from django.db import connection, transaction

    from lantoa.contests.models import Attempt, Entrant

    marker = f"{entrants}:{attempts}:{seed}"
    with connection.cursor() as cur:
        if _meta(cur, "contests") == marker:
            print(
                f"Dùng lại {Entrant.objects.filter(contest=contest).count():,} người dự thi, "
                f"{Attempt.objects.filter(round=rnd).count():,} bài thi đã sinh.",
                flush=True,
            )
            return
    vendor = connection.vendor
    started = time.monotonic()
    g = "g.n"
    # A well-spread pseudo-random number per row (deterministic from the row and the seed).
    h = f"(({g} * 2654435761 + {int(seed)} * 40503) % 1000003)"
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM bench_meta WHERE key = 'contests'")
        Attempt.objects.filter(round=rnd).delete()
        Entrant.objects.filter(contest=contest).delete()
        cur.execute("DROP TABLE IF EXISTS bench_units")
        cur.execute(
            "CREATE TEMPORARY TABLE bench_units (idx INTEGER PRIMARY KEY, unit_id BIGINT NOT NULL)"
        )
        cur.execute(
            "INSERT INTO bench_units (idx, unit_id) "
            "SELECT ROW_NUMBER() OVER (ORDER BY u.id) - 1, u.id FROM units_unit u "
            "JOIN units_unitclosure c ON c.descendant_id = u.id "
            "WHERE c.ancestor_id = %s AND u.status = 'active' AND u.kind = 'grassroots'",
            [contest.unit_id],
        )
        cur.execute("SELECT COUNT(*) FROM bench_units")
        units = cur.fetchone()[0]
        # The two big INSERTs take no parameters, so '%' is modulo and strftime's as written.
        opens = OPENS.strftime("%Y-%m-%d %H:%M:%S")
        if vendor == "postgresql":
            prefix_e = prefix_a = ""
            source_e = f"generate_series(1::bigint, {int(entrants)}) AS g(n)"
            source_a = f"generate_series(1::bigint, {int(attempts)}) AS g(n)"
            phone = f"'09' || lpad({g}::text, 8, '0')"
            name = f"'Người dự thi ' || {g}"
            now = "now()"
            base = f"TIMESTAMPTZ '{opens}+00'"

            def at(seconds: str, ms: str = "0") -> str:
                return f"({base} + ({seconds}) * INTERVAL '1 second' + ({ms}) * INTERVAL '1 ms')"

        else:

            def cte(n: int) -> str:
                return (
                    "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g "
                    f"WHERE n < {int(n)}) "
                )

            prefix_e, prefix_a = cte(entrants), cte(attempts)
            source_e = source_a = "g"
            phone = f"'09' || printf('%08d', {g})"
            name = f"'Người dự thi ' || {g}"
            now = "strftime('%Y-%m-%d %H:%M:%f', 'now')"

            def at(seconds: str, ms: str = "0") -> str:
                # Django's own text form on SQLite: 'YYYY-MM-DD HH:MM:SS.ffffff'.
                return (
                    f"(strftime('%Y-%m-%d %H:%M:%S', '{opens}', '+' || ({seconds}) || "
                    f"' seconds') || '.' || printf('%03d', {ms}) || '000')"
                )

        cur.execute(
            f"{prefix_e}INSERT INTO contests_entrant (contest_id, full_name, birth_date, phone, "
            "unit_id, workplace, national_id_hash, national_id_last4, verified_at, code_hash, "
            "code_expires_at, code_tries, created_at) "
            f"SELECT {int(contest.pk)}, {name}, NULL, {phone}, u.unit_id, '', '', '', "
            f"{at('3600 + ' + g)}, '', NULL, 0, {now} "
            f"FROM {source_e} JOIN bench_units u ON u.idx = ({g} * 7919 + {int(seed)}) % {units}"
        )
        cur.execute("DROP TABLE IF EXISTS bench_entrants")
        cur.execute(
            "CREATE TEMPORARY TABLE bench_entrants (idx INTEGER PRIMARY KEY, "
            "entrant_id BIGINT NOT NULL)"
        )
        cur.execute(
            "INSERT INTO bench_entrants (idx, entrant_id) "
            "SELECT ROW_NUMBER() OVER (ORDER BY id) - 1, id FROM contests_entrant "
            "WHERE contest_id = %s",
            [contest.pk],
        )
        loaded_e = time.monotonic()
        print(f"Đã sinh {entrants:,} người dự thi: {loaded_e - started:.0f} giây.", flush=True)
        # Attempt row n: entrant (n − 1) mod entrants, its first attempt for n ≤ entrants.
        score = f"CASE WHEN {h} % 25 = 0 THEN {QUESTIONS} ELSE 5 + {h} % 15 END"
        duration_ms = f"(60000 + ({h} * 7) % 1140000)"
        offset_s = f"(7200 + ({g} * 104729 + {int(seed)}) % {WEEK_S - 10800})"
        prediction = f"CASE WHEN {h} % 20 = 7 THEN NULL ELSE ({h} * 13) % 25000 END"
        cur.execute(
            f"{prefix_a}INSERT INTO contests_attempt (entrant_id, round_id, number, started_at, "
            "deadline, submitted_at, timed_out, score, total, duration_ms, prediction, source, "
            "device_hash, ip_hash, answers_hash, excluded) "
            f"SELECT e.entrant_id, {int(rnd.pk)}, "
            f"CASE WHEN {g} <= {int(entrants)} THEN 1 ELSE 2 END, "
            f"{at(offset_s)}, {at(offset_s + ' + 1800')}, "
            f"{at(offset_s + f' + {duration_ms} / 1000', f'{duration_ms} % 1000')}, "
            f"FALSE, {score}, {QUESTIONS}, {duration_ms}, {prediction}, 'online', '', '', '', "
            "FALSE "
            f"FROM {source_a} JOIN bench_entrants e ON e.idx = ({g} - 1) % {int(entrants)}"
        )
        loaded = time.monotonic()
        print(f"Đã sinh {attempts:,} bài thi: {loaded - loaded_e:.0f} giây.", flush=True)
        cur.execute("DROP TABLE bench_units")
        cur.execute("DROP TABLE bench_entrants")
        cur.execute("INSERT INTO bench_meta (key, value) VALUES ('contests', %s)", [marker])
    with connection.cursor() as cur:
        if vendor == "sqlite":
            cur.execute("ANALYZE")
        else:
            cur.execute("VACUUM ANALYZE contests_entrant")
            cur.execute("VACUUM ANALYZE contests_attempt")
    print(f"Tổng thời gian sinh dữ liệu: {time.monotonic() - started:.0f} giây.", flush=True)


# -- hand-written SQL --------------------------------------------------------------------------

# The round's actual figure (attempts with every answer correct), then every submitted attempt
# (of the contest, or of the round ranked) with its gap, each entrant's best by ROW_NUMBER();
# the same columns as the selectors deliver, names and units joined in.
_HAND_BEST = f"""
WITH actual AS (
    SELECT a.round_id, SUM(CASE WHEN a.score = a.total THEN 1 ELSE 0 END) AS n
    FROM contests_attempt a JOIN contests_round r ON r.id = a.round_id
    WHERE r.contest_id = %s AND a.submitted_at IS NOT NULL AND NOT a.excluded
    GROUP BY a.round_id
),
scored AS (
    SELECT a.id, a.entrant_id, a.round_id, a.number, a.score, a.total, a.prediction,
           a.duration_ms, a.submitted_at,
           COALESCE(ABS(a.prediction - x.n), {NO_PREDICTION}) AS gap
    FROM contests_attempt a JOIN actual x ON x.round_id = a.round_id
    WHERE a.submitted_at IS NOT NULL AND NOT a.excluded {{only}}
),
best AS (
    SELECT s.*, ROW_NUMBER() OVER (PARTITION BY s.entrant_id, s.round_id
        ORDER BY s.score DESC, s.gap, s.duration_ms, s.submitted_at, s.id) AS rn
    FROM scored s
)
"""
HAND_ROUND = (
    _HAND_BEST.replace("{only}", "AND a.round_id = %s")
    + """
SELECT b.id, b.number, b.score, b.total, b.prediction, b.gap, b.duration_ms, b.submitted_at,
       e.id, e.full_name, e.phone, u.id, u.code, u.name
FROM best b JOIN contests_entrant e ON e.id = b.entrant_id JOIN units_unit u ON u.id = e.unit_id
WHERE b.rn = 1
ORDER BY b.score DESC, b.gap, b.duration_ms, b.submitted_at, b.id
"""
)
HAND_OVERALL = (
    _HAND_BEST.replace("{only}", "")
    + """
SELECT t.entrant_id, e.full_name, e.phone, u.id, u.code, u.name, t.score, t.gap,
       t.duration_ms, t.last, t.rounds
FROM (SELECT b.entrant_id, CAST(SUM(b.score) AS BIGINT) AS score,
             CAST(SUM(b.gap) AS BIGINT) AS gap, CAST(SUM(b.duration_ms) AS BIGINT) AS duration_ms,
             MAX(b.submitted_at) AS last, COUNT(*) AS rounds
      FROM best b WHERE b.rn = 1 GROUP BY b.entrant_id) t
JOIN contests_entrant e ON e.id = t.entrant_id JOIN units_unit u ON u.id = e.unit_id
ORDER BY t.score DESC, t.gap, t.duration_ms, t.last, t.entrant_id
"""
)
_SUBMITTED = (
    "FROM contests_attempt a JOIN contests_round r ON r.id = a.round_id "
    "JOIN contests_entrant e ON e.id = a.entrant_id "
)
HAND_BY_CHILD = (
    "SELECT c.ancestor_id, COUNT(DISTINCT a.entrant_id), COUNT(*) "
    f"{_SUBMITTED}JOIN units_unitclosure c ON c.descendant_id = e.unit_id "
    "JOIN units_unit k ON k.id = c.ancestor_id "
    "WHERE r.contest_id = %s AND a.submitted_at IS NOT NULL AND k.parent_id = %s "
    "GROUP BY c.ancestor_id"
)
HAND_OWN = (
    f"SELECT COUNT(DISTINCT a.entrant_id), COUNT(*) {_SUBMITTED}"
    "WHERE r.contest_id = %s AND a.submitted_at IS NOT NULL AND e.unit_id = %s"
)
HAND_TOTAL = (
    f"SELECT COUNT(DISTINCT a.entrant_id), COUNT(*) {_SUBMITTED}"
    "WHERE r.contest_id = %s AND a.submitted_at IS NOT NULL"
)


def raw(query: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(query, list(params))
        return cur.fetchall()


def hand_round(contest_id: int, round_id: int, limit: int | None = None) -> list[tuple[Any, ...]]:
    return raw(HAND_ROUND + (f" LIMIT {int(limit)}" if limit else ""), [contest_id, round_id])


def hand_overall(contest_id: int, limit: int | None = None) -> list[tuple[Any, ...]]:
    return raw(HAND_OVERALL + (f" LIMIT {int(limit)}" if limit else ""), [contest_id])


def hand_participation(contest_id: int, unit_id: int) -> dict[str, Any]:
    """The participation table typed by hand: entrants and attempts by child (one grouped pass
    over the closure table), of the organiser's own unit and in all, and the members of each
    active child and of the whole subtree (the tree benchmark's hand SQL)."""
    members_col = 8  # id, code, name, kind, then tree_bench's figures; members is the 5th
    return {
        "by_child": raw(HAND_BY_CHILD, [contest_id, unit_id]),
        "own": raw(HAND_OWN, [contest_id, unit_id])[0],
        "total": raw(HAND_TOTAL, [contest_id])[0],
        "members": {r[0]: r[members_col] for r in tree_bench.raw(tree_bench.SQL_CHILDREN, unit_id)},
        "subtree_members": tree_bench.raw(tree_bench.SQL_SUBTREE, unit_id)[0][4],
        "unit_members": raw("SELECT member_count FROM units_unit WHERE id = %s", [unit_id])[0][0],
    }


# -- checking both sides agree -----------------------------------------------------------------


def _utc(value: Any) -> dt.datetime:
    """A timestamp as either side returns it (aware, naive UTC or SQLite's text), in UTC."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def check_same(contest: Any, rnd: Any) -> dict[str, int]:
    from lantoa.contests.selectors import overall_ranking, participation, round_ranking

    ours_r = round_ranking(rnd)
    hand_r = hand_round(contest.pk, rnd.pk)
    assert len(ours_r) == len(hand_r), f"round: {len(ours_r)} rows ≠ {len(hand_r)} by hand"
    for r, h in zip(ours_r, hand_r, strict=True):
        gap = NO_PREDICTION if r.gap is None else r.gap
        mine = (r.attempt_id, r.number, r.score, r.total, r.prediction, gap, r.duration_ms)
        mine += (_utc(r.submitted_at), r.entrant_id, r.full_name, r.phone, r.unit_id)
        mine += (r.unit_code, r.unit_name)
        theirs = (*h[:5], int(h[5]), h[6], _utc(h[7]), *h[8:])
        assert mine == theirs, f"round rank {r.rank}: {mine} ≠ {theirs}"
    ours_o = overall_ranking(contest)
    hand_o = hand_overall(contest.pk)
    assert len(ours_o) == len(hand_o), f"overall: {len(ours_o)} rows ≠ {len(hand_o)} by hand"
    for o, h in zip(ours_o, hand_o, strict=True):
        mine = (o.entrant_id, o.full_name, o.phone, o.unit_id, o.unit_code, o.unit_name, o.score)
        mine += (o.gap, o.duration_ms, _utc(o.last_submitted_at), o.rounds)
        theirs = (*h[:6], int(h[6]), int(h[7]), int(h[8]), _utc(h[9]), int(h[10]))
        assert mine == theirs, f"overall rank {o.rank}: {mine} ≠ {theirs}"
    table = participation(contest)
    hand = hand_participation(contest.pk, contest.unit_id)
    by_child = {r[0]: (int(r[1]), int(r[2])) for r in hand["by_child"]}
    for row in table.rows:
        assert row.unit is not None
        assert (row.entrants, row.attempts) == by_child.pop(row.unit.pk, (0, 0)), row.unit.code
        assert row.members == int(hand["members"].get(row.unit.pk) or 0), row.unit.code
    assert not by_child, f"children with entrants missing from the table: {sorted(by_child)}"
    assert (table.own.entrants, table.own.attempts) == tuple(map(int, hand["own"]))
    assert table.own.members == hand["unit_members"]
    assert table.total is not None
    assert (table.total.entrants, table.total.attempts) == tuple(map(int, hand["total"]))
    assert table.total.members == int(hand["subtree_members"])
    assert table.total.entrants > 0, "no entrants: the data is missing"
    return {"ranked": len(ours_r), "children": len(table.rows), "entrants": table.total.entrants}


# -- the table ---------------------------------------------------------------------------------


def machine_line(n: int, load_before: float, args: argparse.Namespace) -> str:
    from django.db import connection

    from lantoa.units.models import Unit

    with connection.cursor() as cur:
        cur.execute(
            "SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version"
        )
        version = cur.fetchone()[0]
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"**{connection.vendor} {version}**, {Unit.objects.count():,} units; one round of "
        f"{args.entrants:,} entrants and {args.attempts:,} submitted attempts, organiser "
        f"{ORGANISER}; {os.cpu_count()} CPU, {mem_gib:.0f} GiB RAM, Python "
        f"{platform.python_version()}; {n} runs each; load average {load_before:.1f} → "
        f"{os.getloadavg()[0]:.1f}; times in ms."
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    url = (
        prepare_sqlite(args.seed, BENCH)
        if args.db == "sqlite"
        else prepare_postgres_copy(args.pg_url, args.pg_template, args.seed)
    )
    tree_bench.setup_django(url)
    tree_bench.ensure_seeded(args.seed)

    from django.db import connection

    contest, rnd = contest_and_round()
    if connection.vendor == "sqlite":
        sqlite_bulk_mode(True)
    generate(contest, rnd, args.entrants, args.attempts, args.seed)
    if connection.vendor == "sqlite":
        sqlite_bulk_mode(False)

    from lantoa.contests.selectors import overall_ranking, participation, round_ranking

    print("Kiểm tra hai cách tính cho cùng kết quả…", flush=True)
    checked = check_same(contest, rnd)
    print(
        f"Khớp: {checked['ranked']:,} người được xếp hạng, {checked['children']} đơn vị trực "
        f"thuộc, {checked['entrants']:,} người dự thi.",
        flush=True,
    )

    n = args.repeat
    load_before = os.getloadavg()[0]
    cases: list[tuple[str, Any, Any]] = [
        (
            "round_ranking(rnd)",
            lambda _: round_ranking(rnd),
            lambda _: hand_round(contest.pk, rnd.pk),
        ),
        (
            "overall_ranking(contest)",
            lambda _: overall_ranking(contest),
            lambda _: hand_overall(contest.pk),
        ),
        (
            f"round_ranking(rnd, limit={SHOWN}) (page)",
            lambda _: round_ranking(rnd, limit=SHOWN),
            lambda _: hand_round(contest.pk, rnd.pk, SHOWN),
        ),
        (
            f"overall_ranking(contest, limit={SHOWN}) (page)",
            lambda _: overall_ranking(contest, limit=SHOWN),
            lambda _: hand_overall(contest.pk, SHOWN),
        ),
        (
            "participation(contest)",
            lambda _: participation(contest),
            lambda _: hand_participation(contest.pk, contest.unit_id),
        ),
    ]
    rows = []
    for label, ours, hand in cases:
        print(f"Đo {label}…", flush=True)
        o, h = timed([ours, hand], [0], n)
        rows.append((label, p50_p95(o), p50_p95(h), max(o)))

    lines = [
        machine_line(n, load_before, args),
        "",
        "| operation | ours p50 / p95 | hand SQL p50 / p95 | ratio (p50) | goal | result |",
        "|---|---|---|---|---|---|",
    ]
    failed = False
    for label, (o50, o95), (h50, h95), worst in rows:
        ratio = o50 / h50
        ok = ratio <= GOAL_RATIO and worst < GOAL_SECONDS * 1000
        failed |= not ok
        lines.append(
            f"| {label} | {fmt(o50)} / {fmt(o95)} | {fmt(h50)} / {fmt(h95)} | {ratio:.2f}× | "
            f"< {GOAL_SECONDS:.0f} s, ≤ {GOAL_RATIO}× | {'pass' if ok else 'FAIL'} |"
        )
    table = "\n".join(lines)
    print()
    print(table)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"contests-{args.db}.md").write_text(table + "\n", encoding="utf-8")
    if args.drop:
        connection.close()
        drop_copy(args, BENCH)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

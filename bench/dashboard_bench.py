"""Dashboard benchmark: activity roll-ups and the province dashboard over ≥ 10 million activity
records on the national seed.

    uv run python bench/dashboard_bench.py [--db sqlite|postgres] [--rows N] [--repeat N]

Works on its own copy of the national seed (~130.000 units), so that its 10 million rows never
weigh on the other benchmarks: SQLite ``bench/results/dashboard-national-<seed>.sqlite3``
(copied with SQLite's backup API from the tree benchmark's file when that one is seeded),
PostgreSQL ``lantoa_dashboard_bench`` (``CREATE DATABASE … TEMPLATE lantoa_bench`` when that one
is seeded and idle); otherwise the copy is seeded with bench/tree_bench.py's loader.

Activity records are generated in the database itself, deterministically from the row
number: PostgreSQL ``INSERT … SELECT`` over ``generate_series``, SQLite a recursive CTE, with
the table's secondary indexes dropped during the load and rebuilt after it (and on SQLite
journal and sync off for the load). Dates run from 01/01/2024 to 30/06/2026, 60 % outreach
sessions, every active unit (97 % of them grassroots unions) equally likely. A marker row keeps
the count and seed, so a second run reuses the data.

Then, in the same run and on the same data:

* **roll-ups** — ``activity_rollup`` (the selector behind reports and dashboards) for 6
  provinces and for the national root over 2026-H1, against the same aggregates written by
  hand with a raw cursor, interleaved, after checking both give the same figures;
* **dashboard** — ``GET /bao-cao/<province>/tong-quan/?ky=2026-H1`` through Django's test
  client as a logged-in, two-factor-verified officer: uncached (every request computes) and
  with a warm cache.

Goals: ours ≤ 1,5 × hand SQL (p50) and a province dashboard p95 < 300 ms (uncached). Prints a
Markdown table, also written to bench/results/dashboard-<db>.md; exit status 1 when a goal
fails. ``--drop`` deletes the copy afterwards (1–2 GB) to give the disk back.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sqlite3
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import tree_bench
from cascade_bench import prepare_postgres_copy
from tree_bench import PROVINCE_CODES, RESULTS, fmt, p50_p95, timed

GOAL_RATIO = 1.5
GOAL_DASHBOARD_P95_MS = 300.0
START, DAYS = dt.date(2024, 1, 1), 912  # 01/01/2024 … 30/06/2026
PERIOD = "2026-H1"
TITLE = "Tuyên truyền pháp luật lao động"
# Row number → kind: 12 of 20 outreach, then one or two of each other kind.
KIND_CASE = (
    "CASE WHEN {g} % 20 < 12 THEN 'outreach' WHEN {g} % 20 < 14 THEN 'campaign_event' "
    "WHEN {g} % 20 = 14 THEN 'training' WHEN {g} % 20 = 15 THEN 'contest' "
    "WHEN {g} % 20 = 16 THEN 'press' WHEN {g} % 20 = 17 THEN 'broadcast' "
    "WHEN {g} % 20 = 18 THEN 'initiative' ELSE 'commendation' END"
)
FORMAT_CASE = "CASE WHEN {g} % 20 >= 16 THEN '' WHEN {g} % 7 = 0 THEN 'online' ELSE 'direct' END"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--rows", type=int, default=10_000_000, help="activity records")
    parser.add_argument("--repeat", type=int, default=15, help="timed runs per province")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--pg-url", default="postgres://postgres@127.0.0.1:5432/lantoa_dashboard_bench"
    )
    parser.add_argument("--pg-template", default="lantoa_bench")
    parser.add_argument("--drop", action="store_true", help="delete the copy at the end")
    return parser.parse_args(argv)


# -- our copy of the national seed -------------------------------------------------------------


def _sqlite_meta(path: Path, key: str) -> str | None:
    if not path.exists():
        return None
    con = sqlite3.connect(path)
    try:
        row = con.execute("SELECT value FROM bench_meta WHERE key = ?", [key]).fetchone()
    except sqlite3.Error:
        row = None
    finally:
        con.close()
    return row[0] if row else None


def sqlite_path(seed: int, name: str = "dashboard") -> Path:
    """The bench's own copy of the national seed (``name``: the bench that uses it)."""
    return RESULTS / f"{name}-national-{seed}.sqlite3"


def prepare_sqlite(seed: int, name: str = "dashboard") -> str:
    marker = f"national:{seed}"
    mine = sqlite_path(seed, name)
    if _sqlite_meta(mine, "seed") != marker:
        for leftover in RESULTS.glob(mine.name + "*"):
            leftover.unlink()
        source = Path(tree_bench.prepare_sqlite(seed).removeprefix("sqlite:///"))
        if _sqlite_meta(source, "seed") == marker:
            print(f"Sao chép CSDL mẫu toàn quốc từ {source.name}…", flush=True)
            src, dst = sqlite3.connect(source), sqlite3.connect(mine)
            with dst:
                src.backup(dst)
            src.close()
            dst.close()
    return f"sqlite:///{mine}"


def drop_copy(args: argparse.Namespace, name: str = "dashboard") -> None:
    if args.db == "sqlite":
        for leftover in RESULTS.glob(sqlite_path(args.seed, name).name + "*"):
            leftover.unlink()
        return
    import psycopg
    from psycopg import sql

    base, _, dbname = args.pg_url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname))
        )


# -- generating the records -------------------------------------------------------------------


def _meta(cur: Any, key: str) -> str | None:
    cur.execute("SELECT value FROM bench_meta WHERE key = %s", [key])
    row = cur.fetchone()
    return row[0] if row else None


def _secondary_indexes(cur: Any, vendor: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the activity table's indexes other than the primary key."""
    if vendor == "postgresql":
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'activities_activity' "
            "AND indexname NOT LIKE %s",
            ["%pkey"],
        )
    else:
        cur.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
            "AND tbl_name = 'activities_activity' AND sql IS NOT NULL"
        )
    return [(name, ddl) for name, ddl in cur.fetchall()]


def generate(rows: int, seed: int) -> None:
    """Fill activities_activity with ``rows`` records (once per rows/seed)."""
    from django.db import connection, transaction

    marker = f"{rows}:{seed}"
    with connection.cursor() as cur:
        if _meta(cur, "activities") == marker:
            cur.execute("SELECT COUNT(*) FROM activities_activity")
            print(f"Dùng lại {cur.fetchone()[0]:,} hoạt động đã sinh.", flush=True)
            return
    vendor = connection.vendor
    started = time.monotonic()
    g = "g.n"
    kind = KIND_CASE.format(g=g)
    fmt_ = FORMAT_CASE.format(g=g)
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM activities_activity")
        cur.execute("DELETE FROM bench_meta WHERE key = 'activities'")
        indexes = _secondary_indexes(cur, vendor)
        for name, _ddl in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        cur.execute("DROP TABLE IF EXISTS bench_units")
        cur.execute(
            "CREATE TEMPORARY TABLE bench_units (idx INTEGER PRIMARY KEY, unit_id BIGINT NOT NULL)"
        )
        cur.execute(
            "INSERT INTO bench_units (idx, unit_id) SELECT ROW_NUMBER() OVER (ORDER BY id) - 1, id "
            "FROM units_unit WHERE status = 'active'"
        )
        cur.execute("SELECT COUNT(*) FROM bench_units")
        units = cur.fetchone()[0]
        columns = (
            "INSERT INTO activities_activity (unit_id, held_on, kind, title, format, outlet, "
            "participants, quantity, note, created_at) "
        )
        if vendor == "postgresql":
            cur.execute("SET LOCAL session_replication_role = replica")  # no FK triggers
            prefix = ""
            source = f"generate_series(1::bigint, {int(rows)}) AS g(n)"
            day = f"DATE '{START.isoformat()}' + (({g} * 104729 + {seed}) % {DAYS})::int"
            extra = f"({g} % 11 = 0)::int + ({g} % 29 = 0)::int"
            now = "now()"
        else:
            # The row numbers come from a recursive CTE, streamed into the INSERT.
            prefix = (
                "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g "
                f"WHERE n < {int(rows)}) "
            )
            source = "g"
            day = (
                f"date('{START.isoformat()}', '+' || (({g} * 104729 + {seed}) % {DAYS}) || ' days')"
            )
            extra = f"({g} % 11 = 0) + ({g} % 29 = 0)"
            now = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
        cur.execute(
            f"{prefix}{columns}"
            f"SELECT u.unit_id, {day}, {kind}, '{TITLE}', {fmt_}, '', "
            f"5 + ({g} * 31 + {seed}) % 296, 1 + {extra}, '', {now} "
            f"FROM {source} JOIN bench_units u ON u.idx = ({g} * 7919 + {seed}) % {units}"
        )
        loaded = time.monotonic()
        print(f"Đã sinh {rows:,} hoạt động trong {loaded - started:.0f} giây.", flush=True)
        for _name, ddl in indexes:
            cur.execute(ddl)
        print(f"Dựng lại {len(indexes)} chỉ mục: {time.monotonic() - loaded:.0f} giây.", flush=True)
        cur.execute("DROP TABLE bench_units")
        cur.execute("INSERT INTO bench_meta (key, value) VALUES ('activities', %s)", [marker])
    with connection.cursor() as cur:
        cur.execute("ANALYZE" if vendor == "sqlite" else "VACUUM ANALYZE activities_activity")
    print(f"Tổng thời gian sinh dữ liệu: {time.monotonic() - started:.0f} giây.", flush=True)


def sqlite_bulk_mode(on: bool) -> None:
    """Journal and sync off while loading (a crash means re-generating, nothing else)."""
    from django.db import connection

    with connection.cursor() as cur:
        if on:
            cur.execute("PRAGMA journal_mode = OFF")
            cur.execute("PRAGMA synchronous = OFF")
            cur.execute("PRAGMA cache_size = -400000")
            cur.execute("PRAGMA temp_store = FILE")
        else:
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")


# -- hand-written SQL --------------------------------------------------------------------------

_FIGURES = (
    "COUNT(*), SUM(a.quantity), SUM(a.participants), "
    "SUM(CASE WHEN a.format = 'direct' THEN a.quantity ELSE 0 END), "
    "SUM(CASE WHEN a.format = 'online' THEN a.quantity ELSE 0 END), "
    "COUNT(DISTINCT CASE WHEN u.kind = 'grassroots' THEN a.unit_id END)"
)
SQL_OWN = (
    f"SELECT a.kind, {_FIGURES} FROM activities_activity a JOIN units_unit u ON u.id = a.unit_id "
    "WHERE a.unit_id = %s AND a.held_on >= %s AND a.held_on <= %s GROUP BY a.kind"
)
SQL_BY_CHILD = (
    f"SELECT c.ancestor_id, a.kind, {_FIGURES} FROM units_unit k "
    "JOIN units_unitclosure c ON c.ancestor_id = k.id "
    "JOIN activities_activity a ON a.unit_id = c.descendant_id "
    "JOIN units_unit u ON u.id = a.unit_id "
    "WHERE k.parent_id = %s AND a.held_on >= %s AND a.held_on <= %s "
    "GROUP BY c.ancestor_id, a.kind"
)
SQL_CHILDREN = "SELECT id, code, name, kind, status FROM units_unit WHERE parent_id = %s"
# Only to check the totals once: the whole subtree in one pass, not derived from the children.
SQL_TOTALS = (
    f"SELECT a.kind, {_FIGURES} FROM units_unitclosure c "
    "JOIN activities_activity a ON a.unit_id = c.descendant_id "
    "JOIN units_unit u ON u.id = a.unit_id "
    "WHERE c.ancestor_id = %s AND a.held_on >= %s AND a.held_on <= %s GROUP BY a.kind"
)


def raw(query: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(query, list(params))
        return cur.fetchall()


def hand_rollup(unit_id: int, start: dt.date, end: dt.date) -> tuple[list[Any], list[Any]]:
    """The roll-up as the selector computes it, typed by hand: the unit's own records by kind,
    the subtree's by child and kind (one pass), the list of children; the totals are the sum
    (every unit below is under exactly one child)."""
    own = raw(SQL_OWN, [unit_id, start, end])
    by_child = raw(SQL_BY_CHILD, [unit_id, start, end])
    raw(SQL_CHILDREN, [unit_id])
    totals: dict[str, list[int]] = {}
    for row in [*own, *((r[1], *r[2:]) for r in by_child)]:
        sums = totals.setdefault(row[0], [0] * 6)
        for i, value in enumerate(row[1:]):
            sums[i] += int(value or 0)
    return [(k, *v) for k, v in totals.items()], by_child


def _ours_tuples(rollup: Any) -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    from lantoa.activities.selectors import KINDS

    def row(f: Any) -> tuple[int, ...]:
        return (f.records, f.quantity, f.participants, f.direct, f.online, f.grassroots)

    totals = {(k, *row(rollup.kind(k))) for k in KINDS if not rollup.kind(k).empty}
    children = {
        (c.unit.pk, k, *row(c.kind(k)))
        for c in rollup.children
        for k in KINDS
        if not c.kind(k).empty
    }
    return totals, children


def _hand_tuples(totals: list[Any], by_child: list[Any]) -> tuple[set[Any], set[Any]]:
    def ints(values: Sequence[Any]) -> tuple[int, ...]:
        return tuple(int(v or 0) for v in values)

    return (
        {(r[0], *ints(r[1:])) for r in totals},
        {(r[0], r[1], *ints(r[2:])) for r in by_child},
    )


# -- the dashboard through the test client ------------------------------------------------------


def dashboard_client() -> Any:
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from lantoa.accounts.models import User

    user = User.objects.filter(username="bench_admin").first()
    if user is None:
        user = User.objects.create_superuser("bench_admin", password=None)
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def machine_line(n: int) -> str:
    from django.db import connection

    from lantoa.activities.models import Activity
    from lantoa.units.models import Unit

    with connection.cursor() as cur:
        cur.execute(
            "SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version"
        )
        version = cur.fetchone()[0]
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"**{connection.vendor} {version}**, {Unit.objects.count():,} units, "
        f"{Activity.objects.count():,} activity records; {os.cpu_count()} CPU, "
        f"{mem_gib:.0f} GiB RAM, Python {platform.python_version()}; {n} runs per province; "
        f"load average {os.getloadavg()[0]:.1f}; period {PERIOD}; times in ms."
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    url = (
        prepare_sqlite(args.seed)
        if args.db == "sqlite"
        else prepare_postgres_copy(args.pg_url, args.pg_template, args.seed)
    )
    os.environ.setdefault("LANTOA_TESTING", "1")  # plain static files storage for the pages
    os.environ.setdefault("LANTOA_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    tree_bench.setup_django(url)
    tree_bench.ensure_seeded(args.seed)

    from django.db import connection
    from django.test.utils import override_settings, setup_test_environment

    if connection.vendor == "sqlite":
        sqlite_bulk_mode(True)
    generate(args.rows, args.seed)
    if connection.vendor == "sqlite":
        sqlite_bulk_mode(False)

    from lantoa.activities.selectors import activity_rollup
    from lantoa.core.periods import parse_period
    from lantoa.units.models import Unit

    period = parse_period(PERIOD)
    start, end = period.start, period.end
    provinces = list(Unit.objects.filter(code__in=PROVINCE_CODES).order_by("code"))
    root = Unit.objects.get(parent__isnull=True)
    by_id = {u.pk: u for u in [*provinces, root]}

    # Both sides must agree before their timings mean anything.
    for unit in [*provinces[:2], root]:
        ours = _ours_tuples(activity_rollup(unit, start, end))
        hand = _hand_tuples(*hand_rollup(unit.pk, start, end)[:2])
        assert ours == hand, f"roll-up of {unit.code} differs from the hand SQL"
        direct = _hand_tuples(raw(SQL_TOTALS, [unit.pk, start, end]), [])[0]
        assert ours[0] == direct, f"totals of {unit.code} differ from a direct pass"
        assert ours[0], "no records in the period: the data is missing"

    n = args.repeat
    load_before = os.getloadavg()[0]
    prov_ids = [u.pk for u in provinces]

    def ours(i: int) -> Any:
        return activity_rollup(by_id[i], start, end)

    def hand(i: int) -> Any:
        return hand_rollup(i, start, end)

    rows: list[tuple[str, str, tuple[float, float], tuple[float, float], bool]] = []
    print("Đo tổng hợp cấp tỉnh…", flush=True)
    o, h = timed([ours, hand], prov_ids, n)
    rows.append(("activity_rollup(tỉnh)", "≤ 1.5×", p50_p95(o), p50_p95(h), True))
    print("Đo tổng hợp toàn quốc…", flush=True)
    o, h = timed([ours, hand], [root.pk], max(3, n // 3))
    rows.append(("activity_rollup(toàn quốc)", "≤ 1.5×", p50_p95(o), p50_p95(h), True))

    setup_test_environment()
    client = dashboard_client()
    locmem = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    dash: dict[str, list[float]] = {}
    for label, ttl in (("uncached", 0), ("cached", 60)):
        print(f"Đo trang tổng quan cấp tỉnh ({label})…", flush=True)
        with override_settings(LANTOA_DASHBOARD_CACHE_SECONDS=ttl, CACHES=locmem):
            samples: list[float] = []
            for unit in provinces:  # warm-up, and every page must answer 200
                response = client.get(f"/bao-cao/{unit.code}/tong-quan/?ky={PERIOD}")
                assert response.status_code == 200, response.status_code
            for _ in range(n):
                for unit in provinces:
                    began = time.perf_counter()
                    client.get(f"/bao-cao/{unit.code}/tong-quan/?ky={PERIOD}")
                    samples.append((time.perf_counter() - began) * 1000)
            dash[label] = samples

    lines = [
        machine_line(n).replace("load average", f"load average {load_before:.1f} →"),
        "",
        "| operation | ours p50 / p95 | hand SQL p50 / p95 | ratio (p50) | goal | result |",
        "|---|---|---|---|---|---|",
    ]
    failed = False
    for label, goal, (o50, o95), (h50, h95), _ in rows:
        ratio = o50 / h50
        ok = ratio <= GOAL_RATIO
        failed |= not ok
        lines.append(
            f"| {label} | {fmt(o50)} / {fmt(o95)} | {fmt(h50)} / {fmt(h95)} | {ratio:.2f}× | "
            f"{goal} | {'pass' if ok else 'FAIL'} |"
        )
    for label, samples in dash.items():
        p50, p95 = p50_p95(samples)
        goal_ok = p95 < GOAL_DASHBOARD_P95_MS
        if label == "uncached":
            failed |= not goal_ok
        lines.append(
            f"| GET /bao-cao/<tỉnh>/tong-quan/ ({label}) | {fmt(p50)} / {fmt(p95)} | — | — | "
            f"p95 < {GOAL_DASHBOARD_P95_MS:.0f} ms | {'pass' if goal_ok else 'FAIL'} |"
        )
    table = "\n".join(lines)
    print()
    print(table)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"dashboard-{args.db}.md").write_text(table + "\n", encoding="utf-8")
    if args.drop:
        connection.close()
        drop_copy(args)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

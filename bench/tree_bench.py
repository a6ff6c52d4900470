"""Tree roll-up benchmark: our selectors against hand-written SQL on the national seed.

    uv run python bench/tree_bench.py [--db sqlite|postgres] [--repeat N] [--seed N]

Builds (or reuses, when it holds the same seed) a database of ``lantoa seed --size national``
(~130.000 units): SQLite under bench/results/, or the PostgreSQL database ``lantoa_bench`` on
127.0.0.1:5432 (``--pg-url`` to change), which it creates. Then it times, in the same run and on
the same data, each selector against the equivalent closure-table join written by hand with a
raw cursor, plus a recursive CTE over ``parent_id`` as an informative extra column, checks that
all three give the same answer, and prints a Markdown table (also written to bench/results/).

The hand SQL below is the baseline and stays independent of lantoa.units.selectors, even where
the selectors now send similar SQL themselves: the selectors also build ``Unit`` instances and
``SubtreeFigures``, the baseline returns bare tuples, and that difference is what is measured.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PROVINCE_CODES = ("HN", "HCM", "TN", "DN", "CM", "LC")
GOAL_RATIO = 1.5
GOAL_PROVINCE_P95_MS = 50.0


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--repeat", type=int, default=40, help="timed runs per operation and target (default 40)"
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/lantoa_bench")
    return parser.parse_args(argv)


# -- database preparation (before Django is set up) ------------------------------------------


def _marker(seed: int) -> str:
    return f"national:{seed}"


def prepare_sqlite(seed: int) -> str:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"tree-national-{seed}.sqlite3"
    if path.exists():
        con = sqlite3.connect(path)
        try:
            row = con.execute("SELECT value FROM bench_meta WHERE key = 'seed'").fetchone()
        except sqlite3.Error:
            row = None
        con.close()
        if row is None or row[0] != _marker(seed):
            for leftover in RESULTS.glob(path.name + "*"):
                leftover.unlink()
    return f"sqlite:///{path}"


def prepare_postgres(url: str, seed: int) -> str:
    import psycopg
    from psycopg import sql

    base, _, dbname = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
        keep = False
        if exists:
            with psycopg.connect(url) as con:
                try:
                    row = con.execute("SELECT value FROM bench_meta WHERE key = 'seed'").fetchone()
                    keep = row is not None and row[0] == _marker(seed)
                except psycopg.Error:
                    keep = False
            if not keep:
                admin.execute(
                    sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(dbname))
                )
        if not keep:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
    return url


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("LANTOA_ALLOW_INSECURE_KEY", "1")
    os.environ.setdefault("LANTOA_DATA_DIR", str(RESULTS / "data"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantoa.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def ensure_seeded(seed: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from lantoa.units.models import Unit

    call_command("migrate", interactive=False, verbosity=0)
    with connection.cursor() as cur:
        cur.execute(
            "CREATE TABLE IF NOT EXISTS bench_meta (key VARCHAR(50) PRIMARY KEY, "
            "value VARCHAR(200) NOT NULL)"
        )
        cur.execute("SELECT value FROM bench_meta WHERE key = 'seed'")
        row = cur.fetchone()
    if row and row[0] == _marker(seed) and Unit.objects.exists():
        print(f"Dùng lại CSDL đã sinh với hạt giống {seed}: {Unit.objects.count()} đơn vị.")
    else:
        started = time.monotonic()
        call_command("seed", size="national", seed=seed)
        print(f"Sinh dữ liệu toàn quốc: {time.monotonic() - started:.0f} giây.")
        with connection.cursor() as cur:
            cur.execute("DELETE FROM bench_meta")
            cur.execute("INSERT INTO bench_meta (key, value) VALUES ('seed', %s)", [_marker(seed)])
    # Fresh planner statistics (and, on PostgreSQL, the visibility map that index-only scans
    # need), as production has once autovacuum has passed after a bulk load.
    with connection.cursor() as cur:
        cur.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")


# -- hand-written SQL --------------------------------------------------------------------------

_UPPER = "('sector', 'industrial_zone', 'commune', 'other_upper')"
_FIGURES = (
    "COUNT(*), "
    "SUM(CASE WHEN u.kind = 'grassroots' THEN 1 ELSE 0 END), "
    f"SUM(CASE WHEN u.kind IN {_UPPER} THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN u.kind = 'province' THEN 1 ELSE 0 END), "
    "COALESCE(SUM(u.member_count), 0), COALESCE(SUM(u.worker_count), 0)"
)
SQL_SUBTREE = (
    f"SELECT {_FIGURES} FROM units_unitclosure c "
    "JOIN units_unit u ON u.id = c.descendant_id "
    "WHERE c.ancestor_id = %s AND u.status = 'active'"
)
CTE_SUBTREE = (
    "WITH RECURSIVE sub(id) AS (SELECT id FROM units_unit WHERE id = %s "
    "UNION ALL SELECT u.id FROM units_unit u JOIN sub ON u.parent_id = sub.id) "
    f"SELECT {_FIGURES} FROM sub JOIN units_unit u ON u.id = sub.id WHERE u.status = 'active'"
)
_UNIT_COLUMNS = (
    "u.id, u.code, u.name, u.short_name, u.kind, u.parent_id, u.depth, u.status, "
    "u.member_count, u.worker_count, u.employer_name, u.address, "
    "u.industrial_zone, u.sector, u.successor_id, u.ended_on, u.search_text, "
    "u.created_at, u.updated_at"
)
SQL_PATH = (
    f"SELECT {_UNIT_COLUMNS} FROM units_unit u JOIN units_unitclosure c ON c.ancestor_id = u.id "
    "WHERE c.descendant_id = %s ORDER BY c.depth DESC"  # no sort: unit_closure_up gives it
)
CTE_PATH = (
    "WITH RECURSIVE up(id, parent_id) AS (SELECT id, parent_id FROM units_unit WHERE id = %s "
    "UNION ALL SELECT p.id, p.parent_id FROM units_unit p JOIN up ON p.id = up.parent_id) "
    f"SELECT {_UNIT_COLUMNS} FROM up JOIN units_unit u ON u.id = up.id ORDER BY u.depth"
)
SQL_CHILDREN = (
    f"SELECT ch.id, ch.code, ch.name, ch.kind, {_FIGURES} FROM units_unit ch "
    "JOIN units_unitclosure c ON c.ancestor_id = ch.id "
    "JOIN units_unit u ON u.id = c.descendant_id "
    "WHERE ch.parent_id = %s AND ch.status = 'active' AND u.status = 'active' "
    "GROUP BY ch.id, ch.code, ch.name, ch.kind ORDER BY ch.kind, ch.name"
)
CTE_CHILDREN = (
    "WITH RECURSIVE sub(top, id) AS (SELECT id, id FROM units_unit "
    "WHERE parent_id = %s AND status = 'active' "
    "UNION ALL SELECT sub.top, u.id FROM units_unit u JOIN sub ON u.parent_id = sub.id) "
    f"SELECT ch.id, ch.code, ch.name, ch.kind, {_FIGURES} FROM sub "
    "JOIN units_unit u ON u.id = sub.id JOIN units_unit ch ON ch.id = sub.top "
    "WHERE u.status = 'active' GROUP BY ch.id, ch.code, ch.name, ch.kind ORDER BY ch.kind, ch.name"
)


def raw(query: str, param: int) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(query, [param])
        return cur.fetchall()


# -- timing ------------------------------------------------------------------------------------


def timed(
    fns: Sequence[Callable[[int], Any]], targets: Sequence[int], repeat: int
) -> list[list[float]]:
    """Samples in ms for each of ``fns``; the calls are interleaved (ours, hand, CTE, hand,
    ours, CTE…) so that load from other processes on the machine hits all of them alike.

    The first two swap places on every call: whichever runs right after the recursive CTE
    (which walks the whole ``units_unit`` table) finds the CPU caches cold and pays ~0,3 ms
    for it on SQLite, and the one run second finds the pages the first one just read. A
    fixed order would hand both effects to the same side."""
    for target in targets:  # warm caches and prepared statements
        for fn in fns:
            fn(target)
    samples: list[list[float]] = [[] for _ in fns]
    order = list(range(len(fns)))
    swapped = [1, 0, *order[2:]]
    calls = 0
    for _ in range(repeat):
        for target in targets:
            for i in order if calls % 2 == 0 else swapped:
                start = time.perf_counter()
                fns[i](target)
                samples[i].append((time.perf_counter() - start) * 1000)
            calls += 1
    return samples


def p50_p95(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=20, method="inclusive")
    return statistics.median(samples), cuts[18]


def fmt(ms: float) -> str:
    # Three significant figures: a path to the root takes tens of microseconds.
    return f"{ms:.3f}" if ms < 1 else f"{ms:.2f}" if ms < 10 else f"{ms:.1f}"


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    url = (
        prepare_sqlite(args.seed)
        if args.db == "sqlite"
        else prepare_postgres(args.pg_url, args.seed)
    )
    setup_django(url)
    ensure_seeded(args.seed)

    from django.db import connection

    from lantoa.units.models import Unit, UnitKind
    from lantoa.units.selectors import SubtreeFigures, children_figures, path_to_root
    from lantoa.units.selectors import subtree_figures as ours_subtree

    def figures_tuple(f: SubtreeFigures) -> tuple[int, ...]:
        return (f.units, f.grassroots, f.upper_level, f.provinces, f.members, f.workers)

    provinces = list(Unit.objects.filter(code__in=PROVINCE_CODES).order_by("code"))
    root = Unit.objects.get(code="VN")
    leaf_ids = list(
        Unit.objects.filter(kind=UnitKind.GRASSROOTS).order_by("pk").values_list("pk", flat=True)
    )
    leaves = list(Unit.objects.filter(pk__in=random.Random(args.seed).sample(leaf_ids, 50)))
    leaf_by_id = {u.pk: u for u in leaves}
    prov_by_id = {u.pk: u for u in provinces}

    # The three ways must agree before their timings mean anything.
    for unit in [*provinces, root]:
        ours = figures_tuple(ours_subtree(unit))
        assert ours == tuple(raw(SQL_SUBTREE, unit.pk)[0]) == tuple(raw(CTE_SUBTREE, unit.pk)[0])
    for leaf in leaves[:10]:
        ids = [u.pk for u in path_to_root(leaf)]
        assert (
            ids == [r[0] for r in raw(SQL_PATH, leaf.pk)] == [r[0] for r in raw(CTE_PATH, leaf.pk)]
        )
    for unit in provinces[:2]:
        ours_children = [(c.pk, *figures_tuple(f)) for c, f in children_figures(unit)]
        hand = [(r[0], *r[4:]) for r in raw(SQL_CHILDREN, unit.pk)]
        cte = [(r[0], *r[4:]) for r in raw(CTE_CHILDREN, unit.pk)]
        assert sorted(ours_children) == sorted(hand) == sorted(cte)

    n = args.repeat
    # Other processes on the machine stretch the slower side more (a longer call is more
    # often preempted): the table records how busy the machine was.
    load_before = os.getloadavg()[0]
    prov_ids = [u.pk for u in provinces]
    leaf_ids = [u.pk for u in leaves]
    rows = [
        (
            "subtree_figures(tỉnh)",
            True,
            timed(
                [ours_subtree, lambda i: raw(SQL_SUBTREE, i), lambda i: raw(CTE_SUBTREE, i)],
                prov_ids,
                n,
            ),
        ),
        (
            "subtree_figures(toàn quốc)",
            False,
            timed(
                [ours_subtree, lambda i: raw(SQL_SUBTREE, i), lambda i: raw(CTE_SUBTREE, i)],
                [root.pk],
                max(5, n // 4),
            ),
        ),
        (
            "path_to_root(CĐCS)",
            False,
            timed(
                [
                    lambda i: path_to_root(leaf_by_id[i]),
                    lambda i: raw(SQL_PATH, i),
                    lambda i: raw(CTE_PATH, i),
                ],
                leaf_ids,
                n,
            ),
        ),
        (
            "children_figures(tỉnh)",
            True,
            timed(
                [
                    lambda i: children_figures(prov_by_id[i]),
                    lambda i: raw(SQL_CHILDREN, i),
                    lambda i: raw(CTE_CHILDREN, i),
                ],
                prov_ids,
                n,
            ),
        ),
    ]

    with connection.cursor() as cur:
        cur.execute(
            "SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version"
        )
        version = cur.fetchone()[0]
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    lines = [
        f"**{connection.vendor} {version}**, {Unit.objects.count():,} units; "
        f"{os.cpu_count()} CPU, {mem_gib:.0f} GiB RAM, Python {platform.python_version()}; "
        f"{n} runs per target ({len(prov_ids)} provinces, {len(leaf_ids)} grassroots units); "
        f"load average {load_before:.1f} → {os.getloadavg()[0]:.1f}; times in ms.",
        "",
        "| operation | ours p50 / p95 | hand SQL p50 / p95 | recursive CTE p50 / p95 | "
        "ratio (ours/hand p50) | goal | result |",
        "|---|---|---|---|---|---|---|",
    ]
    failed = False
    for label, province_goal, (ours, hand, cte) in rows:
        o50, o95 = p50_p95(ours)
        h50, h95 = p50_p95(hand)
        c50, c95 = p50_p95(cte)
        ratio = o50 / h50
        ok = ratio <= GOAL_RATIO and (not province_goal or o95 < GOAL_PROVINCE_P95_MS)
        goal = f"≤ {GOAL_RATIO}×" + (
            f", p95 < {GOAL_PROVINCE_P95_MS:.0f} ms" if province_goal else ""
        )
        failed |= not ok
        lines.append(
            f"| {label} | {fmt(o50)} / {fmt(o95)} | {fmt(h50)} / {fmt(h95)} | "
            f"{fmt(c50)} / {fmt(c95)} | {ratio:.2f}× | {goal} | "
            f"{'pass' if ok else 'FAIL'} |"
        )
    table = "\n".join(lines)
    print()
    print(table)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"tree-{args.db}.md").write_text(table + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

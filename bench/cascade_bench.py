"""Cascade benchmark on the national seed: send to every unit, then roll the completion up.

    uv run python bench/cascade_bench.py [--db sqlite|postgres] [--repeat N] [--seed N]

Works on its own copy of the national seed, so that its writes never disturb the tree
benchmark: SQLite ``bench/results/cascade-national-<seed>.sqlite3`` (copied from the tree
benchmark's file with SQLite's backup API when that one exists), PostgreSQL
``lantoa_cascade_bench`` (``CREATE DATABASE … TEMPLATE lantoa_bench`` when that one is seeded
and idle). Otherwise the copy is seeded with bench/tree_bench.py's loader.

(a) creates a cascade from the national root to every active unit and sends it (one
INSERT … SELECT), timed end to end; the same rows written with the ORM's ``bulk_create`` are
timed beside it; (b) marks a seeded-random 60 % of recipients done at varied times (some after
the due date; 15 % acknowledged, 10 % received, 15 % left pending); (c) times the roll-up
selector ``completion_by_child`` for the national root and six provinces against the same
join written by hand (and a recursive CTE, informative), interleaved, after checking that
all three give the same figures; plus a page of laggards, one unit reporting "done", and the
reminder round. Prints a Markdown table, also written to bench/results/cascade-<db>.md; the
exit status is 1 when a goal fails.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sqlite3
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import tree_bench
from tree_bench import PROVINCE_CODES, RESULTS, fmt, p50_p95, timed

GOAL_RATIO = 1.5
GOAL_SEND_S = 10.0
BENCH_TITLE = "[bench] Định hướng tuyên truyền toàn quốc"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per target")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--pg-url", default="postgres://postgres@127.0.0.1:5432/lantoa_cascade_bench"
    )
    parser.add_argument(
        "--pg-template", default="lantoa_bench", help="seeded database to copy, if idle"
    )
    return parser.parse_args(argv)


# -- our own copy of the national seed ---------------------------------------------------------


def _sqlite_marker(path: Path) -> str | None:
    if not path.exists():
        return None
    con = sqlite3.connect(path)
    try:
        row = con.execute("SELECT value FROM bench_meta WHERE key = 'seed'").fetchone()
    except sqlite3.Error:
        row = None
    finally:
        con.close()
    return row[0] if row else None


def prepare_sqlite_copy(seed: int) -> str:
    marker = f"national:{seed}"
    mine = RESULTS / f"cascade-national-{seed}.sqlite3"
    if _sqlite_marker(mine) != marker:
        for leftover in RESULTS.glob(mine.name + "*"):
            leftover.unlink()
        source = Path(tree_bench.prepare_sqlite(seed).removeprefix("sqlite:///"))
        if _sqlite_marker(source) == marker:
            print(f"Sao chép CSDL mẫu toàn quốc từ {source.name}…")
            src, dst = sqlite3.connect(source), sqlite3.connect(mine)
            with dst:
                src.backup(dst)
            src.close()
            dst.close()
    return f"sqlite:///{mine}"


def prepare_postgres_copy(url: str, template: str, seed: int) -> str:
    import psycopg
    from psycopg import sql

    base, _, dbname = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
        has_template = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [template]
        ).fetchone()
        if not exists and has_template:
            try:
                with psycopg.connect(f"{base}/{template}") as con:
                    row = con.execute("SELECT value FROM bench_meta WHERE key = 'seed'").fetchone()
                if row and row[0] == f"national:{seed}":
                    admin.execute(
                        sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                            sql.Identifier(dbname), sql.Identifier(template)
                        )
                    )
                    print(f"Sao chép CSDL mẫu toàn quốc từ {template}.")
            except psycopg.Error as exc:  # busy template, no bench_meta…: seed instead
                print(f"Không sao chép được {template} ({exc.__class__.__name__}); sinh lại.")
    return tree_bench.prepare_postgres(url, seed)


# -- hand-written SQL ---------------------------------------------------------------------------

_FIGURES = (
    "COUNT(*), "
    "SUM(CASE WHEN r.state <> 'pending' THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN r.state IN ('acknowledged', 'done') THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN r.state = 'done' THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN r.state = 'done' AND r.done_at < %s THEN 1 ELSE 0 END)"
)
SQL_BY_CHILD = (
    f"SELECT ch.id, ch.code, ch.name, {_FIGURES} FROM units_unit ch "
    "JOIN units_unitclosure c ON c.ancestor_id = ch.id "
    "JOIN cascades_cascaderecipient r ON r.unit_id = c.descendant_id AND r.cascade_id = %s "
    "WHERE ch.parent_id = %s GROUP BY ch.id, ch.code, ch.name ORDER BY ch.kind, ch.name, ch.id"
)
CTE_BY_CHILD = (
    "WITH RECURSIVE sub(top, id) AS (SELECT id, id FROM units_unit WHERE parent_id = %s "
    "UNION ALL SELECT sub.top, u.id FROM units_unit u JOIN sub ON u.parent_id = sub.id) "
    f"SELECT ch.id, ch.code, ch.name, {_FIGURES} FROM sub "
    "JOIN cascades_cascaderecipient r ON r.unit_id = sub.id AND r.cascade_id = %s "
    "JOIN units_unit ch ON ch.id = sub.top "
    "GROUP BY ch.id, ch.code, ch.name ORDER BY ch.kind, ch.name, ch.id"
)
SQL_LAGGARDS_COUNT = (
    "SELECT COUNT(*) FROM cascades_cascaderecipient r WHERE r.cascade_id = %s "
    "AND r.state <> 'done' AND r.unit_id IN "
    "(SELECT descendant_id FROM units_unitclosure WHERE ancestor_id = %s)"
)
SQL_LAGGARDS_PAGE = (
    "SELECT r.id, r.state, r.received_at, r.acknowledged_at, u.id, u.code, u.name, u.kind, "
    "p.id, p.name, k.id, k.title, k.due_on FROM cascades_cascaderecipient r "
    "JOIN cascades_cascade k ON k.id = r.cascade_id "
    "JOIN units_unit u ON u.id = r.unit_id LEFT JOIN units_unit p ON p.id = u.parent_id "
    "WHERE r.cascade_id = %s AND r.state <> 'done' AND r.unit_id IN "
    "(SELECT descendant_id FROM units_unitclosure WHERE ancestor_id = %s) "
    "ORDER BY k.due_on, CASE r.state WHEN 'pending' THEN 0 WHEN 'received' THEN 1 "
    "WHEN 'acknowledged' THEN 2 ELSE 3 END, u.depth, u.name, r.id LIMIT 25"
)


def raw(query: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(query, list(params))
        return cur.fetchall()


# -- steps ------------------------------------------------------------------------------------


def clear_cascades() -> None:
    """Our copy holds only benchmark cascades: drop them all (raw deletes, no collector)."""
    from lantoa.cascades.models import Cascade, CascadeAttachment, CascadeRecipient

    CascadeRecipient.objects.all()._raw_delete("default")
    CascadeAttachment.objects.all()._raw_delete("default")
    Cascade.objects.all()._raw_delete("default")


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("ANALYZE")
        else:
            # The visibility map index-only scans need, as autovacuum leaves it in production.
            cur.execute("VACUUM ANALYZE cascades_cascaderecipient")


def create_and_send(root: Any, due_on: Any) -> tuple[Any, float, float]:
    """(cascade, seconds to create the draft and send it, seconds of the send alone)."""
    from lantoa.cascades import services

    started = time.perf_counter()
    cascade = services.cascade_create(
        sender=root,
        actor=None,
        title=BENCH_TITLE,
        instructions="Tuyên truyền Tháng Công nhân năm 2026 trên mọi kênh của đơn vị.",
        actions=["read", "republish"],
        due_on=due_on,
    )
    sent = time.perf_counter()
    services.cascade_send(cascade=cascade, actor=None)
    done = time.perf_counter()
    return cascade, done - started, done - sent


def bulk_create_alternative(cascade: Any) -> tuple[int, float]:
    """The same rows through the ORM: ids read into Python, objects built, ``bulk_create``
    in batches of 5.000. Written into a second cascade, then dropped."""
    from django.db import transaction

    from lantoa.cascades.models import Cascade, CascadeRecipient, CascadeStatus
    from lantoa.units.models import UnitClosure, UnitStatus

    twin = Cascade.objects.create(
        sender_id=cascade.sender_id,
        title=BENCH_TITLE + " (bulk_create)",
        actions=cascade.actions,
        due_on=cascade.due_on,
        status=CascadeStatus.SENT,
    )
    started = time.perf_counter()
    with transaction.atomic():
        unit_ids = UnitClosure.objects.filter(
            ancestor_id=cascade.sender_id, depth__gte=1, descendant__status=UnitStatus.ACTIVE
        ).values_list("descendant_id", flat=True)
        rows = [CascadeRecipient(cascade=twin, unit_id=unit_id) for unit_id in unit_ids]
        CascadeRecipient.objects.bulk_create(rows, batch_size=5000)
    elapsed = time.perf_counter() - started
    CascadeRecipient.objects.filter(cascade=twin)._raw_delete("default")
    twin.delete()
    return len(rows), elapsed


def mark_progress(cascade: Any, seed: int) -> tuple[dict[str, int], float]:
    """60 % done, 15 % acknowledged, 10 % received, 15 % pending, at varied times from the
    send to three days past the due date, written as ~200 grouped UPDATEs."""
    import datetime as dt

    from django.db import transaction

    from lantoa.cascades.models import CascadeRecipient

    rng = random.Random(f"{seed}:cascade")
    ids = list(
        CascadeRecipient.objects.filter(cascade=cascade).order_by("pk").values_list("pk", flat=True)
    )
    rng.shuffle(ids)
    n = len(ids)
    cut = [int(n * 0.60), int(n * 0.75), int(n * 0.85)]
    groups = {
        "done": ids[: cut[0]],
        "acknowledged": ids[cut[0] : cut[1]],
        "received": ids[cut[1] : cut[2]],
    }
    start = cascade.sent_at
    span = (cascade.deadline + dt.timedelta(days=3) - start).total_seconds()
    started = time.perf_counter()
    with transaction.atomic():
        for state, members in groups.items():
            buckets: dict[int, list[int]] = {}
            for pk in members:
                buckets.setdefault(rng.randrange(80), []).append(pk)
            for bucket, pks in buckets.items():
                at = start + dt.timedelta(seconds=span * (bucket + rng.random()) / 80)
                fields: dict[str, Any] = {"state": state, "received_at": at - dt.timedelta(hours=5)}
                if state in ("acknowledged", "done"):
                    fields["acknowledged_at"] = at - dt.timedelta(hours=2)
                if state == "done":
                    fields["done_at"] = at
                for i in range(0, len(pks), 5000):
                    CascadeRecipient.objects.filter(pk__in=pks[i : i + 5000]).update(**fields)
    return {k: len(v) for k, v in groups.items()}, time.perf_counter() - started


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    url = (
        prepare_sqlite_copy(args.seed)
        if args.db == "sqlite"
        else prepare_postgres_copy(args.pg_url, args.pg_template, args.seed)
    )
    tree_bench.setup_django(url)
    tree_bench.ensure_seeded(args.seed)

    import datetime as dt

    from django.core.paginator import Paginator
    from django.db import connection
    from django.utils import timezone

    from lantoa.cascades import selectors, services, tasks
    from lantoa.cascades.models import CascadeRecipient, RecipientState
    from lantoa.units.models import Unit, UnitKind

    # The notice to officers goes to the queue after commit; here it is timed on its own.
    tasks.announce_cascade.delay = lambda *a, **k: None  # type: ignore[method-assign]
    clear_cascades()
    root = Unit.objects.get(code="VN")
    provinces = list(Unit.objects.filter(code__in=PROVINCE_CODES).order_by("code"))
    due_on = timezone.localdate() + dt.timedelta(days=1)
    timings: list[tuple[str, str, str, str, str]] = []  # label, ours, baseline, ratio, goal
    failed = False

    # (a) create + deliver, three times (the rows of the first two are dropped).
    send_runs: list[tuple[float, float]] = []
    for attempt in range(3):
        cascade, total_s, send_s = create_and_send(root, due_on)
        send_runs.append((total_s, send_s))
        if attempt == 0:
            analyze()  # planner statistics with a full cascade, as production has them
        if attempt < 2:
            clear_cascades()
    recipients = cascade.recipient_count
    bulk_n, bulk_s = bulk_create_alternative(cascade)
    assert bulk_n == recipients, (bulk_n, recipients)
    total_med = sorted(r[0] for r in send_runs)[1]
    send_med = sorted(r[1] for r in send_runs)[1]
    ok = total_med < GOAL_SEND_S
    failed |= not ok
    timings.append(
        (
            f"(a) create + send to {recipients:,} units (INSERT … SELECT), median of 3",
            f"{total_med:.2f} s (send {send_med:.2f} s)",
            f"bulk_create ×5.000: {bulk_s:.2f} s",
            f"{send_med / bulk_s:.2f}×",
            f"< {GOAL_SEND_S:.0f} s: {'pass' if ok else 'FAIL'}",
        )
    )
    started = time.perf_counter()
    services.cascade_announce(cascade_id=cascade.pk)
    timings.append(
        (
            "announce to officers (background task)",
            f"{time.perf_counter() - started:.2f} s",
            "",
            "",
            "informative",
        )
    )

    # (b) progress.
    counts, mark_s = mark_progress(cascade, args.seed)
    analyze()
    cascade.refresh_from_db()
    timings.append(
        (
            f"(b) mark {counts['done']:,} done, {counts['acknowledged']:,} acknowledged, "
            f"{counts['received']:,} received (grouped UPDATEs)",
            f"{mark_s:.2f} s",
            "",
            "",
            "data preparation",
        )
    )

    # (c) roll-up: ours vs hand SQL vs recursive CTE, same answer first.
    deadline = connection.ops.adapt_datetimefield_value(cascade.deadline)

    def ours(unit_id: int) -> Any:
        return selectors.completion_by_child([cascade.pk], unit_id)

    def hand(unit_id: int) -> Any:
        return raw(SQL_BY_CHILD, [deadline, cascade.pk, unit_id])

    def cte(unit_id: int) -> Any:
        return raw(CTE_BY_CHILD, [unit_id, deadline, cascade.pk])

    for unit in [root, *provinces]:
        a = [(c.unit.pk, *c.as_tuple()) for c in ours(unit.pk)]
        b = [(r[0], *(int(v or 0) for v in r[3:])) for r in hand(unit.pk)]
        c = [(r[0], *(int(v or 0) for v in r[3:])) for r in cte(unit.pk)]
        assert a == b and sorted(b) == sorted(c), unit.code
    national = [c.as_tuple() for c in ours(root.pk)]
    assert sum(t[0] for t in national) == recipients
    assert sum(t[3] for t in national) == counts["done"]

    def row(label: str, samples: list[list[float]], goal: bool) -> None:
        nonlocal failed
        (o50, o95), (h50, h95) = p50_p95(samples[0]), p50_p95(samples[1])
        extra = ""
        if len(samples) > 2:
            c50, c95 = p50_p95(samples[2])
            extra = f"; CTE {fmt(c50)} / {fmt(c95)}"
        ratio = o50 / h50
        passed = ratio <= GOAL_RATIO
        if goal:
            failed |= not passed
        timings.append(
            (
                label,
                f"{fmt(o50)} / {fmt(o95)} ms",
                f"{fmt(h50)} / {fmt(h95)} ms{extra}",
                f"{ratio:.2f}×",
                f"≤ {GOAL_RATIO}×: {'pass' if passed else 'FAIL'}" if goal else "informative",
            )
        )

    n = args.repeat
    prov_ids = [u.pk for u in provinces]
    row(
        "(c) completion_by_child(toàn quốc): 34 provinces",
        timed([ours, hand, cte], [root.pk], max(5, n // 3)),
        True,
    )
    row(
        f"(c) completion_by_child(tỉnh): {len(prov_ids)} provinces",
        timed([ours, hand, cte], prov_ids, n),
        True,
    )

    def ours_laggards(unit_id: int) -> Any:
        page = Paginator(selectors.laggards([cascade.pk], Unit(pk=unit_id)), 25).get_page(1)
        return page.paginator.count, list(page.object_list)

    def hand_laggards(unit_id: int) -> Any:
        return (
            raw(SQL_LAGGARDS_COUNT, [cascade.pk, unit_id]),
            raw(SQL_LAGGARDS_PAGE, [cascade.pk, unit_id]),
        )

    for unit in (root, provinces[0]):
        count, page = ours_laggards(unit.pk)
        hand_count, hand_page = hand_laggards(unit.pk)
        assert count == hand_count[0][0] and [r.pk for r in page] == [r[0] for r in hand_page]
    row(
        "laggards page 1 (count + 25 rows), toàn quốc",
        timed([ours_laggards, hand_laggards], [root.pk], max(5, n // 3)),
        False,
    )
    row(
        "laggards page 1 (count + 25 rows), tỉnh",
        timed([ours_laggards, hand_laggards], prov_ids, n),
        False,
    )

    # One unit reporting "done" through the service (lock, checks, audit row).
    pending = list(
        CascadeRecipient.objects.filter(cascade=cascade, state=RecipientState.PENDING)
        .select_related("cascade", "unit")
        .order_by("pk")[:200]
    )
    advance: list[float] = []
    for r in pending:
        started = time.perf_counter()
        services.recipient_advance(
            recipient=r,
            actor=None,
            state="done",
            proof_links=[f"https://www.facebook.com/cd.{r.unit.code}/posts/1"],
        )
        advance.append((time.perf_counter() - started) * 1000)
    a50, a95 = p50_p95(advance)
    timings.append(
        (
            "recipient_advance → done, 200 units",
            f"{fmt(a50)} / {fmt(a95)} ms",
            "",
            "",
            "informative",
        )
    )

    # The morning reminder over every not-done row (claim + per-officer aggregate).
    started = time.perf_counter()
    services.cascades_remind()
    remind_s = time.perf_counter() - started
    claimed = CascadeRecipient.objects.filter(cascade=cascade, reminded_at__isnull=False).count()
    timings.append(
        (f"reminder round: {claimed:,} rows claimed", f"{remind_s:.2f} s", "", "", "informative")
    )
    grassroots = Unit.objects.filter(kind=UnitKind.GRASSROOTS).count()
    clear_cascades()

    with connection.cursor() as cur:
        cur.execute(
            "SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version"
        )
        version = cur.fetchone()[0]
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    lines = [
        f"**{connection.vendor} {version}**, {Unit.objects.count():,} units "
        f"({grassroots:,} grassroots), {recipients:,} recipients; {os.cpu_count()} CPU, "
        f"{mem_gib:.0f} GiB RAM, Python {platform.python_version()}; {n} runs per province "
        "target; p50 / p95.",
        "",
        "| step | ours | baseline (same data, same run) | ratio | goal |",
        "|---|---|---|---|---|",
        *(f"| {a} | {b} | {c} | {d} | {e} |" for a, b, c, d, e in timings),
    ]
    table = "\n".join(lines)
    print()
    print(table)
    (RESULTS / f"cascade-{args.db}.md").write_text(table + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

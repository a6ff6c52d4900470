"""Surveys benchmark: exports and a cross-tab at the size of a large survey, and a rush of
submissions against a nearly full quota cell.

    uv run python bench/surveys_bench.py [--db sqlite|postgres] [--responses N] [--repeat N]
                                         [--sheets N] [--workers N] [--drop]

Works on a database of its own (SQLite ``bench/results/surveys-<seed>.sqlite3``, PostgreSQL
``lantoa_sexport_bench``): a province with ``--ulus`` upper-level unions of ``--grassroots``
grassroots unions each, built through ``lantoa.units.services.unit_create``, and a survey of
the province with 40 questions added through ``question_add`` (20 single choice, 5 Likert
scales, 5 multiple choice, one matrix of 4 rows, 3 numbers, 2 dates, 2 short and 2 long
texts), approved and opened through the services. Its responses and their answers (each
with its response's unit, as the services write them) are generated in the database
itself, deterministically from the response id (PostgreSQL ``generate_series``, SQLite a
recursive CTE; journal and sync off while loading; PostgreSQL vacuumed afterwards): each
response in one of the grassroots unions, every closed question answered, a multiple choice
ticked at 40 % per option, texts written by 30 % (short) and 20 % (long). A marker row keeps
the sizes, so a second run reuses the data.

1. **Exports** of the whole survey seen from the province, through the functions the export
   view returns: ``exports.csv_response`` and ``exports.xlsx_response`` (both a
   ``StreamingHttpResponse``, read to the end; the XLSX written by ``core.xlsx_stream``).
   ``--compare-openpyxl`` also times the former XLSX path on the same rows (openpyxl
   write-only mode into a spooled temporary file, ``tabular.xlsx_spool_sheets``). A thread
   samples the process's resident memory every 50 ms: the table shows it at the start, at
   the peak, and its peak while the first tenth of the rows was written, so that memory
   growing with the rows would show as a gap between the two peaks.
   Goal: each < 120 s, memory flat (peak − start < 150 MiB and the late peak within 50 MiB of
   the early one).
2. **Cross-tab by unit** for the province (``analysis.crosstab_by_unit`` of a single choice
   question: the cells and the respondents per upper-level union and the province's own
   sheets) against the same figures typed by hand in SQL (the question's answers grouped by
   the unit each carries, the groups rolled up through the closure table), after checking
   both give the same numbers and that they agree with a count joining every answer to its
   response; calls interleaved, ``--repeat`` runs each. Goal: p95 < 300 ms, ours ≤ 1,5 ×
   hand (p50).
3. **Quota rush**: a second survey with one quota cell of ``--target`` questionnaires,
   allocated to one upper-level union, ``--left`` places left; ``--sheets`` submissions of
   that cell through ``services.response_submit`` from ``--workers`` threads (one database
   connection each), released together by a barrier. Goal: the cell and the allocation end
   exactly at their target, ``--left`` responses stored, every other submission refused with
   the kind "đã đủ số phiếu … Xin cảm ơn!" message, no other outcome, no answer left over.

Prints a Markdown table, also written to bench/results/surveys-<db>.md, with ``uptime``'s load
beside it; exit status 1 when a goal fails. ``--drop`` deletes the database afterwards.
"""

from __future__ import annotations

import argparse
import functools
import os
import platform
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tree_bench import RESULTS, fmt, p50_p95, setup_django, timed

BLOCK = 2000  # responses whose answers are generated together
GOAL_EXPORT_S = 120.0
GOAL_CROSSTAB_MS = 300.0
GOAL_RATIO = 1.5
GOAL_RSS_GROWTH_MIB = 150.0
GOAL_RSS_LATE_MIB = 50.0
PHRASES_SHORT = [
    "Tăng lương cho công nhân",
    "Giảm giờ làm thêm",
    "Xây nhà ở xã hội cho công nhân",
    "Công đoàn quan tâm đời sống hơn",
    "Hỗ trợ nhà trẻ cho con công nhân",
    "Tăng lương tối thiểu vùng",
    "Cải thiện bữa ăn ca",
    "Đối thoại với người sử dụng lao động",
]
PHRASES_LONG = [
    "Đề nghị công đoàn cơ sở đối thoại với doanh nghiệp về tiền lương và thời giờ làm việc.",
    "Mong công đoàn hỗ trợ nhà ở xã hội, nhà trọ giá rẻ cho công nhân xa quê.",
    "Cần thông tin pháp luật lao động qua Zalo nhanh hơn, dễ hiểu hơn.",
    "Bữa ăn ca chưa bảo đảm, đề nghị tăng giá trị bữa ăn.",
]


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--responses", type=int, default=500_000)
    parser.add_argument("--ulus", type=int, default=12)
    parser.add_argument("--grassroots", type=int, default=40, help="per upper-level union")
    parser.add_argument("--repeat", type=int, default=20, help="timed cross-tab runs")
    parser.add_argument("--sheets", type=int, default=200)
    parser.add_argument("--workers", type=int, default=64)
    parser.add_argument("--target", type=int, default=1000)
    parser.add_argument("--left", type=int, default=37)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip-exports", action="store_true")
    parser.add_argument("--skip-xlsx", action="store_true", help="export the CSV only")
    parser.add_argument(
        "--compare-openpyxl",
        action="store_true",
        help="also time the former XLSX writer (openpyxl write-only) on the same rows",
    )
    parser.add_argument(
        "--pg-url", default="postgres://postgres@127.0.0.1:5432/lantoa_sexport_bench"
    )
    parser.add_argument("--drop", action="store_true", help="delete the database afterwards")
    return parser.parse_args(argv)


def _marker(args: argparse.Namespace) -> str:
    # "unit": the answers carry their response's unit (surveys 0004–0006); a database made
    # before is made again rather than migrated, so that its layout is the generator's.
    return f"surveys:unit:{args.responses}:{args.ulus}x{args.grassroots}:{args.seed}"


def sqlite_file(args: argparse.Namespace) -> Path:
    return RESULTS / f"surveys-{args.seed}.sqlite3"


def prepare_database(args: argparse.Namespace) -> str:
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.db == "sqlite":
        path = sqlite_file(args)
        if path.exists():
            con = sqlite3.connect(path)
            try:
                row = con.execute("SELECT value FROM bench_meta WHERE key = 'seed'").fetchone()
            except sqlite3.Error:
                row = None
            con.close()
            if row is None or row[0] != _marker(args):
                for leftover in RESULTS.glob(path.name + "*"):
                    leftover.unlink()
        return f"sqlite:///{path}"
    import psycopg
    from psycopg import sql

    base, _, dbname = args.pg_url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
        keep = False
        if exists:
            try:
                with psycopg.connect(args.pg_url) as con:
                    row = con.execute("SELECT value FROM bench_meta WHERE key = 'seed'").fetchone()
                    keep = row is not None and row[0] == _marker(args)
            except psycopg.Error:
                keep = False
            if not keep:
                admin.execute(
                    sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(dbname))
                )
        if not keep:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
    return args.pg_url


def drop(args: argparse.Namespace) -> None:
    from django.db import connections

    connections.close_all()
    if args.db == "sqlite":
        for leftover in RESULTS.glob(sqlite_file(args).name + "*"):
            leftover.unlink()
        return
    import psycopg
    from psycopg import sql

    base, _, dbname = args.pg_url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname))
        )


# -- building the data ----------------------------------------------------------------------


def _options(n: int, prefix: str) -> list[dict[str, str]]:
    return [{"value": str(i), "label": f"{prefix} {i}"} for i in range(1, n + 1)]


def questionnaire() -> list[dict[str, Any]]:
    """The 40 questions."""
    scale = _options(5, "Mức")
    found: list[dict[str, Any]] = []
    for i in range(1, 21):
        found.append({"code": f"S{i}", "kind": "single", "options": _options(4, "Phương án")})
    for i in range(1, 6):
        found.append({"code": f"L{i}", "kind": "likert", "scale": scale})
    for i in range(1, 6):
        found.append(
            {
                "code": f"M{i}",
                "kind": "multiple",
                "options": _options(5, "Kênh"),
                "allow_other": i == 1,
            }
        )
    found.append({"code": "X1", "kind": "matrix", "scale": scale, "rows": _options(4, "Dòng")})
    for i in range(1, 4):
        found.append({"code": f"N{i}", "kind": "number"})
    for i in range(1, 3):
        found.append({"code": f"D{i}", "kind": "date"})
    for i in range(1, 3):
        found.append({"code": f"T{i}", "kind": "short_text"})
    for i in range(1, 3):
        found.append({"code": f"G{i}", "kind": "long_text"})
    for q in found:
        q["text"] = f"Câu hỏi {q['code']} của phiếu khảo sát đo hiệu năng"
    return found


def build(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction

    from lantoa.surveys import services
    from lantoa.surveys.models import Survey
    from lantoa.units.models import Unit, UnitKind
    from lantoa.units.services import unit_create, unit_root_ensure

    call_command("migrate", interactive=False, verbosity=0)
    with connection.cursor() as cur:
        cur.execute(
            "CREATE TABLE IF NOT EXISTS bench_meta (key VARCHAR(50) PRIMARY KEY, "
            "value VARCHAR(200) NOT NULL)"
        )
        cur.execute("SELECT value FROM bench_meta WHERE key = 'seed'")
        row = cur.fetchone()
    if row and row[0] == _marker(args) and Survey.objects.filter(slug="bench-lon").exists():
        print("Dùng lại dữ liệu đã sinh.", flush=True)
        return
    started = time.monotonic()
    root = unit_root_ensure()
    with transaction.atomic():
        province = unit_create(
            code="BP",
            name="LĐLĐ tỉnh Đo Hiệu Năng",
            kind=UnitKind.PROVINCE,
            parent=root,
            actor=None,
        )
        for u in range(1, args.ulus + 1):
            ulu = unit_create(
                code=f"BP-{u:02d}",
                name=f"Công đoàn khu công nghiệp số {u}",
                kind=UnitKind.INDUSTRIAL_ZONE,
                parent=province,
                actor=None,
            )
            for g in range(1, args.grassroots + 1):
                unit_create(
                    code=f"BP-{u:02d}-{g:03d}",
                    name=f"Công đoàn cơ sở {g} của khu {u}",
                    kind=UnitKind.GRASSROOTS,
                    parent=ulu,
                    actor=None,
                    sector=["Dệt may", "Điện tử", "Da giày", "Chế biến gỗ"][g % 4],
                )
    survey = services.survey_create(unit=province, title="Bench lớn", actor=None)
    Survey.objects.filter(pk=survey.pk).update(slug="bench-lon")
    for q in questionnaire():
        services.question_add(survey=survey, actor=None, **q)
    services.survey_submit(survey=survey, actor=None)
    services.survey_approve(survey=survey, actor=None)
    services.survey_open(survey=survey, actor=None)
    print(f"Cây và bảng hỏi: {time.monotonic() - started:.1f} giây.", flush=True)
    grassroots = list(
        Unit.objects.filter(kind=UnitKind.GRASSROOTS, parent__parent=province)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    generate(args, survey, grassroots)
    with connection.cursor() as cur:
        cur.execute("DELETE FROM bench_meta")
        cur.execute("INSERT INTO bench_meta (key, value) VALUES ('seed', %s)", [_marker(args)])


def _series(n: int, vendor: str) -> str:
    if vendor == "postgresql":
        return f"SELECT generate_series(1, {int(n)}) AS n"
    return (
        f"WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {int(n)}) "
        "SELECT n FROM s"
    )


def _case(expr: str, texts: list[str]) -> str:
    whens = " ".join(f"WHEN {i} THEN '{t}'" for i, t in enumerate(texts))
    return f"CASE ({expr}) % {len(texts)} {whens} END"


def generate(args: argparse.Namespace, survey: Any, grassroots: list[int]) -> None:
    from django.db import connection

    vendor = connection.vendor
    started = time.monotonic()
    version = survey.current_version()
    questions = list(version.questions.all())
    with connection.cursor() as cur:
        if vendor == "sqlite":
            for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -400000"):
                cur.execute(f"PRAGMA {pragma}")
        cur.execute("CREATE TABLE bench_units (idx INTEGER PRIMARY KEY, unit_id BIGINT NOT NULL)")
        for i, pk in enumerate(grassroots):
            cur.execute("INSERT INTO bench_units (idx, unit_id) VALUES (%s, %s)", [i, pk])
        cur.execute(
            "INSERT INTO surveys_response (survey_id, version_id, unit_id, channel, "
            "submitted_at, code_id, quota_cell_id, keyed_by_id) "
            f"SELECT {survey.pk}, {version.pk}, b.unit_id, "
            "CASE WHEN s.n % 10 = 0 THEN 'paper' ELSE 'web' END, "
            "'2026-11-10 03:00:00+00:00', NULL, NULL, NULL "
            f"FROM ({_series(args.responses, vendor)}) s "
            f"JOIN bench_units b ON b.idx = (CAST(s.n AS BIGINT) * 7919) % {len(grassroots)}"
        )
        cur.execute("DROP TABLE bench_units")
        print(f"  {args.responses:,} phiếu: {time.monotonic() - started:.1f} giây.", flush=True)
        cur.execute(
            "SELECT MIN(id), MAX(id) FROM surveys_response WHERE survey_id = %s", [survey.pk]
        )
        low, high = cur.fetchone()
        day = (
            "DATE '2026-10-01' + CAST(r.id % 28 AS INTEGER)"
            if vendor == "postgresql"
            else "'2026-10-' || printf('%02d', 1 + r.id % 28)"
        )
        insert = (
            "INSERT INTO surveys_answer (response_id, unit_id, question_id, row, choice, number, "
            "date, text) "
        )
        short, long = _case("r.id * 3", PHRASES_SHORT), _case("r.id * 5", PHRASES_LONG)
        # Block by block of response ids, every question of a block together: the answers of
        # a response lie near each other on disk, as when sheets arrive one by one.
        for block in range(low, high + 1, BLOCK):
            rows = (
                f"FROM surveys_response r WHERE r.survey_id = {survey.pk} "
                f"AND r.id >= {block} AND r.id < {block + BLOCK}"
            )
            for k, q in enumerate(questions, start=1):
                # The answer carries its response's unit (Answer.unit), as the services write.
                pick = f"SELECT r.id, r.unit_id, {q.pk}, "
                if q.kind in ("single", "likert"):
                    n = 4 if q.kind == "single" else 5
                    code = f"CAST(1 + (r.id * 31 + {k} * (r.id % 7)) % {n} AS TEXT)"
                    cur.execute(insert + pick + f"'', {code}, NULL, NULL, '' {rows}")
                elif q.kind == "multiple":
                    for o in range(1, 6):
                        cur.execute(
                            insert + pick + f"'', '{o}', NULL, NULL, '' {rows} "
                            f"AND (r.id * 13 + {o * 7 + k}) % 5 < 2"
                        )
                elif q.kind == "matrix":
                    for row in range(1, 5):
                        cur.execute(
                            insert + pick + f"'{row}', "
                            f"CAST(1 + (r.id * 17 + {row}) % 5 AS TEXT), NULL, NULL, '' {rows}"
                        )
                elif q.kind == "number":
                    cur.execute(
                        insert + pick + f"'', '', 18 + (r.id * 29 + {k}) % 45, NULL, '' {rows}"
                    )
                elif q.kind == "date":
                    cur.execute(insert + pick + f"'', '', NULL, {day}, '' {rows}")
                elif q.kind == "short_text":
                    cur.execute(
                        insert + pick + f"'', '', NULL, NULL, {short} {rows} AND r.id % 10 < 3"
                    )
                else:
                    cur.execute(
                        insert + pick + f"'', '', NULL, NULL, {long} {rows} AND r.id % 10 < 2"
                    )
        # PostgreSQL: VACUUM too, as autovacuum soon would after so many inserts (PostgreSQL
        # 13+), so that the index-only scans of the cross-tab find the pages all-visible
        # whether or not autovacuum has come by yet when the timing starts.
        cur.execute("VACUUM ANALYZE" if vendor == "postgresql" else "ANALYZE")
        if vendor == "sqlite":
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("SELECT COUNT(*) FROM surveys_answer")
        answers = cur.fetchone()[0]
    print(f"  {answers:,} câu trả lời: {time.monotonic() - started:.1f} giây.", flush=True)


# -- 1. exports -----------------------------------------------------------------------------


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class Sampler:
    """The process's resident memory every 50 ms while running."""

    def __init__(self) -> None:
        self.peak = self.start = rss_mib()
        self.early_peak = 0.0
        self.early = True
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            now = rss_mib()
            self.peak = max(self.peak, now)
            if self.early:
                self.early_peak = max(self.early_peak, now)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mib())


def counting(rows: Iterator[list[Any]], total: int, sampler: Sampler) -> Iterator[list[Any]]:
    """The rows, marking when the first tenth has gone by."""
    for i, row in enumerate(rows):
        if i == total // 10:
            sampler.early = False
        yield row


def bench_exports(
    survey: Any, province: Any, total: int, formats: Sequence[str] = ("csv", "xlsx")
) -> list[dict[str, Any]]:
    from unittest import mock

    from lantoa.core import tabular
    from lantoa.surveys import exports

    results = []
    original = exports.response_table
    for fmt_name in formats:
        with Sampler() as sampler:

            def table(*a: Any, **kw: Any) -> Any:
                header, rows = original(*a, **kw)
                return header, counting(rows, total, sampler)

            started, cpu = time.perf_counter(), time.process_time()
            with mock.patch.object(exports, "response_table", table):
                if fmt_name == "csv":
                    content = exports.csv_response(survey, province).streaming_content
                elif fmt_name == "xlsx":
                    content = exports.xlsx_response(survey, province).streaming_content
                else:  # the former writer, for comparison
                    header, rows = exports.response_table(survey, province)
                    book = exports.codebook(survey)
                    spool = tabular.xlsx_spool_sheets(
                        [("Phiếu trả lời", header, rows), ("Sổ mã", *book)]
                    )
                    content = iter(functools.partial(spool.read, 1 << 16), b"")
            size = 0
            for chunk in content:
                size += len(chunk)
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu
        results.append(
            {
                "format": fmt_name,
                "seconds": elapsed,
                "cpu": cpu,
                "bytes": size,
                "start": sampler.start,
                "early": sampler.early_peak,
                "peak": sampler.peak,
            }
        )
        print(
            f"  {fmt_name}: {elapsed:.1f} s (CPU {cpu:.1f} s), {size / 2**20:.0f} MiB, RSS "
            f"{sampler.start:.0f} → {sampler.early_peak:.0f} (10 %) → {sampler.peak:.0f} MiB",
            flush=True,
        )
    return results


# -- 2. cross-tab -----------------------------------------------------------------------------

# The answers carry their response's unit (Answer.unit): typed by hand, the cells are the
# question's answers grouped by that unit (the covering index answer_unit_cover alone), the
# groups rolled up through the closure table to the province's children; the province's own
# sheets are its unit's group. The question's id is the survey's own: no join to responses.
HAND_CELLS = (
    "SELECT c.ancestor_id, g.choice, SUM(g.n) FROM ("
    "SELECT a.unit_id, a.choice, COUNT(*) AS n FROM surveys_answer a "
    "WHERE a.question_id = %s AND a.row = '' GROUP BY a.unit_id, a.choice) g "
    "JOIN units_unitclosure c ON c.descendant_id = g.unit_id "
    "JOIN units_unit k ON k.id = c.ancestor_id "
    "WHERE k.parent_id = %s "
    "GROUP BY c.ancestor_id, g.choice"
)
HAND_OWN = (
    "SELECT a.choice, COUNT(*) FROM surveys_answer a "
    "WHERE a.question_id = %s AND a.row = '' AND a.unit_id = %s "
    "GROUP BY a.choice"
)


def hand_crosstab(province_id: int, question_id: int) -> dict[Any, dict[str, int]]:
    """Cells per child (None: the province's own sheets); a single choice gives one answer a
    respondent, so the respondents are the row sums."""
    from django.db import connection

    found: dict[Any, dict[str, int]] = {}
    with connection.cursor() as cur:
        cur.execute(HAND_CELLS, [question_id, province_id])
        for child, choice, n in cur.fetchall():
            found.setdefault(child, {})[choice] = int(n)
        cur.execute(HAND_OWN, [question_id, province_id])
        for choice, n in cur.fetchall():
            found.setdefault(None, {})[choice] = n
    return found


def hand_by_response(province_id: int, survey_id: int, question_id: int) -> dict[Any, Any]:
    """The same cells the way they were counted before answers carried a unit: every answer
    joined to its response, and through the response's unit to the closure table. Run once,
    to check that the copied units agree with the responses' (not timed)."""
    from django.db import connection

    found: dict[Any, dict[str, int]] = {}
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.ancestor_id, a.choice, COUNT(*) FROM units_unit k "
            "JOIN units_unitclosure c ON c.ancestor_id = k.id "
            "JOIN surveys_response r ON r.unit_id = c.descendant_id "
            "JOIN surveys_answer a ON a.response_id = r.id "
            "WHERE k.parent_id = %s AND r.survey_id = %s AND a.question_id = %s AND a.row = '' "
            "GROUP BY c.ancestor_id, a.choice",
            [province_id, survey_id, question_id],
        )
        for child, choice, n in cur.fetchall():
            found.setdefault(child, {})[choice] = n
        cur.execute(
            "SELECT a.choice, COUNT(*) FROM surveys_response r "
            "JOIN surveys_answer a ON a.response_id = r.id "
            "WHERE r.unit_id = %s AND r.survey_id = %s AND a.question_id = %s AND a.row = '' "
            "GROUP BY a.choice",
            [province_id, survey_id, question_id],
        )
        for choice, n in cur.fetchall():
            found.setdefault(None, {})[choice] = n
    return found


def bench_crosstab(survey: Any, province: Any, repeat: int) -> dict[str, Any]:
    from lantoa.surveys import analysis
    from lantoa.units.models import Unit

    question = survey.current_version().questions.get(code="S1")
    ours = analysis.crosstab_by_unit(survey, province, question)
    hand = hand_crosstab(province.pk, question.pk)
    assert hand == hand_by_response(province.pk, survey.pk, question.pk)
    names = dict(Unit.objects.filter(parent=province).values_list("pk", "name"))
    expected = {
        names[k]: ([counts.get(v, 0) for v, _l in ours.columns], sum(counts.values()))
        for k, counts in hand.items()
        if k is not None
    }
    got = {label: (cells, total) for label, cells, total in ours.rows}
    assert got == expected, (got, expected)  # every cell ≥ 10 at this size: nothing hidden

    samples = timed(
        [
            lambda _t: analysis.crosstab_by_unit(survey, province, question),
            lambda _t: hand_crosstab(province.pk, question.pk),
        ],
        [0],
        repeat,
    )
    (o50, o95), (h50, h95) = p50_p95(samples[0]), p50_p95(samples[1])
    print(f"  ours {fmt(o50)} / {fmt(o95)} ms, hand {fmt(h50)} / {fmt(h95)} ms", flush=True)
    return {"ours": (o50, o95), "hand": (h50, h95), "ratio": o50 / h50}


# -- 3. quota rush --------------------------------------------------------------------------


def bench_rush(args: argparse.Namespace, province: Any) -> dict[str, Any]:
    from concurrent.futures import ThreadPoolExecutor

    from django.core.exceptions import ValidationError
    from django.db import connections

    from lantoa.surveys import services
    from lantoa.surveys.models import Answer, QuotaAllocation, QuotaCell, Response
    from lantoa.units.models import Unit

    ulu = Unit.objects.filter(parent=province).order_by("code").first()
    grassroots = list(Unit.objects.filter(parent=ulu).order_by("code")[:8])
    survey = services.survey_create(
        unit=province, title="Bench chỉ tiêu", actor=None, template_key="doi-song-y-kien"
    )
    version = survey.current_version()
    cell = services.quota_cell_save(
        survey=survey,
        actor=None,
        label="Ngoài nhà nước",
        conditions={"A3": "1"},
        target=args.target,
    )
    services.quota_allocate(cell=cell, allocations={ulu: args.target}, actor=None)
    services.survey_submit(survey=survey, actor=None)
    services.survey_approve(survey=survey, actor=None)
    services.survey_open(survey=survey, actor=None)
    # Nearly full: the counters stand where target − left stored sheets would have put them.
    QuotaCell.objects.filter(pk=cell.pk).update(count=args.target - args.left)
    QuotaAllocation.objects.filter(cell=cell).update(count=args.target - args.left)
    survey.refresh_from_db()
    sheet = {
        "A1": "2",
        "A2": "29",
        "A3": "1",
        "A4": "1",
        "B1": "2",
        "B3": "2",
        "C1": "2",
        "C2": {"1": "2", "2": "3", "3": "4", "4": "3", "5": "2"},
        "D1": "4",
        "D2": ["1", "3"],
        "D3": "2",
    }
    barrier = threading.Barrier(min(args.workers, args.sheets))
    outcomes: list[str] = []

    def submit(i: int) -> str:
        try:
            if i < args.workers:
                barrier.wait(timeout=60)
            services.response_submit(
                survey=survey, unit=grassroots[i % len(grassroots)], answers=sheet
            )
            return "stored"
        except ValidationError as exc:
            words = " ".join(exc.messages)
            if exc.code == "quota_full" and "Xin cảm ơn" in words:
                return "refused kindly"
            return f"refused: {words[:80]}"
        except Exception as exc:
            return f"error: {type(exc).__name__}: {str(exc)[:80]}"
        finally:
            connections.close_all()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        outcomes = list(pool.map(submit, range(args.sheets)))
    elapsed = time.perf_counter() - started
    cell.refresh_from_db()
    allocation = QuotaAllocation.objects.get(cell=cell)
    stored = Response.objects.filter(survey=survey).count()
    kinds: dict[str, int] = {}
    for o in outcomes:
        kinds[o] = kinds.get(o, 0) + 1
    leftover = (
        Answer.objects.filter(response__survey=survey)
        .exclude(response__in=Response.objects.filter(survey=survey))
        .count()
    )
    ok = (
        cell.count == args.target
        and allocation.count == args.target
        and stored == args.left == kinds.get("stored", 0)
        and kinds.get("refused kindly", 0) == args.sheets - args.left
        and leftover == 0
        and Response.objects.filter(quota_cell=cell).count() == args.left
    )
    print(f"  {elapsed:.1f} s: {kinds}; ô {cell.count}/{cell.target}", flush=True)
    survey_version = version.pk  # noqa: F841 - kept for a debugger
    return {
        "seconds": elapsed,
        "kinds": kinds,
        "cell": cell.count,
        "allocation": allocation.count,
        "stored": stored,
        "ok": ok,
    }


# -- main -----------------------------------------------------------------------------------


def load_line() -> str:
    done = subprocess.run(["uptime"], capture_output=True, text=True, check=False)  # noqa: S607
    return done.stdout.strip()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    setup_django(prepare_database(args))
    from django.db import connection

    from lantoa.surveys.models import Answer, Survey

    load_before = load_line()
    build(args)
    survey = Survey.objects.select_related("unit").get(slug="bench-lon")
    province = survey.unit
    total = survey.responses.count()
    answers = Answer.objects.filter(response__survey=survey).count()
    with connection.cursor() as cur:
        cur.execute(
            "SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version"
        )
        version = cur.fetchone()[0]
    failed = False
    lines = [
        f"**{connection.vendor} {version}**, {total:,} responses, {answers:,} answer rows, "
        f"40 questions; {os.cpu_count()} CPU, Python {platform.python_version()}.",
        f"Load before: `{load_before}`",
        "",
        "| step | result | goal | pass |",
        "|---|---|---|---|",
    ]
    if not args.skip_exports:
        print("Xuất tệp…", flush=True)
        formats: tuple[str, ...] = ("csv",) if args.skip_xlsx else ("csv", "xlsx")
        if args.compare_openpyxl:
            formats += ("xlsx-openpyxl",)
        for r in bench_exports(survey, province, total, formats):
            growth = r["peak"] - r["start"]
            late = r["peak"] - r["early"]
            good = (
                r["seconds"] < GOAL_EXPORT_S
                and growth < GOAL_RSS_GROWTH_MIB
                and late < GOAL_RSS_LATE_MIB
            )
            former = r["format"] == "xlsx-openpyxl"
            failed |= not good and not former
            verdict = "(former writer)" if former else "pass" if good else "FAIL"
            lines.append(
                f"| export {r['format'].upper()} ({r['bytes'] / 2**20:.0f} MiB) | "
                f"{r['seconds']:.1f} s (CPU of this process {r['cpu']:.1f} s); "
                f"RSS start {r['start']:.0f} MiB, peak in first 10 % "
                f"{r['early']:.0f} MiB, peak {r['peak']:.0f} MiB | < {GOAL_EXPORT_S:.0f} s, "
                f"flat memory | {verdict} |"
            )
    print("Bảng chéo theo đơn vị…", flush=True)
    c = bench_crosstab(survey, province, args.repeat)
    good = c["ours"][1] < GOAL_CROSSTAB_MS and c["ratio"] <= GOAL_RATIO
    failed |= not good
    lines.append(
        f"| crosstab_by_unit(tỉnh), p50 / p95 ms | ours {fmt(c['ours'][0])} / "
        f"{fmt(c['ours'][1])}; hand SQL {fmt(c['hand'][0])} / {fmt(c['hand'][1])}; "
        f"ratio {c['ratio']:.2f}× | p95 < {GOAL_CROSSTAB_MS:.0f} ms, ≤ {GOAL_RATIO}× | "
        f"{'pass' if good else 'FAIL'} |"
    )
    print("Dồn phiếu vào ô chỉ tiêu…", flush=True)
    r = bench_rush(args, province)
    failed |= not r["ok"]
    lines.append(
        f"| {args.sheets} submissions, {args.workers} threads, {args.left} places left | "
        f"{r['seconds']:.1f} s; cell {r['cell']}/{args.target}, allocation "
        f"{r['allocation']}/{args.target}; {r['kinds']} | exact target, none lost, kind "
        f"message | {'pass' if r['ok'] else 'FAIL'} |"
    )
    lines += ["", f"Load after: `{load_line()}`"]
    report = "\n".join(lines)
    print(report)
    (RESULTS / f"surveys-{args.db}.md").write_text(report + "\n", encoding="utf-8")
    if args.drop:
        drop(args)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Quiz-contest load benchmark: answer autosave and submission at the evening peak, on the
server as deployed, with a web worker process killed mid-burst.

    uv run python bench/contests_load_bench.py [--rate 300] [--seconds 30] [--entrants 2000]
                                               [--workers 5] [--threads 1] [--no-kill]

Goal (issue 14): 300 requests/s of autosaves and submissions on the 2-core machine with
p99 < 300 ms, no answer lost, no attempt over the limit, while a worker process is killed.

What it does, start to end (every process it starts is in its own process group and stopped
in a ``finally`` block):

1. Drops and creates the PostgreSQL database ``lantoa_cload_bench`` (``--pg-url``), migrates
   it, flushes Redis database 12 (``--redis-url``) and seeds, through the product's services:
   a province with 20 grassroots unions, an approved quiz contest with a bank of 60 questions
   (every fifth with several right options) and one open round of 20 questions per attempt,
   30 minutes, 2 attempts allowed; ``--entrants`` entrants registered and verified with their
   one-time code (``entry.entrant_register``/``entrant_verify``), each with an attempt started
   by ``entry.attempt_start`` — every second entrant has already submitted attempt 1 and is on
   attempt 2, their last one. Each entrant gets a session that knows them (what the
   verification page leaves in a phone's session). Static files are collected as in README's
   deployment. Then ``VACUUM ANALYZE``, as autovacuum would soon do on a production server.
2. Starts ``lantoa serve`` (gunicorn, ``--workers`` processes, sync workers as deployed, or
   ``--threads`` threads each: the production command of README's deployment section, with
   ``REDIS_URL`` = Redis db 12 for the cache) on a free 127.0.0.1 port.
3. First load: every entrant opens their attempt page (with their session cookie), as the phone
   does before answering: the client takes the CSRF cookie and token, the question ids and
   option ids from the HTML. One page and everything it links (CSS, JS, fonts, icons) is
   weighed uncompressed and gzip-compressed, and every origin it names is listed (the goal:
   < 300 KB, no third-party script).
4. Baseline: ``GET /healthz`` on the same open-loop schedule (``--rate`` for
   ``--baseline-seconds``), no fault: what the server and the client cost before any work.
5. The burst: each entrant does, in a window of their attempt, 3 to 8 autosaves of new
   questions (``POST /thi/bai/<id>/luu/`` with ``{"question", "chosen"}``, sometimes with a
   changed mind: the same question again with another option, later) and, for 40 % of
   them, the submission (``POST …/nop/``, the form with every answer chosen so far and the
   prediction, as the page posts it); of those, the ones on attempt 1 go back to the rules
   page and tap "Bắt đầu" twice at once (the proof-of-work solved by the client, at
   ``--pow-bits`` for the server too), the ones on their last attempt post the start form
   anyway (it must be refused). The requests are sent open-loop at exactly ``--rate`` per
   second: the entrants' steps are put in time order, each entrant's in its own order, and
   the k-th is due at k / rate (a changed mind waits, as the page does, until the question's
   previous save is answered). A request that fails (connection refused or reset, no answer
   in 10 s, 5xx) is sent again like the page's script would, after 0,5 s, 1 s, 2 s, 4 s, 8 s;
   its latency runs from the moment it was due to the answer that acknowledged it (so retries
   and a client that falls behind count: no coordinated omission). At ``--kill-at`` of the
   burst one gunicorn worker process is SIGKILLed (the master starts another).
6. Checks in the database: every answer acknowledged (autosave 200, or the submission's
   redirect for the answers its form carried) is stored with the options last sent; no entrant
   has more attempts than allowed (nor an attempt numbered past the limit); every acknowledged
   submission closed its attempt, once, with a score equal to its right answers; a double
   tap made at most one new attempt.

The client is an asyncio HTTP/1.1 client (uvloop where installed) that keeps up to 32 idle
connections, as nginx's upstream ``keepalive 32`` would (``--keepalive``); a sync worker closes
each after its answer, as README's upstream for the site expects, and the client connects
again. It runs on the same two cores
as gunicorn, PostgreSQL and Redis: the numbers include its CPU. Prints a Markdown table and
writes it with the raw figures to ``bench/results/contests-load.md`` and ``.json``. Exit
status 1 when an answer is lost, an attempt is over the limit, a submission is missing or
the goal is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import datetime as dt
import gzip
import html
import json
import os
import platform
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DATA_DIR = RESULTS / "contests-load-data"
BIN = Path(sys.executable).parent
GOAL_P99_MS = 300.0
GOAL_PAGE_BYTES = 300 * 1024
RETRY_BACKOFF = (0.5, 1.0, 2.0, 4.0, 8.0)
REQUEST_TIMEOUT = 10.0
GRASSROOTS = 20
BANK = 60
PER_ATTEMPT = 20


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=300.0, help="requests per second")
    parser.add_argument(
        "--seconds", type=float, default=30.0, help="length of the burst (sets the plan's size)"
    )
    parser.add_argument("--entrants", type=int, default=1400)
    parser.add_argument("--workers", type=int, default=5, help="gunicorn worker processes")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per gunicorn worker (1: sync workers)"
    )
    parser.add_argument("--baseline-seconds", type=float, default=10.0)
    parser.add_argument("--kill-at", type=float, default=0.4, help="share of the burst")
    parser.add_argument("--no-kill", action="store_true")
    parser.add_argument("--pow-bits", type=int, default=8)
    parser.add_argument("--keepalive", type=int, default=32)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/lantoa_cload_bench")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args(argv)


# -- database, environment, server ------------------------------------------------------------


def prepare_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    base, _, dbname = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname))
        )
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))


def bench_environment(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    for name in list(env):
        if name.startswith(("LANTOA_", "CELERY_", "DJANGO_")) or name in (
            "DATABASE_URL",
            "REDIS_URL",
        ):
            del env[name]
    env.update(
        {
            "DATABASE_URL": args.pg_url,
            "REDIS_URL": args.redis_url,
            "DJANGO_SETTINGS_MODULE": "lantoa.settings",
            # `lantoa serve` refuses to run without a production key.
            "LANTOA_SECRET_KEY": secrets.token_urlsafe(48),
            "LANTOA_HTTPS": "0",
            "LANTOA_TASKS_EAGER": "1",
            "LANTOA_DATA_DIR": str(DATA_DIR),
            "LANTOA_LOG_LEVEL": "WARNING",
            "LANTOA_CONTEST_POW_BITS": str(args.pow_bits),
            "PYTHONPATH": os.pathsep.join(p for p in (env.get("PYTHONPATH", ""), str(ROOT)) if p),
        }
    )
    return env


def setup_django(env: dict[str, str]) -> None:
    os.environ.clear()
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


@dataclasses.dataclass
class Person:
    """One entrant as the phone knows them."""

    entrant_id: int
    attempt_id: int
    attempt_number: int  # the open attempt's number (1 or 2, of 2 allowed)
    session: str
    csrf_cookie: str = ""
    csrf_token: str = ""
    # question id → (option ids as shown, several answers allowed)
    questions: dict[int, tuple[list[int], bool]] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Seeded:
    contest_id: int
    round_number: int
    people: list[Person]
    seconds: float


def seed(entrants: int, seed_value: int) -> Seeded:
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone

    from lantoa.contests import entry, integrity, services
    from lantoa.contests.models import Difficulty
    from lantoa.contests.public_views import SESSION_ENTRANTS
    from lantoa.units.models import UnitKind
    from lantoa.units.services import unit_create, unit_root_ensure

    started = time.monotonic()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    vn = unit_root_ensure()
    province = unit_create(
        code="HCM",
        name="Liên đoàn Lao động Thành phố Hồ Chí Minh",
        kind=UnitKind.PROVINCE,
        parent=vn,
    )
    units = [
        unit_create(
            code=f"HCM-G{i:02d}",
            name=f"Công đoàn cơ sở Công ty TNHH May Bình Tân {i}",
            kind=UnitKind.GRASSROOTS,
            parent=province,
            member_count=800 + 37 * i,
        )
        for i in range(1, GRASSROOTS + 1)
    ]
    contest = services.contest_create(
        unit=province,
        title="Tìm hiểu Bộ luật Lao động năm 2019",
        rules="Mỗi người dự thi tối đa hai lần mỗi tuần; 20 câu trong 30 phút.",
    )
    levels = (Difficulty.EASY, Difficulty.MEDIUM, Difficulty.HARD)
    topics = ("Hợp đồng lao động", "Tiền lương", "Thời giờ làm việc", "Bảo hiểm xã hội")
    questions = []
    for i in range(BANK):
        multiple = i % 5 == 4
        values, errors = services.question_check(
            text=f"Theo Bộ luật Lao động 2019, câu hỏi số {i + 1} là gì?",
            kind="multiple" if multiple else "single",
            options=[
                (f"Phương án {k} của câu {i + 1}", k == 1 or (multiple and k == 3))
                for k in range(1, 5)
            ],
            topic=topics[i % len(topics)],
            difficulty=levels[i % 3],
            explanation=f"Điều {i + 10} Bộ luật Lao động 2019.",
        )
        assert not errors, errors
        questions.append(values)
    services.questions_add(contest=contest, questions=questions)
    now = timezone.now()
    rnd = services.round_create(
        contest=contest,
        title="Tuần 1",
        opens_at=now - dt.timedelta(hours=2),
        closes_at=now + dt.timedelta(days=2),
        questions_per_attempt=PER_ATTEMPT,
        time_limit_minutes=30,
        attempts_allowed=2,
    )
    services.contest_submit(contest=contest)
    services.contest_approve(contest=contest)
    rng = random.Random(seed_value)
    people = []
    for i in range(entrants):
        person, code = entry.entrant_register(
            contest=contest,
            full_name=f"Người dự thi số {i + 1}",
            birth_date=dt.date(1980 + i % 25, 1 + i % 12, 1 + i % 28),
            phone=f"09{i:08d}",
            unit=units[i % GRASSROOTS],
        )
        person = entry.entrant_verify(entrant=person, code=code)
        hashes = {
            "device_hash": integrity.keyed_hash("device", f"bench-device-{i}"),
            "ip_hash": integrity.keyed_hash("ip", f"10.{i // 65536}.{i // 256 % 256}.{i % 256}"),
        }
        attempt = entry.attempt_start(entrant=person, round=rnd, rng=rng, **hashes)
        if i % 2:  # attempt 1 done already; the open one is their last
            sheet = {
                question_id: [order[0]]
                for question_id, order in attempt.answers.values_list("question_id", "option_order")
            }
            entry.attempt_submit(attempt=attempt, prediction=rng.randrange(10, 500), answers=sheet)
            attempt = entry.attempt_start(entrant=person, round=rnd, rng=rng, **hashes)
        session = SessionStore()
        session[SESSION_ENTRANTS] = {str(contest.pk): person.pk}
        session.create()
        people.append(Person(person.pk, attempt.pk, attempt.number, str(session.session_key)))
    return Seeded(contest.pk, rnd.number, people, time.monotonic() - started)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


CLK_TCK = os.sysconf("SC_CLK_TCK")


def _cpu_of(pid: int) -> tuple[int, float] | None:
    """(process group, CPU seconds used so far) of a process, from /proc."""
    try:
        data = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = data[data.rindex(")") + 2 :].split()
    return int(fields[2]), (int(fields[11]) + int(fields[12])) / CLK_TCK


def cpu_snapshot(server_group: int, pg_url: str) -> dict[str, dict[int, float]]:
    """CPU seconds so far of every process of the web server and of every PostgreSQL
    backend serving the bench database."""
    import psycopg

    web: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (found := _cpu_of(int(entry))) and found[0] == server_group:
            web[int(entry)] = found[1]
    database: dict[int, float] = {}
    with psycopg.connect(pg_url, autocommit=True) as conn:
        pids = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        ).fetchall()
    for (pid,) in pids:
        if found := _cpu_of(pid):
            database[pid] = found[1]
    return {"web": web, "db": database}


def cpu_used(
    before: dict[str, dict[int, float]], after: dict[str, dict[int, float]]
) -> dict[str, float]:
    """Seconds used in between, per role (a process that died in between is not counted)."""
    return {
        role: sum(used - before[role].get(pid, 0.0) for pid, used in after[role].items())
        for role in ("web", "db")
    }


class Server:
    """``lantoa serve`` in its own process group."""

    def __init__(self, env: dict[str, str], args: argparse.Namespace) -> None:
        self.env, self.args = env, args
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.killed: list[int] = []

    def start(self) -> None:
        argv = [
            str(BIN / "lantoa"),
            "serve",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.args.workers),
            "--threads",
            str(self.args.threads),
        ]
        log = (RESULTS / "contests-load-server.log").open("ab")
        try:
            self.proc = subprocess.Popen(  # noqa: S603 - our own command and arguments
                argv,
                cwd=RESULTS,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            log.close()

    def workers(self) -> list[int]:
        if self.proc is None:
            return []
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        try:
            return [int(p) for p in path.read_text().split()]
        except OSError:
            return []

    def kill_worker(self) -> None:
        found = self.workers()
        if found:
            os.kill(found[0], signal.SIGKILL)
            self.killed.append(found[0])

    def wait_ready(self, timeout: float = 120.0) -> None:
        import urllib.request

        deadline = time.monotonic() + timeout
        answered = 0
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError("the server stopped: bench/results/contests-load-server.log")
            try:
                url = f"http://127.0.0.1:{self.port}/healthz"
                with urllib.request.urlopen(url, timeout=2) as response:
                    answered += response.status in (200, 503)
            except OSError:
                time.sleep(0.3)
                continue
            if answered >= 4 * self.args.workers:
                return
        raise RuntimeError("the server did not start in time")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


# -- the client ---------------------------------------------------------------------------------


@dataclasses.dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers if k == name), "")

    def cookies(self) -> dict[str, str]:
        found = {}
        for key, value in self.headers:
            if key == "set-cookie":
                pair = value.split(";", 1)[0]
                name, _, val = pair.partition("=")
                found[name.strip()] = val.strip()
        return found


async def _read_response(reader: asyncio.StreamReader) -> tuple[Response, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.") or len(head) < 12:
        raise ConnectionResetError("no HTTP response")
    status = int(head[9:12])
    headers = []
    for line in head.decode("latin-1").split("\r\n")[1:]:
        if line:
            name, _, value = line.partition(":")
            headers.append((name.strip().lower(), value.strip()))
    lookup = dict(headers)
    if "content-length" in lookup:
        body = await reader.readexactly(int(lookup["content-length"]))
    elif lookup.get("transfer-encoding", "").lower() == "chunked":
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            parts.append((await reader.readexactly(size + 2))[:-2])
            if size == 0:
                break
        body = b"".join(parts)
    else:
        return Response(status, headers, await reader.read(-1)), False
    return Response(status, headers, body), lookup.get("connection", "").lower() != "close"


UPSTREAM_KEEPALIVE_TIMEOUT = 60.0  # nginx's upstream keepalive_timeout in README


class Client:
    """HTTP/1.1 over asyncio streams with a pool of idle connections (nginx's upstream
    ``keepalive``): a request takes an idle connection or opens one."""

    def __init__(self, port: int, keepalive: int) -> None:
        self.port, self.keepalive = port, keepalive
        self.host = f"127.0.0.1:{port}"
        # (reader, writer, idle since): LIFO, as nginx reuses its cached connections.
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = []

    def request_bytes(
        self,
        method: str,
        path: str,
        *,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        cookies: dict[str, str] | None = None,
    ) -> bytes:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}"]
        for name, value in (headers or {}).items():
            lines.append(f"{name}: {value}")
        if cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
        if method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body

    async def exchange(self, data: bytes) -> Response:
        reader = writer = None
        while self.idle:
            reader, writer, since = self.idle.pop()
            # Like nginx's cached upstream connections: one the server has closed (its EOF
            # was read, e.g. the worker holding it was killed) or idle past keepalive_timeout
            # is dropped, not used for a request.
            fresh = time.monotonic() - since < UPSTREAM_KEEPALIVE_TIMEOUT
            if fresh and not reader.at_eof() and not writer.is_closing():
                break
            writer.close()
            reader = writer = None
        if reader is None or writer is None:
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        try:
            writer.write(data)
            response, keep = await _read_response(reader)
        except BaseException:
            writer.close()
            raise
        if keep and len(self.idle) < self.keepalive:
            self.idle.append((reader, writer, time.monotonic()))
        else:
            writer.close()
        return response

    def close(self) -> None:
        for _, writer, _since in self.idle:
            writer.close()
        self.idle.clear()


def run_async(coroutine: Any) -> Any:
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


# -- first load: the attempt page, its weight and origins -------------------------------------

INPUT = re.compile(
    r'<input type="(radio|checkbox)" name="q(\d+)" value="(\d+)" data-question="\d+"'
)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ASSET = re.compile(r'<(?:script|link|img)\b[^>]*?\b(?:src|href)="([^"]+)"[^>]*>', re.IGNORECASE)
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


def parse_attempt_page(person: Person, response: Response) -> None:
    page = response.body.decode()
    found = TOKEN.search(page)
    if response.status != 200 or not found:
        raise RuntimeError(f"attempt page {person.attempt_id}: {response.status}")
    person.csrf_token = html.unescape(found.group(1))
    person.csrf_cookie = response.cookies().get("csrftoken", person.csrf_cookie)
    questions: dict[int, tuple[list[int], bool]] = {}
    for kind, question, option in INPUT.findall(page):
        options, _multiple = questions.setdefault(int(question), ([], kind == "checkbox"))
        options.append(int(option))
    person.questions = questions


async def first_loads(client: Client, people: list[Person], concurrency: int = 12) -> list[float]:
    """Every entrant opens their attempt page (not counted in the burst)."""
    queue = list(people)
    times: list[float] = []

    async def one() -> None:
        while queue:
            person = queue.pop()
            data = client.request_bytes(
                "GET", f"/thi/bai/{person.attempt_id}/", cookies={"sessionid": person.session}
            )
            start = time.perf_counter()
            response = await client.exchange(data)
            times.append((time.perf_counter() - start) * 1000)
            parse_attempt_page(person, response)

    await asyncio.gather(*(one() for _ in range(concurrency)))
    return times


async def page_weight(client: Client, person: Person) -> dict[str, Any]:
    """The attempt page and what it loads: bytes as sent uncompressed, and gzip-compressed
    (level 6, what nginx's ``gzip on`` sends; WhiteNoise also serves its own .gz files)."""
    cookies = {"sessionid": person.session, "csrftoken": person.csrf_cookie}
    page = await client.exchange(
        client.request_bytes("GET", f"/thi/bai/{person.attempt_id}/", cookies=cookies)
    )
    items: list[dict[str, Any]] = [
        {
            "url": f"/thi/bai/{person.attempt_id}/",
            "kind": "html",
            "bytes": len(page.body),
            "gzip": len(gzip.compress(page.body, 6)),
        }
    ]
    origins: set[str] = set()
    todo = [html.unescape(u) for u in ASSET.findall(page.body.decode())]
    seen: set[str] = set()
    while todo:
        url = todo.pop(0)
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") or url.startswith("//"):
            origins.add(f"{parts.scheme or 'https'}://{parts.netloc}")
            continue
        if parts.scheme or url in seen or not url.startswith("/"):
            continue
        seen.add(url)
        response = await client.exchange(client.request_bytes("GET", parts.path))
        kind = Path(parts.path).suffix.lstrip(".") or "?"
        items.append(
            {
                "url": parts.path,
                "kind": kind,
                "status": response.status,
                "bytes": len(response.body),
                "gzip": len(gzip.compress(response.body, 6)),
            }
        )
        if kind == "css":
            base = parts.path.rsplit("/", 1)[0]
            for ref in CSS_URL.findall(response.body.decode(errors="replace")):
                if ref.startswith("data:"):
                    continue
                if ref.startswith(("http:", "https:", "//")):
                    todo.append(ref)
                else:
                    todo.append(ref if ref.startswith("/") else f"{base}/{ref}")
    csp = page.header("content-security-policy")
    return {
        "items": items,
        "bytes": sum(i["bytes"] for i in items),
        "gzip": sum(i["gzip"] for i in items),
        "third_party_origins": sorted(origins),
        "csp": csp,
    }


# -- the burst ------------------------------------------------------------------------------------


@dataclasses.dataclass
class Step:
    person: int
    kind: str  # autosave | submit | rules | start
    question: int = 0
    chosen: tuple[int, ...] = ()
    after: int = -1  # index of a step that must be answered first (the phone waits for it)


def plan_steps(people: list[Person], rate: float, seconds: float, seed_value: int) -> list[Step]:
    """Each entrant's steps in their own order; all in time order (see the module)."""
    rng = random.Random(seed_value)
    want = int(rate * seconds)
    per_person: list[list[Step]] = []
    total = 0
    for i, person in enumerate(people):
        if total >= want:
            break
        ids = list(person.questions)
        rng.shuffle(ids)
        steps = []
        answered: dict[int, tuple[int, ...]] = {}
        for q in ids[: rng.randint(3, 8)]:
            options, multiple = person.questions[q]
            chosen = tuple(sorted(rng.sample(options, 2))) if multiple else (rng.choice(options),)
            answered[q] = chosen
            steps.append(Step(i, "autosave", q, chosen))
        if rng.random() < 0.2:  # a changed mind
            q = rng.choice(list(answered))
            options, multiple = person.questions[q]
            others = [o for o in options if (o,) != answered[q]]
            steps.append(Step(i, "autosave", q, (rng.choice(others),)))
        if rng.random() < 0.4:
            steps.append(Step(i, "submit"))
            steps.append(Step(i, "rules"))
            steps += [Step(i, "start"), Step(i, "start")]
        per_person.append(steps)
        total += len(steps)
    # Ideal times: each entrant starts somewhere in the burst and takes a step every 2–6 s;
    # then the k-th step overall is due at k / rate (each entrant's order kept).
    timed: list[tuple[float, int, int]] = []
    for p, steps in enumerate(per_person):
        at = rng.uniform(0, seconds * 0.6)
        for s, _step in enumerate(steps):
            timed.append((at, p, s))
            at += rng.uniform(2.0, 6.0) if steps[s].kind not in ("rules", "start") else 0.3
    timed.sort()
    ordered: list[Step] = []
    position: dict[tuple[int, int], int] = {}
    for _at, p, s in timed:
        step = per_person[p][s]
        position[(p, s)] = len(ordered)
        ordered.append(step)
    for p, steps in enumerate(per_person):
        saved: dict[int, int] = {}  # question → its last autosave so far
        for s, step in enumerate(steps):
            if step.kind == "autosave":
                # The page sends a question's new choice once the save before it is answered
                # (two saves of one question could otherwise arrive swapped).
                if step.question in saved:
                    step.after = saved[step.question]
                saved[step.question] = position[(p, s)]
            elif step.kind == "rules":
                step.after = position[(p, s - 1)]  # the result page of the submission
            elif step.kind == "start":
                step.after = position[(p, s - 1 if steps[s - 1].kind == "rules" else s - 2)]
    return ordered


@dataclasses.dataclass
class BurstResult:
    name: str
    requests: int = 0
    sent: int = 0
    latencies: dict[str, list[float]] = dataclasses.field(default_factory=lambda: defaultdict(list))
    statuses: Counter[str] = dataclasses.field(default_factory=Counter)
    retries: int = 0
    gave_up: int = 0
    send_lag_ms: list[float] = dataclasses.field(default_factory=list)
    duration_s: float = 0.0
    kills: list[float] = dataclasses.field(default_factory=list)
    client_cpu_s: float = 0.0
    server_cpu_s: dict[str, float] = dataclasses.field(default_factory=dict)
    # (person, question) → every choice sent, in order, and the newest one acknowledged (its
    # index): what is stored must be that one or a newer one (sent, its answer not heard).
    sent_choices: dict[tuple[int, int], list[tuple[int, ...]]] = dataclasses.field(
        default_factory=lambda: defaultdict(list)
    )
    acked_answers: dict[tuple[int, int], int] = dataclasses.field(default_factory=dict)
    acked_submits: set[int] = dataclasses.field(default_factory=set)
    refused: Counter[str] = dataclasses.field(default_factory=Counter)
    # (seconds into the burst it was due, kind, ms to its acknowledgement): where the slow ones are
    timeline: list[tuple[float, str, float]] = dataclasses.field(default_factory=list)


def solve_pow(nonce: str, bits: int) -> str:
    """What ``static/lantoa/contest-pow.js`` does in the browser."""
    from lantoa.contests.integrity import pow_ok

    n = 0
    while not pow_ok(nonce, str(n), bits):
        n += 1
    return str(n)


async def run_burst(
    client: Client,
    people: list[Person],
    steps: list[Step],
    rate: float,
    *,
    faults: list[tuple[float, Callable[[], None]]],
    contest_id: int = 0,
    round_number: int = 1,
    name: str = "burst",
    healthz: bool = False,
) -> BurstResult:
    loop = asyncio.get_running_loop()
    clock = time.perf_counter
    result = BurstResult(name, requests=len(steps))
    done = [asyncio.Event() for _ in steps]
    # What each phone has chosen so far (the form posts it), and the start form it holds.
    chosen_now: dict[tuple[int, int], tuple[int, ...]] = {}
    start_form: dict[int, dict[str, str]] = {}
    origin = f"http://{client.host}"
    t0 = clock() + 0.2

    def fire(action: Callable[[], None]) -> None:
        action()
        result.kills.append(clock() - t0)

    for at, action in faults:
        loop.call_later(max(0.0, t0 + at - clock()), fire, action)

    def request(step: Step) -> tuple[bytes, dict[tuple[int, int], tuple[int, ...]]]:
        person = people[step.person]
        cookies = {"sessionid": person.session, "csrftoken": person.csrf_cookie}
        if healthz:
            return client.request_bytes("GET", "/healthz"), {}
        if step.kind == "autosave":
            # The page's script sends the latest choice for the question (a retry too).
            latest = chosen_now[(step.person, step.question)]
            body = json.dumps({"question": step.question, "chosen": list(latest)}).encode()
            headers = {
                "Content-Type": "application/json",
                "X-CSRFToken": person.csrf_token,
                "Origin": origin,
            }
            data = client.request_bytes(
                "POST",
                f"/thi/bai/{person.attempt_id}/luu/",
                body=body,
                headers=headers,
                cookies=cookies,
            )
            return data, {(step.person, step.question): latest}
        if step.kind == "submit":
            form: list[tuple[str, str]] = [("csrfmiddlewaretoken", person.csrf_token)]
            carried = {k: v for k, v in chosen_now.items() if k[0] == step.person}
            for (_p, q), options in carried.items():
                form += [(f"q{q}", str(o)) for o in options]
            form.append(("prediction", str(100 + step.person % 400)))
            data = client.request_bytes(
                "POST",
                f"/thi/bai/{person.attempt_id}/nop/",
                body=urlencode(form).encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": origin},
                cookies=cookies,
            )
            return data, carried
        if step.kind == "rules":
            return client.request_bytes("GET", f"/thi/{contest_id}/", cookies=cookies), {}
        fields = start_form.get(step.person, {"pow_nonce": "", "pow_suffix": ""})
        form = [("csrfmiddlewaretoken", person.csrf_token), *fields.items()]
        data = client.request_bytes(
            "POST",
            f"/thi/{contest_id}/dot/{round_number}/bat-dau/",
            body=urlencode(form).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": origin},
            cookies=cookies,
        )
        return data, {}

    def acknowledged(step: Step, response: Response) -> bool:
        if healthz:
            return response.status in (200, 503)
        if step.kind == "autosave":
            return response.status == 200
        if step.kind == "submit":
            return response.status == 302 and "/ket-qua/" in response.header("location")
        if step.kind == "rules":
            return response.status == 200
        return response.status in (302, 409)

    async def perform(index: int, step: Step, due: float) -> None:
        if step.kind == "autosave":
            # The tap changes the form at once (a submission from now on carries it, and a
            # retry of the question's previous save sends it, as the page's `pending` does);
            # only the sending of a changed mind waits for the previous save's answer.
            chosen_now[(step.person, step.question)] = step.chosen
            result.sent_choices[(step.person, step.question)].append(step.chosen)
        if step.after >= 0:
            await done[step.after].wait()
            due = max(due, clock())
        first_due = due
        try:
            for attempt in range(len(RETRY_BACKOFF) + 1):
                data, carried = request(step)
                start = clock()
                result.sent += 1
                if attempt == 0:
                    result.send_lag_ms.append((start - due) * 1000)
                try:
                    response = await asyncio.wait_for(client.exchange(data), REQUEST_TIMEOUT)
                except (OSError, TimeoutError, asyncio.IncompleteReadError) as exc:
                    result.statuses[type(exc).__name__] += 1
                    response = None
                else:
                    result.statuses[f"{step.kind} {response.status}"] += 1
                if response is not None and response.status < 500:
                    latency = (clock() - first_due) * 1000
                    if acknowledged(step, response):
                        result.latencies[step.kind].append(latency)
                        result.timeline.append((first_due - t0, step.kind, latency))
                        for key, options in carried.items():
                            versions = result.sent_choices[key]
                            newest = max(i for i, v in enumerate(versions) if v == options)
                            result.acked_answers[key] = max(
                                newest, result.acked_answers.get(key, -1)
                            )
                        if step.kind == "submit":
                            result.acked_submits.add(step.person)
                        if step.kind == "rules":
                            page = response.body.decode()
                            nonce = re.search(r'name="pow_nonce" value="([0-9a-f]+)"', page)
                            bits = re.search(r'data-pow-bits="(\d+)"', page)
                            if nonce and bits:
                                start_form[step.person] = {
                                    "pow_nonce": nonce.group(1),
                                    "pow_suffix": solve_pow(nonce.group(1), int(bits.group(1))),
                                }
                    else:
                        result.refused[f"{step.kind} {response.status}"] += 1
                    return
                if attempt == len(RETRY_BACKOFF):
                    break
                result.retries += 1
                await asyncio.sleep(RETRY_BACKOFF[attempt])
            result.gave_up += 1
        finally:
            done[index].set()

    cpu0 = time.process_time()
    tasks = []
    for index, step in enumerate(steps):
        due = t0 + index / rate
        delay = due - clock()
        if delay > 0.0005:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(perform(index, step, due)))
    await asyncio.gather(*tasks)
    result.duration_s = clock() - t0
    result.client_cpu_s = time.process_time() - cpu0
    return result


# -- the checks in the database --------------------------------------------------------------


def verify(people: list[Person], burst: BurstResult) -> dict[str, Any]:
    from django.db import connection
    from django.db.models import Count

    from lantoa.contests.models import Answer, Attempt

    attempts = {p.attempt_id: p for p in people}
    stored: dict[tuple[int, int], list[int]] = {}
    by_attempt = {p.attempt_id: i for i, p in enumerate(people)}
    for attempt_id, question_id, chosen in Answer.objects.filter(
        attempt_id__in=list(attempts)
    ).values_list("attempt_id", "question_id", "chosen"):
        stored[(by_attempt[attempt_id], question_id)] = chosen
    lost = []
    for (p, q), acked in burst.acked_answers.items():
        value = sorted(stored.get((p, q)) or [])
        if not any(sorted(v) == value for v in burst.sent_choices[(p, q)][acked:]):
            lost.append((people[p].attempt_id, q, burst.sent_choices[(p, q)], value))
    submitted = dict(
        Attempt.objects.filter(pk__in=list(attempts)).values_list("pk", "submitted_at")
    )
    missing_submits = [
        people[p].attempt_id
        for p in burst.acked_submits
        if submitted.get(people[p].attempt_id) is None
    ]
    over = list(
        Attempt.objects.values("entrant_id", "round_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=2)
        .values_list("entrant_id", "n")
    )
    numbered_over = Attempt.objects.filter(number__gt=2).count()
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM contests_attempt a WHERE a.submitted_at IS NOT NULL AND "
            "a.score <> (SELECT count(*) FROM contests_answer x WHERE x.attempt_id = a.id "
            "AND x.correct)"
        )
        bad_scores = cur.fetchone()[0]
    on_first = [p for p in people if p.attempt_number == 1]
    restarted = Attempt.objects.filter(
        entrant_id__in=[p.entrant_id for p in on_first], number=2
    ).count()
    return {
        "answers_acknowledged": len(burst.acked_answers),
        "answers_lost": len(lost),
        "lost_examples": lost[:10],
        "submits_acknowledged": len(burst.acked_submits),
        "submits_missing": len(missing_submits),
        "entrants_over_limit": len(over),
        "attempts_numbered_over_limit": numbered_over,
        "scores_wrong": bad_scores,
        "second_attempts_started": restarted,
        "attempts_total": Attempt.objects.count(),
    }


# -- report -------------------------------------------------------------------------------------


def pct(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def loadavg() -> str:
    return " / ".join(f"{x:.2f}".replace(".", ",") for x in os.getloadavg())


def report(
    args: argparse.Namespace,
    seeded: Seeded,
    first: list[float],
    weight: dict[str, Any],
    base: BurstResult,
    burst: BurstResult,
    checks: dict[str, Any],
    loads: dict[str, str],
) -> tuple[str, bool]:
    every = [x for values in burst.latencies.values() for x in values]
    p99 = pct(every, 0.99)
    base_all = [x for values in base.latencies.values() for x in values]
    ok = (
        p99 < GOAL_P99_MS
        and checks["answers_lost"] == 0
        and checks["entrants_over_limit"] == 0
        and checks["attempts_numbered_over_limit"] == 0
        and checks["submits_missing"] == 0
        and checks["scores_wrong"] == 0
        and burst.gave_up == 0
    )

    def cpu_row(label: str, phase: BurstResult) -> str:
        n = max(phase.sent, 1)
        web = phase.server_cpu_s.get("web", 0.0) * 1000 / n
        db = phase.server_cpu_s.get("db", 0.0) * 1000 / n
        client = phase.client_cpu_s * 1000 / n
        total = web + db + client
        return (
            f"| {label} ({phase.sent} sent) | {web:.2f} | {db:.2f} | {client:.2f} | "
            f"{total:.2f} | {2000 / max(total, 0.001):.0f} req/s |"
        )

    def row(label: str, values: Sequence[float]) -> str:
        return (
            f"| {label} | {len(values)} | {pct(values, 0.5):.1f} | {pct(values, 0.95):.1f} | "
            f"{pct(values, 0.99):.1f} | {max(values) if values else float('nan'):.1f} |"
        )

    window = 3.0
    slices: dict[int, list[tuple[str, float]]] = defaultdict(list)
    for at, kind, latency in burst.timeline:
        slices[int(at // window)].append((kind, latency))
    timeline_rows = [
        f"| {k * window:.0f}–{(k + 1) * window:.0f} s | {len(got)} | "
        f"{100 * sum(kind != 'autosave' for kind, _ in got) / len(got):.0f} % | "
        f"{pct([x for _, x in got], 0.5):.1f} | {pct([x for _, x in got], 0.99):.1f} | "
        f"{max(x for _, x in got):.1f} |"
        for k, got in sorted(slices.items())
    ]
    lines = [
        f"Contests load ({dt.date.today():%d/%m/%Y}): `lantoa serve` (gunicorn {args.workers} "
        f"workers × {args.threads} threads) on PostgreSQL, Redis db for the cache; "
        f"{len(seeded.people)} entrants seeded in {seeded.seconds:.0f} s; "
        f"{platform.python_version()}, {os.cpu_count()} CPUs. The load generator (asyncio, "
        f"{burst.client_cpu_s:.1f} s CPU in the burst) runs on the same cores.",
        "",
        f"Load (`uptime`): before {loads['before']}; after the burst {loads['after']}.",
        "",
        f"Burst: {burst.requests} requests at {args.rate:.0f}/s open-loop "
        f"({burst.duration_s:.1f} s), gunicorn worker SIGKILLed at "
        f"{', '.join(f'{k:.1f} s' for k in burst.kills) or '—'}; "
        f"retries {burst.retries}, given up {burst.gave_up}, "
        f"send lag p99 {pct(burst.send_lag_ms, 0.99):.1f} ms.",
        "",
        "| requests (ms from due to acknowledgement) | n | p50 | p95 | p99 | max |",
        "|---|---|---|---|---|---|",
        row("baseline: GET /healthz, same rate, no kill", base_all),
        row("**all autosaves and submissions + starts**", every),
        *(row(kind, burst.latencies[kind]) for kind in ("autosave", "submit", "rules", "start")),
        "",
        f"p99 {p99:.1f} ms against the goal {GOAL_P99_MS:.0f} ms "
        f"({p99 / max(pct(base_all, 0.99), 0.001):.1f}× the baseline's p99): "
        f"**{'pass' if p99 < GOAL_P99_MS else 'MISS'}**.",
        "",
        "By the time the requests were due (rules pages, starts and submissions are the heavy "
        "share):",
        "",
        "| due | n | heavy share | p50 ms | p99 ms | max ms |",
        "|---|---|---|---|---|---|",
        *timeline_rows,
        "",
        "CPU per request (the machine's load does not change what a request costs, only how "
        "long it waits; 2 cores ÷ this = the rate the two cores could serve alone):",
        "",
        "| phase | web (gunicorn) ms | PostgreSQL ms | client ms | total ms | 2 cores ÷ total |",
        "|---|---|---|---|---|---|",
        cpu_row("baseline GET /healthz", base),
        cpu_row("burst (with retries)", burst),
        "",
        "| check in the database | value |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in checks.items() if k != "lost_examples"),
        f"| refused (4xx) | {dict(burst.refused)} |",
        f"| statuses | {dict(sorted(burst.statuses.items()))} |",
        "",
        f"First load of the attempt page (before the burst, 12 at a time): p50 "
        f"{pct(first, 0.5):.1f} ms, p99 {pct(first, 0.99):.1f} ms. Weight: "
        f"{weight['bytes'] / 1024:.1f} KB uncompressed, {weight['gzip'] / 1024:.1f} KB gzip, "
        f"goal < {GOAL_PAGE_BYTES // 1024} KB: "
        f"**{'pass' if weight['bytes'] < GOAL_PAGE_BYTES else 'MISS'}**; third-party origins: "
        f"{weight['third_party_origins'] or 'none'}.",
        "",
        "| resource | bytes | gzip |",
        "|---|---|---|",
        *(f"| {i['url']} | {i['bytes']} | {i['gzip']} |" for i in weight["items"]),
    ]
    return "\n".join(lines), ok


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (DATA_DIR / "static").mkdir(parents=True, exist_ok=True)
    env = bench_environment(args)
    prepare_database(args.pg_url)
    import redis

    redis.Redis.from_url(args.redis_url).flushdb()
    setup_django(env)
    print(f"seeding {args.entrants} entrants …", flush=True)
    seeded = seed(args.entrants, args.seed)
    print(f"seeded in {seeded.seconds:.0f} s", flush=True)
    from django.db import connection

    # What autovacuum does within a minute of the seeding on a production server (it is off
    # on this machine's PostgreSQL): without statistics the planner takes the tables for
    # empty, and the autosave's prepared plan found the entrant by scanning the contest's.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    connection.close()
    server = Server(env, args)
    loads = {}
    try:
        server.start()
        server.wait_ready()

        async def go() -> tuple[Any, ...]:
            client = Client(server.port, args.keepalive)
            first = await first_loads(client, seeded.people)
            weight = await page_weight(client, seeded.people[0])
            steps = plan_steps(seeded.people[1:], args.rate, args.seconds, args.seed)
            people = seeded.people[1:]
            base_steps = plan_steps(people, args.rate, args.baseline_seconds, args.seed + 1)[
                : int(args.rate * args.baseline_seconds)
            ]
            for step in base_steps:
                step.after = -1
            assert server.proc is not None
            cpu0 = cpu_snapshot(server.proc.pid, args.pg_url)
            base = await run_burst(
                client, people, base_steps, args.rate, faults=[], name="baseline", healthz=True
            )
            base.server_cpu_s = cpu_used(cpu0, cpu_snapshot(server.proc.pid, args.pg_url))
            await asyncio.sleep(2)
            loads["before"] = loadavg()
            print(f"burst: {len(steps)} requests at {args.rate:g}/s …", flush=True)
            span = len(steps) / args.rate
            faults = [] if args.no_kill else [(span * args.kill_at, server.kill_worker)]
            cpu0 = cpu_snapshot(server.proc.pid, args.pg_url)
            burst = await run_burst(
                client,
                people,
                steps,
                args.rate,
                faults=faults,
                contest_id=seeded.contest_id,
                round_number=seeded.round_number,
            )
            burst.server_cpu_s = cpu_used(cpu0, cpu_snapshot(server.proc.pid, args.pg_url))
            loads["after"] = loadavg()
            client.close()
            return first, weight, base, burst, people

        first, weight, base, burst, people = run_async(go())
    finally:
        server.stop()
    checks = verify(people, burst)
    text, ok = report(args, seeded, first, weight, base, burst, checks, loads)
    print(text)
    (RESULTS / "contests-load.md").write_text(text + "\n")
    raw = {
        "args": vars(args),
        "checks": checks,
        "weight": weight,
        "latencies": {k: sorted(v) for k, v in burst.latencies.items()},
        "timeline": [(round(at, 3), kind, round(ms, 1)) for at, kind, ms in burst.timeline],
        "statuses": dict(burst.statuses),
        "kills": burst.kills,
        "killed_pids": server.killed,
        "mean_autosave_ms": statistics.fmean(burst.latencies["autosave"] or [0]),
    }
    (RESULTS / "contests-load.json").write_text(json.dumps(raw, indent=1, default=str))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Live game ("Rung chuông vàng") benchmark: a hall of phones on several uvicorn processes.

    uv run python bench/livegame_bench.py [--players 2000] [--servers 3]

What it does, start to end (every process it starts is in its own process group and is
stopped in a ``finally`` block):

1. Creates a throwaway PostgreSQL database (``--pg-url``, default ``lantoa_lbench``: dropped
   and created, migrated), flushes ONLY Redis database ``--redis-url`` (default 13) and uses the
   key prefix ``lbench:live`` (the events' pub/sub channel names the prefix and the database:
   pub/sub is shared by all Redis databases).
2. Seeds a unit and an elimination game of 4 main questions (time limit 20 s) and lets
   ``--players`` players join through the product's service (``players.player_join``: the
   database row and the Redis state, as a phone's join does; joining over HTTP is not what is
   measured here).
3. Starts ``--servers`` uvicorn processes as ``lantoa serve-webhooks`` runs them (one worker
   each, uvloop, httptools), on their own ports, all on the same PostgreSQL and Redis: each has
   its own hub (one Redis subscription).
4. The load generator (this process, one asyncio loop with uvloop, on the same 2 cores as the
   servers) opens one real HTTP/1.1 server-sent event stream per player (``GET
   /choi/<pin>/su-kien/`` with the player's cookie), spread round robin over the processes, and
   waits for every snapshot. Each answer is a real ``POST /choi/<pin>/tra-loi/`` (JSON, CSRF
   cookie and header, a new connection per answer as a phone after a pause). A connection
   refused goes at once to the next process (what nginx does with ``proxy_next_upstream``); a
   stream that drops reconnects after the ``retry:`` the server sent (1,5 s, as EventSource),
   to the process the balancer's round robin gives (the dead one refuses: the next); an
   answer that failed is retried like the page does (0,4 s × try).
5. The host's actions (start, next question, reveal, rescue, end) are the engine's service
   calls, run from this process like the host console's view runs them; fan-out is timed from
   just before the call to each phone's receiving the event.
6. The game: start; question 1 — every player answers once at a random moment within
   ``--window`` (3 s) of the host's action, 90 % right, and 5 % send the same answer twice
   at once and 5 % again later with another option (idempotent retries: the first stored wins);
   reveal (about 10 % eliminated); rescue all; question 2 — the same, and at ``--kill-at`` s
   (1,5 s) one server process is SIGKILLed (not restarted); its players reconnect to the other
   processes; reveal; question 3 on the processes left; reveal; end.
7. Checks after each reveal that the answers in PostgreSQL (and Redis) are exactly those the
   phones were told were stored (none lost, none twice, same options), that every reconnected
   phone's snapshot gave back its state, score and stored answer, and at the end that each
   player's state and score in the database are those their phone last showed.

The load generator also measures its own hold-ups (its event loop late by more than 100 ms,
Python's full garbage collections) and keeps, per question, when each answer went and how long
its acknowledgement took (livegame.json, ``ack_timeline``): a latency of the generator's own is
then not taken for the servers'.

Memory per connected player: RSS of the server processes (``/proc/<pid>/status``) with one
warm-up connection each, then with every player connected, the difference divided by the
players. Prints a Markdown table and writes it with the raw figures to ``bench/results/``
(livegame.md, livegame.json). Exit status 1 when a goal is missed or an answer is lost or
doubled.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import datetime as dt
import json
import os
import platform
import random
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DATA_DIR = RESULTS / "livegame-data"

GOAL_FANOUT_P99_MS = 1000.0
GOAL_ACK_P99_MS = 300.0
GOAL_RECONNECT_S = 5.0

QUESTIONS = """Câu 1: thời gian thử việc tối đa với công việc cần trình độ cao đẳng?
30 ngày
*60 ngày
90 ngày

Câu 2: giờ làm việc bình thường tối đa một ngày?
*8 giờ
10 giờ
12 giờ

Câu 3: lương thử việc ít nhất bao nhiêu phần trăm lương của công việc đó?
70%
*85%
100%

Câu 4: làm thêm tối đa bao nhiêu giờ một năm (thông thường)?
*200 giờ
400 giờ
"""


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--players", type=int, default=2000)
    p.add_argument("--servers", type=int, default=3)
    p.add_argument("--window", type=float, default=3.0, help="answers within this many seconds")
    p.add_argument("--kill-at", type=float, default=1.5, help="s after question 2 is asked")
    p.add_argument("--connect-rate", type=float, default=400.0, help="new streams per second")
    p.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/lantoa_lbench")
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    p.add_argument("--prefix", default="lbench:live")
    p.add_argument("--seed", type=int, default=15)
    return p.parse_args(argv)


# -- setting up --------------------------------------------------------------------------------


def prepare_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    base, _, dbname = url.rpartition("/")
    if "lbench" not in dbname:
        raise SystemExit("the bench's database name must contain 'lbench' (it is dropped)")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname))
        )
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))


def flush_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    client.flushdb()  # only this database (13 by default)


def bench_environment(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    for name in list(env):
        if name.startswith(("LANTOA_", "CELERY_")) or name in ("DATABASE_URL", "REDIS_URL"):
            del env[name]
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    env.update(
        {
            "DATABASE_URL": args.pg_url,
            "REDIS_URL": args.redis_url,
            "DJANGO_SETTINGS_MODULE": "lantoa.settings",
            "LANTOA_ALLOW_INSECURE_KEY": "1",
            "LANTOA_HTTPS": "0",
            "LANTOA_TASKS_EAGER": "1",
            "LANTOA_DATA_DIR": str(DATA_DIR),
            "LANTOA_LIVEGAME_REDIS_PREFIX": args.prefix,
            "PYTHONPATH": os.pathsep.join(p for p in (env.get("PYTHONPATH", ""), str(ROOT)) if p),
        }
    )
    return env


def setup_django(env: dict[str, str]) -> None:
    os.environ.clear()
    os.environ.update(env)
    sys.path.append(str(ROOT))
    import django

    django.setup()


@dataclasses.dataclass
class Seeded:
    game_id: int
    pin: str
    cookie: str
    questions: list[tuple[int, int, list[int]]]  # (pk, number of options, correct)
    tokens: dict[int, str]


def seed(players: int) -> Seeded:
    from lantoa.livegame import players as live_players
    from lantoa.livegame import services
    from lantoa.livegame.models import GameMode, GameQuestion
    from lantoa.livegame.public_views import cookie_name
    from lantoa.units.models import UnitKind
    from lantoa.units.services import unit_create, unit_root_ensure

    vn = unit_root_ensure()
    province = unit_create(
        code="TTH", name="Liên đoàn Lao động tỉnh Thừa Thiên Huế", kind=UnitKind.PROVINCE, parent=vn
    )
    units = [
        unit_create(
            code=f"TTH-{i}",
            name=f"Công đoàn cơ sở số {i}",
            kind=UnitKind.GRASSROOTS,
            parent=province,
        )
        for i in range(9)
    ]
    game = services.game_create(
        unit=province,
        actor=None,
        title="Rung chuông vàng — đo tải",
        mode=GameMode.ELIMINATION,
        questions=services.parse_questions(QUESTIONS),
        time_limit=20,
        golden_at=0,
    )
    tokens: dict[int, str] = {}
    for i in range(players):
        token = secrets.token_urlsafe(24)
        player = live_players.player_join(
            game=game, name=f"Người chơi {i + 1}", unit=units[i % len(units)], token=token
        )
        tokens[player.pk] = token
    questions = [
        (q.pk, len(q.options), list(q.correct))
        for q in GameQuestion.objects.filter(game=game).order_by("order")
    ]
    return Seeded(game.pk, game.pin, cookie_name(game), questions, tokens)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


CLK_TCK = os.sysconf("SC_CLK_TCK")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_s(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


@dataclasses.dataclass
class Server:
    port: int
    proc: subprocess.Popen[bytes]
    log: Path
    alive: bool = True


def start_servers(count: int, env: dict[str, str]) -> list[Server]:
    from lantoa.core.management.commands.serve_webhooks import webhook_server_argv

    servers = []
    for i in range(count):
        port = free_port()
        argv = webhook_server_argv(bind=f"127.0.0.1:{port}", workers=1)
        log = RESULTS / f"livegame-server-{i}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                argv, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        servers.append(Server(port, proc, log))
    deadline = time.monotonic() + 60
    for server in servers:
        while True:
            try:
                # Listening: Django is loaded (uvicorn imports the application first).
                with socket.create_connection(("127.0.0.1", server.port), timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or server.proc.poll() is not None:
                    raise SystemExit(f"server {server.port} did not start: {server.log}") from None
                time.sleep(0.3)
    return servers


def stop_servers(servers: list[Server]) -> None:
    for server in servers:
        if server.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.proc.pid, signal.SIGTERM)
    for server in servers:
        try:
            server.proc.wait(10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.proc.pid, signal.SIGKILL)


# -- the phones --------------------------------------------------------------------------------


class Dropped(Exception):
    pass


@dataclasses.dataclass
class Sent:
    options: list[int]
    due: float
    sent: float = 0.0
    acked: float = 0.0
    status: str = ""
    stored: list[int] | None = None
    tries: int = 0


class Hall:
    """What every phone shares: the servers, the clock of the host's actions, the stats."""

    def __init__(self, seeded: Seeded, servers: list[Server], args: argparse.Namespace) -> None:
        self.seeded = seeded
        self.servers = servers
        self.args = args
        self.csrf = secrets.token_hex(16)  # 32 characters: a CSRF secret as the cookie holds it
        self.stopping = False
        self.asked: dict[int, float] = {}  # question pk → host's action time
        self.killed_at = 0.0
        self.before_kill: dict[int, dict[str, Any]] = {}
        self.rng = random.Random(args.seed)
        self.answer_plans: dict[int, dict[int, Sent]] = {}
        self.events_by_kind: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.turn = -1
        self.t0 = time.monotonic()
        self.actions: list[tuple[float, str]] = []

    def next_port(self, index: int) -> int:
        return (index + 1) % len(self.servers)

    def balance(self) -> int:
        """The process a new connection is sent to, as the load balancer in front picks it:
        the next in turn (nginx's round robin; one that refuses is skipped by ``open``)."""
        self.turn = (self.turn + 1) % len(self.servers)
        return self.turn


class Phone:
    def __init__(self, hall: Hall, pid: int, token: str, index: int) -> None:
        self.hall = hall
        self.pid = pid
        self.token = token
        self.server = index % len(hall.servers)
        self.first_server = self.server
        self.connected = asyncio.Event()
        self.received: dict[tuple[str, int], float] = {}  # (kind, question or seq) → time
        self.me: dict[str, Any] = {}
        self.snapshots: list[tuple[float, int, dict[str, Any]]] = []
        self.retry = 1.5
        self.dropped_at = 0.0
        self.reconnects: list[float] = []
        self.answers: dict[int, Sent] = {}
        self.tasks: set[asyncio.Task[Any]] = set()

    def back(self) -> bool:
        """Connected, and after a kill again (if its process was the one killed)."""
        killed = self.hall.killed_at
        return self.connected.is_set() and (
            self.first_server != 0 or not killed or any(t > killed for t, _s, _p in self.snapshots)
        )

    # the stream

    def request(self) -> bytes:
        port = self.hall.servers[self.server].port
        return (
            f"GET /choi/{self.hall.seeded.pin}/su-kien/ HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n"
            f"Cookie: {self.hall.seeded.cookie}={self.token}\r\n\r\n"
        ).encode()

    async def open(self, request: bytes | None = None) -> tuple[Any, Any]:
        """A connection to this phone's server; refused: the next one at once (nginx)."""
        for _attempt in range(len(self.hall.servers) * 3):
            port = self.hall.servers[self.server].port
            try:
                return await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                self.server = self.hall.next_port(self.server)
        raise Dropped("no server")

    async def run(self) -> None:
        while not self.hall.stopping:
            writer = None
            try:
                reader, writer = await self.open()
                writer.write(self.request())
                async for kind, data in sse(reader):
                    self.on_event(kind, data)
            except (OSError, Dropped, asyncio.IncompleteReadError, ValueError) as exc:
                self.hall.errors[f"stream: {type(exc).__name__}"] += 1
            finally:
                if writer is not None:
                    writer.close()
            if self.hall.stopping:
                return
            self.dropped_at = time.monotonic()
            await asyncio.sleep(self.retry)
            # EventSource asks the same address again; the load balancer picks a process.
            self.server = self.hall.balance()

    def on_event(self, kind: str, data: str) -> None:
        now = time.monotonic()
        self.hall.events_by_kind[kind] += 1
        if kind == "retry":
            self.retry = int(data) / 1000
            return
        payload = json.loads(data) if data else {}
        if kind == "snapshot":
            self.snapshots.append((now, self.server, payload))
            if self.connected.is_set():
                self.reconnects.append(now)
            self.connected.set()
            if payload.get("me"):
                self.me.update(payload["me"])
            return
        if kind == "reconnect":
            raise Dropped("asked to reconnect")
        if kind == "question":
            q = int(payload["question"]["id"])
            self.received[("question", q)] = now
            plan = self.hall.answer_plans.get(q, {}).get(self.pid)
            if plan is not None and q not in self.answers:
                self.answers[q] = plan
                self.spawn(self.answer(q, plan))
        elif kind == "reveal":
            self.received[("reveal", int(payload["reveal"]["id"]))] = now
        else:
            self.received[(kind, 0)] = now
        if payload.get("me"):
            self.me.update(payload["me"])

    def spawn(self, coroutine: Any) -> None:
        task = asyncio.ensure_future(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    # the answers

    async def answer(self, question: int, plan: Sent) -> None:
        await asyncio.sleep(max(0.0, plan.due - time.monotonic()))
        plan.sent = time.monotonic()
        extra = self.hall.answer_plans.get(-question, {}).get(self.pid)
        if extra is not None:  # the same answer twice at once (a double tap)
            self.spawn(self.post(question, extra))
        await self.post(question, plan)
        later = self.hall.answer_plans.get(-question - 1_000_000, {}).get(self.pid)
        if later is not None:  # another option later: the first stored wins
            await asyncio.sleep(0.3)
            await self.post(question, later)

    async def post(self, question: int, sent: Sent) -> None:
        body = json.dumps({"question": question, "options": sent.options}).encode()
        if not sent.sent:
            sent.sent = time.monotonic()
        while True:
            sent.tries += 1
            writer = None
            try:
                reader, writer = await self.open()
                port = self.hall.servers[self.server].port
                writer.write(
                    (
                        f"POST /choi/{self.hall.seeded.pin}/tra-loi/ HTTP/1.1\r\n"
                        f"Host: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
                        f"Cookie: {self.hall.seeded.cookie}={self.token}; "
                        f"csrftoken={self.hall.csrf}\r\nX-CSRFToken: {self.hall.csrf}\r\n"
                        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
                    ).encode()
                    + body
                )
                raw = await asyncio.wait_for(reader.read(), timeout=10)
                head, _, content = raw.partition(b"\r\n\r\n")
                if not head.startswith(b"HTTP/"):
                    raise Dropped("closed without an answer")
                code = int(head.split(b" ", 2)[1])
                if code >= 500 or not content:
                    raise Dropped(f"HTTP {code}")
                result = json.loads(content)
                sent.acked = time.monotonic()
                sent.status = result.get("status") or f"HTTP {code}"
                sent.stored = result.get("options")
                return
            except (OSError, Dropped, TimeoutError, asyncio.IncompleteReadError, ValueError) as exc:
                self.hall.errors[f"answer: {type(exc).__name__}"] += 1
                if sent.tries >= 4:
                    sent.status = "failed"
                    return
                await asyncio.sleep(0.4 * sent.tries)
                self.server = self.hall.next_port(self.server)
            finally:
                if writer is not None:
                    writer.close()


async def sse(reader: asyncio.StreamReader) -> AsyncIterator[tuple[str, str]]:
    """Server-sent events of a chunked (or plain) HTTP/1.1 response: (event, data); the
    ``retry:`` field as ("retry", ms)."""
    status = await reader.readline()
    if not status:
        raise Dropped("closed")
    code = int(status.split(b" ", 2)[1])
    chunked = False
    while True:
        line = await reader.readline()
        if not line:
            raise Dropped("closed")
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if code != 200:
        raise Dropped(f"HTTP {code}")
    buf = b""
    while True:
        if chunked:
            size_line = await reader.readline()
            if not size_line:
                raise Dropped("closed")
            size = int(size_line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                raise Dropped("ended")
            data = (await reader.readexactly(size + 2))[:-2]
        else:
            data = await reader.read(65536)
            if not data:
                raise Dropped("ended")
        buf += data
        while b"\n\n" in buf:
            block, buf = buf.split(b"\n\n", 1)
            kind, payload = "message", []
            for line in block.decode().split("\n"):
                if line.startswith("event:"):
                    kind = line[6:].strip()
                elif line.startswith("data:"):
                    payload.append(line[5:].lstrip())
                elif line.startswith("retry:"):
                    yield "retry", line[6:].strip()
            if payload:
                yield kind, "\n".join(payload)


# -- the game ----------------------------------------------------------------------------------


def pct(samples: list[float], q: float) -> float:
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def dist(samples: list[float]) -> dict[str, float]:
    return {
        "n": len(samples),
        "p50": pct(samples, 50),
        "p95": pct(samples, 95),
        "p99": pct(samples, 99),
        "max": max(samples) if samples else float("nan"),
    }


def plan_answers(hall: Hall, phones: list[Phone], question: tuple[int, int, list[int]]) -> None:
    """Who answers what, when: the players still in the game, at random moments within the
    window from the host's action (set when it happens), 90 % right."""
    pk, n_options, correct = question
    rng = hall.rng
    plans: dict[int, Sent] = {}
    twice: dict[int, Sent] = {}
    later: dict[int, Sent] = {}
    for phone in phones:
        if phone.me.get("state") == "eliminated":
            continue
        right = rng.random() < 0.9
        options = list(correct) if right else [(correct[0] + 1) % n_options]
        plans[phone.pid] = Sent(options, rng.uniform(0.0, hall.args.window))
        r = rng.random()
        if r < 0.05:
            twice[phone.pid] = Sent(list(options), 0.0)
        elif r < 0.10:
            later[phone.pid] = Sent([(options[0] + 1) % n_options], 0.0)
    hall.answer_plans[pk] = plans
    hall.answer_plans[-pk] = twice
    hall.answer_plans[-pk - 1_000_000] = later


def arm(hall: Hall, question: int) -> None:
    """The host's action is now: the answers are due from now."""
    now = time.monotonic()
    hall.asked[question] = now
    for sent in hall.answer_plans[question].values():
        sent.due += now


async def wait_until(predicate: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.05)
    return predicate()


def check_answers(hall: Hall, phones: list[Phone], question: int) -> dict[str, Any]:
    """The answers in PostgreSQL and Redis against what the phones were told."""
    import redis

    from lantoa.livegame.models import Answer

    in_db: dict[int, list[int]] = {}
    rows = 0
    for player_id, options in Answer.objects.filter(question_id=question).values_list(
        "player_id", "options"
    ):
        rows += 1
        in_db[player_id] = list(options)
    client = redis.Redis.from_url(hall.args.redis_url)
    raw = client.hgetall(f"{hall.args.prefix}:g:{hall.seeded.game_id}:a:{question}")
    in_redis = {int(k): json.loads(v)["o"] for k, v in raw.items()}
    acked: dict[int, list[int]] = {}
    stored_ok: Counter[int] = Counter()
    statuses: Counter[str] = Counter()
    mismatched = 0
    sent = 0
    for phone in phones:
        posts = [phone.answers[question]] if question in phone.answers else []
        posts += [
            extra
            for table in (-question, -question - 1_000_000)
            if (extra := hall.answer_plans.get(table, {}).get(phone.pid)) is not None
        ]
        for post in posts:
            if not post.sent:
                continue
            sent += 1
            statuses[post.status] += 1
            if post.status == "ok":
                stored_ok[phone.pid] += 1
            if post.status in ("ok", "dup") and post.stored is not None:
                if phone.pid in acked and acked[phone.pid] != post.stored:
                    mismatched += 1
                acked.setdefault(phone.pid, post.stored)
    lost = [pid for pid in acked if pid not in in_db]
    unacked = [pid for pid in in_db if pid not in acked]
    differ = [pid for pid in acked if pid in in_db and in_db[pid] != acked[pid]]
    return {
        "posts": sent,
        "statuses": dict(statuses),
        "acked_players": len(acked),
        "db_rows": rows,
        "redis_answers": len(in_redis),
        "redis_equals_db": in_redis == in_db,
        "lost": len(lost),
        "stored_twice": sum(1 for c in stored_ok.values() if c > 1),
        "acks_disagree": mismatched + len(differ),
        "in_db_not_acked": len(unacked),
    }


async def play(hall: Hall, phones: list[Phone]) -> dict[str, Any]:
    from lantoa.livegame import engine
    from lantoa.livegame.models import Game

    out: dict[str, Any] = {
        "fanout": {},
        "ack": {},
        "checks": {},
        "cpu": {},
        "client_cpu": {},
        "host_s": {},
    }
    game = await asyncio.to_thread(Game.objects.get, pk=hall.seeded.game_id)
    servers = hall.servers
    loop_phones = phones

    last_cpu: dict[int, float] = {}

    def cpu_now() -> float:
        # A killed process keeps what it had used when last read.
        for s in servers:
            if s.alive:
                last_cpu[s.proc.pid] = cpu_s(s.proc.pid)
        return sum(last_cpu.values())

    async def fan_out(label: str, key: tuple[str, int], action: Any) -> None:
        t0 = time.monotonic()
        hall.actions.append((round(t0 - hall.t0, 2), label))
        if key[0] == "question":
            arm(hall, key[1])
        await asyncio.to_thread(action)
        # The host's action as a whole (for a reveal: the results written to the database
        # after the event was sent).
        out["host_s"][label] = time.monotonic() - t0
        want = [p for p in loop_phones if p.connected.is_set()]
        await wait_until(lambda: all(key in p.received for p in want), 20)
        samples = [(p.received[key] - t0) * 1000 for p in want if key in p.received]
        out["fanout"][label] = {**dist(samples), "missing": len(want) - len(samples)}

    async def question(label: str, q: tuple[int, int, list[int]], kill: bool = False) -> None:
        plan_answers(hall, loop_phones, q)
        c0 = cpu_now()
        me0 = cpu_s(os.getpid())
        killer = asyncio.ensure_future(kill_later(hall, loop_phones, q[0])) if kill else None
        await fan_out(
            label, ("question", q[0]), lambda: engine.question_next(game=game, actor=None)
        )
        plans = hall.answer_plans[q[0]]
        await wait_until(lambda: all(s.status for s in plans.values()), hall.args.window + 25)
        if killer is not None:
            await killer
            await wait_until(lambda: all(p.back() for p in loop_phones), 15)
        await asyncio.sleep(0.5)  # the doubled and later answers
        acks = [(s.acked - s.sent) * 1000 for s in plans.values() if s.acked]
        out["ack"][label] = dist(acks)
        # (when each answer went, from the host's action, and how long its acknowledgement
        # took: a stall shows as a band, a slow start as a ramp; in livegame.json only)
        out.setdefault("ack_timeline", {})[label] = sorted(
            (round(s.sent - hall.asked[q[0]], 3), round((s.acked - s.sent) * 1000, 1))
            for s in plans.values()
            if s.acked
        )
        out["cpu"][label] = cpu_now() - c0
        out["client_cpu"][label] = cpu_s(os.getpid()) - me0
        await fan_out(
            f"{label}: đáp án",
            ("reveal", q[0]),
            lambda: engine.question_reveal(game=game, actor=None),
        )
        out["checks"][label] = await asyncio.to_thread(check_answers, hall, loop_phones, q[0])

    await fan_out("bắt đầu", ("phase", 0), lambda: engine.game_start(game=game, actor=None))
    qs = hall.seeded.questions
    await question("câu 1", qs[0])
    for p in phones:
        p.received.pop(("rescue", 0), None)
    if any(p.me.get("state") == "eliminated" for p in phones):
        await fan_out("cứu trợ", ("rescue", 0), lambda: engine.rescue_all(game=game, actor=None))
    # Who was rescued got the event; the others' state did not change.
    await question("câu 2 (một tiến trình bị tắt)", qs[1], kill=True)
    await question("câu 3", qs[2])
    await asyncio.to_thread(engine.game_end, game=game, actor=None)
    return out


async def kill_later(hall: Hall, phones: list[Phone], question: int) -> None:
    """SIGKILL the first server process ``--kill-at`` s after ``question`` was asked, noting
    what each phone showed just before."""
    while question not in hall.asked:
        await asyncio.sleep(0.01)
    await asyncio.sleep(max(0.0, hall.asked[question] + hall.args.kill_at - time.monotonic()))
    for p in phones:
        hall.before_kill[p.pid] = dict(p.me)
    victim = hall.servers[0]
    hall.killed_at = time.monotonic()
    os.kill(victim.proc.pid, signal.SIGKILL)
    victim.alive = False


def final_states(hall: Hall, phones: list[Phone]) -> dict[str, Any]:
    from lantoa.livegame.models import Player

    rows = {
        pk: (state, score)
        for pk, state, score in Player.objects.filter(game_id=hall.seeded.game_id).values_list(
            "pk", "state", "score"
        )
    }
    differ = [p.pid for p in phones if rows.get(p.pid) != (p.me.get("state"), p.me.get("score"))]
    return {
        "players": len(rows),
        "phone_differs_from_db": len(differ),
        "states": dict(Counter(s for s, _ in rows.values())),
    }


def reconnection(
    hall: Hall, phones: list[Phone], before: dict[int, dict[str, Any]]
) -> dict[str, Any]:
    """Phones of the killed process: time from the kill to their snapshot from another
    process, and whether it gave back their state, score and stored answer."""
    moved = [p for p in phones if p.first_server == 0]
    times = []
    kept = 0
    wrong: list[int] = []
    for p in moved:
        later = [(t, srv, snap) for t, srv, snap in p.snapshots if t > hall.killed_at]
        if not later:
            continue
        t, _srv, snap = later[0]
        times.append(t - hall.killed_at)
        me = snap.get("me") or {}
        was = before[p.pid]
        q2 = hall.seeded.questions[1][0]
        stored = p.answers.get(q2)
        answer_ok = True
        if stored is not None and stored.acked and stored.acked < hall.killed_at:
            answer_ok = me.get("answer") == stored.stored
        if (
            me.get("state") == was.get("state")
            and me.get("score") == was.get("score")
            and answer_ok
        ):
            kept += 1
        else:
            wrong.append(p.pid)
    return {
        "players": len(moved),
        "reconnected": len(times),
        **{k: v for k, v in dist(times).items() if k != "n"},
        "state_kept": kept,
        "state_wrong": wrong[:10],
    }


# -- the run -----------------------------------------------------------------------------------


class Stalls:
    """The load generator's own hold-ups, measured so that they are not taken for the
    servers': its event loop late by more than 100 ms, and its garbage collector's full
    passes (each with when it happened, in s from the start, and how long, in ms)."""

    def __init__(self) -> None:
        self.t0 = time.monotonic()
        self.loop: list[tuple[float, float]] = []
        self.gc: list[tuple[float, float]] = []
        self._gc_start = 0.0

    async def watch(self) -> None:
        while True:
            before = time.monotonic()
            await asyncio.sleep(0.01)
            late = time.monotonic() - before - 0.01
            if late > 0.1:
                self.loop.append((round(before - self.t0, 2), round(late * 1000)))

    def on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            self._gc_start = time.monotonic()
        else:
            took = time.monotonic() - self._gc_start
            self.gc.append((round(self._gc_start - self.t0, 2), round(took * 1000)))


async def run(args: argparse.Namespace, seeded: Seeded, servers: list[Server]) -> dict[str, Any]:
    import gc

    stalls = Stalls()
    gc.callbacks.append(stalls.on_gc)
    watcher = asyncio.ensure_future(stalls.watch())
    hall = Hall(seeded, servers, args)
    hall.t0 = stalls.t0
    phones = [Phone(hall, pid, tok, i) for i, (pid, tok) in enumerate(seeded.tokens.items())]
    tasks = []
    # Warm-up: one stream per process before the memory baseline.
    warm = phones[: len(servers)]
    for p in warm:
        tasks.append(asyncio.ensure_future(p.run()))
    await wait_until(lambda: all(p.connected.is_set() for p in warm), 30)
    await asyncio.sleep(1.0)
    rss_before = {s.port: rss_kib(s.proc.pid) for s in servers}
    t_connect = time.monotonic()
    for i, p in enumerate(phones[len(servers) :]):
        tasks.append(asyncio.ensure_future(p.run()))
        if i % 50 == 49:
            await asyncio.sleep(50 / args.connect_rate)
    ok = await wait_until(lambda: all(p.connected.is_set() for p in phones), 180)
    connect_s = time.monotonic() - t_connect
    await asyncio.sleep(2.0)
    rss_after = {s.port: rss_kib(s.proc.pid) for s in servers}
    per_server = Counter(p.server for p in phones)
    memory = {
        "connected": sum(p.connected.is_set() for p in phones),
        "all_connected": ok,
        "connect_s": connect_s,
        "rss_before_kib": rss_before,
        "rss_after_kib": rss_after,
        "per_server": {servers[k].port: v for k, v in per_server.items()},
        "kib_per_player": (sum(rss_after.values()) - sum(rss_before.values()))
        / max(1, len(phones) - len(warm)),
    }
    print(f"connected {memory['connected']} in {connect_s:.1f} s", flush=True)
    game = await play(hall, phones)
    hall.stopping = True
    watcher.cancel()
    gc.callbacks.remove(stalls.on_gc)
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return {
        "memory": memory,
        **game,
        "reconnect": reconnection(hall, phones, hall.before_kill),
        "final": await asyncio.to_thread(final_states, hall, phones),
        "errors": dict(hall.errors),
        "client_stalls": {"loop": stalls.loop, "gc_full": stalls.gc, "actions": hall.actions},
    }


def fmt(ms: float) -> str:
    if ms != ms:
        return "–"
    return vn(ms) if ms >= 100 else vn(ms, 1)


def vn(x: float, digits: int = 0) -> str:
    s = f"{x:,.{digits}f}"
    return s.replace(",", "\0").replace(".", ",").replace("\0", ".")


def report(args: argparse.Namespace, r: dict[str, Any], machine: str) -> tuple[str, bool]:
    lines = [
        f"{args.players} người chơi, {args.servers} tiến trình uvicorn; {machine}",
        "",
        "| Đo | n | p50 | p95 | p99 | max | Mục tiêu |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    ok = True
    for label, d in r["fanout"].items():
        good = d["p99"] < GOAL_FANOUT_P99_MS and not d["missing"]
        ok &= good
        missing = f" ({d['missing']} thiếu)" if d["missing"] else ""
        lines.append(
            f'| Phát sự kiện "{label}" tới mọi điện thoại (ms) | {d["n"]} | {fmt(d["p50"])} | '
            f"{fmt(d['p95'])} | {fmt(d['p99'])} | {fmt(d['max'])} | p99 < 1.000 ms "
            f"{'✓' if good else '✗'}{missing} |"
        )
    for label, d in r["ack"].items():
        good = d["p99"] < GOAL_ACK_P99_MS
        ok &= good
        lines.append(
            f"| Xác nhận câu trả lời, {label} (ms) | {d['n']} | {fmt(d['p50'])} | "
            f"{fmt(d['p95'])} | {fmt(d['p99'])} | {fmt(d['max'])} | "
            f"p99 < 300 ms {'✓' if good else '✗'} |"
        )
    rc = r["reconnect"]
    good = (
        rc["reconnected"] == rc["players"]
        and rc["max"] < GOAL_RECONNECT_S
        and rc["state_kept"] == rc["players"]
    )
    ok &= good
    lines.append(
        "| Kết nối lại sau khi một tiến trình bị SIGKILL (s) | "
        f"{rc['reconnected']}/{rc['players']} | "
        f"{vn(rc['p50'], 2)} | {vn(rc['p95'], 2)} | {vn(rc['p99'], 2)} | {vn(rc['max'], 2)} | "
        f"< 5 s, giữ trạng thái: {rc['state_kept']}/{rc['players']} {'✓' if good else '✗'} |"
    )
    lines += [
        "",
        "| Câu | lượt gửi | trạng thái | người được xác nhận | trong CSDL | Redis = CSDL | mất "
        "| lưu hai lần | lệch |",
        "|---|---:|---|---:|---:|---|---:|---:|---:|",
    ]
    for label, c in r["checks"].items():
        good = (
            not c["lost"]
            and not c["stored_twice"]
            and not c["acks_disagree"]
            and c["redis_equals_db"]
            and not c["in_db_not_acked"]
        )
        ok &= good
        st = ", ".join(f"{k or '–'} {v}" for k, v in sorted(c["statuses"].items()))
        lines.append(
            f"| {label} | {c['posts']} | {st} | {c['acked_players']} | {c['db_rows']} | "
            f"{'có' if c['redis_equals_db'] else 'KHÔNG'} | {c['lost']} | {c['stored_twice']} | "
            f"{c['acks_disagree'] + c['in_db_not_acked']} |"
        )
    m = r["memory"]
    before = sum(m["rss_before_kib"].values()) / 1024
    after = sum(m["rss_after_kib"].values()) / 1024
    per = m["kib_per_player"]
    f = r["final"]
    ok &= f["phone_differs_from_db"] == 0
    lines += [
        "",
        f"- Kết nối: {m['connected']}/{args.players} luồng sự kiện trong "
        f"{vn(m['connect_s'], 1)} s; "
        f"RSS các tiến trình máy chủ {vn(before, 1)} MiB → {vn(after, 1)} MiB: "
        f"**{vn(per, 1)} KiB mỗi người chơi kết nối**.",
        f"- Cuối trò chơi: {f['players']} người chơi trong CSDL, trạng thái/điểm khác màn "
        "hình điện thoại: "
        f"{f['phone_differs_from_db']}; {f['states']}.",
        "- CPU các tiến trình máy chủ mỗi câu (hỏi + trả lời): "
        + "; ".join(f"{k}: {vn(v, 1)} s" for k, v in r["cpu"].items())
        + "; máy tạo tải (các điện thoại mô phỏng, cùng 2 lõi): "
        + "; ".join(f"{k}: {vn(v, 1)} s" for k, v in r["client_cpu"].items())
        + ".",
        "- Hành động của người dẫn, trọn vẹn (đáp án: gồm ghi CSDL sau khi đã phát): "
        + "; ".join(f"{k}: {vn(v * 1000)} ms" for k, v in r["host_s"].items())
        + ".",
        f"- Lỗi phía máy khách (đã thử lại): {r['errors'] or 'không'}.",
        "- Máy tạo tải tự trễ (vòng sự kiện chậm > 100 ms): "
        f"{len(r['client_stalls']['loop'])} lần, tối đa "
        f"{vn(max((ms for _t, ms in r['client_stalls']['loop']), default=0))} ms; "
        f"dọn rác toàn phần: {len(r['client_stalls']['gc_full'])} lần, tối đa "
        f"{vn(max((ms for _t, ms in r['client_stalls']['gc_full']), default=0))} ms.",
    ]
    return "\n".join(lines), ok


def machine_line(load_before: str) -> str:
    import uvicorn
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        pg = cur.fetchone()[0]  # type: ignore[index]
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"PostgreSQL {pg}, Redis; uvicorn {uvicorn.__version__} (uvloop, httptools); "
        f"{os.cpu_count()} CPU (máy tạo tải chạy trên chính 2 lõi này), {mem:.0f} GiB RAM, "
        f"Python {platform.python_version()}; uptime trước: {load_before}; sau: "
        f"{subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}; "  # noqa: S607
        f"{dt.datetime.now().astimezone():%d/%m/%Y %H:%M}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    load_before = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()  # noqa: S607
    RESULTS.mkdir(parents=True, exist_ok=True)
    prepare_database(args.pg_url)
    flush_redis(args.redis_url)
    env = bench_environment(args)
    setup_django(env)
    t = time.monotonic()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    print(f"migrated in {time.monotonic() - t:.1f} s", flush=True)
    t = time.monotonic()
    seeded = seed(args.players)
    print(f"seeded {len(seeded.tokens)} players in {time.monotonic() - t:.1f} s", flush=True)
    servers = start_servers(args.servers, env)
    try:
        import uvloop

        result = uvloop.run(run(args, seeded, servers))
    finally:
        stop_servers(servers)
    machine = machine_line(load_before)
    table, ok = report(args, result, machine)
    print(table)
    (RESULTS / "livegame.md").write_text(table + "\n")
    (RESULTS / "livegame.json").write_text(
        json.dumps({"machine": machine, **result}, indent=1, default=str)
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

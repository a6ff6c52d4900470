"""Webhook burst benchmark: signed Zalo and Messenger events against the server as deployed.

    uv run python bench/webhook_bench.py --db postgres [--rate 500] [--seconds 20]
    uv run python bench/webhook_bench.py --server gunicorn --webhook-queue database --rate 75
    uv run python bench/webhook_bench.py --db sqlite   (for information)

What it does, start to end (all processes it starts are in their own process groups and are
stopped in a ``finally`` block):

1. Creates a throwaway database (PostgreSQL ``lantoa_webhook_bench``, dropped and created; or
   ``bench/results/webhook.sqlite3``), migrates it and seeds three units, a Zalo OA and a
   Facebook page connected through ``connector_account_save`` with secrets known to the bench.
2. Flushes Redis database 14 and starts, with the same environment (``LANTOA_TASKS_EAGER``
   off, ``REDIS_URL`` = that database, ``LANTOA_WEBHOOK_QUEUE`` = ``--webhook-queue``): the
   server that answers ``/webhooks/`` in production — ``lantoa serve-webhooks`` (uvicorn,
   ASGI, ``--workers`` processes; ``--server gunicorn``: ``lantoa serve``, the Django views
   behind gunicorn) on a free 127.0.0.1 port — and one Celery worker with beat (``lantoa
   worker --beat``; ``--celery-concurrency`` pool processes, at ``--worker-nice``). The
   application is lantoa's own plus one route only the bench adds, ``POST
   /webhooks/bench-noop/``, which reads the body and answers ``{"ok": true}`` at the layer the
   webhooks are answered at: the baseline "no-op endpoint on the same server".
3. Two phases, the baseline first, with the same open-loop schedule and the same request
   bytes (only the path differs): ``--rate`` unique messages per second (half Zalo, half
   Messenger, 1.000 worker accounts per platform so that follow-ups join conversations) for
   ``--seconds``, and every message delivered THREE times — at once, then +0 ms (concurrently)
   or +100 ms/+500 ms, then +300 ms/+1 s/+2 s — so the request rate is 3 × ``--rate``. The
   client holds its connections as nginx does with README's ``upstream … keepalive 32``: a
   request takes an idle connection or opens one, at most ``--keepalive`` idle ones are kept
   (``--keepalive 0``: one connection per request). Latency is taken from the moment the
   request was DUE (so a client or a server that falls behind shows up in it: no coordinated
   omission) to the end of the response. A delivery that fails (connection refused/reset,
   timeout after 10 s, 5xx) is retried like the platforms do (0,5 s, 1 s, 2 s, 4 s, 8 s) and
   counted.
4. In both phases the same faults, at the same moments: at 15 % of the burst the Celery
   worker's whole process group is SIGKILLed and started again 2 s later; at 40 % one web
   server worker process is SIGKILLed (uvicorn's or gunicorn's supervisor starts a new one).
5. After the webhook burst: waits (``--drain`` seconds at most) until the Redis queue is empty
   and every stored event is processed, running the re-queue sweep
   (``connectors.requeue_events``, which beat also runs every minute) every 5 s.
6. Checks exactly once: one ``InboundEvent`` per unique message, one inbound inquiry
   ``Message`` per unique message id (none missing, none twice), and lists what is missing.

Prints a Markdown table and writes it with the raw figures to ``bench/results/`` (webhook-<db>
.md and .json). Exit status 1 when a message is lost or duplicated or the goal (p99 < 200 ms
at the rate asked) is missed.

``--inbox`` measures instead the time to inbox: from each message's first 200 (taken by the
client, as in the bursts) to the commit that made its inquiry message visible
(``InboundEvent.processed_at``, set in that very transaction), p50/p95/p99/max, with the same
server, worker and triple deliveries, in three runs one after the other: (a) ``--steady-rate``
(10) messages/s for ``--steady-seconds``; (c) the same rate for ``--kill-seconds`` with the
Celery worker SIGKILLed from ``--kill-at`` on, at the first moment it holds claimed events
(started again 2 s later, as systemd would); (b) ``--burst-rate`` (500) messages/s for
``--burst-seconds`` (5) with the kills of the bursts (Celery worker at 15 %, a web worker at
40 %). After each run the bench waits (``--inbox-wait``) without running any sweep itself: only
the system's own beat, ticks and leases bring the messages in; it starts the worker again if it
is down. Goals: (a) p95 < 5 s; (a), (b), (c) max < 60 s; exit status 1 when one is missed or a
message is lost or doubled. Results: ``bench/results/webhook-inbox-<db>.md`` and ``.json``.
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
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DATA_DIR = RESULTS / "webhook-data"
NOOP_PATH = "/webhooks/bench-noop/"
ZALO_PATH = "/webhooks/zalo/"
FACEBOOK_PATH = "/webhooks/facebook/"
GOAL_P99_MS = 200.0

# Identities of the seeded connections (numeric, as the platforms use them).
ZALO_APP_ID = "3605417894312745611"
ZALO_OA_ID = "579745863508352884"
ZALO_OA_SECRET = "bench-oa-secret-key-0123456789abcdef"  # noqa: S105 - a throwaway bench DB
FB_PAGE_ID = "104857392837465"
FB_APP_SECRET = "bench-meta-app-secret-0123456789"  # noqa: S105
USERS_PER_PLATFORM = 1000

# Second and third delivery after the first, cycled over the messages (seconds).
DELIVERY_OFFSETS = ((0.0, 1.0), (0.1, 1.0), (0.1, 0.3), (0.5, 2.0))
RETRY_BACKOFF = (0.5, 1.0, 2.0, 4.0, 8.0)
REQUEST_TIMEOUT = 10.0
CELERY_KILL_AT = 0.15
GUNICORN_KILL_AT = 0.40
CELERY_RESTART_AFTER = 2.0
SWEEP_EVERY = 5.0
PHASE_GRACE = 30.0

TEXTS = (
    "Công ty nợ lương tháng {n} của cả xưởng, chúng tôi phải làm gì?",
    "Em bị cho nghỉ việc khi đang mang thai, như vậy có đúng luật không ạ?",
    "Công ty không đóng bảo hiểm xã hội cho công nhân từ đầu năm, xin công đoàn hỗ trợ.",
    "Làm thêm giờ quá {n} giờ một tuần mà không được trả lương làm thêm, có vi phạm không?",
    "Xin hỏi thủ tục rút bảo hiểm xã hội một lần cần giấy tờ gì ạ?",
    "Nhà ăn ca của công ty không bảo đảm vệ sinh, nhiều người bị đau bụng.",
    "Tôi bị tai nạn trên đường đi làm về, công ty có phải bồi thường không?",
    "Hợp đồng lao động hết hạn {n} ngày mà công ty chưa ký lại, tôi có quyền lợi gì?",
)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument(
        "--rate", type=int, default=500, help="unique messages per second (requests: 3×)"
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each burst")
    parser.add_argument(
        "--server",
        choices=("uvicorn", "gunicorn"),
        default="uvicorn",
        help="what serves /webhooks/: `lantoa serve-webhooks` (uvicorn, ASGI, the production "
        "layout) or `lantoa serve` (gunicorn, WSGI: the Django views)",
    )
    parser.add_argument(
        "--workers", type=int, default=0, help="server worker processes (0: uvicorn 2, gunicorn 4)"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=4,
        help="threads per gunicorn worker, as `lantoa serve` (1: sync)",
    )
    parser.add_argument("--celery-concurrency", type=int, default=2)
    parser.add_argument(
        "--topology",
        choices=("single", "deployed"),
        default="single",
        help="single: one `lantoa worker --beat` (the demo's layout); deployed: README's "
        "production layout, `lantoa worker --concurrency N` and a second service `lantoa "
        "worker --concurrency 1 --beat` — the kills then hit the first one",
    )
    parser.add_argument(
        "--worker-nice",
        type=int,
        default=19,
        help="CPU niceness of the Celery worker (README's systemd unit: Nice=19)",
    )
    parser.add_argument("--drain", type=float, default=150.0, help="max wait for processing")
    parser.add_argument("--no-kill", action="store_true", help="no worker is killed")
    parser.add_argument(
        "--pg-url", default="postgres://postgres@127.0.0.1:5432/lantoa_webhook_bench"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--keepalive",
        type=int,
        default=32,
        help="idle connections the client keeps, as nginx's upstream keepalive in README "
        "(0: a connection per request)",
    )
    parser.add_argument(
        "--webhook-queue",
        choices=("redis", "database"),
        default="redis",
        help="LANTOA_WEBHOOK_QUEUE of the server (redis: the production default)",
    )
    inbox = parser.add_argument_group(
        "time to inbox (--inbox)",
        "acknowledgement → visible inquiry, instead of the acknowledgement bursts",
    )
    inbox.add_argument(
        "--inbox",
        action="store_true",
        help="measure the time from each message's first 200 to its inquiry message "
        "(steady, steady with the worker killed, burst with kills)",
    )
    inbox.add_argument(
        "--runs",
        default="steady,kill,burst",
        help="which runs, in this order (comma-separated: steady, kill, burst)",
    )
    inbox.add_argument("--steady-rate", type=float, default=10.0, help="messages/s")
    inbox.add_argument("--steady-seconds", type=float, default=30.0)
    inbox.add_argument("--kill-seconds", type=float, default=40.0, help="steady run with a kill")
    inbox.add_argument(
        "--kill-at", type=float, default=10.0, help="second of that run the worker is killed at"
    )
    inbox.add_argument("--burst-rate", type=float, default=500.0, help="messages/s")
    inbox.add_argument("--burst-seconds", type=float, default=5.0)
    inbox.add_argument(
        "--inbox-wait",
        type=float,
        default=150.0,
        help="longest wait, after a run, for its messages to be visible",
    )
    return parser.parse_args(argv)


# -- the server's WSGI application (imported by gunicorn, with bench/ on its path) ------------


def bench_application() -> Any:
    """``--server gunicorn``: lantoa's WSGI application (``lantoa.wsgi``: Django alone, the
    webhook views store each message in the database) plus the no-op route as a Django view
    next to the webhook views (same middleware, same resolver depth). A gunicorn app factory:
    ``webhook_bench:bench_application()``."""
    import django

    django.setup()
    from django.http import HttpRequest, HttpResponse, JsonResponse
    from django.urls import path
    from django.views.decorators.csrf import csrf_exempt

    import lantoa.urls
    from lantoa.access import PUBLIC, policy

    @csrf_exempt
    @policy(PUBLIC)
    def noop(request: HttpRequest) -> HttpResponse:
        request.body  # noqa: B018 - read like the webhooks do
        return JsonResponse({"ok": True})

    patterns = lantoa.urls.urlpatterns
    at = next(i for i, p in enumerate(patterns) if str(p.pattern) == "webhooks/")
    patterns.insert(at, path(NOOP_PATH.strip("/") + "/", noop))

    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


def bench_asgi_application() -> Any:
    """``lantoa.asgi.build_application()`` (the webhook fast path in front of Django's ASGI
    application) plus the no-op route at the same layer: an ASGI function in front of it that
    reads the body and answers ``{"ok": true}``. A uvicorn factory
    (``--factory webhook_bench:bench_asgi_application``)."""
    from lantoa.asgi import build_application

    inner = build_application()
    answer = b'{"ok": true}'
    headers = [
        (b"content-type", b"application/json"),
        (b"x-content-type-options", b"nosniff"),
        (b"cache-control", b"no-store"),
        (b"content-length", str(len(answer)).encode()),
    ]

    async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == NOOP_PATH and scope["method"] == "POST":
            more = True
            while more:
                message = await receive()
                more = message.get("more_body", False)
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": answer})
            return
        await inner(scope, receive, send)

    return application


# -- database, environment, processes ---------------------------------------------------------


def prepare_database(args: argparse.Namespace) -> str:
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.db == "sqlite":
        path = RESULTS / "webhook.sqlite3"
        for leftover in RESULTS.glob(path.name + "*"):
            leftover.unlink()
        return f"sqlite:///{path}"
    import psycopg
    from psycopg import sql

    base, _, dbname = args.pg_url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname))
        )
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
    return str(args.pg_url)


def bench_environment(database_url: str, redis_url: str, queue: str) -> dict[str, str]:
    env = dict(os.environ)
    for name in list(env):
        if name.startswith(("LANTOA_", "CELERY_")) or name in ("DATABASE_URL", "REDIS_URL"):
            del env[name]
    env.update(
        {
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "DJANGO_SETTINGS_MODULE": "lantoa.settings",
            "LANTOA_ALLOW_INSECURE_KEY": "1",
            "LANTOA_HTTPS": "0",
            "LANTOA_TASKS_EAGER": "0",
            "LANTOA_WEBHOOK_QUEUE": queue,
            "LANTOA_DATA_DIR": str(DATA_DIR),
            # A PYTHONPATH given by the caller comes first (e.g. another checkout's lantoa, to
            # compare two versions of the code with the same bench).
            "PYTHONPATH": os.pathsep.join(
                p for p in (env.get("PYTHONPATH", ""), str(ROOT / "bench"), str(ROOT)) if p
            ),
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
    zalo_account_id: int
    facebook_account_id: int


def seed() -> Seeded:
    from django.core.management import call_command

    from lantoa.channels.models import ChannelKind
    from lantoa.channels.services import channel_create
    from lantoa.connectors.services import connector_account_save
    from lantoa.units.models import UnitKind
    from lantoa.units.services import unit_create, unit_root_ensure

    call_command("migrate", interactive=False, verbosity=0)
    vn = unit_root_ensure()  # the one the migration made
    province = unit_create(
        code="BN", name="Liên đoàn Lao động tỉnh Bắc Ninh", kind=UnitKind.PROVINCE, parent=vn
    )
    kcn = unit_create(
        code="BN-KCN",
        name="Công đoàn các Khu công nghiệp tỉnh Bắc Ninh",
        kind=UnitKind.INDUSTRIAL_ZONE,
        parent=province,
    )
    zalo_channel = channel_create(
        unit=kcn, kind=ChannelKind.ZALO_OA, name="Zalo OA Công đoàn KCN", identifier=ZALO_OA_ID
    )
    fb_channel = channel_create(
        unit=kcn,
        kind=ChannelKind.FACEBOOK_PAGE,
        name="Fanpage Công đoàn KCN",
        url=f"https://facebook.com/{FB_PAGE_ID}",
    )
    zalo = connector_account_save(
        channel=zalo_channel,
        actor=None,
        external_id=ZALO_OA_ID,
        app_id=ZALO_APP_ID,
        secrets={
            "app_secret": "bench-zalo-app-secret",
            "webhook_secret": ZALO_OA_SECRET,
            "refresh_token": "bench-refresh-token",
        },
    )
    facebook = connector_account_save(
        channel=fb_channel,
        actor=None,
        external_id=FB_PAGE_ID,
        secrets={"app_secret": FB_APP_SECRET, "access_token": "bench-page-token"},
    )
    return Seeded(zalo.pk, facebook.pk)


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


def _database_backends() -> list[tuple[int, str]]:
    """(pid, application name) of the PostgreSQL backends serving the bench database."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cur:
        cur.execute(
            "SELECT pid, application_name FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [(row[0], row[1]) for row in cur.fetchall()]


def _named(env: dict[str, str], application_name: str) -> dict[str, str]:
    """The environment with the PostgreSQL connections tagged, so that the database's CPU is
    counted for the web server and the worker apart."""
    url = env["DATABASE_URL"]
    if not url.startswith("postgres"):
        return env
    sep = "&" if "?" in url else "?"
    return {**env, "DATABASE_URL": f"{url}{sep}application_name={application_name}"}


@dataclasses.dataclass
class CpuSample:
    """CPU seconds used so far by each process of the web server, the Celery worker and the
    database backends serving the bench database."""

    web: dict[int, float]
    worker: dict[int, float]
    db_web: dict[int, float]
    db_worker: dict[int, float]

    def minus(self, before: CpuSample) -> dict[str, float]:
        """Seconds used in between, per role (a process killed in between is not counted)."""
        return {
            role: sum(
                used - getattr(before, role).get(pid, 0.0)
                for pid, used in getattr(self, role).items()
            )
            for role in ("web", "worker", "db_web", "db_worker")
        }


class Processes:
    """gunicorn and the Celery worker, each in its own process group."""

    def __init__(self, env: dict[str, str], args: argparse.Namespace, port: int) -> None:
        self.env = env
        self.args = args
        self.port = port
        self.gunicorn: subprocess.Popen[bytes] | None = None
        self.celery: subprocess.Popen[bytes] | None = None
        # ``--topology deployed``: the second service, with the scheduler, never killed.
        self.beat_worker: subprocess.Popen[bytes] | None = None
        self.celery_starts = 0
        self.celery_groups: list[int] = []
        self.killed: list[tuple[str, int, float]] = []
        self.held_at_kill = 0  # events the worker held when it was killed mid-work
        (DATA_DIR / "static").mkdir(parents=True, exist_ok=True)  # whitenoise's STATIC_ROOT

    def _spawn(
        self, argv: list[str], log_name: str, env: dict[str, str]
    ) -> subprocess.Popen[bytes]:
        log = (RESULTS / log_name).open("ab")
        try:
            return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                argv,
                # Not the checkout: `python -m` puts the working directory first on sys.path,
                # and PYTHONPATH must decide which lantoa runs.
                cwd=RESULTS,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env=env,
            )
        finally:
            log.close()

    def start_server(self) -> None:
        if self.args.server == "gunicorn":
            self.start_gunicorn()
            return
        # What `lantoa serve-webhooks` runs, with the bench's application factory instead of
        # lantoa.asgi:application.
        from lantoa.core.management.commands.serve_webhooks import webhook_server_argv

        argv = webhook_server_argv(bind=f"127.0.0.1:{self.port}", workers=self.args.workers)
        at = argv.index("lantoa.asgi:application")
        argv[at : at + 1] = ["--factory", "webhook_bench:bench_asgi_application"]
        self.gunicorn = self._spawn(argv, "webhook-server.log", _named(self.env, "lantoa_web"))

    def start_gunicorn(self) -> None:
        # The options of `lantoa serve` (lantoa/core/management/commands/serve.py), with the
        # bench's application factory instead of lantoa.wsgi:application.
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "webhook_bench:bench_application()",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.args.workers),
            "--threads",
            str(self.args.threads),
            "--access-logfile",
            "-",
            "--forwarded-allow-ips",
            "127.0.0.1",
        ]
        self.gunicorn = self._spawn(argv, "webhook-server.log", _named(self.env, "lantoa_web"))

    def start_celery(self) -> None:
        # What `lantoa worker --beat --concurrency N` runs (the bench's Django settings give
        # the same REDIS_URL and data directory as the worker's environment); with
        # ``--topology deployed``, `lantoa worker --concurrency N` and, once, a second service
        # `lantoa worker --concurrency 1 --beat`.
        from lantoa.core.management.commands.worker import worker_argv

        deployed = self.args.topology == "deployed"
        argv = worker_argv(beat=not deployed, concurrency=self.args.celery_concurrency)
        self.celery = self._spawn(
            self._niced(argv), "webhook-celery.log", _named(self.env, "lantoa_worker")
        )
        self.celery_starts += 1
        self.celery_groups.append(self.celery.pid)
        if deployed and self.beat_worker is None:
            argv = worker_argv(beat=True, concurrency=1)
            self.beat_worker = self._spawn(
                self._niced(argv), "webhook-celery-beat.log", _named(self.env, "lantoa_worker")
            )
            self.celery_groups.append(self.beat_worker.pid)

    def _niced(self, argv: list[str]) -> list[str]:
        if self.args.worker_nice:
            return ["nice", "-n", str(self.args.worker_nice), *argv]
        return argv

    def cpu(self) -> CpuSample:
        web_group = self.gunicorn.pid if self.gunicorn else -1
        web: dict[int, float] = {}
        worker: dict[int, float] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            found = _cpu_of(int(entry))
            if found is None:
                continue
            group, used = found
            if group == web_group:
                web[int(entry)] = used
            elif group in self.celery_groups:
                worker[int(entry)] = used
        db: dict[str, dict[int, float]] = {"lantoa_web": {}, "lantoa_worker": {}}
        for pid, name in _database_backends():
            if name in db and (found := _cpu_of(pid)):
                db[name][pid] = found[1]
        return CpuSample(web, worker, db["lantoa_web"], db["lantoa_worker"])

    def gunicorn_workers(self) -> list[int]:
        if self.gunicorn is None:
            return []
        path = Path(f"/proc/{self.gunicorn.pid}/task/{self.gunicorn.pid}/children")
        try:
            return [int(p) for p in path.read_text().split()]
        except OSError:
            return []

    def kill_gunicorn_worker(self) -> None:
        workers = self.gunicorn_workers()
        if workers:
            os.kill(workers[0], signal.SIGKILL)
            self.killed.append((f"{self.args.server} worker", workers[0], time.monotonic()))

    def kill_celery(self) -> None:
        if self.celery is not None and self.celery.poll() is None:
            os.killpg(self.celery.pid, signal.SIGKILL)
            self.celery.wait()
            self.killed.append(("celery worker", self.celery.pid, time.monotonic()))

    def wait_ready(self, timeout: float = 90.0) -> None:
        """Until every gunicorn worker answers and the Celery worker says it is ready."""
        import urllib.request

        deadline = time.monotonic() + timeout
        url = f"http://127.0.0.1:{self.port}/healthz"
        answered = 0
        while time.monotonic() < deadline:
            if self.gunicorn is not None and self.gunicorn.poll() is not None:
                raise RuntimeError("the server stopped; see bench/results/webhook-server.log")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    answered += response.status == 200
            except OSError:
                time.sleep(0.3)
                continue
            if answered >= 4 * self.args.workers and self.celery_ready():
                return
        raise RuntimeError("the server or the worker did not start in time")

    def celery_ready(self) -> bool:
        log = RESULTS / "webhook-celery.log"
        ready = log.exists() and log.read_bytes().count(b" ready.") >= self.celery_starts
        if ready and self.beat_worker is not None:
            beat_log = RESULTS / "webhook-celery-beat.log"
            ready = beat_log.exists() and b" ready." in beat_log.read_bytes()
        return ready

    def stop(self) -> None:
        for proc in (self.gunicorn, self.celery, self.beat_worker):
            if proc is None or proc.poll() is not None:
                continue
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            # Pool children left behind when the leader died first.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)


# -- the load: messages, deliveries, the open-loop client -------------------------------------


@dataclasses.dataclass
class Message:
    platform: str  # "zalo" | "facebook"
    msg_id: str
    request: bytes  # head + body for the webhook path
    noop_request: bytes  # the same bytes to the no-op path


# Whether requests ask the server to close the connection (``--keepalive 0``).
CLOSE_CONNECTIONS = False


def _http(path: str, port: int, body: bytes, header: tuple[str, str]) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n{header[0]}: {header[1]}\r\n"
        + ("Connection: close\r\n" if CLOSE_CONNECTIONS else "")
        + "\r\n"
    )
    return head.encode("ascii") + body


def build_messages(count: int, port: int, seed: int, tag: str) -> list[Message]:
    """``count`` unique, correctly signed messages, alternately Zalo and Messenger."""
    from lantoa.connectors.facebook.webhook import signature as facebook_signature
    from lantoa.connectors.zalo.webhook import signature as zalo_signature

    rng = random.Random(seed)
    now_ms = int(time.time() * 1000)
    messages = []
    for i in range(count):
        text = rng.choice(TEXTS).format(n=rng.randint(2, 12)) + f" (tin {tag}-{i})"
        user = 2512523625412515000 + rng.randrange(USERS_PER_PLATFORM)
        at = now_ms + i
        if i % 2 == 0:
            msg_id = f"bench{tag}z{i:010d}"
            payload: dict[str, Any] = {
                "app_id": ZALO_APP_ID,
                "user_id_by_app": str(user + 7),
                "event_name": "user_send_text",
                "timestamp": str(at),
                "sender": {"id": str(user)},
                "recipient": {"id": ZALO_OA_ID},
                "message": {"msg_id": msg_id, "text": text},
            }
            body = json.dumps(payload, ensure_ascii=False).encode()
            header = (
                "X-ZEvent-Signature",
                zalo_signature(
                    app_id=ZALO_APP_ID, raw=body, timestamp=str(at), oa_secret_key=ZALO_OA_SECRET
                ),
            )
            path, kind = ZALO_PATH, "zalo"
        else:
            msg_id = f"m_bench{tag}f{i:010d}"
            payload = {
                "object": "page",
                "entry": [
                    {
                        "id": FB_PAGE_ID,
                        "time": at,
                        "messaging": [
                            {
                                "sender": {"id": str(user + 10**15)},
                                "recipient": {"id": FB_PAGE_ID},
                                "timestamp": at,
                                "message": {"mid": msg_id, "text": text},
                            }
                        ],
                    }
                ],
            }
            body = json.dumps(payload, ensure_ascii=False).encode()
            header = ("X-Hub-Signature-256", facebook_signature(FB_APP_SECRET, body))
            path, kind = FACEBOOK_PATH, "facebook"
        messages.append(
            Message(
                kind, msg_id, _http(path, port, body, header), _http(NOOP_PATH, port, body, header)
            )
        )
    return messages


def schedule(count: int, rate: float) -> list[tuple[float, int]]:
    """(due time in seconds, message index) for every delivery, sorted by time."""
    items = []
    for i in range(count):
        first = i / rate
        second, third = DELIVERY_OFFSETS[i % len(DELIVERY_OFFSETS)]
        items += [(first, i), (first + second, i), (first + third, i)]
    items.sort()
    return items


@dataclasses.dataclass
class PhaseResult:
    name: str
    deliveries: int = 0
    attempts: int = 0
    latencies_ms: list[float] = dataclasses.field(default_factory=list)
    # (due time in seconds after the start, latency ms) of every 200, for the timeline.
    timeline: list[tuple[float, float]] = dataclasses.field(default_factory=list)
    calm_latencies_ms: list[float] = dataclasses.field(default_factory=list)
    send_lag_ms: list[float] = dataclasses.field(default_factory=list)
    statuses: Counter[str] = dataclasses.field(default_factory=Counter)
    retries: int = 0
    gave_up: int = 0
    acked_messages: set[int] = dataclasses.field(default_factory=set)
    # Completion times (seconds after the start) of every 200 and of each message's first.
    ack_times: list[float] = dataclasses.field(default_factory=list)
    first_ack_times: list[float] = dataclasses.field(default_factory=list)
    # Message index → completion time of its first 200 (seconds after the start).
    first_ack: dict[int, float] = dataclasses.field(default_factory=dict)
    last_ack: float = 0.0
    wall_start: float = 0.0  # time.time() of the start
    last_due: float = 0.0
    client_cpu_s: float = 0.0
    server_cpu_s: dict[str, float] = dataclasses.field(default_factory=dict)
    kills: list[tuple[str, float]] = dataclasses.field(default_factory=list)


def run_async(coroutine: Any) -> Any:
    """The client's event loop: uvloop (a dependency of the webhook server) where installed,
    so that the client, on the same two cores, takes as little CPU from the server as it can."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


class Upstream:
    """The client's connections to the server, as nginx keeps them: a request takes an idle
    connection or opens one; afterwards the connection is kept if fewer than ``keepalive``
    are idle (nginx's ``keepalive`` in an ``upstream`` block, README), else closed. With
    ``keepalive`` 0 every request has its own connection (``Connection: close``)."""

    def __init__(self, port: int, keepalive: int) -> None:
        self.port = port
        self.keepalive = keepalive
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def exchange(self, data: bytes) -> int:
        if self.idle:
            reader, writer = self.idle.pop()
        else:
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        try:
            writer.write(data)
            status, keep = await _response(reader)
        except BaseException:
            writer.close()
            raise
        if keep and len(self.idle) < self.keepalive:
            self.idle.append((reader, writer))
        else:
            writer.close()
        return status

    def close(self) -> None:
        for _, writer in self.idle:
            writer.close()
        self.idle.clear()


async def _response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """(status, connection reusable) of one HTTP/1.1 response, its body read."""
    head = await reader.readuntil(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.") or len(head) < 12:
        raise ConnectionResetError("no HTTP response")
    status = int(head[9:12])
    headers = {}
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip().lower()
    if b"content-length" in headers:
        await reader.readexactly(int(headers[b"content-length"]))
    elif headers.get(b"transfer-encoding") == b"chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.read(-1)
        return status, False
    return status, headers.get(b"connection") != b"close"


async def run_phase(
    name: str,
    port: int,
    messages: list[Message],
    rate: float,
    *,
    noop: bool,
    faults: list[tuple[float, str, Callable[[], None]]],
    keepalive: int,
) -> PhaseResult:
    """Send every delivery at its due time; retry failures; apply ``faults`` (at seconds)."""
    loop = asyncio.get_running_loop()
    upstream = Upstream(port, keepalive)
    # Not loop.time(): uvloop's clock counts whole milliseconds.
    clock = time.perf_counter
    result = PhaseResult(name)
    plan = schedule(len(messages), rate)
    result.deliveries = len(plan)
    result.last_due = plan[-1][0]
    kill_windows: list[tuple[float, float]] = []
    t0 = clock() + 0.2
    result.wall_start = time.time() + 0.2

    def fire(label: str, action: Callable[[], None]) -> None:
        action()
        result.kills.append((label, clock() - t0))
        kill_windows.append((clock(), clock() + 3.0))

    for at, label, action in faults:
        loop.call_later(max(0.0, t0 + at - clock()), fire, label, action)

    async def deliver(index: int, due: float) -> None:
        data = messages[index].noop_request if noop else messages[index].request
        for attempt in range(len(RETRY_BACKOFF) + 1):
            start = clock()
            result.attempts += 1
            result.send_lag_ms.append((start - due) * 1000)
            try:
                status = await asyncio.wait_for(upstream.exchange(data), REQUEST_TIMEOUT)
            except (OSError, TimeoutError, asyncio.IncompleteReadError) as exc:
                result.statuses[type(exc).__name__] += 1
                status = 0
            else:
                result.statuses[str(status)] += 1
            end = clock()
            if status and status < 500:
                if status == 200:
                    latency = (end - due) * 1000
                    result.latencies_ms.append(latency)
                    result.timeline.append((due - t0, latency))
                    if not any(a <= due <= b for a, b in kill_windows):
                        result.calm_latencies_ms.append(latency)
                    result.ack_times.append(end - t0)
                    if index not in result.acked_messages:
                        result.acked_messages.add(index)
                        result.first_ack_times.append(end - t0)
                        result.first_ack[index] = end - t0
                    result.last_ack = max(result.last_ack, end - t0)
                return
            if attempt == len(RETRY_BACKOFF):
                break
            result.retries += 1
            due = end + RETRY_BACKOFF[attempt]
            await asyncio.sleep(RETRY_BACKOFF[attempt])
        result.gave_up += 1

    cpu0 = time.process_time()
    tasks = []
    for at, index in plan:
        due = t0 + at
        delay = due - clock()
        if delay > 0.0005:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(deliver(index, due)))
    # Bounded: what is still unanswered PHASE_GRACE seconds after the last due time is given
    # up (a platform would try again later; such messages are reported, not counted as lost).
    _, late = await asyncio.wait(tasks, timeout=max(0.0, t0 + at + PHASE_GRACE - clock()))
    for task in late:
        task.cancel()
    result.gave_up += len(late)
    await asyncio.gather(*late, return_exceptions=True)
    result.client_cpu_s = time.process_time() - cpu0
    return result


def warm_up(port: int, messages: list[Message], keepalive: int) -> set[str]:
    """Requests to every gunicorn worker and thread on both paths, in three waves of new
    messages sent at once (imports, DB and broker connections are made on first use, per
    process or per thread), so the bursts measure a server that has been running."""

    acked: set[str] = set()

    async def go() -> None:
        upstream = Upstream(port, keepalive)
        for wave in (messages[0::3], messages[1::3], messages[2::3]):
            await asyncio.gather(*(upstream.exchange(m.noop_request) for m in wave))
            for _ in range(2):
                statuses = await asyncio.gather(*(upstream.exchange(m.request) for m in wave))
                acked.update(m.msg_id for m, st in zip(wave, statuses, strict=True) if st == 200)
            await asyncio.sleep(0.3)

    run_async(go())
    return acked


# -- after the burst: processing and the exactly-once check -----------------------------------


def drain(expected: dict[str, str], timeout: float, procs: Processes) -> dict[str, Any]:
    """Wait until every stored event is processed; sweep like beat does, more often."""
    from django.db import close_old_connections

    from lantoa.connectors import ingest, tasks
    from lantoa.connectors.models import InboundEvent

    started = time.monotonic()
    last_sweep = 0.0
    swept = 0
    pending = -1
    while time.monotonic() - started < timeout:
        close_old_connections()
        # Still in the Redis queue (fast path), then stored and not processed.
        queued = ingest.backlog()
        pending = (1 if queued is None else queued) + InboundEvent.objects.filter(
            processed_at__isnull=True
        ).count()
        if pending == 0:
            break
        if procs.celery is not None and procs.celery.poll() is not None:
            procs.start_celery()  # as systemd would (Restart=always)
        if time.monotonic() - last_sweep >= SWEEP_EVERY:
            swept += tasks.requeue_events()
            last_sweep = time.monotonic()
        time.sleep(1.0)
    return {"drain_s": time.monotonic() - started, "pending": pending, "swept": swept}


def verify(expected: dict[str, str], acked: set[str]) -> dict[str, Any]:
    """Every message acknowledged at least once is stored once and becomes one inquiry
    message; a stored event never becomes two messages. (A message never acknowledged — the
    client gave up — may or may not have been stored; it is counted apart.)"""
    from django.db.models import Count, Max, Min

    from lantoa.connectors.models import InboundEvent, Platform
    from lantoa.inquiries.models import Direction, Inquiry, Message, Source

    source = {"zalo": Source.ZALO, "facebook": Source.FACEBOOK}
    events = InboundEvent.objects.filter(platform__in=[Platform.ZALO, Platform.FACEBOOK])
    stored_ids = Counter(events.values_list("event_id", flat=True))
    messages = Message.objects.filter(
        direction=Direction.IN, source__in=list(source.values())
    ).exclude(external_id="")
    message_ids = Counter(messages.values_list("external_id", flat=True))
    wrong_source = sum(
        1
        for ext, src in messages.values_list("external_id", "source")
        if ext in expected and src != source[expected[ext]]
    )
    span = events.aggregate(first=Min("received_at"), last=Max("processed_at"))
    done = sorted(events.exclude(processed_at=None).values_list("processed_at", flat=True))
    span["p99"] = done[min(len(done) - 1, round(0.99 * (len(done) - 1)))] if done else None
    missing_events = sorted(acked - set(stored_ids))
    missing_messages = sorted(set(stored_ids) - set(message_ids))
    never_acked = set(expected) - acked
    return {
        "unique_messages": len(expected),
        "acknowledged": len(acked),
        "never_acknowledged": len(never_acked),
        "never_acknowledged_stored": len(never_acked & set(stored_ids)),
        "inbound_events": sum(stored_ids.values()),
        "events_twice": sum(1 for c in stored_ids.values() if c > 1),
        "events_unexpected": len(set(stored_ids) - set(expected)),
        "events_missing": missing_events[:20],
        "events_missing_count": len(missing_events),
        "events_unprocessed": events.filter(processed_at__isnull=True).count(),
        "events_with_error": events.exclude(error="").count(),
        "events_retaken": events.filter(attempts__gt=1).count(),
        "messages": sum(message_ids.values()),
        "messages_twice": sum(1 for c in message_ids.values() if c > 1),
        "messages_unexpected": len(set(message_ids) - set(expected)),
        "messages_missing": missing_messages[:20],
        "messages_missing_count": len(missing_messages),
        "messages_wrong_source": wrong_source,
        "inquiries": Inquiry.objects.count(),
        "inquiries_by_source": dict(
            Inquiry.objects.values_list("source").annotate(n=Count("id")).order_by()
        ),
        "first_received": span["first"],
        "last_processed": span["last"],
        "p99_processed": span["p99"],
    }


# -- report ------------------------------------------------------------------------------------


def pct(samples: list[float], q: float) -> float:
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def steady_rate(times: list[float], seconds: float) -> float:
    """Completions per second between 2 s (all three deliveries are under way) and the end
    of the burst: what the server sustained."""
    start = min(2.0, seconds / 2)
    return sum(1 for t in times if start <= t < seconds) / (seconds - start)


def summary(r: PhaseResult, seconds: float) -> dict[str, Any]:
    acked = len(r.latencies_ms)
    return {
        "deliveries": r.deliveries,
        "attempts": r.attempts,
        "acked_200": acked,
        "statuses": dict(r.statuses),
        "retries": r.retries,
        "gave_up": r.gave_up,
        "unique_acked": len(r.acked_messages),
        "msg_per_s": steady_rate(r.first_ack_times, seconds),
        "req_per_s": steady_rate(r.ack_times, seconds),
        "last_ack_s": r.last_ack,
        "p50_ms": pct(r.latencies_ms, 50),
        "p95_ms": pct(r.latencies_ms, 95),
        "p99_ms": pct(r.latencies_ms, 99),
        "max_ms": max(r.latencies_ms, default=float("nan")),
        "mean_ms": statistics.fmean(r.latencies_ms) if r.latencies_ms else float("nan"),
        "p99_outside_kills_ms": pct(r.calm_latencies_ms, 99),
        "send_lag_p99_ms": pct(r.send_lag_ms, 99),
        "client_cpu_s": r.client_cpu_s,
        # CPU per request answered 200 (ms): robust against other load on the machine, unlike
        # latencies. "worker" is the Celery processing that overlapped the burst.
        **{
            f"{role}_cpu_ms_per_req": used * 1000 / max(1, acked)
            for role, used in r.server_cpu_s.items()
        },
        "client_cpu_share": r.client_cpu_s / max(r.last_ack, seconds),
        "kills": [(label, round(at, 2)) for label, at in r.kills],
        "timeline_p50_p99_ms": timeline(r.timeline),
    }


def timeline(points: list[tuple[float, float]]) -> list[tuple[int, int, float, float]]:
    """Per second of due time: (second, answers, p50 ms, p99 ms)."""
    seconds: dict[int, list[float]] = {}
    for due, latency in points:
        seconds.setdefault(int(due), []).append(latency)
    return [
        (second, len(values), round(pct(values, 50), 1), round(pct(values, 99), 1))
        for second, values in sorted(seconds.items())
    ]


def fmt_ms(ms: float) -> str:
    if ms != ms:  # NaN
        return "–"
    return f"{ms:.0f}" if ms >= 100 else f"{ms:.1f}"


def vn(x: float, digits: int = 0) -> str:
    """1.174 / 220,6 — Vietnamese number format for the README table."""
    s = f"{x:,.{digits}f}"
    return s.replace(",", "\0").replace(".", ",").replace("\0", ".")


def report(
    args: argparse.Namespace,
    noop: dict[str, Any],
    hook: dict[str, Any],
    check: dict[str, Any],
    drained: dict[str, Any],
    burst_end: float,
    machine: str,
) -> tuple[str, bool]:
    last, p99_done, first = (
        check["last_processed"],
        check["p99_processed"],
        check["first_received"],
    )
    lag = (last.timestamp() - burst_end) if last else float("nan")
    lag99 = (p99_done.timestamp() - burst_end) if p99_done else float("nan")
    proc_rate = (
        0.99 * check["messages"] / (p99_done - first).total_seconds()
        if first and p99_done and p99_done > first
        else 0
    )
    exact = (
        check["messages"] == check["inbound_events"]
        and not check["events_missing_count"]
        and not check["messages_missing_count"]
        and not check["events_twice"]
        and not check["messages_twice"]
        and not check["events_unexpected"]
        and not check["messages_unexpected"]
        and not check["messages_wrong_source"]
    )
    goal = hook["p99_ms"] < GOAL_P99_MS and hook["msg_per_s"] >= 0.95 * args.rate
    ratio = hook["p99_ms"] / noop["p99_ms"] if noop["p99_ms"] else float("nan")
    rows = [
        (
            "offered: unique messages/s (requests/s)",
            f"{vn(args.rate)} ({vn(3 * args.rate)})",
            "same",
        ),
        (
            "achieved, steady state: unique messages/s (requests/s)",
            f"{vn(hook['msg_per_s'])} ({vn(hook['req_per_s'])})",
            f"{vn(noop['msg_per_s'])} ({vn(noop['req_per_s'])})",
        ),
        (
            "ack latency p50 / p95 / p99 / max, ms",
            " / ".join(fmt_ms(hook[k]) for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms")),
            " / ".join(fmt_ms(noop[k]) for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms")),
        ),
        (
            "p99 outside the 3 s after each kill, ms",
            fmt_ms(hook["p99_outside_kills_ms"]),
            fmt_ms(noop["p99_outside_kills_ms"]),
        ),
        (
            "failed attempts retried / deliveries given up",
            f"{hook['retries']} / {hook['gave_up']}",
            f"{noop['retries']} / {noop['gave_up']}",
        ),
        (
            "non-200 answers",
            ", ".join(f"{k}: {v}" for k, v in sorted(hook["statuses"].items()) if k != "200")
            or "0",
            ", ".join(f"{k}: {v}" for k, v in sorted(noop["statuses"].items()) if k != "200")
            or "0",
        ),
        (
            "CPU per answered request, ms: web server / PostgreSQL",
            f"{hook.get('web_cpu_ms_per_req', 0):.2f} / {hook.get('db_web_cpu_ms_per_req', 0):.2f}",
            f"{noop.get('web_cpu_ms_per_req', 0):.2f} / {noop.get('db_web_cpu_ms_per_req', 0):.2f}",
        ),
        (
            "client: CPU share, p99 send lag ms",
            f"{hook['client_cpu_share']:.0%}, {fmt_ms(hook['send_lag_p99_ms'])}",
            f"{noop['client_cpu_share']:.0%}, {fmt_ms(noop['send_lag_p99_ms'])}",
        ),
    ]
    lines = [
        f"**{machine}**",
        "",
        f"`--server {args.server} --webhook-queue {args.webhook_queue} --rate {args.rate} "
        f"--seconds {args.seconds:g} --workers {args.workers} --threads {args.threads} "
        f"--celery-concurrency {args.celery_concurrency}`"
        + f" `--keepalive {args.keepalive}`"
        + (" `--no-kill`" if args.no_kill else "")
        + f"; {len(hook['kills'])} kills per phase: "
        + ", ".join(f"{label} at {at:g} s" for label, at in hook["kills"]),
        "",
        "| | webhooks (Zalo + Messenger) | no-op endpoint |",
        "|---|---|---|",
        *(f"| {a} | {b} | {c} |" for a, b, c in rows),
        f"| p99 ratio webhook / no-op | {ratio:.2f}× | 1× |",
        "",
        "| stored exactly once | result |",
        "|---|---|",
        f"| unique messages sent (warm-up included) / acknowledged | "
        f"{vn(check['unique_messages'])} / {vn(check['acknowledged'])} |",
        f"| never acknowledged (client gave up) / of which stored | "
        f"{check['never_acknowledged']} / {check['never_acknowledged_stored']} |",
        f"| InboundEvent rows (twice / unknown / acknowledged but missing) | "
        f"{vn(check['inbound_events'])} ({check['events_twice']} / "
        f"{check['events_unexpected']} / {check['events_missing_count']}) |",
        f"| inbound inquiry messages (twice / unknown / stored event without one) | "
        f"{vn(check['messages'])} ({check['messages_twice']} / "
        f"{check['messages_unexpected']} / {check['messages_missing_count']}) |",
        f"| inquiries opened (conversations) | {vn(check['inquiries'])} |",
        f"| events taken again after the kill (attempts > 1) | {check['events_retaken']} |",
        f"| processing: messages/s (first 99 %); 99 % / all done, s after the burst | "
        f"{vn(proc_rate)}/s; {vn(lag99, 1)} / {vn(lag, 1)} (sweeps re-queued "
        f"{drained['swept']}) |",
        f"| processing CPU per message, Celery + its PostgreSQL (burst and drain) | "
        f"{drained.get('worker_cpu_s', 0) * 1000 / max(1, check['messages']):.1f} ms |",
        f"| **exactly once** | **{'pass' if exact else 'FAIL'}** |",
        f"| **goal p99 < {GOAL_P99_MS:.0f} ms at {args.rate} msg/s** | "
        f"**{'pass' if goal else 'FAIL'}** ({fmt_ms(hook['p99_ms'])} ms) |",
    ]
    if check["events_missing"]:
        lines += ["", "Acknowledged, not stored: " + ", ".join(check["events_missing"])]
    if check["messages_missing"]:
        lines += ["", "Stored, no inquiry message: " + ", ".join(check["messages_missing"])]
    return "\n".join(lines), exact and goal


def _workers_text(args: argparse.Namespace) -> str:
    if args.topology == "deployed":
        return (
            f"Celery worker ×{args.celery_concurrency} (the one killed) and a second worker "
            "×1 + beat"
        )
    return f"Celery worker ×{args.celery_concurrency} + beat"


def machine_line(args: argparse.Namespace, load_before: float) -> str:
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SHOW server_version")
            db = f"PostgreSQL {cur.fetchone()[0]}"  # type: ignore[index]
        else:
            cur.execute("SELECT sqlite_version()")
            db = f"SQLite {cur.fetchone()[0]}"  # type: ignore[index]
    import gunicorn

    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    if args.server == "uvicorn":
        import uvicorn

        server = f"uvicorn {uvicorn.__version__} ({args.workers} workers, uvloop, httptools)"
    else:
        worker = "sync" if args.threads == 1 else f"gthread × {args.threads}"
        server = f"gunicorn {gunicorn.__version__} ({args.workers} {worker} workers)"
    return (
        f"{db}; webhook queue: {args.webhook_queue}; {server}, "
        f"{_workers_text(args)}, Redis; {os.cpu_count()} CPU, "
        f"{mem:.0f} GiB RAM, Python {platform.python_version()}; load average "
        f"{load_before:.1f} → {os.getloadavg()[0]:.1f}; "
        f"{dt.datetime.now().astimezone():%d/%m/%Y %H:%M}"
    )


# -- time to inbox (--inbox) -------------------------------------------------------------------


GOAL_INBOX_P95_S = 5.0
GOAL_INBOX_TAIL_S = 60.0


@dataclasses.dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    rate: float
    seconds: float
    # (second of the run, "celery" | "celery-busy" | "web"): the Celery worker's process group
    # is SIGKILLed (then, or from then on at the first moment it holds events) and started
    # again CELERY_RESTART_AFTER later (systemd); one web worker is SIGKILLed.
    kills: tuple[tuple[float, str], ...]
    goal_p95: bool  # p95 < GOAL_INBOX_P95_S
    goal_tail: bool  # max < GOAL_INBOX_TAIL_S


def inbox_scenarios(args: argparse.Namespace) -> list[Scenario]:
    burst_kills: tuple[tuple[float, str], ...] = (
        (CELERY_KILL_AT * args.burst_seconds, "celery"),
        (GUNICORN_KILL_AT * args.burst_seconds, "web"),
    )
    every = [
        Scenario(
            "steady",
            f"(a) {vn(args.steady_rate)} tin/s trong {vn(args.steady_seconds)} s",
            args.steady_rate,
            args.steady_seconds,
            (),
            goal_p95=True,
            goal_tail=True,
        ),
        Scenario(
            "kill",
            f"(c) {vn(args.steady_rate)} tin/s trong {vn(args.kill_seconds)} s, tiến trình nền "
            f"bị giết giữa lúc xử lý, từ giây {vn(args.kill_at)}",
            args.steady_rate,
            args.kill_seconds,
            () if args.no_kill else ((args.kill_at, "celery-busy"),),
            # With README's two worker services the other one keeps the inbox flowing; with
            # a single worker, messages that arrive while it restarts wait for it.
            goal_p95=args.topology == "deployed",
            goal_tail=True,
        ),
        Scenario(
            "burst",
            f"(b) {vn(args.burst_rate)} tin/s trong {vn(args.burst_seconds)} s"
            + ("" if args.no_kill else ", giết tiến trình nền và một tiến trình web"),
            args.burst_rate,
            args.burst_seconds,
            () if args.no_kill else burst_kills,
            goal_p95=False,
            goal_tail=True,
        ),
    ]
    by_key = {sc.key: sc for sc in every}
    return [by_key[key.strip()] for key in args.runs.split(",") if key.strip()]


def time_to_inbox(
    messages: list[Message], result: PhaseResult, wait: float, procs: Processes
) -> dict[str, Any]:
    """Wait (``wait`` seconds at most) until every message acknowledged in ``result`` is an
    inquiry message, as the system does it by itself: the bench runs no sweep, it only starts
    the Celery worker again if it is down (systemd's ``Restart=always``). Then, per message,
    the time from its first 200 to the commit that made its inquiry message visible
    (``InboundEvent.processed_at``, set in that transaction)."""
    from django.db import close_old_connections

    from lantoa.connectors.models import InboundEvent

    acked = {messages[i].msg_id: result.wall_start + at for i, at in result.first_ack.items()}
    ids = list(acked)
    started = time.monotonic()
    visible: dict[str, float] = {}
    while True:
        close_old_connections()
        visible = {
            event_id: processed_at.timestamp()
            for event_id, processed_at in InboundEvent.objects.filter(
                event_id__in=ids, message__isnull=False
            ).values_list("event_id", "processed_at")
            if processed_at is not None
        }
        if len(visible) == len(ids) or time.monotonic() - started > wait:
            break
        if procs.celery is not None and procs.celery.poll() is not None:
            procs.start_celery()
        time.sleep(0.5)
    events = InboundEvent.objects.filter(event_id__in=ids)
    latencies = [visible[i] - acked[i] for i in visible]
    return {
        "acknowledged": len(ids),
        "visible": len(visible),
        "not_visible": len(ids) - len(visible),
        # (Older code, run with PYTHONPATH, has no such column.)
        "held": (
            events.exclude(held="").count()
            if any(f.name == "held" for f in InboundEvent._meta.get_fields())
            else 0
        ),
        "taken_over": events.filter(crashes__gt=0).count(),
        "p50_s": pct(latencies, 50),
        "p95_s": pct(latencies, 95),
        "p99_s": pct(latencies, 99),
        "max_s": max(latencies, default=float("nan")),
        "last_visible_after_burst_s": (
            max(visible.values()) - (result.wall_start + result.last_due)
            if visible
            else float("nan")
        ),
    }


def inbox_report(
    args: argparse.Namespace,
    scenarios: list[Scenario],
    results: dict[str, dict[str, Any]],
    check: dict[str, Any],
    machine: str,
) -> tuple[str, bool]:
    ok = True
    rows = []
    for sc in scenarios:
        r = results[sc.key]
        goals = []
        if sc.goal_p95:
            met = r["p95_s"] < GOAL_INBOX_P95_S and not r["not_visible"]
            ok &= met
            goals.append(f"p95 < {GOAL_INBOX_P95_S:g} s: **{'pass' if met else 'FAIL'}**")
        if sc.goal_tail:
            met = r["max_s"] < GOAL_INBOX_TAIL_S and not r["not_visible"]
            ok &= met
            goals.append(f"max < {GOAL_INBOX_TAIL_S:g} s: **{'pass' if met else 'FAIL'}**")
        kills = ", ".join(f"{label} at {at:g} s" for label, at in r["kills"]) or "—"
        if r.get("held_at_kill"):
            kills += f" ({r['held_at_kill']} events held when killed)"
        rows.append(
            f"| {sc.title} | {vn(r['acknowledged'])} / {vn(r['visible'])} | "
            + " / ".join(vn(r[k], 2) for k in ("p50_s", "p95_s", "p99_s", "max_s"))
            + f" | {r['taken_over']} | {kills} | {'; '.join(goals)} |"
        )
    exact = (
        check["messages"] == check["inbound_events"]
        and not check["events_missing_count"]
        and not check["messages_missing_count"]
        and not check["events_twice"]
        and not check["messages_twice"]
        and not check["events_unexpected"]
        and not check["messages_unexpected"]
    )
    lines = [
        f"**{machine}**",
        "",
        f"`--inbox --db {args.db} --server {args.server} --webhook-queue {args.webhook_queue} "
        f"--workers {args.workers} --celery-concurrency {args.celery_concurrency} "
        f"--worker-nice {args.worker_nice}`; every message delivered three times; time from "
        "its first 200 to the commit of its inquiry message",
        "",
        "| run | acknowledged / visible | ack → inquiry p50 / p95 / p99 / max, s | events taken "
        "over from a dead worker | kills | goal |",
        "|---|---|---|---|---|---|",
        *rows,
        "",
        f"Exactly once over the three runs (warm-up included): {vn(check['inbound_events'])} "
        f"events, {vn(check['messages'])} inquiry messages, twice {check['events_twice']} / "
        f"{check['messages_twice']}, acknowledged and missing {check['events_missing_count']}, "
        f"stored without a message {check['messages_missing_count']}: "
        f"**{'pass' if exact else 'FAIL'}**",
    ]
    if check["messages_missing"]:
        lines += ["", "Stored, no inquiry message: " + ", ".join(check["messages_missing"])]
    return "\n".join(lines), ok and exact


def inbox_main(args: argparse.Namespace) -> int:
    load_before = os.getloadavg()[0]
    database_url = prepare_database(args)
    env = bench_environment(database_url, args.redis_url, args.webhook_queue)
    setup_django(env)
    seed()
    import redis

    redis.Redis.from_url(args.redis_url).flushdb()
    for log in ("webhook-server.log", "webhook-celery.log", "webhook-celery-beat.log"):
        (RESULTS / log).unlink(missing_ok=True)
    (DATA_DIR / "celerybeat-schedule").unlink(missing_ok=True)
    port = free_port()
    procs = Processes(env, args, port)
    scenarios = inbox_scenarios(args)
    results: dict[str, dict[str, Any]] = {}
    try:
        procs.start_server()
        procs.start_celery()
        procs.wait_ready()
        warm = build_messages(6 * args.workers * args.threads, port, args.seed + 1, "w")
        warm_up(port, warm, args.keepalive)
        expected = {m.msg_id: m.platform for m in warm}
        acked = {m.msg_id for m in warm}
        for n, sc in enumerate(scenarios):
            procs.wait_ready()
            messages = build_messages(int(sc.rate * sc.seconds), port, args.seed + 10 + n, sc.key)
            expected.update({m.msg_id: m.platform for m in messages})
            actions = {
                "celery": ("celery worker", _celery_kill(procs)),
                "celery-busy": ("celery worker holding events", _celery_kill_mid_work(procs)),
                "web": ("web worker", procs.kill_gunicorn_worker),
            }
            faults = [(at, *actions[what]) for at, what in sc.kills]
            print(f"{sc.title}: {len(messages)} tin × 3 lần gửi…", flush=True)
            result = run_async(
                run_phase(
                    sc.key,
                    port,
                    messages,
                    sc.rate,
                    noop=False,
                    faults=faults,
                    keepalive=args.keepalive,
                )
            )
            acked |= {messages[i].msg_id for i in result.acked_messages}
            results[sc.key] = time_to_inbox(messages, result, args.inbox_wait, procs)
            results[sc.key]["kills"] = [(label, round(at, 2)) for label, at in result.kills]
            results[sc.key]["held_at_kill"] = procs.held_at_kill
            procs.held_at_kill = 0
            r = results[sc.key]
            print(
                f"  p50 / p95 / max {r['p50_s']:.2f} / {r['p95_s']:.2f} / {r['max_s']:.2f} s, "
                f"chưa hiện {r['not_visible']}",
                flush=True,
            )
        check = verify(expected, acked)
        machine = machine_line(args, load_before)
    finally:
        procs.stop()
    table, ok = inbox_report(args, scenarios, results, check, machine)
    print()
    print(table)
    (RESULTS / f"webhook-inbox-{args.db}.md").write_text(table + "\n", encoding="utf-8")
    (RESULTS / f"webhook-inbox-{args.db}.json").write_text(
        json.dumps(
            {"args": vars(args), "machine": machine, "runs": results, "check": check, "ok": ok},
            ensure_ascii=False,
            indent=2,
            default=str,
        ),
        encoding="utf-8",
    )
    return 0 if ok else 1


def _celery_kill(procs: Processes) -> Callable[[], None]:
    def kill() -> None:
        procs.kill_celery()
        asyncio.get_running_loop().call_later(CELERY_RESTART_AFTER, procs.start_celery)

    return kill


def _celery_kill_mid_work(procs: Processes) -> Callable[[], None]:
    """The Celery worker's process group SIGKILLed at the first moment (looked for every
    10 ms, at most 10 s) it holds claimed events not yet processed — the case where its
    leases, not only its absence, decide when they reach the inbox — and started again
    CELERY_RESTART_AFTER later. In a thread: the client's event loop never waits on it."""
    import threading

    def watch() -> None:
        from django.db import connection

        from lantoa.connectors.models import InboundEvent

        held = InboundEvent.objects.filter(processed_at__isnull=True, claimed_at__isnull=False)
        try:
            deadline = time.monotonic() + 10.0
            while time.monotonic() < deadline and not held.exists():
                time.sleep(0.01)
            procs.kill_celery()
            procs.held_at_kill = held.count()
        finally:
            connection.close()
        time.sleep(CELERY_RESTART_AFTER)
        procs.start_celery()

    def kill() -> None:
        threading.Thread(target=watch, daemon=True).start()

    return kill


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    global CLOSE_CONNECTIONS
    CLOSE_CONNECTIONS = args.keepalive == 0
    if not args.workers:
        args.workers = 2 if args.server == "uvicorn" else 4
    if args.inbox:
        return inbox_main(args)
    load_before = os.getloadavg()[0]
    database_url = prepare_database(args)
    env = bench_environment(database_url, args.redis_url, args.webhook_queue)
    setup_django(env)
    started = time.monotonic()
    seed()
    print(f"CSDL {args.db} sẵn sàng sau {time.monotonic() - started:.0f} s.", flush=True)

    import redis

    redis.Redis.from_url(args.redis_url).flushdb()
    for log in ("webhook-server.log", "webhook-celery.log", "webhook-celery-beat.log"):
        (RESULTS / log).unlink(missing_ok=True)
    (DATA_DIR / "celerybeat-schedule").unlink(missing_ok=True)

    port = free_port()
    procs = Processes(env, args, port)
    count = int(args.rate * args.seconds)
    try:
        procs.start_server()
        procs.start_celery()
        procs.wait_ready()
        warm = build_messages(6 * args.workers * args.threads, port, args.seed + 1, "w")
        warm_acked = warm_up(port, warm, args.keepalive)
        messages = build_messages(count, port, args.seed, "b")
        expected = {m.msg_id: m.platform for m in warm + messages}

        def faults() -> list[tuple[float, str, Callable[[], None]]]:
            if args.no_kill:
                return []

            def celery_kill() -> None:
                procs.kill_celery()
                loop = asyncio.get_running_loop()
                loop.call_later(CELERY_RESTART_AFTER, procs.start_celery)

            return [
                (CELERY_KILL_AT * args.seconds, "celery worker", celery_kill),
                (GUNICORN_KILL_AT * args.seconds, "web worker", procs.kill_gunicorn_worker),
            ]

        phases: dict[str, PhaseResult] = {}
        for name, title in (
            ("noop", f"Pha 1: điểm cuối rỗng, {count} tin × 3 lần gửi…"),
            ("webhook", f"Pha 2: webhook Zalo + Messenger, {count} tin × 3 lần gửi…"),
        ):
            if phases:
                procs.wait_ready()
                time.sleep(1.0)
            print(title, flush=True)
            cpu0 = procs.cpu()
            result = run_async(
                run_phase(
                    name,
                    port,
                    messages,
                    args.rate,
                    noop=name == "noop",
                    faults=faults(),
                    keepalive=args.keepalive,
                )
            )
            result.server_cpu_s = procs.cpu().minus(cpu0)
            phases[name] = result
        noop, hook = phases["noop"], phases["webhook"]
        print("Chờ xử lý hết các sự kiện đã lưu…", flush=True)
        drained = drain(expected, args.drain, procs)
        used = procs.cpu().minus(cpu0)
        drained["worker_cpu_s"] = used["worker"] + used["db_worker"]
        acked = {messages[i].msg_id for i in hook.acked_messages} | warm_acked
        check = verify(expected, acked)
        machine = machine_line(args, load_before)
    finally:
        procs.stop()

    noop_s, hook_s = summary(noop, args.seconds), summary(hook, args.seconds)
    burst_end = hook.wall_start + hook.last_due
    table, ok = report(args, noop_s, hook_s, check, drained, burst_end, machine)
    print()
    print(table)
    (RESULTS / f"webhook-{args.db}.md").write_text(table + "\n", encoding="utf-8")
    payload = {
        "args": vars(args),
        "machine": machine,
        "noop": noop_s,
        "webhook": hook_s,
        "drain": drained,
        "check": check,
        "ok": ok,
    }
    (RESULTS / f"webhook-{args.db}.json").write_text(
        json.dumps(payload, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""The real pieces for tests/resilience: a PostgreSQL cluster and a Redis server of the test's
own (temporary directories, free ports — the machine's shared services are never touched),
the web server as production runs it (``lantoa serve``: gunicorn) and a Celery worker
(``lantoa worker``), with helpers to stop and start each of them."""

from __future__ import annotations

import contextlib
import glob
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
T = TypeVar("T")


class StackError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(what: str, probe: Callable[[], T | None], *, timeout: float, every: float = 0.1) -> T:
    """Poll ``probe`` until it answers something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last: BaseException | None = None
    while time.monotonic() < deadline:
        try:
            found = probe()
        except Exception as exc:
            last = exc
        else:
            if found:
                return found
        time.sleep(every)
    raise StackError(f"timed out after {timeout:.0f} s waiting for {what} (last error: {last!r})")


def pg_binary(name: str) -> str | None:
    """A PostgreSQL server binary: on PATH, else the newest under /usr/lib/postgresql."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: int(re.sub(r"\D", "", p.split("/")[4]) or 0),
    )
    return candidates[-1] if candidates else None


def missing_binaries() -> list[str]:
    missing = [name for name in ("initdb", "pg_ctl") if pg_binary(name) is None]
    if shutil.which("redis-server") is None:
        missing.append("redis-server")
    if os.geteuid() == 0:
        import pwd

        if shutil.which("runuser") is None:
            missing.append("runuser (PostgreSQL refuses to run as root)")
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            missing.append("a postgres user (PostgreSQL refuses to run as root)")
    return missing


class Postgres:
    """A throwaway cluster: ``initdb`` into a temporary directory, ``pg_ctl`` on a free port.
    As root (PostgreSQL refuses to run as root) its commands run as the ``postgres`` user."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="lantoa-resilience-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.port = free_port()
        self.as_root = os.geteuid() == 0

    def _run(self, *args: str, timeout: float = 60) -> None:
        command = list(args)
        if self.as_root:
            command = [shutil.which("runuser") or "runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(  # noqa: S603 - fixed binaries, our arguments
            command, capture_output=True, text=True, timeout=timeout, check=False
        )
        if done.returncode != 0:
            raise StackError(f"{' '.join(args[:2])} failed: {done.stdout}{done.stderr}")

    def init(self) -> None:
        if self.as_root:
            shutil.chown(self.dir, "postgres", "postgres")
        initdb = pg_binary("initdb")
        assert initdb
        self._run(
            initdb,
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )

    def _pg_ctl(self, *args: str, timeout: float = 60) -> None:
        pg_ctl = pg_binary("pg_ctl")
        assert pg_ctl
        self._run(pg_ctl, "-D", str(self.data), *args, timeout=timeout)

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._pg_ctl("-o", options, "-l", str(self.log), "-w", "-t", "60", "start", timeout=90)

    def stop(self, mode: str = "fast") -> None:
        self._pg_ctl("-m", mode, "-w", "-t", "60", "stop", timeout=90)

    def restart(self) -> None:
        # -l: the restarted server must not write to (and hold open) pg_ctl's output.
        self._pg_ctl("-m", "fast", "-l", str(self.log), "-w", "-t", "60", "restart", timeout=90)

    def url(self, database: str = "lantoa") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str = "lantoa") -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

    def query(self, sql: str, params: Any = None) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True, connect_timeout=5) as conn:
            cursor = conn.execute(sql, params)
            return list(cursor.fetchall()) if cursor.description else []

    def destroy(self) -> None:
        with contextlib.suppress(Exception):
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


class Redis:
    """``redis-server`` on a free port, keeping nothing on disk (``--save ''``)."""

    def __init__(self, folder: Path) -> None:
        self.dir = folder
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        server = shutil.which("redis-server")
        assert server
        self.proc = subprocess.Popen(  # noqa: S603
            [
                server,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=open(self.dir / "redis.log", "ab"),  # noqa: SIM115 - the child keeps it
            stderr=subprocess.STDOUT,
        )
        wait_for("redis-server", self.ping, timeout=20)

    def ping(self) -> bool:
        import redis

        return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())

    def stop(self) -> None:
        """Kill it (as a crash would) and wait until the port refuses connections."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(timeout=10)
            self.proc = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"


class Service:
    """A long-running child (the web server, the worker), in its own process group so that it
    is stopped with all its children."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], logs: Path) -> None:
        self.name, self.argv, self.env = name, argv, env
        self.log = logs / f"{name}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(  # noqa: S603 - our interpreter and arguments
            self.argv,
            env=self.env,
            cwd=ROOT,
            stdout=open(self.log, "ab"),  # noqa: SIM115 - the child keeps it
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        """SIGKILL to the whole group: the process and its children die at once, holding
        whatever they held (a machine or container crash)."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=20)
        self.proc = None

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


class Stack:
    """Everything started, with what the tests need to talk to it."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.secret_key = secrets.token_urlsafe(40)
        self.pg = Postgres()
        self.redis = Redis(base)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.web: Service | None = None
        self.worker: Service | None = None
        self._celery: Any = None

    def environment(self) -> dict[str, str]:
        kept = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("LANTOA_", "DJANGO_", "CELERY_", "PYTEST_"))
            and key not in ("DATABASE_URL", "REDIS_URL", "REDIS_TEST_URL")
        }
        return {
            **kept,
            "DJANGO_SETTINGS_MODULE": "tests.resilience.server_settings",
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": self.pg.url(),
            "REDIS_URL": self.redis.url(),
            "LANTOA_SECRET_KEY": self.secret_key,
            "LANTOA_HTTPS": "0",
            "LANTOA_DATA_DIR": str(self.base / "data"),
            "LANTOA_ALLOWED_HOSTS": "127.0.0.1,localhost",
            # All the test's requests come from one address.
            "LANTOA_INQUIRY_LIMIT_PER_IP": "100000",
            "LANTOA_INQUIRY_LIMIT_PER_CONTACT": "100000",
            "LANTOA_LOG_LEVEL": "WARNING",
        }

    def prepare(self) -> None:
        done = subprocess.run(  # noqa: S603
            [sys.executable, str(ROOT / "tests" / "resilience" / "prepare.py")],
            env=self.environment(),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        if done.returncode != 0 or "prepared" not in done.stdout:
            raise StackError(f"preparing the database failed:\n{done.stdout}\n{done.stderr}")

    def start_web(self) -> None:
        argv = [str(BIN / "lantoa"), "serve", "--bind", f"127.0.0.1:{self.port}"]
        # One process with threads: each process imports the whole product, which is what
        # costs time on a busy two-core machine.
        self.web = Service(
            "web", [*argv, "--workers", "1", "--threads", "4"], self.environment(), self.base
        )
        self.web.start()

    def start_worker(self) -> None:
        argv = [str(BIN / "lantoa"), "worker", "--concurrency", "1"]
        self.worker = Service("worker", argv, self.environment(), self.base)
        self.worker.start()

    def wait_web(self, timeout: float = 60) -> None:
        def answers() -> bool:
            return httpx.get(f"{self.url}/healthz", timeout=5).status_code in (200, 503)

        try:
            wait_for("the web server", answers, timeout=timeout, every=0.2)
        except StackError as exc:
            raise StackError(f"{exc}\n{self.web.tail() if self.web else ''}") from exc

    # -- the broker, as the product's own code would use it ----------------------------------

    def send_task(self, name: str, *args: Any) -> None:
        if self._celery is None:
            from celery import Celery

            self._celery = Celery("resilience-client", broker=self.redis.url())
        self._celery.send_task(name, args=list(args))

    def close_client(self) -> None:
        if self._celery is not None:
            self._celery.close()
            self._celery = None

    def stop(self) -> None:
        self.close_client()
        for service in (self.web, self.worker):
            if service is not None:
                service.kill()
        self.redis.stop()
        self.pg.destroy()


@contextlib.contextmanager
def running_stack(base: Path) -> Iterator[Stack]:
    stack = Stack(base)
    try:
        stack.pg.init()
        stack.pg.start()
        stack.redis.start()
        stack.pg.create_database()
        # The servers import the product while the tables are being created.
        stack.start_web()
        stack.start_worker()
        stack.prepare()
        stack.wait_web()
        yield stack
    finally:
        stack.stop()

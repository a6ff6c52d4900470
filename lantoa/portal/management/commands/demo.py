from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lantoa.accounts.demo import DEMO_PASSWORD, demo_totp_secret_base32
from lantoa.accounts.models import Role
from lantoa.celery import ensure_queue_dirs
from lantoa.core.extensions import DEMO, DemoContext, run_demo_builders
from lantoa.core.fresh_schema import build_fresh_schema
from lantoa.core.management.commands.serve_webhooks import webhook_server_argv
from lantoa.core.management.commands.worker import worker_argv
from lantoa.core.text import timing_line
from lantoa.units.models import Unit
from lantoa.units.seed import DEFAULT_SEED
from lantoa.units.selectors import tree_is_empty


class Command(BaseCommand):
    help = (
        "Chạy bản trình diễn: CSDL SQLite, dữ liệu mẫu, máy chủ web và tiến trình nền "
        "trong một lệnh. Ctrl-C để dừng."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind",
            default="127.0.0.1:8000",
            metavar="ĐỊA_CHỈ:CỔNG",
            help=(
                "Địa chỉ và cổng của máy chủ web (mặc định 127.0.0.1:8000; 0.0.0.0:8000 để "
                "điện thoại cùng mạng mở được). Đường dẫn trong bài đăng, thư và bản tin do "
                "tiến trình nền tạo cũng dùng địa chỉ này, trừ khi đã đặt LANTOA_PUBLIC_URL."
            ),
        )
        parser.add_argument(
            "--no-server",
            action="store_true",
            help="Chỉ chuẩn bị CSDL và dữ liệu, không chạy máy chủ.",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if not settings.LANTOA_PUBLIC_URL:
            # Links made here and by the worker (posts, newsletters, "Xem bài") point to the
            # address the server really listens on.
            settings.LANTOA_PUBLIC_URL = public_url(opts["bind"])
        if not settings.LANTOA_LIVE_URL:
            # Live pages (event streams) on the one-process ASGI server beside the WSGI one.
            settings.LANTOA_LIVE_URL = public_url(live_bind(opts["bind"]))
        self._timed = opts["verbosity"] >= 2
        self._started = time.perf_counter()
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        ensure_queue_dirs()
        self.stdout.write(f"Thư mục dữ liệu: {settings.DATA_DIR}")
        env = self._child_env()
        gate = settings.DATA_DIR / LOADING_GATE
        children: list[subprocess.Popen[bytes]] = []
        try:
            # What needs no data runs beside the loading, on the other core: the static files
            # are collected, then the web server starts and loads the product, holding any
            # request until the data is there (``gate``, lantoa.portal.demo_wsgi).
            gate.write_text(str(os.getpid()))
            web_started = threading.Event()
            starter = threading.Thread(
                target=self._start_web,
                args=(env, opts["bind"], children, web_started, not opts["no_server"]),
                daemon=True,
            )
            starter.start()
            accounts = self._load_data(opts["verbosity"])
            with self._timing("collectstatic, máy chủ web khởi động (chờ thêm)"):
                starter.join()
            if not web_started.is_set():
                raise CommandError("Không thu thập được tệp tĩnh (collectstatic); xem lỗi ở trên.")
            gate.unlink()
            if opts["no_server"]:
                self._print_logins(accounts, serving=False)
                return
            self._run(accounts, opts["bind"], env, children)
        finally:
            gate.unlink(missing_ok=True)
            _stop(children)

    def _load_data(self, verbosity: int) -> list[Any]:
        """Migrate, seed a fresh database, run the demo builders; returns the accounts."""
        with self._timing("migrate"):
            # A brand-new database: its schema straight from the models (lantoa.core.
            # fresh_schema, a second of the five that migrating step by step takes).
            if build_fresh_schema() is None:
                call_command("migrate", interactive=False, verbosity=0)
        # A fresh database holds only the national root its first migration made.
        if tree_is_empty():
            self.stdout.write("Đang nạp dữ liệu trình diễn (một LĐLĐ tỉnh, ~1.000 CĐCS)…")
            with self._timing("seed"):
                call_command("seed", size="demo", verbosity=max(1, verbosity))
        else:
            self.stdout.write("Dùng lại dữ liệu đã có.")
        # Each app's demo data (accounts, shipped articles, campaigns, cascades, inquiries,
        # publications …): the DEMO builders of lantoa.core.extensions.demo_builders.
        ctx = DemoContext(
            root=Unit.objects.filter(parent=None).order_by("pk").first(),
            seed=DEFAULT_SEED,
            out=self.stdout.write,
            warn=self.stderr.write,
        )
        with self._timing("demo: tổng"):
            run_demo_builders(DEMO, ctx)
        if self._timed:
            for key, seconds in ctx.timings:
                self.stdout.write(timing_line(f"demo: {key}", seconds))
        return list(ctx.extra.get("accounts", []))

    def _start_web(
        self,
        env: dict[str, str],
        bind: str,
        children: list[subprocess.Popen[bytes]],
        done: threading.Event,
        serve: bool,
    ) -> None:
        """Collect the static files (a process of its own), then start the web server: it
        reads the collected files and their manifest when it starts."""
        sources = static_sources_fingerprint()
        stamp = settings.DATA_DIR / STATIC_STAMP
        manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
        if not (manifest.is_file() and stamp.is_file() and stamp.read_text() == sources):
            static = subprocess.Popen(
                [sys.executable, "-m", "lantoa.cli", "collectstatic", "--noinput", "-v", "0"],
                env=env,
                start_new_session=True,
            )
            children.append(static)
            if static.wait() != 0:
                return
            children.remove(static)
            stamp.write_text(sources)
        if serve:
            children.append(
                subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "lantoa.portal.demo_wsgi:application",
                        # Loaded once and shared by the two workers (one start-up, not
                        # three, on the core left free by the data loading).
                        "--preload",
                        "--bind",
                        bind,
                        "--workers",
                        "2",
                        "--threads",
                        "4",
                        "--graceful-timeout",
                        "5",
                        "--error-logfile",
                        "-",
                        "--log-level",
                        "warning",
                    ],
                    env={**env, "LANTOA_DEMO_LOADING": str(settings.DATA_DIR / LOADING_GATE)},
                    # Their own session: Ctrl-C reaches only this command, which stops them in
                    # order (no worker killed halfway, no "sent SIGKILL" message).
                    start_new_session=True,
                )
            )
        done.set()

    def _child_env(self) -> dict[str, str]:
        """The environment of the server and the worker: this data directory (and its key,
        read as this process did) and links built with the same public address."""
        env = {
            **os.environ,
            "LANTOA_DATA_DIR": str(settings.DATA_DIR),
            "LANTOA_PUBLIC_URL": settings.LANTOA_PUBLIC_URL,
            "LANTOA_LIVE_URL": settings.LANTOA_LIVE_URL,
        }
        host = urlsplit(settings.LANTOA_PUBLIC_URL).hostname
        if "LANTOA_ALLOWED_HOSTS" not in os.environ and host:
            # Bound to every interface: phones on the network ask for this machine's address.
            env["LANTOA_ALLOWED_HOSTS"] = ",".join(dict.fromkeys([*settings.ALLOWED_HOSTS, host]))
        return env

    @contextmanager
    def _timing(self, step: str) -> Iterator[None]:
        """With ``-v 2``, say how long ``step`` took (bench/first_run_bench.py reads it)."""
        started, cpu = time.perf_counter(), time.process_time()
        yield
        if self._timed:
            self.stdout.write(
                timing_line(step, time.perf_counter() - started, time.process_time() - cpu)
            )

    def _print_logins(self, accounts: list[Any], *, serving: bool) -> None:
        w = self.stdout.write
        w("")
        if serving:
            w(self.style.SUCCESS(f"Lan Tỏa đang chạy tại  {settings.LANTOA_PUBLIC_URL}/"))
            w(f"Trang trực tiếp (luồng sự kiện, ASGI): {settings.LANTOA_LIVE_URL}/")
        else:
            # --no-server: nothing listens; say what was done and how to serve it.
            w(
                self.style.SUCCESS(
                    "Đã chuẩn bị xong CSDL và dữ liệu trình diễn (chưa chạy máy chủ)."
                )
            )
            w("Chạy máy chủ web và tiến trình nền với cùng thư mục dữ liệu:")
            w(f"    {_command_here('uv run lantoa demo')}")
        w(f"Mật khẩu chung của các tài khoản trình diễn: {DEMO_PASSWORD}")
        w("")
        for acc, unit, needs_totp in accounts:
            flag = "  (cần mã xác thực 2 lớp)" if needs_totp else ""
            w(f"  {acc.username:<13} {Role(acc.role).label:<20} {unit.name}{flag}")
        w("")
        w("Xác thực hai lớp (TOTP) cho tài khoản cấp tỉnh và toàn quốc: chạy")
        w(f"    {otp_command()}")
        w("trong một cửa sổ khác (cùng thư mục dữ liệu) để lấy mã 6 số hiện tại, hoặc nhập")
        w("khóa bí mật")
        w(f"    {demo_totp_secret_base32()}")
        w("vào ứng dụng xác thực (Google Authenticator, Microsoft Authenticator…).")
        if serving:
            w("Nhấn Ctrl-C để dừng.  Press Ctrl-C to stop.")

    def _run(
        self,
        accounts: list[Any],
        bind: str,
        env: dict[str, str],
        children: list[subprocess.Popen[bytes]],
    ) -> None:
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        with self._timing("máy chủ web trả lời"):
            _wait_until_answering(bind, children, lambda: stopping)
        if self._timed:
            # The CPU time is this process's since Python started: with a core to spare for
            # the web server, what the first start takes on an idle machine.
            since = time.perf_counter() - self._started
            self.stdout.write(
                timing_line("từ đầu lệnh đến khi máy chủ trả lời", since, time.process_time())
            )
        # The worker after the web server's first answer: it is not needed for the first page
        # and would compete with it for the processor.
        children.append(
            subprocess.Popen(  # noqa: S603
                [*worker_argv(beat=True, concurrency=2, loglevel="warning", quiet=True)],
                env=demo_worker_env(env),
                start_new_session=True,
            )
        )
        # Live pages with event streams (the live game): one ASGI process, so that the state
        # kept in its memory without Redis is one for every phone, host and projector, and a
        # stream waits on the event loop instead of holding one of gunicorn's few threads.
        children.append(
            subprocess.Popen(  # noqa: S603
                webhook_server_argv(bind=live_bind(bind), workers=1),
                env=env,
                start_new_session=True,
            )
        )
        self._print_logins(accounts, serving=True)
        while not stopping and all(c.poll() is None for c in children):
            time.sleep(0.3)
        _stop(children)
        failed = [c for c in children if c.returncode not in (0, -signal.SIGTERM)]
        if failed and not stopping:
            self.stderr.write("Một tiến trình đã dừng bất thường; đã dừng cả hệ thống.")
            sys.exit(1)
        self.stdout.write("Đã dừng máy chủ web và tiến trình nền.")


CELERY_ROOT_WARNING = "You're running the worker with superuser privileges"


def demo_worker_env(env: dict[str, str]) -> dict[str, str]:
    """The demo worker's environment: run as root (a container), Celery warns at length that
    a worker should not be; this is the demo's own worker on its own data, and a newcomer
    would take the warning for an error."""
    warnings = ",".join(
        w for w in (env.get("PYTHONWARNINGS", ""), f"ignore:{CELERY_ROOT_WARNING}") if w
    )
    return {**env, "PYTHONWARNINGS": warnings}


LOADING_GATE = "demo-loading"  # in the data directory while ``lantoa demo`` loads its data


# In the data directory: the fingerprint of the static sources collected last.
STATIC_STAMP = "static-sources.txt"


def static_sources_fingerprint() -> str:
    """Every static source file the finders see, with its size and modification time: when
    it matches what was collected last, ``collectstatic`` has nothing to do and is skipped."""
    from django.contrib.staticfiles.finders import get_finders

    lines = []
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            info = os.stat(storage.path(path))
            lines.append(f"{path}\t{info.st_size}\t{info.st_mtime_ns}")
    return "\n".join(sorted(lines))


def _stop(children: list[subprocess.Popen[bytes]]) -> None:
    """Stop the server and the worker in order: SIGTERM, then SIGKILL after 10 s."""
    for child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + 10
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _wait_until_answering(
    bind: str, children: list[subprocess.Popen[bytes]], stopping: Callable[[], bool]
) -> None:
    """Until the web server answers a request (any status): its workers have loaded the
    product. Gives up when a child stops, when told to stop, or after two minutes."""
    host, _, port = bind.rpartition(":")
    host = host.strip("[]")
    if host in ("", "0.0.0.0", "::"):  # noqa: S104 - naming the wildcard, not binding to it
        host = "127.0.0.1" if host != "::" else "::1"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not stopping():
        if any(c.poll() is not None for c in children):
            return
        try:
            with socket.create_connection((host, int(port or 80)), timeout=5) as conn:
                conn.sendall(f"GET /healthz HTTP/1.0\r\nHost: {host}\r\n\r\n".encode("ascii"))
                conn.settimeout(30)
                if conn.recv(12).startswith(b"HTTP/"):
                    return
        except OSError:
            pass
        time.sleep(0.05)


def public_url(bind: str) -> str:
    """The address to print and to build links with for a server bound to ``bind``: itself,
    or for 0.0.0.0 / :: (every interface) this machine's address on its network."""
    host, _, port = bind.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    if host in ("0.0.0.0", "::"):  # noqa: S104 - naming the wildcard, not binding to it
        host = _lan_address()
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}" if port else f"http://{host}"


def live_bind(bind: str) -> str:
    """Where the demo's ASGI server for live pages listens: the web server's port + 1."""
    host, _, port = bind.rpartition(":")
    return f"{host}:{int(port or 80) + 1}"


def _lan_address() -> str:
    """This machine's address on the network it routes through (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: routing only
            return str(probe.getsockname()[0])
        except OSError:
            return "127.0.0.1"


def _command_here(command: str) -> str:
    """``command`` as it must be typed in another shell: with this demo's data directory when
    it is not the one that shell would use by default (./data)."""
    default = (Path.cwd() / "data").resolve()
    data_dir = Path(settings.DATA_DIR).resolve()
    prefix = "" if data_dir == default else f"LANTOA_DATA_DIR={shlex.quote(str(data_dir))} "
    return f"{prefix}{command}"


def otp_command() -> str:
    """``lantoa otp`` as it must be typed in another shell, with this demo's data directory."""
    return _command_here("uv run lantoa otp <tên đăng nhập>")

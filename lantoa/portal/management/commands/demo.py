from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from lantoa.accounts.demo import DEMO_PASSWORD, demo_totp_secret_base32
from lantoa.accounts.models import Role
from lantoa.celery import ensure_queue_dirs
from lantoa.core.extensions import DEMO, DemoContext, run_demo_builders
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
        verbosity = opts["verbosity"]
        self._timed = verbosity >= 2
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        ensure_queue_dirs()
        self.stdout.write(f"Thư mục dữ liệu: {settings.DATA_DIR}")
        with self._timing("migrate"):
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
        accounts = ctx.extra.get("accounts", [])
        with self._timing("collectstatic"):
            call_command("collectstatic", interactive=False, verbosity=0)
        if opts["no_server"]:
            self._print_logins(accounts, serving=False)
            return
        self._run(accounts, opts["bind"])

    @contextmanager
    def _timing(self, step: str) -> Iterator[None]:
        """With ``-v 2``, say how long ``step`` took (bench/first_run_bench.py reads it)."""
        started = time.perf_counter()
        yield
        if self._timed:
            self.stdout.write(timing_line(step, time.perf_counter() - started))

    def _print_logins(self, accounts: list[Any], *, serving: bool) -> None:
        w = self.stdout.write
        w("")
        if serving:
            w(self.style.SUCCESS(f"Lan Tỏa đang chạy tại  {settings.LANTOA_PUBLIC_URL}/"))
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

    def _run(self, accounts: list[Any], bind: str) -> None:
        # The server and the worker read this data directory's key, as this process did, and
        # build links with the same public address.
        env = {
            **os.environ,
            "LANTOA_DATA_DIR": str(settings.DATA_DIR),
            "LANTOA_PUBLIC_URL": settings.LANTOA_PUBLIC_URL,
        }
        host = urlsplit(settings.LANTOA_PUBLIC_URL).hostname
        if "LANTOA_ALLOWED_HOSTS" not in os.environ and host:
            # Bound to every interface: phones on the network ask for this machine's address.
            env["LANTOA_ALLOWED_HOSTS"] = ",".join(dict.fromkeys([*settings.ALLOWED_HOSTS, host]))
        web = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "gunicorn",
                "lantoa.wsgi:application",
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
            env=env,
            # Their own session: Ctrl-C reaches only this command, which stops them in order
            # (no worker killed halfway, no "sent SIGKILL" message).
            start_new_session=True,
        )
        worker = subprocess.Popen(  # noqa: S603
            [*worker_argv(beat=True, concurrency=2, loglevel="warning")],
            env=env,
            start_new_session=True,
        )
        children = [web, worker]
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        time.sleep(1.5)
        self._print_logins(accounts, serving=True)
        try:
            while not stopping and all(c.poll() is None for c in children):
                time.sleep(0.3)
        finally:
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
        failed = [c for c in children if c.returncode not in (0, -signal.SIGTERM)]
        if failed and not stopping:
            self.stderr.write("Một tiến trình đã dừng bất thường; đã dừng cả hệ thống.")
            sys.exit(1)
        self.stdout.write("Đã dừng máy chủ web và tiến trình nền.")


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

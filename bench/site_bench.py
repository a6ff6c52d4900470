"""Public-site benchmark: a news page against a hello-world view on the same server.

    uv run python bench/site_bench.py [--db sqlite|postgres] [--duration 20] [--workers 2]
                                      [--concurrency 8] [--items 400]

Builds (or reuses) a database with a province, 40 grassroots unions and ``--items`` news items
published to the public site (through the same models the product writes), collects the static
files, then starts gunicorn (``--workers`` sync workers, production settings: DEBUG off,
WhiteNoise with the manifest) on 127.0.0.1 and drives it from a local client: ``--concurrency``
threads with keep-alive connections, each sending one request after the other for
``--duration`` seconds per endpoint (after a 1 s warm-up). Measured:

* **hello** — a Django view returning "Hello, world" through the full middleware stack (the
  baseline: what any page costs before it does anything);
* **news (cached)** — ``/tin-tuc/``, the site's news list as visitors get it (page cache in
  Redis, or the file cache without ``--redis-url``);
* **news (uncached)** — the same page rendered on every request (a second server with
  ``LANTOA_SITE_CACHE_SECONDS=0``): the queries and the template.

The three are measured in interleaved 2-second slices (hello, cached, uncached, hello …),
so that load from other processes hits them alike. Reported: requests per second, p50 and
p99 latency, and the ratio to hello. The table is
printed and written to ``bench/results/site-<db>.md``. The load is bounded (a few threads on
one machine); the client shares the CPU with the server, as the numbers say.
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
HERE = Path(__file__).resolve().parent
SLICE_SECONDS = 2.0

if os.environ.get("LANTOA_SITE_BENCH") == "server":
    # Imported by gunicorn as the settings module (DJANGO_SETTINGS_MODULE=site_bench): the
    # product's settings plus a hello-world route, served by the same stack.
    from lantoa.settings import *  # noqa: F403

    ROOT_URLCONF = "site_bench"

    def hello(request: Any) -> Any:
        from django.http import HttpResponse

        return HttpResponse("Hello, world", content_type="text/plain")

    def __getattr__(name: str) -> Any:
        # The URLconf, built on first use (the apps are not loaded while settings are read).
        if name == "urlpatterns":
            from django.urls import include, path

            return [path("bench-hello/", hello), path("", include("lantoa.urls"))]
        raise AttributeError(name)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--items", type=int, default=400)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/lantoa_site_bench")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")
    return parser.parse_args(argv)


def database_url(args: argparse.Namespace) -> str:
    if args.db == "sqlite":
        return f"sqlite:///{RESULTS / 'site-bench.sqlite3'}"
    import psycopg

    base, _, name = args.pg_url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as con:
        found = con.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not found:
            con.execute(f'CREATE DATABASE "{name}"')
    return args.pg_url


def base_env(args: argparse.Namespace, url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "LANTOA_ALLOW_INSECURE_KEY": "1",
        "LANTOA_DEBUG": "false",
        "LANTOA_HTTPS": "false",
        "LANTOA_DATA_DIR": str(RESULTS / "site-data"),
        "LANTOA_STATIC_ROOT": str(RESULTS / "site-static"),
        "LANTOA_LOG_LEVEL": "WARNING",
        "LANTOA_PUBLIC_URL": "",
        "LANTOA_SITE_UNIT": "BENCH-P",
        "DJANGO_SETTINGS_MODULE": "lantoa.settings",
    }
    env.pop("LANTOA_TESTING", None)
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    else:
        env.pop("REDIS_URL", None)
    return env


def prepare(args: argparse.Namespace, env: dict[str, str]) -> None:
    """Migrate, seed the site once (idempotent), collect static files."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    run = [sys.executable, "-m", "lantoa.cli"]
    subprocess.run([*run, "migrate", "--noinput", "-v", "0"], env=env, check=True)  # noqa: S603
    subprocess.run(  # noqa: S603
        [*run, "collectstatic", "--noinput", "-v", "0"], env=env, check=True
    )
    code = f"from bench.site_bench import seed; print(seed({args.items}))"
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env={**env, "PYTHONPATH": str(ROOT)},
        check=True,
        capture_output=True,
        text=True,
    )
    print(out.stdout.strip())


def seed(items: int) -> str:
    """Run inside Django: a province, 40 grassroots unions and ``items`` site news items."""
    import django

    django.setup()
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from lantoa.content.models import ContentItem, ContentStatus
    from lantoa.publishing.models import Method, Publication, PublicationStatus
    from lantoa.units.models import Unit, UnitKind
    from lantoa.units.services import unit_create, unit_root_ensure

    have = Publication.objects.filter(method=Method.SITE).count()
    if have >= items:
        _analyze()
        return f"Dữ liệu có sẵn: {have} tin trên trang."
    with transaction.atomic():
        root = unit_root_ensure()  # the one the migration made
        province = Unit.objects.filter(code="BENCH-P").first() or unit_create(
            code="BENCH-P",
            name="Liên đoàn Lao động tỉnh Thái Nguyên",
            kind=UnitKind.PROVINCE,
            parent=root,
            short_name="LĐLĐ Thái Nguyên",
        )
        units = [province]
        for n in range(40):
            code = f"BENCH-G{n:02d}"
            units.append(
                Unit.objects.filter(code=code).first()
                or unit_create(
                    code=code,
                    name=f"Công đoàn cơ sở Công ty TNHH Số {n + 1}",
                    kind=UnitKind.GRASSROOTS,
                    parent=province,
                    member_count=200 + n,
                )
            )
        now = timezone.now()
        body = "".join(
            f"<p>Đoạn {i}: công đoàn cơ sở tổ chức hoạt động chăm lo cho đoàn viên, "
            "người lao động trong Tháng Công nhân.</p>"
            for i in range(8)
        )
        for n in range(have, items):
            unit = units[n % len(units)]
            when = now - dt.timedelta(hours=n)
            item = ContentItem.objects.create(
                unit=unit,
                kind="news",
                title=f"Tin hoạt động số {n + 1}: chăm lo đời sống người lao động",
                slug=f"tin-hoat-dong-so-{n + 1}",
                summary="Công đoàn tổ chức thăm hỏi, tặng quà đoàn viên có hoàn cảnh khó khăn.",
                body=body,
                tags=["Tháng Công nhân"],
                status=ContentStatus.PUBLISHED,
                published_at=when,
            )
            Publication.objects.create(
                item=item,
                unit=unit,
                method=Method.SITE,
                channel_kind="website",
                channel_name="Trang tin công khai",
                status=PublicationStatus.PUBLISHED,
                published_at=when,
                idempotency_key=f"bench{n:06d}",
            )
    _analyze()
    return f"Đã tạo {items - have} tin trên trang."


def _analyze() -> None:
    """Fresh statistics, as autovacuum would keep them in production: without them
    PostgreSQL plans the news query for tables of one row (60 ms instead of 0,4 ms)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, args: argparse.Namespace, env: dict[str, str], **extra: str) -> None:
        self.port = free_port()
        server_env = {
            **env,
            **extra,
            "LANTOA_SITE_BENCH": "server",
            "DJANGO_SETTINGS_MODULE": "site_bench",
        }
        self.proc = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "lantoa.wsgi:application",
                "--pythonpath",
                str(HERE),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(args.workers),
                "--log-level",
                "warning",
                "--keep-alive",
                "30",
            ],
            env=server_env,
            cwd=ROOT,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        self._wait()

    def _wait(self) -> None:
        import httpx

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/bench-hello/", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.3)
        self.stop()
        raise SystemExit("gunicorn did not start")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    def summary(self, url: str) -> dict[str, float]:
        flat = sorted(self.latencies)
        if not flat:
            raise SystemExit(f"no successful request to {url}")
        q = statistics.quantiles(flat, n=100)
        return {
            "requests": len(flat),
            "errors": self.errors,
            "rps": len(flat) / self.seconds,
            "p50": q[49] * 1000,
            "p99": q[98] * 1000,
        }


def load(url: str, tally: Tally, *, seconds: float, concurrency: int, warmup: float) -> None:
    """``concurrency`` keep-alive clients, back to back, for ``seconds`` (after ``warmup``)."""
    import httpx

    parts: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency
    start_at = time.monotonic() + warmup
    stop_at = start_at + seconds

    def worker(n: int) -> None:
        with httpx.Client(timeout=10) as client:
            while True:
                t0 = time.monotonic()
                if t0 >= stop_at:
                    return
                try:
                    ok = client.get(url).status_code == 200
                except httpx.HTTPError:
                    ok = False
                t1 = time.monotonic()
                if t0 >= start_at:
                    if ok:
                        parts[n].append(t1 - t0)
                    else:
                        errors[n] += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for part in parts:
        tally.latencies.extend(part)
    tally.errors += sum(errors)
    tally.seconds += seconds


def machine() -> str:
    cpus = os.cpu_count() or 0
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    except (ValueError, OSError):
        mem = 0
    load1 = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    return (
        f"{cpus} CPU, {mem:.0f} GiB RAM, Python {platform.python_version()}, "
        f"load {load1:.2f} before"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    url = database_url(args)
    env = base_env(args, url)
    prepare(args, env)
    where = machine()
    cached = Server(args, env)
    uncached = Server(args, env, LANTOA_SITE_CACHE_SECONDS="0")
    targets = [
        ("hello", cached.url + "/bench-hello/"),
        ("news (cached)", cached.url + "/tin-tuc/"),
        ("news (uncached)", uncached.url + "/tin-tuc/"),
    ]
    tallies = {name: Tally() for name, _ in targets}
    # Interleaved slices, so that load from other processes on the machine hits all three
    # alike instead of whichever row happened to run while it lasted.
    rounds = max(1, round(args.duration / SLICE_SECONDS))
    try:
        for n in range(rounds):
            for name, url in targets:
                load(
                    url,
                    tallies[name],
                    seconds=args.duration / rounds,
                    concurrency=args.concurrency,
                    warmup=1.0 if n == 0 else 0.2,
                )
    finally:
        cached.stop()
        uncached.stop()
    rows = [(name, tallies[name].summary(url)) for name, url in targets]
    cache = "Redis" if args.redis_url else "file cache"
    base = rows[0][1]
    lines = [
        f"**{args.db}**, {args.items} items on the site; gunicorn {args.workers} sync workers, "
        f"{args.concurrency} keep-alive client threads, {args.duration:.0f} s per row in "
        f"interleaved 2 s slices; page cache: {cache}; {where}.",
        "",
        "| endpoint | req/s | p50 ms | p99 ms | errors | req/s vs hello | p50 vs hello |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in rows:
        lines.append(
            f"| {name} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['errors']:.0f} | "
            f"{r['rps'] / base['rps']:.2f}× | {r['p50'] / base['p50']:.2f}× |"
        )
    table = "\n".join(lines)
    print(table)
    (RESULTS / f"site-{args.db}.md").write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())

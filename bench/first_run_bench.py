"""First run: from a fresh clone to the demo's first page, as a newcomer meets it.

    uv run python bench/first_run_bench.py [--cold] [--ref HEAD] [--keep]

Clones the committed ``--ref`` of this checkout (``git clone``, so uncommitted changes are not
measured) into a temporary directory and, with none of the product's environment variables
(no LANTOA_*, DATABASE_URL, REDIS_URL, VIRTUAL_ENV), times what README tells a newcomer to do:

1. **install** — ``uv sync`` in the clone (with ``--cold``, an empty ``UV_CACHE_DIR``: uv
   downloads and builds everything; without it, uv's cache of this machine, as on a second
   clone);
2. **first start** — ``uv run lantoa demo -v 2 --bind 127.0.0.1:<free port>`` on the clone's
   fresh ``./data``, until ``GET /`` answers 200 with the demo's province on the page (polled
   every 0.1 s). The demo's own ``Thời gian — …`` lines split it: migrate, seed (each
   builder), demo builders, collectstatic, servers up;
3. **later start** — Ctrl-C, then the same command again on the same ``./data``.

Each demo is stopped with SIGINT like Ctrl-C; what it wrote to stderr is counted ("noise": a
newcomer takes it for errors). Prints a Markdown table with the load average before and after
and writes it to ``bench/results/first-run-<cold|warm>.md``. Goals (issue 12): first page in
< 60 s including the install, < 15 s once installed; later starts informative.
Run one bench at a time: the machine's cores are what is measured.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
TIMING = re.compile(
    r"Thời gian — (?P<step>.+?): (?P<seconds>\d+,\d+) giây(?: \(CPU (?P<cpu>\d+,\d+) giây\))?"
)
# On the demo's home page once its data is there (the merged province of the demo tree).
DEMO_MARK = "Thái Nguyên"
GOAL_COLD = 60.0
GOAL_INSTALLED = 15.0


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--cold", action="store_true", help="empty UV_CACHE_DIR: download all")
    parser.add_argument("--ref", default="HEAD", help="commit to clone (default HEAD)")
    parser.add_argument("--keep", action="store_true", help="keep the clone and print its path")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per step")
    return parser.parse_args(argv)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} / {five:.2f}".replace(".", ",")


def clean_env(cache: Path | None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LANTOA_", "DJANGO_", "UV_"))
        and k not in ("DATABASE_URL", "REDIS_URL", "VIRTUAL_ENV")
    }
    if cache is not None:
        env["UV_CACHE_DIR"] = str(cache)
    return env


@dataclass
class Start:
    """One ``lantoa demo`` from launch to its first real page."""

    first_page: float = 0.0  # seconds from launch to 200 with the demo's data
    first_line: float = 0.0  # seconds from launch to its first output line (start-up)
    steps: list[tuple[str, float, float | None]] = field(default_factory=list)  # wall, CPU
    noise: list[str] = field(default_factory=list)  # stderr lines
    stop_seconds: float = 0.0


def _reader(stream: object, sink: list[tuple[float, str]]) -> None:
    for raw in stream:  # type: ignore[attr-defined]
        sink.append((time.perf_counter(), raw.rstrip("\n")))


def demo_start(clone: Path, env: dict[str, str], timeout: float) -> Start:
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    launched = time.perf_counter()
    proc = subprocess.Popen(  # noqa: S603 - our own command line
        ["uv", "run", "lantoa", "demo", "-v", "2", "--bind", f"127.0.0.1:{port}"],  # noqa: S607
        cwd=clone,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    out: list[tuple[float, str]] = []
    err: list[tuple[float, str]] = []
    readers = [
        threading.Thread(target=_reader, args=(proc.stdout, out), daemon=True),
        threading.Thread(target=_reader, args=(proc.stderr, err), daemon=True),
    ]
    for t in readers:
        t.start()
    result = Start()
    try:
        while True:
            if proc.poll() is not None:
                raise SystemExit(
                    "lantoa demo stopped before serving:\n"
                    + "\n".join(line for _, line in out + err)
                )
            if time.perf_counter() - launched > timeout:
                raise SystemExit(f"no page after {timeout:.0f} s")
            try:
                with urllib.request.urlopen(url, timeout=10) as resp:
                    body = resp.read().decode("utf-8", "replace")
                if resp.status == 200 and DEMO_MARK in body:
                    result.first_page = time.perf_counter() - launched
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        time.sleep(2)  # what the console shows just after the first page (the worker's start)
    finally:
        stopping = time.perf_counter()
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the process group
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        result.stop_seconds = time.perf_counter() - stopping
        for t in readers:
            t.join(timeout=5)
    if out:
        result.first_line = out[0][0] - launched
    for _, line in out:
        m = TIMING.search(line)
        if m:
            cpu = float(m["cpu"].replace(",", ".")) if m["cpu"] else None
            result.steps.append((m["step"], float(m["seconds"].replace(",", ".")), cpu))
    result.noise = [line for _, line in err if line.strip()]
    return result


def fmt(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds:.1f}".replace(".", ",")


def table(install: float, first: Start, later: Start, *, cold: bool, loads: list[str]) -> str:
    rows = [
        "| step | seconds | CPU s (demo process) |",
        "|---|---|---|",
        f"| install: `uv sync` ({'empty uv cache' if cold else 'uv cache of this machine'}) "
        f"| {fmt(install)} | |",
        f"| first start: launch → first output line (uv, Python, Django start-up) "
        f"| {fmt(first.first_line)} | |",
    ]
    rows += [
        f"| first start: {step} | {fmt(wall)} | {fmt(cpu)} |" for step, wall, cpu in first.steps
    ]
    rows += [
        f"| **first start: launch → first page (200, demo data)** "
        f"| **{fmt(first.first_page)}** | |",
        f"| **install + first start** | **{fmt(install + first.first_page)}** | |",
        f"| later start (same ./data): launch → first page | {fmt(later.first_page)} | |",
    ]
    rows += [
        f"| later start: {step} | {fmt(wall)} | {fmt(cpu)} |" for step, wall, cpu in later.steps
    ]
    rows += [
        f"| Ctrl-C → stopped (first / later) | {fmt(first.stop_seconds)} / "
        f"{fmt(later.stop_seconds)} | |"
    ]
    goal_total = GOAL_COLD if cold else GOAL_INSTALLED
    measured = install + first.first_page if cold else first.first_page
    verdict = "pass" if measured < goal_total else "FAIL"
    lines = [
        f"First run ({'cold: empty uv cache' if cold else 'environment from the uv cache'}), "
        f"{platform.python_version()}, {os.cpu_count()} CPUs, load average (1 / 5 min) "
        f"{loads[0]} before, {loads[1]} after.",
        "",
        *rows,
        "",
        f"Goal: {'install + first page' if cold else 'first page once installed'} "
        f"< {goal_total:.0f} s — {fmt(measured)} s: {verdict}.",
    ]
    noise = first.noise + later.noise
    lines.append(
        "Console noise (stderr lines of both demos): " + (str(len(noise)) if noise else "none")
    )
    lines += [f"    {line}" for line in noise[:20]]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("uv") is None:
        raise SystemExit("uv is not on PATH")
    workdir = Path(tempfile.mkdtemp(prefix="lantoa-first-run-"))
    clone = workdir / "lantoa"
    commit = subprocess.run(  # noqa: S603
        ["git", "-C", str(ROOT), "rev-parse", "--verify", f"{args.ref}^{{commit}}"],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    try:
        subprocess.run(  # noqa: S603
            ["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)],  # noqa: S607
            check=True,
        )
        subprocess.run(  # noqa: S603
            ["git", "-C", str(clone), "checkout", "--quiet", commit],  # noqa: S607
            check=True,
        )
        env = clean_env(workdir / "uv-cache" if args.cold else None)
        loads = [load()]
        started = time.perf_counter()
        subprocess.run(["uv", "sync", "--quiet"], cwd=clone, env=env, check=True)  # noqa: S607
        install = time.perf_counter() - started
        first = demo_start(clone, env, args.timeout)
        later = demo_start(clone, env, args.timeout)
        loads.append(load())
    finally:
        if args.keep:
            print(f"clone kept in {clone}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    text = f"Commit {commit[:10]}. " + table(install, first, later, cold=args.cold, loads=loads)
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"first-run-{'cold' if args.cold else 'warm'}.md").write_text(text)
    measured = install + first.first_page if args.cold else first.first_page
    return 0 if measured < (GOAL_COLD if args.cold else GOAL_INSTALLED) else 1


if __name__ == "__main__":
    sys.exit(main())

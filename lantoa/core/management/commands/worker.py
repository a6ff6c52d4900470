from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from lantoa.celery import ensure_queue_dirs
from lantoa.core.management.keys import require_production_key


def worker_argv(
    *, beat: bool, concurrency: int, loglevel: str = "info", name: str = "", quiet: bool = False
) -> list[str]:
    """The Celery command line of ``lantoa worker``. ``name``: the node name (Celery's
    ``--hostname``); by default ``beat@<host>`` for the one process with the scheduler and
    ``worker@<host>`` for the others, so that the two services of README's deployment on one
    machine do not share a name (give each further service on that machine its own).
    ``quiet``: without Celery's start-up banner (the demo's console)."""
    argv = [
        sys.executable,
        "-m",
        "celery",
        *(["--quiet"] if quiet else []),
        "-A",
        "lantoa",
        "worker",
        "--loglevel",
        loglevel,
        "--concurrency",
        str(concurrency),
        "--hostname",
        name or ("beat@%h" if beat else "worker@%h"),
    ]
    if not settings.REDIS_URL:
        # The file queue is polled; threads keep the demo light on memory.
        argv += ["--pool", "threads"]
    if beat:
        argv += ["--beat", "--schedule", str(settings.DATA_DIR / "celerybeat-schedule")]
    return argv


class Command(BaseCommand):
    help = (
        "Chạy tiến trình nền Celery (xuất bản, nhắc việc, nhập dữ liệu…). "
        "Runs the Celery background worker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 2)
        parser.add_argument(
            "--beat",
            action="store_true",
            help="Chạy kèm bộ hẹn giờ (chỉ một tiến trình trong cả hệ thống).",
        )
        parser.add_argument(
            "--name",
            default="",
            help=(
                "Tên nút Celery (mặc định beat@<máy> khi có --beat, worker@<máy> khi không); "
                "mỗi tiến trình thêm trên cùng một máy cần một tên riêng, ví dụ worker2@%%h."
            ),
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        require_production_key()
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        ensure_queue_dirs()
        argv = worker_argv(beat=opts["beat"], concurrency=opts["concurrency"], name=opts["name"])
        os.execv(sys.executable, argv)  # noqa: S606 - replaces this process on purpose

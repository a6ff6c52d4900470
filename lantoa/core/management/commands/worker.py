from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from lantoa.celery import ensure_queue_dirs
from lantoa.core.management.keys import require_production_key


def worker_argv(*, beat: bool, concurrency: int, loglevel: str = "info") -> list[str]:
    argv = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "lantoa",
        "worker",
        "--loglevel",
        loglevel,
        "--concurrency",
        str(concurrency),
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

    def handle(self, *args: Any, **opts: Any) -> None:
        require_production_key()
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        ensure_queue_dirs()
        argv = worker_argv(beat=opts["beat"], concurrency=opts["concurrency"])
        os.execv(sys.executable, argv)  # noqa: S606 - replaces this process on purpose

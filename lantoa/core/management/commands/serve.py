from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lantoa.core.management.keys import require_production_key


class Command(BaseCommand):
    help = "Chạy máy chủ web gunicorn (môi trường thật). Runs the gunicorn web server."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("LANTOA_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("LANTOA_WEB_WORKERS", str(2 * (os.cpu_count() or 1) + 1))),
        )
        parser.add_argument("--threads", type=int, default=4)

    def handle(self, *args: Any, **opts: Any) -> None:
        require_production_key()
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "lantoa.wsgi:application",
            "--bind",
            opts["bind"],
            "--workers",
            str(opts["workers"]),
            "--threads",
            str(opts["threads"]),
            "--access-logfile",
            "-",
            # No client address (nor path details) for the public inquiry desk: see the module.
            "--logger-class",
            "lantoa.core.accesslog.PrivacyAccessLogger",
            "--forwarded-allow-ips",
            os.environ.get("LANTOA_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]
        os.execv(sys.executable, argv)  # noqa: S606 - replaces this process on purpose

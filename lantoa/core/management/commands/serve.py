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
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("LANTOA_WEB_THREADS", "1")),
            help="threads per process; 1 (the default): gunicorn's sync workers, one request "
            "at a time each, which the kernel hands each new connection to while free",
        )
        parser.add_argument(
            "--timeout",
            type=int,
            default=int(os.environ.get("LANTOA_WEB_TIMEOUT", "120")),
            help="seconds a request may take before its process is replaced",
        )
        parser.add_argument(
            "--keep-alive",
            type=int,
            default=int(os.environ.get("LANTOA_WEB_KEEPALIVE", "75")),
            help="with --threads > 1: seconds an idle connection from the proxy is kept (longer "
            "than the upstream's keepalive_timeout in nginx, so that nginx closes it first)",
        )

    @staticmethod
    def _worker_model(threads: int, keep_alive: int) -> list[str]:
        """Sync workers by default. A threaded worker (gthread) accepts every connection it
        can and keeps it: nginx's idle upstream connections, reused most recent first, stayed
        on one process, which did nearly all the work on one core (its threads share one
        interpreter lock) while the others idled, and requests queued for seconds at the
        evening peak (bench/README.md, contests load, session 12). A sync worker takes a
        connection only when it is free, answers one request and closes it, so the kernel
        spreads the load over every process; nginx buffers slow phones in front of it."""
        if threads <= 1:
            return ["--worker-class", "sync"]
        return [
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            # A connection the proxy keeps for its next request must not be closed here at
            # the moment that request arrives (gunicorn's default is 2 s): the request would
            # fail with a reset instead of being answered.
            "--keep-alive",
            str(keep_alive),
        ]

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
            *self._worker_model(opts["threads"], opts["keep_alive"]),
            "--timeout",
            str(opts["timeout"]),
            # The application is loaded once, in the master, and forked: a worker that dies is
            # replaced in milliseconds instead of spending a second or two of CPU importing
            # Django while the others carry its requests. (A new release is a restart, not HUP.)
            "--preload",
            "--access-logfile",
            "-",
            # No client address (nor path details) for the public inquiry desk: see the module.
            "--logger-class",
            "lantoa.core.accesslog.PrivacyAccessLogger",
            "--forwarded-allow-ips",
            os.environ.get("LANTOA_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]
        os.execv(sys.executable, argv)  # noqa: S606 - replaces this process on purpose

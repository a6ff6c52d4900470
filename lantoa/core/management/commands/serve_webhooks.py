from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lantoa.core.management.keys import require_production_key


class Command(BaseCommand):
    help = (
        "Chạy máy chủ webhook Zalo/Messenger (uvicorn, ASGI; nginx chuyển /webhooks/ tới đây). "
        "Runs the webhook server (uvicorn, ASGI)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind", default=os.environ.get("LANTOA_WEBHOOK_BIND", "127.0.0.1:8001")
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("LANTOA_WEBHOOK_WORKERS", str(os.cpu_count() or 1))),
        )
        parser.add_argument(
            "--access-log",
            action="store_true",
            help="ghi nhật ký từng yêu cầu (nginx phía trước đã ghi) / log every request",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        require_production_key()
        os.execv(sys.executable, webhook_server_argv(**opts))  # noqa: S606 - on purpose


def webhook_server_argv(
    *, bind: str, workers: int, access_log: bool = False, **rest: Any
) -> list[str]:
    """uvicorn with uvloop and httptools, the proxy's X-Forwarded-* trusted from
    LANTOA_FORWARDED_ALLOW_IPS (as ``lantoa serve``)."""
    host, _sep, port = bind.rpartition(":")
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "lantoa.asgi:application",
        "--host",
        host or "127.0.0.1",
        "--port",
        port,
        "--workers",
        str(max(1, workers)),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--lifespan",
        "off",
        "--no-server-header",
        # Longer than nginx keeps an idle upstream connection (keepalive_timeout 60s in README),
        # so that nginx never sends a request on a connection uvicorn is closing.
        "--timeout-keep-alive",
        "75",
        "--forwarded-allow-ips",
        os.environ.get("LANTOA_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        "--access-log" if access_log else "--no-access-log",
    ]

"""``lantoa fakeplatforms``: local stand-ins for Facebook and Zalo OA (lantoa.publishing.fakes),
to try publishing in the demo without reaching the real platforms."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lantoa.publishing.fakes import FakePlatforms


class Command(BaseCommand):
    help = (
        "Chạy máy chủ giả lập Graph API (Facebook) và Zalo OA trên 127.0.0.1 để thử đăng bài "
        "trong bản trình diễn. Ctrl-C để dừng."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8090)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args: Any, **opts: Any) -> None:
        fake = FakePlatforms(opts["host"], opts["port"], strict=False).start()
        w = self.stdout.write
        w(self.style.SUCCESS(f"Nền tảng giả lập đang chạy tại {fake.url}/"))
        w("Chạy Lan Tỏa (web và tiến trình nền) với các biến môi trường sau:")
        for name, value in fake.settings().items():
            w(f"    export {name}={value}")
        w("Mã truy cập nào cũng được nhận, trừ mã có chữ “expired” (giả lập mã hết hạn).")
        w(f"Xem các bài đã đăng tại {fake.url}/ . Nhấn Ctrl-C để dừng.")
        stop = threading.Event()
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        stop.wait()
        fake.stop()
        w("Đã dừng nền tảng giả lập.")

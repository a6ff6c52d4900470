"""``lantoa serve``'s access log keeps no trace of who wrote to the inquiry desk (issue 11,
finding 13)."""

from __future__ import annotations

import datetime as dt
import logging
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from gunicorn.config import Config

from lantoa.core.accesslog import PrivacyAccessLogger, is_private

CLIENT_IP = "203.0.113.77"
UA = "Mozilla/5.0 (Linux; Android 13; SM-A536E) Zalo android/12100637"


def _log_line(tmp_path: Path, method: str, path: str, query: str = "") -> str:
    cfg = Config()
    cfg.set("accesslog", str(tmp_path / "access.log"))
    logger = PrivacyAccessLogger(cfg)
    environ = {
        "REQUEST_METHOD": method,
        "RAW_URI": path + (f"?{query}" if query else ""),
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": CLIENT_IP,
        "HTTP_USER_AGENT": UA,
        "HTTP_REFERER": "https://congdoan.example.vn/cau-hoi/?ma=LT-8F3K",
    }
    req = SimpleNamespace(
        headers=[
            ("X-FORWARDED-FOR", CLIENT_IP),
            ("USER-AGENT", UA),
            ("COOKIE", "sessionid=abc"),
        ]
    )
    resp = SimpleNamespace(status="302 Found", sent=123, headers=[("Location", "/cau-hoi/da-gui/")])
    logger.access(resp, req, environ, dt.timedelta(milliseconds=42))
    for handler in logging.getLogger("gunicorn.access").handlers:
        handler.flush()
    return (tmp_path / "access.log").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/cau-hoi/", ""),
        ("/cau-hoi/don-vi/A-G1/", ""),
        ("/cau-hoi/tra-cuu/", "ma=LT-8F3K"),
        ("/cau-hoi/tra-cuu/tin-nhan/", ""),
        ("//cau-hoi/da-gui/", ""),
    ],
)
def test_inquiry_desk_lines_carry_no_address_browser_or_code(
    tmp_path: Path, path: str, query: str
) -> None:
    line = _log_line(tmp_path, "POST", path, query)
    assert '"POST /cau-hoi/… HTTP/1.1" 302 123' in line
    for secret in (CLIENT_IP, "Android", "Zalo", "LT-8F3K", "A-G1", "tra-cuu", "congdoan"):
        assert secret not in line, (secret, line)


def test_survey_answers_carry_no_address(tmp_path: Path) -> None:
    line = _log_line(tmp_path, "POST", "/khao-sat/doi-song-2026/A-G1/", "")
    assert '"POST /khao-sat/… HTTP/1.1" 302 123' in line
    for secret in (CLIENT_IP, "Android", "A-G1", "doi-song"):
        assert secret not in line, (secret, line)


def test_other_paths_are_logged_as_usual(tmp_path: Path) -> None:
    line = _log_line(tmp_path, "GET", "/tin-tuc/", "trang=2")
    assert CLIENT_IP in line and '"GET /tin-tuc/?trang=2 HTTP/1.1" 302' in line


def test_is_private() -> None:
    assert is_private("/cau-hoi/") and is_private("/cau-hoi") and is_private("/CAU-HOI/x")
    assert not is_private("/") and not is_private("/hop-thu/") and not is_private("/cau-hoi-x/")


def test_serve_uses_the_logger(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.management import call_command

    seen: dict[str, Any] = {}

    def fake_execv(path: str, argv: list[str]) -> None:
        seen["argv"] = argv

    monkeypatch.setattr("os.execv", fake_execv)
    call_command("serve", "--bind", "127.0.0.1:0", "--workers", "1")
    argv = seen["argv"]
    assert argv[0] == sys.executable
    assert argv[argv.index("--logger-class") + 1] == "lantoa.core.accesslog.PrivacyAccessLogger"
    assert "--access-logfile" in argv

"""``lantoa serve`` starts gunicorn as README's deployment expects: the application loaded once
and forked (a killed worker is replaced at once), and idle connections from nginx kept longer
than nginx keeps them (so nginx, not gunicorn, closes one, never under a request)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

README = Path(__file__).resolve().parents[2] / "README.md"


def _argv(monkeypatch: pytest.MonkeyPatch, *args: str) -> list[str]:
    seen: dict[str, Any] = {}

    def fake_execv(path: str, argv: list[str]) -> None:
        seen["argv"] = argv

    monkeypatch.setattr("os.execv", fake_execv)
    call_command("serve", "--bind", "127.0.0.1:0", *args)
    return list(seen["argv"])


def test_preloaded_and_keeps_connections_longer_than_nginx(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    argv = _argv(monkeypatch)
    assert "--preload" in argv
    keep_alive = int(argv[argv.index("--keep-alive") + 1])
    # README's upstream block for the site: nginx keeps an idle connection this long.
    upstream = re.search(r"upstream lantoa_web \{(.*?)\}", README.read_text(), re.S)
    assert upstream is not None
    nginx = re.search(r"keepalive_timeout (\d+)s;", upstream.group(1))
    assert nginx is not None
    assert keep_alive > int(nginx.group(1))
    assert "proxy_pass http://lantoa_web;" in README.read_text()


def test_keep_alive_from_the_environment_or_the_option(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANTOA_WEB_KEEPALIVE", "90")
    argv = _argv(monkeypatch)
    assert argv[argv.index("--keep-alive") + 1] == "90"
    argv = _argv(monkeypatch, "--keep-alive", "120")
    assert argv[argv.index("--keep-alive") + 1] == "120"

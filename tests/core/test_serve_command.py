"""``lantoa serve`` starts gunicorn as README's deployment expects: the application loaded once
and forked (a killed worker is replaced at once), sync workers by default (the kernel hands
each connection to a free process: threaded workers kept nginx's connections on one process);
with threads, idle connections from nginx kept longer than nginx keeps them (so nginx, not
gunicorn, closes one, never under a request)."""

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


def test_preloaded_sync_workers_and_nginx_keeps_no_idle_connection_to_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("LANTOA_WEB_THREADS", raising=False)
    argv = _argv(monkeypatch)
    assert "--preload" in argv
    assert argv[argv.index("--worker-class") + 1] == "sync"
    assert "--threads" not in argv and "--keep-alive" not in argv
    assert int(argv[argv.index("--timeout") + 1]) >= 60
    # A sync worker closes the connection after its answer: README's upstream for the site
    # keeps no idle connection (nginx would find each one closed).
    upstream = re.search(r"upstream lantoa_web \{(.*?)\}", README.read_text(), re.S)
    assert upstream is not None
    directives = [line.split("#")[0].strip() for line in upstream.group(1).splitlines()]
    assert not [d for d in directives if d.startswith("keepalive")]
    assert "proxy_pass http://lantoa_web;" in README.read_text()


def test_threads_run_gthread_keeping_connections_longer_than_a_proxy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LANTOA_WEB_THREADS", "4")
    argv = _argv(monkeypatch)
    assert argv[argv.index("--worker-class") + 1] == "gthread"
    assert argv[argv.index("--threads") + 1] == "4"
    # Longer than the keepalive_timeout README gives nginx's upstreams (60 s).
    assert int(argv[argv.index("--keep-alive") + 1]) > 60
    argv = _argv(monkeypatch, "--threads", "1")
    assert argv[argv.index("--worker-class") + 1] == "sync"


def test_keep_alive_from_the_environment_or_the_option(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANTOA_WEB_KEEPALIVE", "90")
    argv = _argv(monkeypatch, "--threads", "2")
    assert argv[argv.index("--keep-alive") + 1] == "90"
    argv = _argv(monkeypatch, "--threads", "2", "--keep-alive", "120")
    assert argv[argv.index("--keep-alive") + 1] == "120"

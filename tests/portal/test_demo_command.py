"""`lantoa demo --bind`: the address links are built with follows the server's."""

from __future__ import annotations

from lantoa.portal.management.commands.demo import public_url


def test_public_url_follows_bind() -> None:
    assert public_url("127.0.0.1:8000") == "http://127.0.0.1:8000"
    assert public_url("localhost:9000") == "http://localhost:9000"
    assert public_url("[::1]:8000") == "http://[::1]:8000"
    wildcard = public_url("0.0.0.0:8080")
    assert wildcard.startswith("http://") and wildcard.endswith(":8080")
    assert "0.0.0.0" not in wildcard  # noqa: S104 - a string compared, nothing bound


def test_otp_command_names_the_demo_data_dir(tmp_path, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from lantoa.portal.management.commands.demo import otp_command

    monkeypatch.chdir(tmp_path)
    settings.DATA_DIR = tmp_path / "data"
    assert otp_command() == "uv run lantoa otp <tên đăng nhập>"
    settings.DATA_DIR = tmp_path / "khac"
    assert otp_command() == f"LANTOA_DATA_DIR={tmp_path / 'khac'} uv run lantoa otp <tên đăng nhập>"


def test_no_server_says_what_it_did_and_how_to_serve(tmp_path, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import io

    from lantoa.portal.management.commands.demo import Command

    monkeypatch.chdir(tmp_path)
    settings.DATA_DIR = tmp_path / "khac"
    settings.LANTOA_PUBLIC_URL = "http://127.0.0.1:8000"
    out = io.StringIO()
    command = Command(stdout=out)
    command._print_logins([], serving=False)
    text = out.getvalue()
    assert "đang chạy tại" not in text and "Ctrl-C" not in text
    assert "chưa chạy máy chủ" in text
    assert f"LANTOA_DATA_DIR={tmp_path / 'khac'} uv run lantoa demo" in text
    out.truncate(0)
    command._print_logins([], serving=True)
    assert "Lan Tỏa đang chạy tại  http://127.0.0.1:8000/" in out.getvalue()
    assert "Ctrl-C" in out.getvalue()


def test_demo_web_server_holds_requests_while_the_data_loads(
    tmp_path, monkeypatch, transactional_db
) -> None:  # type: ignore[no-untyped-def]
    """lantoa demo starts its web server while it loads the data: a request waits for the
    loading to end and is then answered by the product (never from a half-filled database)."""
    import threading
    import time

    from django.test import RequestFactory

    from lantoa.portal import demo_wsgi

    gate = tmp_path / "demo-loading"
    gate.write_text("1")
    monkeypatch.setattr(demo_wsgi, "_gate", str(gate))
    monkeypatch.setattr(demo_wsgi, "_loading", True)
    statuses: list[str] = []

    def request() -> None:
        environ = RequestFactory().get("/tin-tuc/").environ
        body = demo_wsgi.application(environ, lambda status, headers, *a: statuses.append(status))
        b"".join(body)

    waiting = threading.Thread(target=request)
    waiting.start()
    time.sleep(0.5)
    assert waiting.is_alive() and statuses == []  # held while the data loads
    gate.unlink()
    waiting.join(timeout=30)
    # Answered by the product (whatever this test database's site holds at that address).
    assert len(statuses) == 1 and statuses[0][:3].isdigit()
    assert demo_wsgi._loading is False  # later requests go straight through


def test_static_fingerprint_follows_the_sources(tmp_path, settings) -> None:  # type: ignore[no-untyped-def]
    """A later ``lantoa demo`` skips collectstatic only while no static source changed."""
    import os

    from lantoa.portal.management.commands.demo import static_sources_fingerprint

    source = tmp_path / "nguon"
    source.mkdir()
    (source / "demo.css").write_text("body { color: #c8102e; }")
    settings.STATICFILES_DIRS = [source]
    before = static_sources_fingerprint()
    assert "demo.css\t" in before
    assert static_sources_fingerprint() == before
    (source / "demo.css").write_text("body { color: #0b4f9c; }")
    os.utime(source / "demo.css", ns=(1, 1))
    assert static_sources_fingerprint() != before
    (source / "moi.js").write_text("")
    assert static_sources_fingerprint().count("moi.js") == 1


def test_demo_worker_is_not_told_to_warn_about_root() -> None:
    """Run as root, Celery's long SecurityWarning read like an error on the demo's console;
    other warnings still show."""
    import subprocess
    import sys

    from lantoa.portal.management.commands.demo import CELERY_ROOT_WARNING, demo_worker_env

    env = demo_worker_env({"PATH": "/usr/bin:/bin", "PYTHONWARNINGS": "default"})
    script = (
        "import warnings\n"
        f"warnings.warn({CELERY_ROOT_WARNING + ': this is absolutely not recommended!'!r})\n"
        "warnings.warn('Một cảnh báo khác')\n"
    )
    done = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert "superuser" not in done.stderr
    assert "Một cảnh báo khác" in done.stderr

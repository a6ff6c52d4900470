"""Local commands need no key; production servers refuse the key a local install makes."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from lantoa.settings import local_secret_key


def test_local_key_is_made_once_private_and_shared(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: local_secret_key(data), range(16)))
    assert len(keys) == 1
    key = keys.pop()
    assert len(key) >= 50
    path = data / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert local_secret_key(data) == key
    assert [p.name for p in data.iterdir()] == ["secret_key"]  # no temporary files left


def _lantoa(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("LANTOA_SECRET_KEY", "LANTOA_ALLOW_INSECURE_KEY", "DJANGO_SETTINGS_MODULE")
    }
    env["LANTOA_DATA_DIR"] = str(data)
    return subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "lantoa.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_commands_run_without_a_key_but_servers_refuse_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    done = _lantoa(data, "report", "--help")
    assert done.returncode == 0, done.stderr
    assert "--period" in done.stdout
    assert (data / "secret_key").exists()
    for server in ("serve", "serve-webhooks", "worker"):
        refused = _lantoa(data, server)
        assert refused.returncode != 0
        assert "Chưa đặt LANTOA_SECRET_KEY" in refused.stderr
        assert "Traceback" not in refused.stderr

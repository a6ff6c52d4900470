"""The connection pool of the ASGI processes (``LANTOA_DB_POOL``, set by ``lantoa/asgi.py``):
read from the product's own settings in a fresh process, it connects, and a pooled connection
the database closed (a restart) is replaced before a request gets it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import django
django.setup()
from django.db import connection
with connection.cursor() as cur:
    cur.execute("SELECT pg_backend_pid()")
    first = cur.fetchone()[0]
assert connection.pool is not None, "no pool"
connection.close()  # back to the pool
import psycopg
# The database ends that session, as a restart would.
with psycopg.connect({dsn!r}, autocommit=True) as admin:
    admin.execute("SELECT pg_terminate_backend(%s)", [first])
with connection.cursor() as cur:
    cur.execute("SELECT pg_backend_pid()")
    second = cur.fetchone()[0]
print("ok", first != second)
"""


def test_the_asgi_pool_connects_and_replaces_a_closed_connection(tmp_path: Path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the pool is PostgreSQL's (SQLite runs without it)")
    s = connection.settings_dict
    dsn = f"postgresql://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lantoa.settings",
        "DATABASE_URL": dsn,
        "LANTOA_DB_POOL": "2",
        "LANTOA_DATA_DIR": str(tmp_path),
        "LANTOA_ALLOW_INSECURE_KEY": "1",
    }
    env.pop("REDIS_URL", None)
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", SCRIPT.format(dsn=dsn)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["ok", "True"]

"""The production services for real: PostgreSQL and a Celery worker on Redis.

With LANTOA_REQUIRE_SERVICES=1 (set by .ci/run) a missing service fails these tests; on a
developer machine without the services they are skipped.
"""

from __future__ import annotations

import datetime as dt
import os
import time

import pytest
from django.utils import timezone

from lantoa.accounts.models import LoginFailure
from tests.conftest import celery_conf, unavailable

PG_URL = os.environ.get("POSTGRES_TEST_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def test_postgresql_is_reachable() -> None:
    import psycopg

    try:
        with psycopg.connect(PG_URL, connect_timeout=3) as conn:
            version = conn.execute("SHOW server_version_num").fetchone()
    except Exception as exc:
        unavailable("PostgreSQL", exc)
        return
    assert version is not None and int(version[0]) >= 140000


@pytest.mark.django_db(transaction=True)
def test_celery_worker_on_redis_runs_a_periodic_task(redis_url: str) -> None:
    from celery.contrib.testing.worker import start_worker

    from lantoa.accounts.tasks import prune_login_failures
    from lantoa.celery import app

    old = timezone.now() - dt.timedelta(days=2)
    LoginFailure.objects.create(username="cu", ip="10.0.0.1", at=old)
    LoginFailure.objects.create(username="moi", ip="10.0.0.2")
    with (
        celery_conf(broker_url=redis_url, task_always_eager=False, broker_transport_options={}),
        start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10),
        app.connection_for_write(redis_url) as conn,
    ):
        # An explicit connection: the app's producer pool may already point at the
        # embedded file queue from earlier tests in this process.
        prune_login_failures.apply_async(connection=conn)
        deadline = time.monotonic() + 20
        while LoginFailure.objects.count() != 1 and time.monotonic() < deadline:
            time.sleep(0.1)
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["moi"]

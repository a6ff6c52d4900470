"""/healthz reports each dependency — database, cache and broker (Redis), the worker's
heartbeat, the inbound message backlog — and answers 503 naming what the deployment needs and
lacks (issue 11, finding 2)."""

from __future__ import annotations

import datetime as dt
import json
import socket
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import Client, override_settings
from django.utils import timezone

from lantoa.connectors.models import InboundEvent, Platform
from lantoa.core import health
from lantoa.core.models import Heartbeat
from tests.inquiries.test_intake_resilience import product_caches

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def healthz(client: Client) -> tuple[int, dict[str, Any]]:
    response = client.get("/healthz")
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    return response.status_code, json.loads(response.content)


# A deployment with a worker (the tests run tasks eagerly, where there is none to check).
with_worker = override_settings(CELERY_TASK_ALWAYS_EAGER=False)


def test_all_ok_reports_each_check(client: Client) -> None:
    status, body = healthz(client)
    assert status == 200
    assert body["status"] == "ok" and body["failing"] == []
    assert set(body["checks"]) >= {"database", "cache", "broker", "worker", "inbound"}
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["inbound"] == {
        "pending": 0,
        "oldest_age_s": 0,
        "max_age_s": 900,
        "status": "ok",
        "ok": True,
    }


def test_redis_down_is_named_and_fails_when_redis_url_is_set(client: Client, tmp_path: Any) -> None:
    dead = f"redis://127.0.0.1:{closed_port()}/0"
    caches = product_caches(REDIS_URL=dead, LANTOA_DATA_DIR=str(tmp_path))
    with with_worker, override_settings(REDIS_URL=dead, CELERY_BROKER_URL=dead, CACHES=caches):
        status, body = healthz(client)
    assert status == 503
    assert body["status"] == "fail"
    assert body["failing"] == ["cache", "broker"]
    assert body["checks"]["cache"]["service"] == "redis"
    assert body["checks"]["cache"]["status"] == "down"
    assert body["checks"]["cache"]["error"] == "ConnectionError"
    broker = body["checks"]["broker"]
    assert isinstance(broker.pop("not_queued"), int)  # this process's count since it started
    assert broker == {"status": "down", "ok": False, "service": "redis", "error": "ConnectionError"}
    assert body["checks"]["database"]["status"] == "ok"
    # Nothing about where Redis is: the answer is public.
    assert "127.0.0.1" not in json.dumps(body)


@pytest.mark.redis
def test_redis_up_is_ok(client: Client, redis_url: str, tmp_path: Any) -> None:
    caches = product_caches(REDIS_URL=redis_url, LANTOA_DATA_DIR=str(tmp_path))
    with (
        with_worker,
        override_settings(REDIS_URL=redis_url, CELERY_BROKER_URL=redis_url, CACHES=caches),
    ):
        Heartbeat.objects.create(name="worker", at=timezone.now())
        status, body = healthz(client)
    assert status == 200, body
    assert body["checks"]["cache"]["status"] == "ok"
    assert body["checks"]["broker"]["status"] == "ok"


@with_worker
def test_worker_heartbeat_unknown_fresh_and_stale(client: Client) -> None:
    status, body = healthz(client)
    assert status == 200
    assert body["checks"]["worker"] == {"status": "unknown", "ok": True, "max_age_s": 300}
    health.heartbeat_record()  # what the beat's core.heartbeat task does
    status, body = healthz(client)
    assert status == 200 and body["checks"]["worker"]["status"] == "ok"
    Heartbeat.objects.filter(name="worker").update(at=timezone.now() - dt.timedelta(minutes=6))
    status, body = healthz(client)
    assert status == 503
    assert body["failing"] == ["worker"]
    assert body["checks"]["worker"]["status"] == "stale"
    assert body["checks"]["worker"]["age_s"] >= 360
    with override_settings(LANTOA_HEALTH_WORKER_MAX_AGE=0):
        assert healthz(client)[0] == 200


def test_heartbeat_task_is_on_the_beat_schedule() -> None:
    from lantoa.core.extensions import beat_schedule_conf

    entry = beat_schedule_conf()["worker-heartbeat"]
    assert entry == {"task": "core.heartbeat", "schedule": health.HEARTBEAT_SECONDS}
    assert health.HEARTBEAT_SECONDS * 3 < 300  # a few missed beats before it counts as stale


def test_inbound_backlog_fails_when_messages_wait_too_long(client: Client) -> None:
    now = timezone.now()
    for i, age in enumerate((20, 30 * 60)):
        InboundEvent.objects.create(
            platform=Platform.ZALO,
            event_id=f"m{i}",
            payload={"text": "Công ty nợ lương"},
            received_at=now - dt.timedelta(seconds=age),
        )
    status, body = healthz(client)
    assert status == 503
    assert body["failing"] == ["inbound"]
    inbound = body["checks"]["inbound"]
    assert inbound["status"] == "backlog" and inbound["pending"] == 2
    assert inbound["oldest_age_s"] >= 1800
    assert "nợ lương" not in json.dumps(body)
    InboundEvent.objects.filter(event_id="m1").update(processed_at=now)
    status, body = healthz(client)
    assert status == 200 and body["checks"]["inbound"]["pending"] == 1


def test_database_down_is_a_503_in_json(client: Client) -> None:
    def refuse(*args: Any) -> Any:
        raise OperationalError("the database system is shutting down")

    with connection.execute_wrapper(refuse):
        status, body = healthz(client)
    assert status == 503
    assert body["checks"]["database"] == {
        "status": "down",
        "ok": False,
        "error": "OperationalError",
    }
    assert "database" in body["failing"]

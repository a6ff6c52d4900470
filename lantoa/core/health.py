"""What ``/healthz`` reports: each dependency of the deployment, checked cheaply.

- ``database``: one ``SELECT 1``;
- ``cache`` and ``broker``: a ``PING`` to Redis, needed only where ``REDIS_URL`` is set (the
  cache's circuit breaker counts are shown too: operations that failed open, outages);
  without Redis the file queue's folder must be writable;
- ``worker``: the age of the heartbeat that the beat has a worker write every
  ``HEARTBEAT_SECONDS``; older than ``LANTOA_HEALTH_WORKER_MAX_AGE`` means no worker takes
  work (no heartbeat yet — a new installation — is reported as "unknown", not as a failure);
- whatever higher apps register in ``lantoa.core.extensions.health_checks`` (connectors: the
  backlog of platform messages waiting to become inquiries).

The answer holds no personal data and no connection details (error class names only; the
details go to the log). ``/healthz`` answers 503 when a check the deployment needs fails.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 30.0
WORKER_HEARTBEAT = "worker"

_redis_clients: dict[str, Any] = {}
_redis_lock = threading.Lock()


def _redis(url: str) -> Any:
    """One client per URL and process, with short timeouts: a dead Redis answers within a
    second."""
    import redis

    with _redis_lock:
        client = _redis_clients.get(url)
        if client is None:
            client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=1.0)
            _redis_clients[url] = client
        return client


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 1)


def check_database() -> dict[str, Any]:
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": "ok", "ok": True, "service": connection.vendor, "ms": _ms(start)}


def check_cache() -> dict[str, Any]:
    from django.core.cache import caches

    from lantoa.core.cache import ResilientRedisCache

    backend = caches["default"]
    if not isinstance(backend, ResilientRedisCache):
        # The file cache of the demo, or the tests' memory cache: nothing to reach.
        return {"status": "ok", "ok": True, "service": type(backend).__name__}
    result: dict[str, Any] = {"service": "redis", **backend.state()}
    start = time.perf_counter()
    try:
        backend.ping()
    except Exception as exc:
        log.warning("healthz: cache (redis) unreachable: %s: %s", type(exc).__name__, exc)
        return {**result, "status": "down", "ok": False, "error": type(exc).__name__}
    return {**result, "status": "ok", "ok": True, "ms": _ms(start)}


def check_broker() -> dict[str, Any]:
    from lantoa.core.queueing import failed_count

    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"status": "unused", "ok": True}
    url = str(settings.CELERY_BROKER_URL)
    if url.startswith(("redis://", "rediss://", "unix://")):
        # Tasks this process could not queue (the sweep queues their work later).
        result: dict[str, Any] = {"service": "redis", "not_queued": failed_count()}
        start = time.perf_counter()
        try:
            _redis(url).ping()
        except Exception as exc:
            log.warning("healthz: broker (redis) unreachable: %s: %s", type(exc).__name__, exc)
            return {**result, "status": "down", "ok": False, "error": type(exc).__name__}
        return {**result, "status": "ok", "ok": True, "ms": _ms(start)}
    if url.startswith("filesystem://"):
        folder = str(settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("data_folder_in", ""))
        # The worker creates the folder when it starts (lantoa worker, lantoa demo).
        if folder and os.path.isdir(folder) and not os.access(folder, os.W_OK):
            return {"status": "down", "ok": False, "service": "filesystem"}
        return {"status": "ok", "ok": True, "service": "filesystem"}
    return {"status": "unknown", "ok": True, "service": url.split(":", 1)[0]}


def heartbeat_record(name: str = WORKER_HEARTBEAT) -> None:
    from lantoa.core.models import Heartbeat

    Heartbeat.objects.update_or_create(name=name, defaults={"at": timezone.now()})


def check_worker() -> dict[str, Any]:
    from lantoa.core.models import Heartbeat

    max_age = int(settings.LANTOA_HEALTH_WORKER_MAX_AGE)
    if settings.CELERY_TASK_ALWAYS_EAGER or max_age <= 0:
        return {"status": "unused", "ok": True}
    at = Heartbeat.objects.filter(name=WORKER_HEARTBEAT).values_list("at", flat=True).first()
    if at is None:
        return {"status": "unknown", "ok": True, "max_age_s": max_age}
    age = max(0.0, (timezone.now() - at).total_seconds())
    result = {"age_s": round(age), "max_age_s": max_age}
    if age > max_age:
        return {**result, "status": "stale", "ok": False}
    return {**result, "status": "ok", "ok": True}


def run_checks() -> tuple[bool, dict[str, Any]]:
    """Every registered check: (all needed ones pass, the report)."""
    from lantoa.core.extensions import health_checks

    checks: dict[str, Any] = {}
    for check in health_checks:
        try:
            result = dict(check.run())
        except Exception as exc:
            log.warning("healthz: %s failed: %s: %s", check.key, type(exc).__name__, exc)
            result = {"status": "down", "ok": False, "error": type(exc).__name__}
        result.setdefault("ok", result.get("status") == "ok")
        checks[check.key] = result
    failing = [key for key, result in checks.items() if not result["ok"]]
    report = {"status": "fail" if failing else "ok", "failing": failing, "checks": checks}
    return not failing, report

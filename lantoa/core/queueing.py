"""Queueing background tasks without making the caller fail when the broker is down.

Work that matters is stored in the database first (a durable job, ``lantoa.core.jobs``; a
notice; a cascade) and the Celery task only says "start now". So when Redis (the broker) cannot
be reached, ``enqueue`` logs it, counts it and returns False instead of raising: the officer's
request succeeds, and the beat's sweep queues the stored work once the broker is back (each
kind's ``due`` query finds what was never started).

After a failure the process does not try the broker again for ``RETRY_SECONDS`` (publishing to
a dead broker costs a connection attempt), the same circuit breaker as the cache's. Under
``LANTOA_TASKS_EAGER`` (tests, some demos) tasks run at once and their errors propagate.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
# A stored job whose task has not started this long after it was created is queued again by
# the sweep (its ``due`` query): the first enqueue was lost. Queued twice is harmless, since a
# job is claimed before it runs.
QUEUE_GRACE = dt.timedelta(minutes=2)

_lock = threading.Lock()
_state: dict[str, float] = {"open_until": 0.0, "failed": 0.0}


def broker_errors() -> tuple[type[BaseException], ...]:
    from kombu.exceptions import OperationalError as KombuOperationalError

    return (KombuOperationalError, ConnectionError, OSError, TimeoutError)


def failed_count() -> int:
    """Tasks this process could not queue since it started."""
    return int(_state["failed"])


def enqueue(task: Any, *args: Any, **kwargs: Any) -> bool:
    """Queue ``task(*args, **kwargs)``; False (logged, counted) when the broker is down."""
    if task.app.conf.task_always_eager:
        task.delay(*args, **kwargs)
        return True
    if _state["open_until"] > time.monotonic():
        with _lock:
            _state["failed"] += 1
        log.info("broker unavailable: %s not queued; the sweep will queue it", task.name)
        return False
    try:
        task.apply_async(args, kwargs, retry=False)
    except broker_errors() as exc:
        with _lock:
            _state["failed"] += 1
            _state["open_until"] = time.monotonic() + RETRY_SECONDS
        log.warning(
            "broker unavailable (%s: %s): %s not queued; the sweep will queue it",
            type(exc).__name__,
            exc,
            task.name,
        )
        return False
    return True


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """``enqueue`` once the surrounding transaction commits (at once outside one)."""
    transaction.on_commit(lambda: enqueue(task, *args, **kwargs))

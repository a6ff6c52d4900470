"""The product's cache backends (lantoa.core.cache): Redis that fails open behind a circuit
breaker, and the demo's file cache whose counters are atomic across processes."""

from __future__ import annotations

import multiprocessing
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache.backends.base import BaseCache

from lantoa.core.cache import (
    FAILED_OPEN_COUNTER,
    LockedFileBasedCache,
    ResilientRedisCache,
    _breakers,
)
from lantoa.inquiries import ratelimit


def closed_port() -> int:
    """A local port nothing listens on (connections are refused at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers: a hung or firewalled Redis."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    yield int(server.getsockname()[1])
    server.close()


def redis_cache(location: str, **options: Any) -> ResilientRedisCache:
    _breakers.pop(location, None)  # each test its own breaker
    return ResilientRedisCache(location, {"OPTIONS": options, "KEY_PREFIX": "t-cache"})


def test_dead_redis_answers_like_an_empty_cache() -> None:
    cache = redis_cache(f"redis://127.0.0.1:{closed_port()}/0")
    assert cache.get("k") is None
    assert cache.get("k", "dflt") == "dflt"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("k") is False
    assert cache.add("k", 1) is True  # as Django's DummyCache
    cache.set("k", 1)
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]  # the keys not stored
    with pytest.raises(ValueError):
        cache.incr("k")  # a missing key, as on an empty cache
    assert cache.touch("k") is False
    assert cache.delete("k") is False
    cache.delete_many(["a"])
    state = cache.state()
    assert state["open"] is True and state["outages"] == 1
    assert state["failed_open"] == 11
    assert "ConnectionError" in state["last_error"]


def test_breaker_skips_a_hung_redis_instead_of_waiting_on_every_call(silent_port: int) -> None:
    cache = redis_cache(
        f"redis://127.0.0.1:{silent_port}/0", socket_timeout=0.3, FAIL_OPEN_RETRY_SECONDS=0.6
    )
    start = time.monotonic()
    assert cache.get("k") is None  # waits for the socket timeout once
    first = time.monotonic() - start
    assert 0.25 < first < 2.0
    start = time.monotonic()
    for _ in range(50):
        assert cache.get("k") is None
    assert time.monotonic() - start < 0.1  # the open breaker asks nobody
    time.sleep(0.7)
    start = time.monotonic()
    assert cache.get("k") is None  # half-open: one more try, which times out again
    assert time.monotonic() - start > 0.25
    assert cache.state()["outages"] == 1  # still the same outage


def test_rate_limit_fails_open_on_a_dead_redis(settings: Any) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "lantoa.core.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }
    limit = ratelimit.Limit("resilience-test", 1, 60)
    assert all(limit.hit("198.51.100.7") for _ in range(5))
    assert limit.exceeded("198.51.100.7") is False
    ratelimit.count_event("resilience.test")  # no exception either


@pytest.mark.redis
def test_recovery_adds_the_failed_open_count_to_the_shared_counter(redis_url: str) -> None:
    cache = redis_cache(redis_url)
    cache.delete(FAILED_OPEN_COUNTER)
    # What an outage of 3 operations left in this process's breaker.
    cache.breaker.current_outage = 3
    assert cache.get("anything") is None  # Redis answers: the outage ends
    assert cache.breaker.current_outage == 0
    assert cache.get(FAILED_OPEN_COUNTER) == 3
    cache.delete(FAILED_OPEN_COUNTER)


def test_one_redis_client_serves_every_operation_and_thread(redis_url: str) -> None:
    """Django builds a ``redis.Redis`` for every operation (0,2–0,3 ms of CPU copying its
    callbacks); ours keeps one per connection pool, shared by the threads."""
    import threading

    cache = redis_cache(redis_url)
    cache.set("k", 1)
    client = cache._cache.get_client("k", write=True)
    assert cache._cache.get_client("other", write=True) is client
    seen: list[Any] = []

    def work(n: int) -> None:
        for i in range(50):
            cache.set(f"k{n}-{i % 5}", i)
            if cache.get(f"k{n}-{i % 5}") == i:  # each thread its own keys
                seen.append(cache._cache.get_client("k", write=True))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 200 and all(c is client for c in seen)
    assert cache.get("k") == 1
    cache.delete_many(["k", *(f"k{n}-{i}" for n in range(4) for i in range(5))])


# --- the demo's file cache -------------------------------------------------------------------


def _hit_many(location: str, backend: str, hits: int, start_at: float, out: Any) -> None:
    """One process of the race: wait for the common start, then hit the limit."""
    from django.utils.module_loading import import_string

    cache: BaseCache = import_string(backend)(location, {})
    limit = ratelimit.Limit("race", 5, 600)
    import lantoa.inquiries.ratelimit as module

    module.cache = cache  # type: ignore[assignment]  # this child's cache is the file cache
    while time.time() < start_at:
        time.sleep(0.001)
    out.put(sum(1 for _ in range(hits) if limit.hit("203.0.113.50", now=start_at)))


def test_file_cache_limit_is_atomic_across_processes(tmp_path: Path) -> None:
    """100 hits from 20 processes at the same moment, limit 5: exactly 5 pass (with Django's
    own file cache several more got through)."""
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    start_at = time.time() + 1.0
    backend = "lantoa.core.cache.LockedFileBasedCache"
    procs = [
        ctx.Process(target=_hit_many, args=(str(tmp_path), backend, 5, start_at, out))
        for _ in range(20)
    ]
    for proc in procs:
        proc.start()
    passed = sum(out.get(timeout=60) for _ in procs)
    for proc in procs:
        proc.join(timeout=30)
    assert passed == 5


def test_file_cache_counters_and_lock(tmp_path: Path) -> None:
    cache = LockedFileBasedCache(str(tmp_path), {})
    assert cache.add("n", 0, timeout=60) is True
    assert cache.add("n", 0, timeout=60) is False
    assert [cache.incr("n") for _ in range(3)] == [1, 2, 3]
    assert cache.decr("n") == 2
    assert cache.touch("n", timeout=120) is True
    with pytest.raises(ValueError):
        cache.incr("missing")
    assert os.path.exists(tmp_path / ".lock")
    cache.clear()
    assert cache.get("n") is None

"""Cache backends that keep the site working when the cache does not.

``ResilientRedisCache`` (production, ``REDIS_URL``): Django's Redis cache that *fails open*.
Nothing Lan Tỏa keeps in the cache is the only copy of anything — rendered public pages,
dashboard figures, rate-limit counters — so when Redis cannot be reached every operation
answers as Django's ``DummyCache`` would (a miss; nothing stored; ``incr`` raises
``ValueError`` as for a missing key), the same thing django-redis's ``IGNORE_EXCEPTIONS`` does.
A worker's question is then stored, public pages are rendered without the cache and
dashboards computed, and rate limits let requests through rather than refuse everyone.

A short circuit breaker keeps a dead Redis from costing every request a connection attempt:
after a connection error or timeout the process stops asking Redis for ``RETRY_SECONDS``,
then lets one operation try again. Each outage is logged once when it starts and once when
it ends — with the operation and the error, never a key or a value — and counted
(``state()``; ``/healthz`` shows the counts; when Redis is back the number of operations that
failed open is added to the shared counter ``lantoa:count:cache.failed_open``).

``LockedFileBasedCache`` (the demo, no Redis): Django's file cache with ``add``, ``incr``,
``touch`` and the other writes made atomic across threads and processes by a lock file in
the cache folder, so that a rate limit of 5 lets exactly 5 of 100 concurrent requests
through, as it does on Redis.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

log = logging.getLogger(__name__)

T = TypeVar("T")

# Shared counter (in the cache itself) of operations that failed open in all processes; the
# same key scheme as the other operator counters (``lantoa:count:<name>``).
FAILED_OPEN_COUNTER = "lantoa:count:cache.failed_open"


@dataclass
class BreakerState:
    """What one process saw of its cache (``/healthz`` shows it)."""

    # The circuit is open (Redis is skipped) until this ``time.monotonic()`` value.
    open_until: float = 0.0
    # Operations answered without Redis since the process started, and outages seen.
    failed_open: int = 0
    outages: int = 0
    # Operations that failed open in the current outage (added to the shared counter when
    # Redis answers again).
    current_outage: int = 0
    last_error: str = ""
    last_error_at: float = 0.0  # time.time()

    def as_dict(self) -> dict[str, Any]:
        return {
            "open": self.open_until > time.monotonic(),
            "failed_open": self.failed_open,
            "outages": self.outages,
            "last_error": self.last_error,
            "last_error_at": self.last_error_at or None,
        }


_breakers: dict[str, BreakerState] = {}
_breakers_lock = threading.Lock()


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client, with one ``redis.Redis`` per connection pool instead of a
    new one for every operation: building a client copies redis-py's table of ~170 response
    callbacks, 0,2–0,3 ms of CPU each time — more than the GET it is built for. A client is
    safe to share between threads (each command takes a connection from the pool)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Django's private helpers (not in its type stubs): the pool of this key's server.
        index = self._get_connection_pool_index(write)  # type: ignore[attr-defined]
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
            client = self._clients[index] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class ResilientRedisCache(RedisCache):
    """Django's ``RedisCache`` that fails open with a circuit breaker (module docstring).

    ``OPTIONS`` are passed to redis-py as with ``RedisCache``; ``socket_connect_timeout`` and
    ``socket_timeout`` default to ``CONNECT_TIMEOUT`` and ``SOCKET_TIMEOUT`` seconds (redis-py's
    5 s would hold a request that long when the Redis host does not answer at all), and
    ``FAIL_OPEN_RETRY_SECONDS`` (not passed on) sets ``RETRY_SECONDS``.
    """

    CONNECT_TIMEOUT = 0.5
    SOCKET_TIMEOUT = 1.0
    RETRY_SECONDS = 5.0

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        self.retry_seconds = float(options.pop("FAIL_OPEN_RETRY_SECONDS", self.RETRY_SECONDS))
        options.setdefault("socket_connect_timeout", self.CONNECT_TIMEOUT)
        options.setdefault("socket_timeout", self.SOCKET_TIMEOUT)
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = ReusingRedisCacheClient
        self._fallback = DummyCache("", {})
        # Django makes one backend object per thread; the breaker is the process's.
        with _breakers_lock:
            self.breaker = _breakers.setdefault(str(server), BreakerState())
        self._lock = _breakers_lock

    # -- the breaker ----------------------------------------------------------------------

    def _guard(self, operation: str, call: Callable[[], T], fallback: Callable[[], T]) -> T:
        import redis

        if self.breaker.open_until > time.monotonic():
            self._failed_open()
            return fallback()
        try:
            result = call()
        except (redis.ConnectionError, redis.TimeoutError, OSError) as exc:
            self._trip(operation, exc)
            return fallback()
        except redis.RedisError as exc:
            # Redis answered with an error (out of memory, cannot persist, read-only replica):
            # this operation fails open; the next one asks again.
            with self._lock:
                self.breaker.failed_open += 1
            log.warning(
                "cache %s failed (%s: %s); answered without the cache",
                operation,
                type(exc).__name__,
                exc,
            )
            return fallback()
        if self.breaker.current_outage:
            self._recovered()
        return result

    def _failed_open(self) -> None:
        with self._lock:
            self.breaker.failed_open += 1
            self.breaker.current_outage += 1

    def _trip(self, operation: str, exc: BaseException) -> None:
        with self._lock:
            first = self.breaker.current_outage == 0
            self.breaker.open_until = time.monotonic() + self.retry_seconds
            self.breaker.failed_open += 1
            self.breaker.current_outage += 1
            self.breaker.last_error = f"{type(exc).__name__}: {exc}"[:300]
            self.breaker.last_error_at = time.time()
            if first:
                self.breaker.outages += 1
        if first:
            log.warning(
                "cache unreachable during %s (%s: %s); pages, counters and rate limits work "
                "without it, trying again every %.0f s",
                operation,
                type(exc).__name__,
                exc,
                self.retry_seconds,
            )

    def _recovered(self) -> None:
        with self._lock:
            missed, self.breaker.current_outage = self.breaker.current_outage, 0
        if not missed:
            return
        log.warning("cache reachable again; %s operation(s) were answered without it", missed)
        with contextlib.suppress(Exception):
            client = self._cache.get_client(FAILED_OPEN_COUNTER, write=True)
            client.incrby(self.make_and_validate_key(FAILED_OPEN_COUNTER), missed)

    def state(self) -> dict[str, Any]:
        return self.breaker.as_dict()

    def ping(self) -> None:
        """Ask Redis itself (whatever the breaker says); raises when it does not answer."""
        self._cache.get_client(None, write=True).ping()

    # -- Django's cache API, each through the breaker ----------------------------------------

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._guard(
            "add",
            lambda: super(ResilientRedisCache, self).add(key, value, timeout, version),
            lambda: self._fallback.add(key, value, timeout, version),
        )

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._guard(
            "get",
            lambda: super(ResilientRedisCache, self).get(key, default, version),
            lambda: default,
        )

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self._guard(
            "set",
            lambda: super(ResilientRedisCache, self).set(key, value, timeout, version),
            lambda: None,
        )

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._guard(
            "touch",
            lambda: super(ResilientRedisCache, self).touch(key, timeout, version),
            lambda: False,
        )

    def delete(self, key: Any, version: Any = None) -> Any:
        return self._guard(
            "delete",
            lambda: super(ResilientRedisCache, self).delete(key, version),
            lambda: False,
        )

    def get_many(self, keys: Any, version: Any = None) -> Any:
        return self._guard(
            "get_many",
            lambda: super(ResilientRedisCache, self).get_many(keys, version),
            dict,
        )

    def has_key(self, key: Any, version: Any = None) -> Any:
        return self._guard(
            "has_key",
            lambda: super(ResilientRedisCache, self).has_key(key, version),
            lambda: False,
        )

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> Any:
        # Without the cache every counter is missing: ValueError, as DummyCache raises.
        return self._guard(
            "incr",
            lambda: super(ResilientRedisCache, self).incr(key, delta, version),
            lambda: self._fallback.incr(key, delta, version),
        )

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._guard(
            "set_many",
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version),
            lambda: list(data),
        )

    def delete_many(self, keys: Any, version: Any = None) -> None:
        self._guard(
            "delete_many",
            lambda: super(ResilientRedisCache, self).delete_many(keys, version),
            lambda: None,
        )

    def clear(self) -> Any:
        return self._guard("clear", lambda: super(ResilientRedisCache, self).clear(), lambda: False)


class LockedFileBasedCache(FileBasedCache):
    """Django's file cache whose writes hold a lock file (module docstring).

    Django's ``add`` is "has_key, then set" and its ``incr`` "get, then set": two processes can
    both see the key missing, or both read 3 and write 4. Here each write takes an exclusive
    ``flock`` on ``<cache folder>/.lock`` (every call opens its own descriptor, so threads of
    one process exclude each other too); reads take no lock (Django replaces cache files by
    rename, so a reader never sees half a file). Without ``fcntl`` (Windows) the lock only
    holds within the process.
    """

    _local_lock = threading.RLock()
    # Django's add() calls set() and incr() calls get() and set(): the thread that holds the
    # lock does not take it again.
    _held = threading.local()

    @property
    def _folder(self) -> str:
        return str(self._dir)  # type: ignore[attr-defined]  # FileBasedCache's, untyped

    def _lock_path(self) -> str:
        return os.path.join(self._folder, ".lock")

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        held: dict[str, int] = self._held.__dict__.setdefault("dirs", {})
        if held.get(self._folder):
            yield
            return
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX
            with self._local_lock:
                yield
            return
        os.makedirs(self._folder, 0o700, exist_ok=True)
        fd = os.open(self._lock_path(), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            held[self._folder] = 1
            try:
                yield
            finally:
                held.pop(self._folder, None)
        finally:
            os.close(fd)  # closing the descriptor releases the lock

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        with self._locked():
            return super().add(key, value, timeout, version)

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        with self._locked():
            super().set(key, value, timeout, version)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        with self._locked():
            return super().touch(key, timeout, version)

    def delete(self, key: Any, version: Any = None) -> Any:
        with self._locked():
            return super().delete(key, version)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> Any:
        with self._locked():
            return super().incr(key, delta, version)

    def decr(self, key: Any, delta: int = 1, version: Any = None) -> Any:
        return self.incr(key, -delta, version)


def cache_state(alias: str = "default") -> dict[str, Any]:
    """The breaker's view of a cache (empty for backends without one)."""
    from django.core.cache import caches

    backend = caches[alias]
    return backend.state() if isinstance(backend, ResilientRedisCache) else {}

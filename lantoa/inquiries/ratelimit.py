"""Abuse limits for the public pages, counted in Django's cache.

Works with any cache backend: counters are created with ``cache.add`` and raised with
``cache.incr``, atomic on Redis, on the local-memory cache and on the product's file cache
(``lantoa.core.cache.LockedFileBasedCache``), so a limit of 5 lets exactly 5 of 100
simultaneous requests through. Each limit is a sliding window estimated from two fixed
buckets (this one and the previous, weighted by how much of it still overlaps), so a burst at
a bucket boundary does not get twice the allowance.

The limits fail open: a worker's question matters more than a spam brake. With Redis down
the product's cache answers like an empty one (``lantoa.core.cache.ResilientRedisCache``:
logged, counted, shown by ``/healthz``) and every hit is within the limit; any other cache
error is logged (the scope only) and the request let through as well.

Keys hold an HMAC of the address or contact, never the phone number or e-mail itself.
"""

from __future__ import annotations

import ipaddress
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)

_PREFIX = "lantoa:rl"


def ip_key(ip: str) -> str:
    """What one client is counted as: the address, or its /64 for IPv6 (a home or phone
    connection gets a whole /64 and can rotate inside it)."""
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if addr.version == 6:
        return str(ipaddress.ip_network(f"{addr}/64", strict=False))
    return str(addr)


@dataclass(frozen=True)
class Limit:
    """At most ``limit`` hits per ``window`` seconds for one identity within ``scope``."""

    scope: str
    limit: int
    window: int

    def _keys(self, ident: str, now: float) -> tuple[str, str, float]:
        digest = salted_hmac("lantoa.ratelimit", f"{self.scope}:{ident}").hexdigest()[:32]
        bucket = int(now // self.window)
        overlap = 1.0 - (now % self.window) / self.window
        base = f"{_PREFIX}:{self.scope}:{digest}"
        return f"{base}:{bucket}", f"{base}:{bucket - 1}", overlap

    def _estimate(self, current: int, previous: int, overlap: float) -> float:
        return current + previous * overlap

    def used(self, ident: str, *, now: float | None = None) -> float:
        """Hits counted in the sliding window, without adding one (0 when the cache fails)."""
        cur, prev, overlap = self._keys(ident, time.time() if now is None else now)
        try:
            values = cache.get_many([cur, prev])
        except Exception as exc:
            _failed_open(self.scope, exc)
            return 0.0
        return self._estimate(int(values.get(cur, 0)), int(values.get(prev, 0)), overlap)

    def exceeded(self, ident: str, *, now: float | None = None) -> bool:
        """Would one more hit be over the limit?"""
        return self.used(ident, now=now) + 1 > self.limit

    def hit(self, ident: str, *, now: float | None = None) -> bool:
        """Count one hit; True while it is within the limit (and when the cache fails)."""
        try:
            return self._hit(ident, now=now)
        except Exception as exc:
            _failed_open(self.scope, exc)
            return True

    def _hit(self, ident: str, *, now: float | None = None) -> bool:
        cur, prev, overlap = self._keys(ident, time.time() if now is None else now)
        # The current bucket is read again as "previous" during the next window.
        ttl = self.window * 2
        cache.add(cur, 0, timeout=ttl)
        try:
            current = cache.incr(cur)
        except ValueError:  # expired between add and incr
            cache.add(cur, 1, timeout=ttl)
            current = 1
        # Backends without a native incr (file, database) re-set the key with the default
        # timeout; put the window's back.
        cache.touch(cur, timeout=ttl)
        previous = int(cache.get(prev, 0))
        return self._estimate(int(current), previous, overlap) <= self.limit

    def reset(self, ident: str, *, now: float | None = None) -> None:
        cur, prev, _overlap = self._keys(ident, time.time() if now is None else now)
        cache.delete_many([cur, prev])


def _failed_open(scope: str, exc: Exception) -> None:
    # The scope and the error only: the key holds an HMAC of an address or a contact.
    logger.warning("rate limit %s not checked (%s); request let through", scope, type(exc).__name__)


def submit_per_ip() -> Limit:
    return Limit(
        "inquiry-ip",
        int(settings.LANTOA_INQUIRY_LIMIT_PER_IP),
        int(settings.LANTOA_INQUIRY_LIMIT_IP_WINDOW),
    )


def submit_per_contact() -> Limit:
    return Limit(
        "inquiry-contact",
        int(settings.LANTOA_INQUIRY_LIMIT_PER_CONTACT),
        int(settings.LANTOA_INQUIRY_LIMIT_CONTACT_WINDOW),
    )


def lookup_failures_per_ip() -> Limit:
    return Limit(
        "inquiry-lookup",
        int(settings.LANTOA_INQUIRY_LOOKUP_FAILURES),
        int(settings.LANTOA_INQUIRY_LOOKUP_WINDOW),
    )


# --- counters of refused traffic (for the operator; no personal data) ---------------------


def count_event(name: str) -> None:
    """Add one to a named counter ("inquiry.honeypot", "inquiry.rate_limited", …); the log
    line stays when the cache cannot count."""
    key = f"lantoa:count:{name}"
    logger.info("public inquiry desk: %s", name)
    try:
        cache.add(key, 0, timeout=None)
        try:
            cache.incr(key)
        except ValueError:
            cache.add(key, 1, timeout=None)
        cache.touch(key, timeout=None)
    except Exception as exc:
        logger.warning("counter %s not counted (%s)", name, type(exc).__name__)


def event_count(name: str) -> int:
    return int(cache.get(f"lantoa:count:{name}", 0))

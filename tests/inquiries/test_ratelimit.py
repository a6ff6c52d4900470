"""Abuse limits (lantoa.inquiries.ratelimit): keys hold no contact or address, the window slides
and recovers, any cache backend, the client's address (X-Forwarded-For only from trusted
proxies)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import override_settings

from lantoa.core.net import client_ip
from lantoa.inquiries import ratelimit
from tests.conftest import Tree

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def test_cache_keys_hold_no_contact_or_address(tree: Tree) -> None:
    limit = ratelimit.Limit("inquiry-contact", 3, 3600)
    cur, prev, _overlap = limit._keys("0912345678", time.time())
    assert "0912345678" not in cur and "0912345678" not in prev


def _request(remote: str, xff: str = "") -> Any:
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.META["REMOTE_ADDR"] = remote
    if xff:
        request.META["HTTP_X_FORWARDED_FOR"] = xff
    return request


def test_client_ip_ignores_forwarded_for_unless_proxies_are_trusted() -> None:
    spoofed = _request("203.0.113.7", "1.2.3.4")
    assert client_ip(spoofed) == "203.0.113.7"
    with override_settings(LANTOA_TRUSTED_PROXY_COUNT=1):
        # nginx appended the real client; what the client claimed itself is ignored.
        behind = _request("127.0.0.1", "1.2.3.4, 198.51.100.20")
        assert client_ip(behind) == "198.51.100.20"
        assert client_ip(_request("127.0.0.1")) == "127.0.0.1"
        assert client_ip(_request("127.0.0.1", "not-an-ip")) == "127.0.0.1"
    with override_settings(LANTOA_TRUSTED_PROXY_COUNT=2):
        two = _request("10.0.0.2", "1.2.3.4, 198.51.100.20, 10.0.0.1")
        assert client_ip(two) == "198.51.100.20"
    assert ratelimit.ip_key("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert ratelimit.ip_key("198.51.100.20") == "198.51.100.20"


def test_limit_slides_and_recovers() -> None:
    limit = ratelimit.Limit("test", 3, 100)
    start = 1_000_000.0  # at a bucket boundary
    assert [limit.hit("a", now=start + i) for i in range(4)] == [True, True, True, False]
    assert limit.hit("b", now=start + 5)  # others unaffected
    # Halfway through the next bucket half of the previous one still counts: 4 × 0,5 = 2.
    assert limit.used("a", now=start + 150) == pytest.approx(2.0)
    assert limit.hit("a", now=start + 150)
    assert not limit.hit("a", now=start + 151)
    # Two windows later everything is forgotten.
    assert limit.used("a", now=start + 300) == 0
    assert limit.hit("a", now=start + 300)


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.filebased.FileBasedCache",
    ],
)
def test_limit_works_on_any_cache_backend(backend: str, tmp_path: Path) -> None:
    caches = {"default": {"BACKEND": backend, "LOCATION": str(tmp_path / "cache")}}
    with override_settings(CACHES=caches):
        from django.core.cache import caches as handler

        handler["default"].clear()
        limit = ratelimit.Limit("any", 2, 3600)
        assert [limit.hit("x") for _ in range(3)] == [True, True, False]
        assert limit.exceeded("x")
        ratelimit.count_event("probe")
        ratelimit.count_event("probe")
        assert ratelimit.event_count("probe") == 2

"""Caching of the public pages.

Every page is rendered once per (generation, language, host, page, parameters) and kept in
Django's cache for ``LANTOA_SITE_CACHE_SECONDS``. The generation is a counter in the database
(``SiteGeneration``) that ``site_changed`` raises when something appears on the site (a
website publication goes out): every cached page is then stale — at once in that process,
within ``GENERATION_MEMO_SECONDS`` in the others — with no list of keys to hunt down. Being in
the database, the change is never lost to a cache outage: pages cached before it are not
served when Redis comes back. Pages carry no per-visitor data (no CSRF token, no session), so
a cached copy is the same for everyone.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

from lantoa.publicsite.models import SiteGeneration

BROWSER_MAX_AGE = 60
# Each process re-reads the generation at most this often: a cached page then costs one
# cache round trip (and a one-row read every few seconds), and other processes see a
# publication within this many seconds.
GENERATION_MEMO_SECONDS = 2.0
_memo: dict[str, float] = {}


def generation() -> int:
    now = time.monotonic()
    if "value" in _memo and now - _memo["at"] < GENERATION_MEMO_SECONDS:
        return int(_memo["value"])
    value = SiteGeneration.objects.filter(pk=1).values_list("value", flat=True).first()
    if value is None:
        value = _row().value
    _memo.update(value=int(value), at=now)
    return int(value)


def _row() -> SiteGeneration:
    try:
        with transaction.atomic():
            row, _created = SiteGeneration.objects.get_or_create(pk=1)
    except IntegrityError:  # made by another process at the same moment
        row = SiteGeneration.objects.get(pk=1)
    return row


def site_changed() -> None:
    """Make every cached public page stale (called after commit of a publication)."""
    if not SiteGeneration.objects.filter(pk=1).update(value=F("value") + 1):
        _row()
        SiteGeneration.objects.filter(pk=1).update(value=F("value") + 1)
    _memo.clear()  # this process sees the change at once


def forget() -> None:
    """Forget this process's memo of the generation (the next page reads it again)."""
    _memo.clear()


def page_key(request: HttpRequest, name: str, *parts: object) -> str:
    raw = "|".join(str(p) for p in (request.get_host(), get_language(), name, *parts))
    digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
    return f"lantoa:site:{generation()}:{digest}"


def cached_page(
    request: HttpRequest,
    name: str,
    parts: tuple[object, ...],
    render: Callable[[], HttpResponse],
) -> HttpResponse:
    """The cached response of ``render`` (only 200 answers are kept)."""
    key = page_key(request, name, *parts)
    hit = cache.get(key)
    if hit is not None:
        body, content_type = hit
        response = HttpResponse(body, content_type=content_type)
        response["X-Cache"] = "hit"
    else:
        response = render()
        if response.status_code == 200 and not response.streaming:
            cache.set(
                key,
                (response.content, response["Content-Type"]),
                timeout=int(settings.LANTOA_SITE_CACHE_SECONDS),
            )
        response["X-Cache"] = "miss"
    patch_cache_control(response, public=True, max_age=BROWSER_MAX_AGE)
    patch_vary_headers(response, ["Accept-Language"])
    return response

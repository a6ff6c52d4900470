"""The one way out: every outbound HTTP call of the connectors goes through ``request``.

- Every call has a timeout (connect 5 s, whole request 15 s by default).
- Retries happen only where they are safe: a request that never reached the server (connection
  refused, DNS, connect timeout) is retried whatever its method; an idempotent one (GET, or a
  caller that says ``idempotent=True``) is also retried on 5xx, 429 and read timeouts. A
  message send is never retried here — the durable outbox retries it later with backoff, and a
  second copy of a legal answer on the worker's phone is worse than a short delay.
- Failures become ``TemporaryError`` (network trouble, 5xx, 429) or ``PermanentError`` (other
  4xx). Platforms that report errors inside a 200 answer (Zalo) or with their own codes (Graph)
  pass a ``classify`` hook that sees the response first.
- Nothing personal and no token is logged: only the platform, method, host, path and status.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.utils.translation import gettext_noop

from lantoa.connectors.errors import ConnectorError, PermanentError, TemporaryError
from lantoa.core.messages import Text

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)
# httpx logs every request's full URL at INFO, and Graph API calls carry the page token in
# the query string: keep those loggers to warnings so that no token reaches a log file.
logging.getLogger("httpx").setLevel(logging.WARNING)
logging.getLogger("httpcore").setLevel(logging.WARNING)

# httpx is imported by the first request, not by every process that starts the product
# (it was a tenth of Django's start-up): seconds for the whole request, and to connect.
TIMEOUT_SECONDS = (15.0, 5.0)
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
MAX_RETRY_AFTER = 5.0
USER_AGENT = "LanToa/1.0 (+https://github.com/lantoa)"

Classifier = Callable[["httpx.Response"], ConnectorError | None]

_local = threading.local()


def _client() -> httpx.Client:
    """One pooled client per process and thread (a forked Celery worker gets its own)."""
    client = getattr(_local, "client", None)
    if client is None or getattr(_local, "pid", None) != os.getpid():
        import httpx

        client = httpx.Client(
            timeout=httpx.Timeout(TIMEOUT_SECONDS[0], connect=TIMEOUT_SECONDS[1]),
            headers={"User-Agent": USER_AGENT},
            follow_redirects=False,
        )
        _local.client = client
        _local.pid = os.getpid()
    return client


def _where(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}{parts.path}"  # never the query: Graph carries the token there


def _retry_after(response: httpx.Response, attempt: int) -> float:
    value = response.headers.get("Retry-After", "")
    try:
        return min(max(float(value), 0.0), MAX_RETRY_AFTER)
    except ValueError:
        return min(0.5 * (2**attempt), MAX_RETRY_AFTER)


def default_error(response: httpx.Response, platform: str) -> ConnectorError | None:
    status = response.status_code
    if status == 429:
        return TemporaryError(
            Text(
                gettext_noop("%(platform)s: máy chủ báo gửi quá nhiều yêu cầu"),
                {"platform": platform},
            ),
            code=429,
        )
    if status >= 500:
        return TemporaryError(
            Text(
                gettext_noop("%(platform)s: máy chủ đang lỗi (HTTP %(status)s)"),
                {"platform": platform, "status": str(status)},
            ),
            code=status,
        )
    if status >= 400:
        return PermanentError(
            Text(
                gettext_noop("%(platform)s: yêu cầu bị từ chối (HTTP %(status)s)"),
                {"platform": platform, "status": str(status)},
            ),
            code=status,
        )
    return None


def request(
    method: str,
    url: str,
    *,
    platform: str,
    params: Mapping[str, Any] | None = None,
    json: Any = None,
    data: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: httpx.Timeout | float | None = None,
    retries: int = 2,
    idempotent: bool | None = None,
    classify: Classifier | None = None,
) -> httpx.Response:
    """Send one request; return the response or raise TemporaryError/PermanentError."""
    import httpx

    method = method.upper()
    safe = method in IDEMPOTENT_METHODS if idempotent is None else idempotent
    where = _where(url)
    attempt = 0
    while True:
        started = time.monotonic()
        try:
            response = _client().request(
                method,
                url,
                params=params,
                json=json,
                data=data,
                headers=headers,
                timeout=timeout or httpx.Timeout(TIMEOUT_SECONDS[0], connect=TIMEOUT_SECONDS[1]),
            )
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            # The request never left: retrying cannot duplicate anything.
            if attempt < retries:
                attempt += 1
                time.sleep(min(0.5 * attempt, MAX_RETRY_AFTER))
                continue
            log.warning(
                "%s %s %s: cannot connect (%s)", platform, method, where, type(exc).__name__
            )
            raise TemporaryError(
                Text(
                    gettext_noop("%(platform)s: không kết nối được máy chủ (%(error)s)"),
                    {"platform": platform, "error": type(exc).__name__},
                ),
                code="network",
            ) from exc
        except httpx.TimeoutException as exc:
            if safe and attempt < retries:
                attempt += 1
                continue
            log.warning("%s %s %s: timed out", platform, method, where)
            raise TemporaryError(
                Text(
                    gettext_noop("%(platform)s: máy chủ không trả lời kịp"),
                    {"platform": platform},
                ),
                code="timeout",
            ) from exc
        except httpx.HTTPError as exc:
            if safe and attempt < retries:
                attempt += 1
                continue
            log.warning("%s %s %s: %s", platform, method, where, type(exc).__name__)
            raise TemporaryError(
                Text(
                    gettext_noop("%(platform)s: lỗi đường truyền (%(error)s)"),
                    {"platform": platform, "error": type(exc).__name__},
                ),
                code="network",
            ) from exc

        elapsed_ms = (time.monotonic() - started) * 1000
        log.info(
            "%s %s %s → %s (%.0f ms)", platform, method, where, response.status_code, elapsed_ms
        )
        error = classify(response) if classify is not None else None
        if error is None:
            error = default_error(response, platform)
        if error is None:
            return response
        if isinstance(error, TemporaryError) and safe and attempt < retries:
            time.sleep(_retry_after(response, attempt))
            attempt += 1
            continue
        raise error


def json_of(response: httpx.Response, platform: str) -> dict[str, Any]:
    """The JSON object of a response; a garbled answer is a temporary fault of the platform."""
    try:
        body = response.json()
    except ValueError as exc:
        raise TemporaryError(
            Text(
                gettext_noop("%(platform)s: câu trả lời không phải JSON (HTTP %(status)s)"),
                {"platform": platform, "status": str(response.status_code)},
            ),
            code="bad_response",
        ) from exc
    if not isinstance(body, dict):
        raise TemporaryError(
            Text(
                gettext_noop("%(platform)s: câu trả lời không đúng định dạng"),
                {"platform": platform},
            ),
            code="bad_response",
        )
    return body

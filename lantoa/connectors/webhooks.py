"""What the Zalo and Messenger webhooks share: body limits, JSON parsing, signed-request
checks and the rejections that are counted.

Every rejection answers 4xx with a short Vietnamese reason, stores nothing and adds one to
the (platform, reason) counter shown on the connector page. Nothing from the body — names,
phone numbers, message text — is logged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from pydantic import ValidationError

from lantoa.connectors.models import CounterReason
from lantoa.connectors.services import counter_increment

log = logging.getLogger(__name__)

# Platform events are a few kilobytes; attachments come as links, never inline.
MAX_BODY_BYTES = 256 * 1024


@dataclass(frozen=True)
class WebhookAccount:
    """What a webhook needs of a connected OA or page to accept an event: the secret that
    signs it (Zalo: the OA secret key; Messenger: the Meta app's secret) and whether the
    connection is paused. Read from the database by the Django views and from a short-lived
    per-process cache by the fast path (``lantoa.connectors.ingest``)."""

    id: int
    external_id: str
    secret: str
    paused: bool


class Rejected(Exception):
    """A request we refuse: HTTP ``status``, counted under ``reason``."""

    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason
        self.message = message


def rejection(platform: str, exc: Rejected) -> JsonResponse:
    counter_increment(platform=platform, reason=exc.reason)
    log.info("%s webhook rejected: %s", platform, exc.reason)
    return JsonResponse({"error": exc.message}, status=exc.status)


def accepted(**extra: Any) -> JsonResponse:
    return JsonResponse({"ok": True, **extra})


def ignored(platform: str, count: int = 1) -> None:
    counter_increment(platform=platform, reason=CounterReason.IGNORED, by=count)


def read_body(request: HttpRequest) -> bytes:
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        raise Rejected(413, CounterReason.TOO_LARGE, "Nội dung yêu cầu quá lớn.")
    body = request.body
    if len(body) > MAX_BODY_BYTES:
        raise Rejected(413, CounterReason.TOO_LARGE, "Nội dung yêu cầu quá lớn.")
    return body


def parse_object(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Rejected(400, CounterReason.MALFORMED, "Nội dung không phải JSON hợp lệ.") from exc
    if not isinstance(data, dict):
        raise Rejected(400, CounterReason.MALFORMED, "Nội dung JSON phải là một đối tượng.")
    return data


def missing_fields(exc: ValidationError) -> Rejected:
    """A Vietnamese message naming the fields that are missing or wrong."""
    names = []
    for err in exc.errors()[:5]:
        names.append(".".join(str(p) for p in err.get("loc", ())) or "?")
    return Rejected(
        400,
        CounterReason.MISSING_FIELDS,
        "Thiếu hoặc sai trường: " + ", ".join(names) + ".",
    )


def digest_equals(expected: str, given: str) -> bool:
    return hmac.compare_digest(
        expected.encode("ascii"), given.strip().lower().encode("ascii", "replace")
    )


def sha256_hex(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part)
    return h.hexdigest()


def hmac_sha256_hex(key: str, body: bytes) -> str:
    return hmac.new(key.encode("utf-8"), body, hashlib.sha256).hexdigest()


def millis(value: Any) -> dt.datetime | None:
    """A platform timestamp in milliseconds → aware datetime as given (None: unreadable)."""
    try:
        return dt.datetime.fromtimestamp(int(value) / 1000, tz=dt.UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def from_millis(value: Any) -> dt.datetime:
    """A platform timestamp in milliseconds → aware datetime, never later than now."""
    now = timezone.now()
    at = millis(value)
    return now if at is None else min(at, now)

"""The inbound backlog for ``/healthz``: platform messages (Zalo, Messenger) acknowledged but
not yet turned into inquiries. Counts and ages only, never a message."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone

from lantoa.connectors import ingest
from lantoa.connectors.models import InboundEvent
from lantoa.connectors.processing import MAX_ATTEMPTS


def check_inbound() -> dict[str, Any]:
    max_age = int(settings.LANTOA_HEALTH_INBOUND_MAX_AGE)
    waiting = InboundEvent.objects.filter(processed_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
    found = waiting.aggregate(pending=Count("pk"), oldest=Min("received_at"))
    oldest_age = (
        max(0.0, (timezone.now() - found["oldest"]).total_seconds()) if found["oldest"] else 0.0
    )
    result: dict[str, Any] = {
        "pending": found["pending"],
        "oldest_age_s": round(oldest_age),
        "max_age_s": max_age,
    }
    if ingest.enabled():
        # What the webhook fast path queued in Redis and no worker has moved yet.
        try:
            client = ingest.redis_client()
            stream = ingest._keys()[0]
            queued = int(client.xlen(stream))
            first = client.xrange(stream, count=1)
        except Exception as exc:
            result["redis_queue"] = {"status": "unknown", "error": type(exc).__name__}
        else:
            age = 0.0
            if first:
                entry_id = first[0][0]
                entry_id = entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)
                age = max(0.0, time.time() - int(entry_id.split("-", 1)[0]) / 1000)
            result["redis_queue"] = {"queued": queued, "oldest_age_s": round(age)}
            oldest_age = max(oldest_age, age)
    if max_age > 0 and oldest_age > max_age:
        return {**result, "status": "backlog", "ok": False}
    return {**result, "status": "ok", "ok": True}

"""Connector services: the traffic counters."""

from __future__ import annotations

from lantoa.connectors.models import CounterReason, Platform, WebhookCounter
from lantoa.connectors.services import counter_increment


def test_counters_add_up(db: None) -> None:
    for _ in range(3):
        counter_increment(platform=Platform.ZALO, reason=CounterReason.BAD_SIGNATURE)
    counter_increment(platform=Platform.ZALO, reason=CounterReason.IGNORED, by=5)
    rows = dict(WebhookCounter.objects.values_list("reason", "count"))
    assert rows == {"bad_signature": 3, "ignored": 5}

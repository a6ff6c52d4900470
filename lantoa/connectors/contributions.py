"""What connectors adds to the lower apps' screens and processes (lantoa.core.extensions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lantoa.connectors.health import check_inbound
from lantoa.connectors.processing import INBOUND_EVENTS, TICK
from lantoa.core.extensions import (
    BeatEntry,
    HealthCheck,
    WorkLink,
    beat_schedule,
    health_checks,
    job_kinds,
    work_links,
)

work_links.register(
    WorkLink(
        key="connectors",
        label=_("Kết nối kênh"),
        description=_("Kết nối trang Facebook và Zalo OA để đăng bài, nhận tin nhắn"),
        url_name="connectors_web:unit",
        visible=lambda held, unit: "channel.manage" in held and unit.is_active,
        order=70,
    )
)


beat_schedule.register(
    BeatEntry(key="connectors-mailbox", task="connectors.poll_mailbox", schedule=60.0)
)


# Every few seconds a worker looks for inbound events nobody is working on (a lost task, a
# dead worker's lease run out): a no-op when nothing waits (processing.py, "Leases").
beat_schedule.register(
    BeatEntry(key="connectors-inbound", task="connectors.process_waiting", schedule=TICK)
)


beat_schedule.register(
    BeatEntry(key="connectors-tokens", task="connectors.refresh_tokens", schedule=1800.0)
)


beat_schedule.register(
    BeatEntry(key="connectors-prune", task="connectors.prune_events", schedule=3600.0)
)


job_kinds.register(INBOUND_EVENTS)

# /healthz: platform messages waiting to become inquiries.
health_checks.register(HealthCheck(key="inbound", run=check_inbound, order=50))

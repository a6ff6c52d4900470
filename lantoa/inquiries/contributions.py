"""What inquiries contributes to the registries of lantoa.core.extensions."""

from __future__ import annotations

from lantoa.core.extensions import BeatEntry, beat_schedule

# Inquiries: deadlines (SLA), the reply outbox, and the retention purge.
beat_schedule.register(BeatEntry(key="inquiry-sla", task="inquiries.sla_sweep", schedule=60.0))
beat_schedule.register(
    BeatEntry(key="inquiry-outbox", task="inquiries.outbox_sweep", schedule=60.0)
)
beat_schedule.register(
    BeatEntry(key="inquiry-retention", task="inquiries.retention_purge", schedule=6 * 3600.0)
)

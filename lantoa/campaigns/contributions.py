"""What campaigns contributes to the registries of lantoa.core.extensions."""

from __future__ import annotations

from lantoa.core.extensions import BeatEntry, beat_schedule

# Campaign statuses follow the calendar.
beat_schedule.register(
    BeatEntry(key="campaigns-status", task="campaigns.sync_status", schedule=3600.0)
)

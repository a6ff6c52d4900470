"""What publishing contributes to the registries of lantoa.core.extensions."""

from __future__ import annotations

from lantoa.core.extensions import BeatEntry, beat_schedule

# Due and stalled publication jobs, every minute.
beat_schedule.register(BeatEntry(key="publishing-sweep", task="publishing.sweep", schedule=60.0))

"""What units contributes to the registries of lantoa.core.extensions."""

from __future__ import annotations

from lantoa.core.extensions import BeatEntry, beat_schedule

# Unit imports whose worker died are queued again.
beat_schedule.register(
    BeatEntry(key="unit-imports-resume", task="units.resume_imports", schedule=300.0)
)

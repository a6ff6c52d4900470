"""What reports contributes to the registries of lantoa.core.extensions."""

from __future__ import annotations

from lantoa.core.extensions import BeatEntry, beat_schedule

# Report jobs whose worker died are queued again.
beat_schedule.register(
    BeatEntry(key="report-jobs-resume", task="reports.resume_jobs", schedule=300.0)
)

"""What the core contributes to the registries of ``lantoa.core.extensions``."""

from __future__ import annotations

from lantoa.core.extensions import BeatEntry, beat_schedule

# One sweep for every kind of durable job (lantoa.core.jobs; kinds in extensions.job_kinds).
beat_schedule.register(BeatEntry(key="jobs-sweep", task="core.sweep_jobs", schedule=60.0))

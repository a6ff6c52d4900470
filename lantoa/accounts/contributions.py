"""What accounts contributes to the registries of lantoa.core.extensions."""

from __future__ import annotations

from lantoa.core.extensions import BeatEntry, beat_schedule

# Failed logins older than the throttling window are deleted every hour.
beat_schedule.register(
    BeatEntry(key="prune-login-failures", task="accounts.prune_login_failures", schedule=3600.0)
)

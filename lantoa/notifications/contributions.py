"""What notifications contribute to the screens and processes of lower apps (see
``lantoa.core.extensions``)."""

from __future__ import annotations

from lantoa.core.extensions import BeatEntry, beat_schedule

# E-mail copies of notices whose queueing failed (Redis down): queued again (tasks.py).
beat_schedule.register(
    BeatEntry(key="notifications-email-sweep", task="notifications.email_sweep", schedule=300.0)
)

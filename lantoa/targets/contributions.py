"""What targets contributes to the registries of lantoa.core.extensions."""

from __future__ import annotations

from celery.schedules import crontab

from lantoa.core.extensions import BeatEntry, beat_schedule

# Target alerts to unit leaders, every morning when due (CELERY_TIMEZONE is Vietnam's).
beat_schedule.register(
    BeatEntry(key="targets-alerts", task="targets.send_alerts", schedule=crontab(hour=7, minute=30))
)

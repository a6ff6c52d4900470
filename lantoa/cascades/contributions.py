"""What cascades contributes to the registries of lantoa.core.extensions."""

from __future__ import annotations

from celery.schedules import crontab

from lantoa.core.extensions import BeatEntry, beat_schedule

# Units that have not reported are reminded every morning (CELERY_TIMEZONE is Vietnam's).
beat_schedule.register(
    BeatEntry(key="cascades-remind", task="cascades.remind_due", schedule=crontab(hour=8, minute=0))
)

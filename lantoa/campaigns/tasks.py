"""Background work of campaigns (found by Celery's autodiscovery)."""

from __future__ import annotations

from celery import shared_task

from lantoa.campaigns.services import campaigns_sync_status


@shared_task(name="campaigns.sync_status", soft_time_limit=60, time_limit=90)
def sync_status_task() -> int:
    """Daily: planned → running → finished as dates pass. Idempotent."""
    return campaigns_sync_status()

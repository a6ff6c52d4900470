"""Background work of the content studio (found by Celery's autodiscovery)."""

from __future__ import annotations

from celery import shared_task

from lantoa.content.services import content_publish_due


@shared_task(name="content.publish_due", soft_time_limit=120, time_limit=150)
def publish_due_task() -> int:
    """Every minute: scheduled items whose time has come become published. Idempotent:
    each item is claimed under a row lock by its status."""
    return content_publish_due()

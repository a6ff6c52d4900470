"""Background work of targets. Tasks take no objects; each is idempotent."""

from __future__ import annotations

from celery import shared_task

from lantoa.targets.services import target_alerts_send


@shared_task(name="targets.send_alerts", soft_time_limit=600, time_limit=660, acks_late=True)
def send_alerts_task() -> int:
    """Every morning: target alerts to unit leaders when a round is due (Mondays; the day
    after a period ends). A round already sent to a unit is skipped (``TargetAlert``)."""
    return target_alerts_send()

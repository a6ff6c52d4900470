"""Background work of the inquiry desk (found by Celery's autodiscovery)."""

from celery import shared_task

from lantoa.inquiries.outbox import deliver_reply, outbox_sweep
from lantoa.inquiries.privacy import inquiry_retention_purge
from lantoa.inquiries.sla import sla_sweep_task

__all__ = ["deliver_reply", "outbox_sweep", "retention_purge", "sla_sweep_task"]


@shared_task(name="inquiries.retention_purge", soft_time_limit=600, time_limit=660)
def retention_purge() -> int:
    """Erase workers' contact details once the unit's retention period has passed."""
    return inquiry_retention_purge()

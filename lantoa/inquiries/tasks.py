"""Background work of the inquiry desk (found by Celery's autodiscovery)."""

from celery import shared_task

from lantoa.core.embedding import EmbeddingUnavailable
from lantoa.inquiries import similar
from lantoa.inquiries.outbox import deliver_reply, outbox_sweep
from lantoa.inquiries.privacy import inquiry_retention_purge
from lantoa.inquiries.sla import sla_sweep_task

__all__ = [
    "deliver_reply",
    "embed_inquiries_task",
    "embed_stale_task",
    "outbox_sweep",
    "retention_purge",
    "sla_sweep_task",
]


@shared_task(name="inquiries.retention_purge", soft_time_limit=600, time_limit=660)
def retention_purge() -> int:
    """Erase workers' contact details once the unit's retention period has passed."""
    return inquiry_retention_purge()


@shared_task(name="inquiries.embed", soft_time_limit=300, time_limit=330, acks_late=True)
def embed_inquiries_task(inquiry_ids: list[int]) -> int:
    """Embed inquiries just received; when the model is unavailable, leave them to the sweep."""
    try:
        return similar.embed_inquiries(inquiry_ids)
    except EmbeddingUnavailable:
        return 0


@shared_task(name="inquiries.embed_stale", soft_time_limit=300, time_limit=330, acks_late=True)
def embed_stale_task() -> int:
    """The beat's sweep: recent inquiries without a vector; old vectors deleted."""
    return similar.embed_stale()

"""Background work of the core: the one sweep of every kind of durable job."""

from __future__ import annotations

from celery import shared_task

from lantoa.core import jobs


@shared_task(name="core.sweep_jobs", soft_time_limit=50, time_limit=60)
def sweep_jobs() -> dict[str, int]:
    """Every minute: hand back (or, at their limit, fail) the jobs whose worker died, and queue
    them with the jobs whose retry is due, for every registered ``JobKind``."""
    return jobs.sweep_all()


@shared_task(name="core.heartbeat", soft_time_limit=20, time_limit=30, ignore_result=True)
def heartbeat() -> None:
    """Every ``HEARTBEAT_SECONDS`` (beat): the worker proves it takes work (``/healthz``)."""
    from lantoa.core.health import heartbeat_record

    heartbeat_record()

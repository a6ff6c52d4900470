"""Background work of publishing. Tasks take ids, claim their row before acting (see
``lantoa.publishing.runner``) and are safe to run twice."""

from __future__ import annotations

import logging

from celery import shared_task

from lantoa.core import jobs as durable
from lantoa.core import queueing
from lantoa.publishing import runner

log = logging.getLogger(__name__)


# The hard limit stays well under runner.LEASE: a run killed by it is handed back by the sweep.
@shared_task(name="publishing.run", soft_time_limit=240, time_limit=300)
def run_publication(publication_id: int) -> str | None:
    return runner.publication_run(pk=publication_id)


def enqueue_run(publication_id: int) -> None:
    """Queue a publication without failing the caller: with the broker down the row waits in
    the database for the sweep (``lantoa.core.queueing``; eager, the run's errors show)."""
    queueing.enqueue(run_publication, publication_id)


@shared_task(name="publishing.sweep", soft_time_limit=50, time_limit=60)
def sweep() -> int:
    """The sweep of publications alone (``core.sweep_jobs`` runs it every minute with the other
    kinds of durable jobs): scheduled items become published, publications whose worker died
    are handed back, and the due ones queued."""
    return len(durable.sweep(runner.PUBLICATIONS))


@shared_task(name="publishing.send_confirmation", soft_time_limit=60, time_limit=90)
def send_confirmation(subscriber_id: int, base_url: str = "") -> bool:
    """The double opt-in mail for a newsletter subscription (at most once per 10 minutes)."""
    from lantoa.publishing.services import subscriber_send_confirmation

    return subscriber_send_confirmation(subscriber_id=subscriber_id, base_url=base_url)

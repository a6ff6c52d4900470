"""The test kind in the real registry: the beat's sweep (``core.sweep_jobs``) handles it like
the product's kinds. Claims older than 2 seconds count as a dead worker's."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from lantoa.core.extensions import JobKind, job_kinds
from lantoa.core.messages import Text, text_in_site_language
from lantoa.core.queueing import enqueue
from tests.resilience.jobapp.models import ResilienceJob

S = ResilienceJob.Status


def _fail(pk: int, reason: Text) -> None:
    ResilienceJob.objects.filter(pk=pk).update(
        status=S.FAILED, error=text_in_site_language(reason), claimed_at=None
    )


def _requeue(pk: int) -> None:
    from tests.resilience.jobapp.tasks import run_job

    enqueue(run_job, pk)


RESILIENCE_JOBS = job_kinds.register(
    JobKind(
        key="resilience.job",
        model=ResilienceJob,
        running=Q(status=S.RUNNING),
        hand_back=lambda now: {"status": S.PENDING},
        fail=_fail,
        requeue=_requeue,
        stale_after=dt.timedelta(seconds=2),
    )
)

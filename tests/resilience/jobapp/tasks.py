from __future__ import annotations

import os
import signal
import time

from celery import shared_task
from django.db.models import F
from django.utils import timezone

from lantoa.core import jobs as durable
from tests.resilience.jobapp.models import ResilienceJob

S = ResilienceJob.Status


@shared_task(name="resilience.run_job", soft_time_limit=60, time_limit=90)
def run_job(pk: int) -> str:
    pending = ResilienceJob.objects.filter(pk=pk, status=S.PENDING)
    if not durable.claim(pending, now=timezone.now(), status=S.RUNNING, started=F("started") + 1):
        return "not pending"
    job = ResilienceJob.objects.get(pk=pk)
    if job.mode == "crash":
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(job.seconds)
    ResilienceJob.objects.filter(pk=pk, status=S.RUNNING).update(
        status=S.DONE, finished=F("finished") + 1, claimed_at=None
    )
    return "done"

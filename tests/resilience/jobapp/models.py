from __future__ import annotations

from django.db import models

from lantoa.core.jobs import DurableJob


class ResilienceJob(DurableJob):
    """``mode`` "work": sleeps ``seconds`` then counts one completion in ``finished``;
    "crash": the worker process running it is killed (SIGKILL) as soon as it has claimed it,
    as the out-of-memory killer would. ``started`` counts claims."""

    class Status(models.TextChoices):
        PENDING = "pending"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    mode = models.CharField(max_length=10, default="work")
    seconds = models.FloatField(default=1.0)
    status = models.CharField(max_length=10, default=Status.PENDING)
    started = models.PositiveIntegerField(default=0)
    finished = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

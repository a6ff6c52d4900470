"""The core's own table: heartbeats of the background processes (``/healthz``)."""

from __future__ import annotations

from django.db import models


class Heartbeat(models.Model):
    """When a background process last proved it was working. The beat queues ``core.heartbeat``
    every ``HEARTBEAT_SECONDS`` and whichever worker takes it writes ``at``, so a fresh row
    means the scheduler, the broker and at least one worker all work."""

    name = models.CharField(max_length=50, primary_key=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"

"""Background jobs kept as rows (unit imports, reports): which of them a worker may take."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q


def claimable(
    *, pending: str, running: Iterable[str], stale_after: dt.timedelta, now: dt.datetime
) -> Q:
    """Jobs waiting for a worker, and jobs a worker took longer ago than ``stale_after`` (more
    than the task's hard time limit) without finishing: that worker died, so the job may be
    taken again. Claim with a conditional ``update`` on this filter so that two workers never
    take the same job; the row needs a ``started_at`` set at each claim."""
    return Q(status=pending) | Q(status__in=list(running), started_at__lt=now - stale_after)

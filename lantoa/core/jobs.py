"""Durable jobs: work kept as rows (report jobs, unit imports, replies to send, publications,
inbound platform events) that a worker claims, runs, and that survives a worker's death.

One machinery for every kind:

- ``DurableJob``, the abstract model: ``claimed_at`` (when a worker took the row) and
  ``crashes`` (how many times a worker stopped while holding it);
- ``claim``: a conditional UPDATE whose row count is checked, so two workers never run the
  same job (a re-delivered task is a no-op while the first still runs);
- ``backoff``: the wait before the next try after a temporary error (doubling, capped);
- ``sweep``: what the beat runs every minute for each registered ``JobKind``
  (``lantoa.core.extensions.job_kinds``): a job claimed longer ago than its kind's
  ``stale_after`` (more than its task's hard time limit) lost its worker; it is handed back
  to the queue and queued again, and after ``max_crashes`` such deaths it is marked failed
  with a visible reason (``crash_reason``) instead of being retaken forever. Jobs of the
  kind that wait for a retry whose time has come (``due``) are queued too.

Each domain keeps only what running one job means (its handler) and registers its kind in its
``contributions.py``.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from lantoa.core.messages import Num, Text

if TYPE_CHECKING:
    from lantoa.core.extensions import JobKind

log = logging.getLogger(__name__)


class DurableJob(models.Model):
    """The columns every durable job shares (see the module's docstring)."""

    # When a worker took it; a row still held long after lost its worker (``sweep``).
    claimed_at = models.DateTimeField(null=True, blank=True)
    # How many times a worker stopped (killed, out of memory, host lost) while holding it.
    # Also a database default: some kinds insert their rows with raw SQL.
    crashes = models.PositiveSmallIntegerField(default=0, db_default=0)

    class Meta:
        abstract = True


class RequestedJob(DurableJob):
    """A durable job an officer asked for on a screen (a report to build, a file of units to
    import), followed on a page until it is done or failed. The kind's ``Status`` has ``DONE``
    and ``FAILED``; ``created_by`` is declared by the kind (its reverse name differs)."""

    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    @property
    def is_finished(self) -> bool:
        status = type(self).Status  # type: ignore[attr-defined]
        return getattr(self, "status", None) in (status.DONE, status.FAILED)


def claim(rows: QuerySet[Any], *, now: dt.datetime, **fields: Any) -> bool:
    """Take the one job ``rows`` selects (its pk and the state a worker may take it in) with
    one conditional UPDATE: True only for the worker whose update changed the row."""
    return rows.update(claimed_at=now, **fields) == 1


def backoff(
    attempts: int,
    *,
    first: dt.timedelta = dt.timedelta(minutes=1),
    cap: dt.timedelta = dt.timedelta(hours=1),
) -> dt.timedelta:
    """Wait before the next try after ``attempts`` tries: ``first``, twice that, four times …,
    at most ``cap``."""
    return min(first * (2 ** max(attempts - 1, 0)), cap)


def crash_reason(crashes: int) -> Text:
    """The visible reason of a job given up because its worker kept stopping, as a ``Text``
    (``lantoa.core.messages``): each kind's ``fail`` stores it in the site's language and as
    JSON, shown in the reader's."""
    return Text(
        gettext_noop(
            "Tiến trình xử lý đã dừng giữa chừng %(crashes)s lần khi "
            "đang làm việc này nên không thử lại nữa; vui lòng thử lại hoặc "
            "báo quản trị."
        ),
        {"crashes": Num(crashes)},
    )


def stale(kind: JobKind, now: dt.datetime) -> QuerySet[Any]:
    """The kind's jobs held by a worker for longer than ``stale_after``: that worker died."""
    return kind.model.objects.filter(kind.running, claimed_at__lt=now - kind.stale_after)


def sweep_stale(kind: JobKind, *, now: dt.datetime | None = None) -> list[int]:
    """Hand back the kind's jobs whose worker died, counting the crash; fail those whose
    worker died ``max_crashes`` times. Returns the ids handed back (to queue again)."""
    now = now or timezone.now()
    for pk in list(
        stale(kind, now).filter(crashes__gte=kind.max_crashes - 1).values_list("pk", flat=True)
    ):
        # The sweeper claims the row like a worker would: a worker finishing it at this
        # moment, or a second sweeper, wins or loses cleanly.
        if claim(stale(kind, now).filter(pk=pk), now=now, crashes=F("crashes") + 1):
            kind.fail(pk, crash_reason(kind.max_crashes))
            log.warning("%s %s: worker stopped %s times, failed", kind.key, pk, kind.max_crashes)
    pks = list(stale(kind, now).values_list("pk", flat=True))
    if pks:
        returned = (
            stale(kind, now)
            .filter(pk__in=pks)
            .update(crashes=F("crashes") + 1, **kind.hand_back(now))
        )
        log.warning("%s: %s job(s) of a stopped worker handed back", kind.key, returned)
    return pks


def due(kind: JobKind, *, now: dt.datetime | None = None) -> list[int]:
    """The kind's waiting jobs whose (next) try is due, oldest first, at most ``due_limit``."""
    if kind.due is None:
        return []
    now = now or timezone.now()
    return list(
        kind.model.objects.filter(kind.due(now))
        .order_by(*kind.due_order)
        .values_list("pk", flat=True)[: kind.due_limit]
    )


def sweep(kind: JobKind, *, now: dt.datetime | None = None, queue: bool = True) -> list[int]:
    """One pass over a kind: stale claims handed back (or failed at the limit), then the ids
    to run now — handed back and due ones — queued with the kind's task unless ``queue`` is
    false (the caller queues them)."""
    now = now or timezone.now()
    if kind.before_sweep is not None:
        kind.before_sweep(now)
    pks = sweep_stale(kind, now=now)
    handed_back = set(pks)
    pks += [pk for pk in due(kind, now=now) if pk not in handed_back]
    if queue:
        for pk in pks:
            kind.requeue(pk)
    return pks


def sweep_all(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The beat's pass over every registered kind: how many jobs of each were queued."""
    from lantoa.core.extensions import job_kinds

    done: dict[str, int] = {}
    for kind in job_kinds:
        try:
            done[kind.key] = len(sweep(kind, now=now))
        except Exception:  # one kind's trouble must not stop the others' sweep
            log.exception("sweep of %s failed", kind.key)
    return done

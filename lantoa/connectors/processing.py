"""Stored webhook events → inquiry messages, exactly once.

A worker claims an event with a conditional UPDATE (unprocessed and unclaimed), so two
workers given the same event — the webhook's enqueue and the minute sweep — never both work on
it; a claim older than ``STALE_CLAIM`` is handed back by the sweep of durable jobs
(``lantoa.core.jobs``, ``INBOUND_EVENTS``). ``events_process_waiting`` claims the waiting
events a few at a time (what the webhooks queue during a burst: one task per web process and
second, not one per event). The event becomes an ``InboundMessage`` that the registered
handler (the inquiry desk, ``connectors.inbound``) stores, and the event is marked processed,
in one transaction. The handler also de-duplicates on the platform's message id, so even a
replay after a crash between the two cannot store a message twice.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from lantoa.connectors import ingest
from lantoa.connectors.facebook import webhook as facebook_webhook
from lantoa.connectors.inbound import InboundMessage, inbound_receive
from lantoa.connectors.models import ConnectorAccount, CounterReason, InboundEvent, Platform
from lantoa.connectors.services import counter_increment
from lantoa.connectors.zalo import webhook as zalo_webhook
from lantoa.core import jobs as durable
from lantoa.core.extensions import JobKind

log = logging.getLogger(__name__)

STALE_CLAIM = dt.timedelta(minutes=2)
SWEEP_AFTER = dt.timedelta(minutes=1)
MAX_ATTEMPTS = 10
# Processed events keep the worker's message text: deleted after this long.
RETENTION = dt.timedelta(days=7)
# While a burst lasts, processing waits this long between looks, unless the oldest waiting
# event is older than MAX_DEFER (the 24-hour promise comes first).
BURST_PAUSE = 0.5
MAX_DEFER = dt.timedelta(minutes=5)

CONVERTERS: dict[str, Callable[[ConnectorAccount, dict[str, Any]], InboundMessage]] = {
    Platform.ZALO: zalo_webhook.to_inbound,
    Platform.FACEBOOK: facebook_webhook.to_inbound,
}


def _claim(event_pk: int, now: dt.datetime) -> bool:
    # A claim left by a killed worker is handed back by the sweep of durable jobs first
    # (``INBOUND_EVENTS``), which counts the crash.
    waiting = InboundEvent.objects.filter(
        pk=event_pk, processed_at__isnull=True, claimed_at__isnull=True, attempts__lt=MAX_ATTEMPTS
    )
    return durable.claim(waiting, now=now, attempts=F("attempts") + 1)


def _finish(event_pk: int, *, error: str = "", message_id: int | None = None) -> None:
    InboundEvent.objects.filter(pk=event_pk).update(
        processed_at=timezone.now(), error=error[:2000], message_id=message_id, claimed_at=None
    )


def event_process(event_pk: int) -> str:
    """Process one stored event; returns what happened (for logs and tests)."""
    now = timezone.now()
    if not _claim(event_pk, now):
        return "skipped"
    return _process_claimed(event_pk, now)


def _process_claimed(event_pk: int, now: dt.datetime) -> str:
    event = InboundEvent.objects.select_related("account__channel__unit").get(pk=event_pk)
    account = event.account
    converter = CONVERTERS.get(event.platform)
    if account is None or converter is None:
        _finish(event_pk, error="Kết nối của sự kiện không còn tồn tại.")
        return "orphaned"
    try:
        message = converter(account, event.payload)
    except (ValueError, KeyError) as exc:
        # pydantic's ValidationError is a ValueError: the stored payload cannot be read.
        _finish(event_pk, error=f"Không đọc được sự kiện: {type(exc).__name__}")
        counter_increment(platform=event.platform, reason=CounterReason.FAILED)
        return "invalid"
    try:
        with transaction.atomic():
            received = inbound_receive(message)
            InboundEvent.objects.filter(pk=event_pk).update(
                processed_at=timezone.now(), error="", message_id=received.message_id
            )
    except ValueError as exc:
        # The handler refuses the content (empty message …): retrying will not help.
        _finish(event_pk, error=str(exc))
        counter_increment(platform=event.platform, reason=CounterReason.FAILED)
        return "refused"
    except Exception as exc:
        # Left claimed: the sweep retries it once the claim is stale.
        InboundEvent.objects.filter(pk=event_pk).update(error=type(exc).__name__)
        log.exception("inbound event %s failed (attempt %s)", event_pk, event.attempts)
        if event.attempts >= MAX_ATTEMPTS:
            counter_increment(platform=event.platform, reason=CounterReason.FAILED)
        raise
    # Outside the transaction and at most once a minute: a burst on one OA must not queue its
    # workers on the account row.
    ConnectorAccount.objects.filter(pk=account.pk).filter(
        Q(last_event_at__isnull=True) | Q(last_event_at__lt=now - dt.timedelta(minutes=1))
    ).update(last_event_at=now)
    return "duplicate" if received.duplicate else ("created" if received.created else "joined")


def _claim_waiting(now: dt.datetime, limit: int) -> list[int]:
    """Claim up to ``limit`` events nobody has claimed yet, oldest first. Rows another worker
    is claiming at this moment are skipped (PostgreSQL ``SKIP LOCKED``; SQLite has one writer
    at a time anyway), so workers draining a burst side by side never collide."""
    with transaction.atomic():
        pks = list(
            InboundEvent.objects.select_for_update(skip_locked=True)
            .filter(processed_at__isnull=True, claimed_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
            .order_by("received_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if pks:
            InboundEvent.objects.filter(pk__in=pks).update(
                claimed_at=now, attempts=F("attempts") + 1
            )
    return pks


def events_process_waiting(*, budget: float, batch: int = 5) -> tuple[int, bool]:
    """Process the events waiting to be processed, a few claimed at a time, until none is left
    or ``budget`` seconds are spent. Returns (events processed, whether some are left).

    An unexpected error stops the run: the events of the batch not yet started are released
    for the next run, the failing one stays claimed for the sweep, as in ``event_process``.
    """
    deadline = time.monotonic() + budget
    done = 0
    burst = ingest.BurstWatch()
    while time.monotonic() < deadline:
        # What the webhook fast path queued in Redis becomes waiting rows first (a no-op
        # without it): one or two round trips per batch, so storage keeps up with processing.
        ingest.stream_drain(budget=max(0.0, deadline - time.monotonic()))
        if burst.hot() and not _overdue_waiting():
            # Messages are pouring in: the webhook server needs the CPU to answer within the
            # platforms' time (and the database, which the worker's queries would share at
            # full priority). They are stored; turning them into inquiries can wait a little.
            time.sleep(min(BURST_PAUSE, max(0.0, deadline - time.monotonic())))
            continue
        now = timezone.now()
        pks = _claim_waiting(now, batch)
        if not pks:
            return done, False
        for i, pk in enumerate(pks):
            try:
                _process_claimed(pk, now)
            except BaseException:  # also the soft time limit
                with contextlib.suppress(Exception):  # else the sweep takes them, later
                    InboundEvent.objects.filter(pk__in=pks[i + 1 :]).update(
                        claimed_at=None, attempts=F("attempts") - 1
                    )
                raise
            done += 1
    return done, True


def _overdue_waiting() -> bool:
    return InboundEvent.objects.filter(
        processed_at__isnull=True,
        attempts__lt=MAX_ATTEMPTS,
        received_at__lt=timezone.now() - MAX_DEFER,
    ).exists()


def events_to_requeue(*, now: dt.datetime | None = None, limit: int = 1000) -> list[int]:
    """Events a lost enqueue or a killed worker left behind (what the sweep queues)."""
    now = now or timezone.now()
    assert INBOUND_EVENTS.due is not None
    left = INBOUND_EVENTS.due(now) | (
        INBOUND_EVENTS.running & Q(claimed_at__lt=now - INBOUND_EVENTS.stale_after)
    )
    return list(
        InboundEvent.objects.filter(left)
        .order_by("received_at")
        .values_list("pk", flat=True)[:limit]
    )


def _fail_crashed(event_pk: int, reason: str) -> None:
    event = InboundEvent.objects.get(pk=event_pk)
    InboundEvent.objects.filter(pk=event_pk).update(
        attempts=MAX_ATTEMPTS, claimed_at=None, error=reason[:2000]
    )
    counter_increment(platform=event.platform, reason=CounterReason.FAILED)


def _requeue(event_pk: int) -> None:
    from lantoa.connectors.tasks import enqueue_event

    enqueue_event(event_pk)


# Inbound events for the generic sweep of durable jobs (registered in the app's
# contributions.py): a claim older than STALE_CLAIM (a killed worker, or an unexpected error,
# which leaves the claim) is handed back and queued again; events nobody queued (a lost
# enqueue) once SWEEP_AFTER has passed. Every claim counts in ``attempts``: after MAX_ATTEMPTS
# an event is given up, so the crash limit is the same budget. First, what the webhook fast
# path queued in Redis and no task took becomes rows (a lost task message, a dead worker).
INBOUND_EVENTS = JobKind(
    key="connectors.inbound_event",
    model=InboundEvent,
    running=Q(processed_at__isnull=True, claimed_at__isnull=False, attempts__lt=MAX_ATTEMPTS),
    hand_back=lambda now: {"claimed_at": None},
    fail=_fail_crashed,
    requeue=_requeue,
    stale_after=STALE_CLAIM,
    max_crashes=MAX_ATTEMPTS,
    due=lambda now: Q(
        processed_at__isnull=True,
        claimed_at__isnull=True,
        attempts__lt=MAX_ATTEMPTS,
        received_at__lt=now - SWEEP_AFTER,
    ),
    due_order=("received_at", "pk"),
    due_limit=1000,
    before_sweep=lambda now: ingest.stream_drain(budget=20.0),
    order=900,  # last: draining the stream may take a while
)


def events_prune(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    deleted, _ = InboundEvent.objects.filter(
        Q(processed_at__lt=now - RETENTION)
        | Q(attempts__gte=MAX_ATTEMPTS, received_at__lt=now - RETENTION)
    ).delete()
    return deleted

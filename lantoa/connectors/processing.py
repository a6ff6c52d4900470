"""Stored webhook events → inquiry messages: exactly once, and within seconds.

Leases. A worker takes events with a conditional UPDATE that adds one to ``attempts``; the
value it set is the token of its lease, and ``claimed_at`` the lease's start. The worker
renews its leases between events (every ``RENEW_EVERY``) while it works through a batch. A
lease not renewed for ``LEASE`` is a dead worker's (killed, out of memory, host lost): the next
worker that looks for work takes the event again, counting the crash in ``crashes``, and so
does the minute sweep of durable jobs (``lantoa.core.jobs``, ``INBOUND_EVENTS``). The beat asks
a worker to look every ``TICK`` seconds (``connectors.process_waiting``, a no-op when nothing
waits), so the events a killed worker held reach the inbox about ``LEASE`` + ``TICK`` after
its death, and events whose task was lost with it within ``TICK``.

Exactly once. The event is marked processed in the transaction that stores its message, by an
UPDATE that requires the lease's token: a worker whose lease was taken over (it was only slow)
rolls back instead of storing a second message. The handler also de-duplicates on the
platform's message id (a unique index), so even a replay cannot store a message twice.

Batches, no deferral. ``events_process_waiting`` claims the waiting events a few at a time,
oldest first (PostgreSQL ``SKIP LOCKED`` lets workers drain a burst side by side); during a
burst the webhooks queue one such task per web process and second, not one per event. An
event waits only for the events received before it: the worker runs at a low CPU priority
(README: ``Nice=19``), so it takes what the webhook server leaves, and nothing holds it back.

Replays. An event whose platform timestamp (covered by the signature) lies outside the
platform's re-delivery window — older, when we received it, than
``LANTOA_ZALO_MAX_EVENT_AGE_HOURS`` / ``LANTOA_FACEBOOK_MAX_EVENT_AGE_HOURS``, or ahead of our
clock by more than ``LANTOA_WEBHOOK_MAX_SKEW_SECONDS`` — cannot be a platform's delivery: it is
``held``. The webhook has acknowledged it (so a platform stops re-sending); it is counted,
listed on the connector page and never made an inquiry. Re-deliveries of it meet the unique
index on the platform's message id like any other.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from lantoa.connectors import ingest
from lantoa.connectors.facebook import webhook as facebook_webhook
from lantoa.connectors.inbound import InboundMessage, inbound_receive
from lantoa.connectors.models import (
    ConnectorAccount,
    CounterReason,
    Hold,
    InboundEvent,
    Platform,
)
from lantoa.connectors.services import counter_increment
from lantoa.connectors.zalo import webhook as zalo_webhook
from lantoa.core.extensions import JobKind
from lantoa.core.messages import Text, text_in_site_language

log = logging.getLogger(__name__)

# A worker's lease on the events it claimed, and how often it renews it while it works.
LEASE = dt.timedelta(seconds=15)
RENEW_EVERY = 5.0
# How often the beat asks a worker to look for waiting events (connectors.process_waiting).
TICK = 5.0
# The minute sweep also queues events nobody took for this long (a fallback for the tick).
SWEEP_AFTER = dt.timedelta(minutes=1)
MAX_ATTEMPTS = 10
# Processed events keep the worker's message text: deleted after this long.
RETENTION = dt.timedelta(days=7)

CONVERTERS: dict[str, Callable[[ConnectorAccount, dict[str, Any]], InboundMessage]] = {
    Platform.ZALO: zalo_webhook.to_inbound,
    Platform.FACEBOOK: facebook_webhook.to_inbound,
}
SENT_AT: dict[str, Callable[[dict[str, Any]], dt.datetime | None]] = {
    Platform.ZALO: zalo_webhook.sent_at,
    Platform.FACEBOOK: facebook_webhook.sent_at,
}
HOLD_COUNTERS = {Hold.STALE: CounterReason.STALE_EVENT, Hold.FUTURE: CounterReason.FUTURE_EVENT}


# ---------------------------------------------------------------------------------------------
# Replays


def max_event_age(platform: str) -> dt.timedelta | None:
    """How old an event of ``platform`` may be when it reaches us (None: no limit)."""
    limits: dict[str, int] = {
        Platform.ZALO: settings.LANTOA_ZALO_MAX_EVENT_AGE_HOURS,
        Platform.FACEBOOK: settings.LANTOA_FACEBOOK_MAX_EVENT_AGE_HOURS,
    }
    hours = limits.get(platform, 0)
    return dt.timedelta(hours=hours) if hours > 0 else None


def event_hold(platform: str, sent_at: dt.datetime | None, received_at: dt.datetime) -> str:
    """Why an event the platform dated ``sent_at`` and we received at ``received_at`` must not
    become an inquiry (a ``Hold``), or "" when it may. An event without a readable date is
    taken: the platforms always date theirs, and the signature covers the date."""
    if sent_at is None:
        return ""
    if sent_at - received_at > dt.timedelta(seconds=settings.LANTOA_WEBHOOK_MAX_SKEW_SECONDS):
        return Hold.FUTURE
    limit = max_event_age(platform)
    if limit is not None and received_at - sent_at > limit:
        return Hold.STALE
    return ""


# ---------------------------------------------------------------------------------------------
# Claims


@dataclass(frozen=True)
class Claim:
    """An event a worker holds: ``token`` is the ``attempts`` value its claim set."""

    pk: int
    token: int


class _LeaseLost(Exception):
    """Another worker took the event over while this one worked on it."""


def _claimable(now: dt.datetime) -> Q:
    """Waiting events: never claimed, or held by a lease that ran out (a dead worker's)."""
    return Q(processed_at__isnull=True, attempts__lt=MAX_ATTEMPTS) & (
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - LEASE)
    )


def _claim_rows(
    pks_and_leases: list[tuple[int, dt.datetime | None]], now: dt.datetime
) -> list[Claim]:
    """Claim the events selected (inside the caller's transaction); the crash of a worker
    whose lease ran out is counted. Returns the claims made, in the order given."""
    pks = [pk for pk, _ in pks_and_leases]
    InboundEvent.objects.filter(_claimable(now), pk__in=pks).update(
        claimed_at=now, attempts=F("attempts") + 1
    )
    expired = [pk for pk, lease in pks_and_leases if lease is not None]
    if expired:
        InboundEvent.objects.filter(pk__in=expired, claimed_at=now).update(crashes=F("crashes") + 1)
        log.warning("%s inbound event(s) taken over: their lease ran out", len(expired))
    tokens = dict(
        InboundEvent.objects.filter(pk__in=pks, claimed_at=now).values_list("pk", "attempts")
    )
    return [Claim(pk, tokens[pk]) for pk in pks if pk in tokens]


def _claim(event_pk: int, now: dt.datetime) -> Claim | None:
    with transaction.atomic():
        rows = list(
            InboundEvent.objects.select_for_update()
            .filter(_claimable(now), pk=event_pk)
            .values_list("pk", "claimed_at")
        )
        claims = _claim_rows(rows, now) if rows else []
    return claims[0] if claims else None


def _claim_waiting(now: dt.datetime, limit: int) -> list[Claim]:
    """Claim up to ``limit`` waiting events, oldest first. Rows another worker is claiming at
    this moment are skipped (PostgreSQL ``SKIP LOCKED``; SQLite has one writer at a time
    anyway), so workers draining a burst side by side never collide."""
    with transaction.atomic():
        rows = list(
            InboundEvent.objects.select_for_update(skip_locked=True)
            .filter(_claimable(now))
            .order_by("received_at", "pk")
            .values_list("pk", "claimed_at")[:limit]
        )
        return _claim_rows(rows, now) if rows else []


def _held_by(claim: Claim) -> Any:
    return InboundEvent.objects.filter(pk=claim.pk, attempts=claim.token, processed_at__isnull=True)


def _renew(claims: list[Claim]) -> None:
    """Extend the leases still ours (a lease taken over meanwhile stays the other's)."""
    if not claims:
        return
    held = Q()
    for claim in claims:
        held |= Q(pk=claim.pk, attempts=claim.token)
    InboundEvent.objects.filter(held, processed_at__isnull=True).update(claimed_at=timezone.now())


def _release(claims: list[Claim]) -> None:
    """Give back events not started, as if never claimed."""
    for claim in claims:
        _held_by(claim).update(claimed_at=None, attempts=F("attempts") - 1)


def _finish(claim: Claim, **fields: Any) -> bool:
    """Close the event (processed, with ``fields``) if the lease is still ours."""
    fields.setdefault("error", "")
    fields["error"] = fields["error"][:2000]
    return bool(_held_by(claim).update(processed_at=timezone.now(), claimed_at=None, **fields))


# ---------------------------------------------------------------------------------------------
# Processing


def event_process(event_pk: int) -> str:
    """Process one stored event; returns what happened (for logs and tests)."""
    now = timezone.now()
    claim = _claim(event_pk, now)
    if claim is None:
        return "skipped"
    return _process_claimed(claim, now)


def _process_claimed(claim: Claim, now: dt.datetime) -> str:
    event = InboundEvent.objects.select_related("account__channel__unit").get(pk=claim.pk)
    if event.attempts != claim.token or event.processed_at is not None:
        return "lost"
    account = event.account
    converter = CONVERTERS.get(event.platform)
    if account is None or converter is None:
        _finish(claim, error="Kết nối của sự kiện không còn tồn tại.")
        return "orphaned"
    try:
        message = converter(account, event.payload)
    except (ValueError, KeyError) as exc:
        # pydantic's ValidationError is a ValueError: the stored payload cannot be read.
        _finish(claim, error=f"Không đọc được sự kiện: {type(exc).__name__}")
        counter_increment(platform=event.platform, reason=CounterReason.FAILED)
        return "invalid"
    sent_at = SENT_AT[event.platform](event.payload)
    hold = event_hold(event.platform, sent_at, event.received_at)
    if hold:
        if _finish(claim, held=hold, sent_at=sent_at):
            counter_increment(platform=event.platform, reason=HOLD_COUNTERS[Hold(hold)])
            log.warning(
                "%s event %s held (%s): dated %s, received %s",
                event.platform,
                claim.pk,
                hold,
                sent_at.isoformat() if sent_at else "?",
                event.received_at.isoformat(),
            )
        return "held"
    try:
        with transaction.atomic():
            received = inbound_receive(message)
            marked = _held_by(claim).update(
                processed_at=timezone.now(),
                error="",
                message_id=received.message_id,
                sent_at=sent_at,
            )
            if not marked:
                raise _LeaseLost
    except _LeaseLost:
        # Taken over by another worker while this one was slow: its result stands.
        log.warning("inbound event %s: lease lost, rolled back", claim.pk)
        return "lost"
    except ValueError as exc:
        # The handler refuses the content (empty message …): retrying will not help.
        _finish(claim, error=str(exc))
        counter_increment(platform=event.platform, reason=CounterReason.FAILED)
        return "refused"
    except Exception as exc:
        # Left claimed: taken again once the lease runs out.
        _held_by(claim).update(error=type(exc).__name__)
        log.exception("inbound event %s failed (attempt %s)", claim.pk, claim.token)
        if claim.token >= MAX_ATTEMPTS:
            counter_increment(platform=event.platform, reason=CounterReason.FAILED)
        raise
    _touch(account, now)
    return "duplicate" if received.duplicate else ("created" if received.created else "joined")


def _touch(account: ConnectorAccount, now: dt.datetime) -> None:
    """``last_event_at`` of the account, outside the transaction and at most once a minute
    (no query at all when the row read with the event says it is recent): a burst on one OA
    must not queue its workers on the account row."""
    recent = now - dt.timedelta(minutes=1)
    if account.last_event_at is not None and account.last_event_at >= recent:
        return
    ConnectorAccount.objects.filter(pk=account.pk).filter(
        Q(last_event_at__isnull=True) | Q(last_event_at__lt=recent)
    ).update(last_event_at=now)


def events_process_waiting(*, budget: float, batch: int = 5) -> tuple[int, bool]:
    """Process the events waiting to be processed, a few claimed at a time, until none is left
    or ``budget`` seconds are spent. Returns (events processed, whether some are left).

    An unexpected error stops the run: the events of the batch not yet started are released
    for the next run, the failing one stays claimed until its lease runs out, as in
    ``event_process``.
    """
    deadline = time.monotonic() + budget
    done = 0
    while time.monotonic() < deadline:
        # What the webhook fast path queued in Redis becomes waiting rows first (a no-op
        # without it): one or two round trips per batch, so storage keeps up with processing.
        ingest.stream_drain(budget=max(0.0, deadline - time.monotonic()))
        now = timezone.now()
        claims = _claim_waiting(now, batch)
        if not claims:
            return done, False
        renewed = time.monotonic()
        for i, claim in enumerate(claims):
            if time.monotonic() - renewed >= RENEW_EVERY:
                _renew(claims[i:])
                renewed = time.monotonic()
            try:
                _process_claimed(claim, now)
            except BaseException:  # also the soft time limit
                with contextlib.suppress(Exception):  # else their leases run out, later
                    _release(claims[i + 1 :])
                raise
            done += 1
    return done, True


# ---------------------------------------------------------------------------------------------
# The sweep of durable jobs


def events_to_requeue(*, now: dt.datetime | None = None, limit: int = 1000) -> list[int]:
    """Events a lost enqueue or a dead worker left behind (what the sweep queues)."""
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


def _fail_crashed(event_pk: int, reason: Text) -> None:
    # An event's error is for the logs and the failed count only (never shown as text to an
    # officer): the reason is kept in the site's language.
    event = InboundEvent.objects.get(pk=event_pk)
    InboundEvent.objects.filter(pk=event_pk).update(
        attempts=MAX_ATTEMPTS, claimed_at=None, error=text_in_site_language(reason)[:2000]
    )
    counter_increment(platform=event.platform, reason=CounterReason.FAILED)


def _requeue(event_pk: int) -> None:
    # Coalesced like the webhooks' requests: one "process what is waiting" task for all the
    # events a sweep hands back, not one task per event.
    from lantoa.connectors.tasks import request_processing

    request_processing(event_pk)


# Inbound events for the generic sweep of durable jobs (registered in the app's
# contributions.py): a lease not renewed for LEASE (a dead worker, or an unexpected error,
# which leaves the claim) is handed back and queued again; events nobody queued (a lost
# enqueue) once SWEEP_AFTER has passed. The beat's TICK does both sooner; this is the
# fallback. Every claim counts in ``attempts``: after MAX_ATTEMPTS an event is given up, so
# the crash limit is the same budget. First, what the webhook fast path queued in Redis and
# no task took becomes rows (a lost task message, a dead worker).
INBOUND_EVENTS = JobKind(
    key="connectors.inbound_event",
    model=InboundEvent,
    running=Q(processed_at__isnull=True, claimed_at__isnull=False, attempts__lt=MAX_ATTEMPTS),
    hand_back=lambda now: {"claimed_at": None},
    fail=_fail_crashed,
    requeue=_requeue,
    stale_after=LEASE,
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

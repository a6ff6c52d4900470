"""Durable outbox for replies that leave through Zalo, Messenger or e-mail.

``outbox_enqueue`` writes an ``OutboundReply`` in the same transaction as the reply message
and queues ``deliver_reply`` after commit. Delivery claims the row with a conditional UPDATE
(pending → sending), so two workers never send the same reply; a worker killed mid-send
leaves the row in "sending", and the sweep of durable jobs (``lantoa.core.jobs``,
``OUTBOUND_REPLIES``) puts it back after ``STALE_CLAIM`` (the platform call carries the row's
idempotency key where the platform accepts one), or fails it after the kind's crash limit.
Temporary errors are retried with backoff for up to ``GIVE_UP_AFTER``; permanent errors stop
at once and are shown on the inquiry with the platform's message.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from typing import Any

from celery import shared_task
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from lantoa.connectors.errors import ConnectorError, PermanentError, TemporaryError
from lantoa.core import jobs as durable
from lantoa.core.extensions import JobKind
from lantoa.core.messages import Text, text_pair
from lantoa.core.queueing import enqueue, enqueue_on_commit
from lantoa.inquiries.models import (
    Direction,
    EventKind,
    Inquiry,
    InquiryContact,
    InquiryEvent,
    Message,
    OutboundReply,
    OutboxStatus,
    Source,
)

log = logging.getLogger(__name__)

# Sources whose replies are pushed to the worker; web, hotline and walk-in replies are read on
# the public lookup page or given by phone.
PUSHED_SOURCES = frozenset({Source.ZALO, Source.FACEBOOK, Source.EMAIL})
BACKOFF = [
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=15),
    dt.timedelta(hours=1),
    dt.timedelta(hours=3),
]
GIVE_UP_AFTER = dt.timedelta(hours=24)
STALE_CLAIM = dt.timedelta(minutes=10)


def _queue(message: Message, source: str, *, secret: str = "") -> OutboundReply:
    outbound = OutboundReply.objects.create(
        message=message,
        source=source,
        idempotency_key=secrets.token_hex(16),
        next_attempt_at=timezone.now(),
        secret=secret,
    )
    enqueue_on_commit(deliver_reply, outbound.pk)
    return outbound


def wants_email(inquiry: Inquiry) -> bool:
    """A web question whose worker asked for the codes and answers by e-mail (and has not
    erased their address since)."""
    return (
        inquiry.source == Source.WEB
        and InquiryContact.objects.filter(inquiry=inquiry, email_updates=True)
        .exclude(email="")
        .exists()
    )


def outbox_enqueue(message: Message) -> OutboundReply | None:
    """Queue ``message`` (an officer's reply) for delivery on its inquiry's channel; a web
    question's answer goes by e-mail when the worker asked for it (a web form's phone number
    cannot be messaged on Zalo: an OA writes only to people who follow it)."""
    source = message.inquiry.source
    if source in PUSHED_SOURCES:
        return _queue(message, source)
    if wants_email(message.inquiry):
        return _queue(message, Source.EMAIL)
    return None


def receipt_enqueue(*, inquiry: Inquiry, secret: str) -> OutboundReply | None:
    """Queue the e-mail with the tracking code and ``secret`` for a web question whose worker
    asked for it, attached to their question; it goes only to the address they typed."""
    if not wants_email(inquiry):
        return None
    question = (
        Message.objects.filter(inquiry=inquiry, direction=Direction.IN).order_by("pk").first()
    )
    if question is None:
        return None
    return _queue(question, Source.EMAIL, secret=secret)


def _backoff(attempts: int) -> dt.timedelta:
    return BACKOFF[min(max(attempts - 1, 0), len(BACKOFF) - 1)]


def deliver(outbound_id: int, *, now: dt.datetime | None = None) -> str:
    """Try once to send one reply; returns the row's new status."""
    now = now or timezone.now()
    due = OutboundReply.objects.filter(
        pk=outbound_id, status=OutboxStatus.PENDING, next_attempt_at__lte=now
    )
    if not durable.claim(due, now=now, status=OutboxStatus.SENDING, attempts=F("attempts") + 1):
        return "skipped"
    outbound = OutboundReply.objects.select_related(
        "message__inquiry__channel", "message__inquiry__contact"
    ).get(pk=outbound_id)
    from lantoa.inquiries.replies import send_reply

    try:
        external_id = send_reply(outbound)
    except PermanentError as exc:
        _fail(outbound, exc, permanent=True)
        return OutboxStatus.FAILED
    except TemporaryError as exc:
        if timezone.now() - outbound.created_at >= GIVE_UP_AFTER:
            _fail(outbound, exc, permanent=False)
            return OutboxStatus.FAILED
        OutboundReply.objects.filter(pk=outbound.pk, status=OutboxStatus.SENDING).update(
            status=OutboxStatus.PENDING,
            last_error=str(exc)[:2000],
            last_error_text=exc.stored(),
            next_attempt_at=timezone.now() + _backoff(outbound.attempts),
            claimed_at=None,
        )
        log.info("reply %s: temporary error, retry later (%s)", outbound.pk, exc.code)
        return OutboxStatus.PENDING
    OutboundReply.objects.filter(pk=outbound.pk).update(
        status=OutboxStatus.SENT,
        external_id=(external_id or "")[:255],
        sent_at=timezone.now(),
        last_error="",
        last_error_text=None,
        secret="",
    )
    return OutboxStatus.SENT


def _fail(outbound: OutboundReply, exc: ConnectorError | Text, *, permanent: bool) -> None:
    """Give the reply up: the error (the platform's, or why the outbox stopped) is kept as
    text in the site's language and as a ``Text`` for each reader's, on the row and on the
    inquiry's timeline."""
    stored: dict[str, Any] | None
    if isinstance(exc, Text):
        error, stored = text_pair(exc)
    else:
        error, stored = str(exc), exc.stored()
    with transaction.atomic():
        OutboundReply.objects.filter(pk=outbound.pk).update(
            status=OutboxStatus.FAILED,
            last_error=error[:2000],
            last_error_text=stored,
            permanent_error=permanent,
            secret="",  # a receipt given up keeps no copy of the code
        )
        inquiry = outbound.message.inquiry
        InquiryEvent.objects.create(
            inquiry=inquiry,
            kind=EventKind.REPLY_FAILED,
            unit=inquiry.unit,
            data={"error": error[:500], "error_text": stored, "outbound": outbound.pk},
            at=timezone.now(),
        )
    log.warning("reply %s failed (%s)", outbound.pk, "permanent" if permanent else "gave up")


def outbox_retry(outbound: OutboundReply) -> bool:
    """An officer asks to try a failed reply again (e.g. after reconnecting the page)."""
    updated = OutboundReply.objects.filter(pk=outbound.pk, status=OutboxStatus.FAILED).update(
        status=OutboxStatus.PENDING,
        permanent_error=False,
        next_attempt_at=timezone.now(),
        created_at=timezone.now(),
    )
    if updated:
        enqueue_on_commit(deliver_reply, outbound.pk)
    return bool(updated)


@shared_task(name="inquiries.deliver_reply", soft_time_limit=60, time_limit=90)
def deliver_reply(outbound_id: int) -> str:
    return deliver(outbound_id)


@shared_task(name="inquiries.outbox_sweep", soft_time_limit=120, time_limit=180)
def outbox_sweep() -> int:
    """Re-queue due retries and claims left behind by a killed worker (what the beat's sweep
    of durable jobs does every minute, ``OUTBOUND_REPLIES``)."""
    return len(durable.sweep(OUTBOUND_REPLIES))


def _fail_crashed(outbound_id: int, reason: Text) -> None:
    outbound = OutboundReply.objects.select_related("message__inquiry__unit").get(pk=outbound_id)
    _fail(outbound, reason, permanent=False)


# Replies for the generic sweep of durable jobs (registered in the app's contributions.py): a
# claim older than STALE_CLAIM was left by a killed worker and goes back to pending.
OUTBOUND_REPLIES = JobKind(
    key="inquiries.outbound_reply",
    model=OutboundReply,
    running=Q(status=OutboxStatus.SENDING),
    hand_back=lambda now: {
        "status": OutboxStatus.PENDING,
        "claimed_at": None,
        "next_attempt_at": now,
    },
    fail=_fail_crashed,
    requeue=lambda pk: enqueue(deliver_reply, pk),
    stale_after=STALE_CLAIM,
    due=lambda now: Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now),
    due_order=("next_attempt_at", "pk"),
)

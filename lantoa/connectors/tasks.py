"""Background work of the connectors."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time

from celery import shared_task
from django.conf import settings

from lantoa.connectors import processing
from lantoa.connectors.models import AccountStatus, ConnectorAccount, Platform
from lantoa.core import jobs as durable

log = logging.getLogger(__name__)


@shared_task(name="connectors.process_event", soft_time_limit=60, time_limit=90)
def process_event(event_id: int) -> str:
    return processing.event_process(event_id)


def enqueue_event(event_id: int) -> None:
    """Queue an event's processing without ever failing or slowing the webhook: with the
    broker down the event waits in the database for ``requeue_events``."""
    try:
        process_event.apply_async((event_id,), retry=False)
    except Exception:
        log.warning("could not queue inbound event %s; the sweep will pick it up", event_id)


# Seconds a "process what is waiting" task runs before it hands over to a fresh one.
WAITING_BUDGET = 30.0


# A "process what is waiting" task not started within a minute is dropped (the beat's ticks
# of a long stop would otherwise pile up): the next tick, or the minute sweep, does its work.
@shared_task(name="connectors.process_waiting", soft_time_limit=60, time_limit=90, expires=60)
def process_waiting() -> int:
    """Process what is waiting (queued by the webhooks, and by the beat every few seconds:
    ``processing.TICK``); hands over to a fresh task when its budget is spent."""
    done, more = processing.events_process_waiting(budget=WAITING_BUDGET)
    if more:
        _queue_waiting()
    return done


def _queue_waiting(countdown: float = 0.0) -> None:
    try:
        if countdown:
            process_waiting.apply_async(countdown=countdown, retry=False)
        else:  # countdown=0 would still make it a scheduled (ETA) task
            process_waiting.apply_async(retry=False)
    except Exception:
        log.warning("could not queue the processing of inbound events; the sweep will")


CLOCK_MARGIN = 0.2


class _Coalescer:
    """Per web process: at most two ``process_waiting`` tasks per ``window`` seconds, one when
    the window opens and one that runs when it closes, instead of one task per event.

    Why nothing is left behind: the event that opens a window is committed before its task is
    queued; every later event of the window is committed before the window closes, and the
    closing task runs after that. Each task processes every event waiting when it runs.
    Publishing a Celery message costs about 1 ms of CPU, as much as the rest of the webhook.
    """

    def __init__(self, window: float) -> None:
        self.window = window
        self.lock = threading.Lock()
        self.closes_at = 0.0
        self.closing_queued = False

    def countdown(self, now: float) -> float | None:
        """In how many seconds the task to queue now must run (0: at once); None when the
        event is already covered by a queued task."""
        with self.lock:
            if now >= self.closes_at:
                self.closes_at = now + self.window
                self.closing_queued = False
                return 0.0
            if not self.closing_queued:
                self.closing_queued = True
                # A little late rather than early: the worker's clock may run ahead of ours.
                return self.closes_at - now + CLOCK_MARGIN
            return None


_coalescer = _Coalescer(window=1.0)


def request_processing(event_id: int) -> None:
    """After a new event is committed: have it processed. Eager mode (tests) processes it at
    once; with a broker the webhooks' requests are coalesced (see ``_Coalescer``)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        enqueue_event(event_id)
        return
    countdown = waiting_countdown()
    if countdown is not None:
        publish_waiting(countdown)


def waiting_countdown() -> float | None:
    """When the ``process_waiting`` task to ask for now must run (None: one already asked
    for covers it; -1: eager mode, run it here). Cheap: no I/O, safe in an event loop (the
    webhook fast path calls it there, and ``publish_waiting`` in a thread)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return -1.0
    return _coalescer.countdown(time.monotonic())


def publish_waiting(countdown: float) -> None:
    """Queue (or, for -1, run) ``process_waiting``: blocking I/O, out of any event loop."""
    if countdown < 0:
        process_waiting()
    else:
        _queue_waiting(countdown)


@shared_task(name="connectors.requeue_events", soft_time_limit=50, time_limit=60)
def requeue_events() -> int:
    """What the beat's sweep of durable jobs does every minute for inbound events
    (``processing.INBOUND_EVENTS``): drain the webhook fast path's stream, hand back leases of
    dead workers, queue what a lost enqueue left behind."""
    pending = durable.sweep(processing.INBOUND_EVENTS)
    if pending:
        log.info("re-queued %s inbound events", len(pending))
    return len(pending)


@shared_task(name="connectors.prune_events", soft_time_limit=300, time_limit=360)
def prune_events() -> int:
    return processing.events_prune()


@shared_task(name="connectors.refresh_tokens", soft_time_limit=300, time_limit=360)
def refresh_tokens() -> int:
    """Refresh Zalo OA tokens that expire within the hour, so that the three-month refresh
    token keeps rolling and no reply waits on a refresh."""
    from lantoa.connectors.zalo.client import refresh_if_expiring

    refreshed = 0
    for account in ConnectorAccount.objects.filter(
        platform=Platform.ZALO, status=AccountStatus.ACTIVE
    ).exclude(refresh_token=""):
        refreshed += refresh_if_expiring(account, within=dt.timedelta(hours=1))
    return refreshed


@shared_task(name="connectors.poll_mailbox", soft_time_limit=240, time_limit=300)
def poll_mailbox() -> int:
    from lantoa.connectors.email.imap import mailbox_poll

    return mailbox_poll().stored

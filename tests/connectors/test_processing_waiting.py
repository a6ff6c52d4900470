"""Webhook bursts: an event is stored once in one statement, and with a broker the webhooks
queue one "process what is waiting" task per web process and second instead of one task per
event — without leaving any event behind (bench/webhook_bench.py measures the effect)."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from lantoa.connectors import processing, tasks
from lantoa.connectors.models import ConnectorAccount, InboundEvent, Platform
from lantoa.connectors.services import inbound_event_record
from lantoa.connectors.zalo.webhook import signature
from lantoa.inquiries.models import Message
from tests.conftest import Tree
from tests.fixtures.connectors.support import (
    ZALO_OA_SECRET,
    date_events,
    fixture_json,
    now_millis,
    zalo_account,
)


@pytest.fixture
def account(tree: Tree) -> ConnectorAccount:
    return zalo_account(tree.a_kcn)


# The date of every message of these tests: sent when the tests start.
SENT_MS = now_millis()


def _payload(msg_id: str) -> dict[str, Any]:
    payload = date_events(fixture_json("zalo", "user_send_text.json"), SENT_MS)
    payload["message"]["msg_id"] = msg_id
    return payload


def _record(account: ConnectorAccount, msg_id: str) -> InboundEvent | None:
    return inbound_event_record(
        platform=Platform.ZALO, account_id=account.pk, event_id=msg_id, payload=_payload(msg_id)
    )


# ---------------------------------------------------------------------------------------------
# Storing once


def test_event_is_stored_once_with_its_payload(
    account: ConnectorAccount, django_capture_on_commit_callbacks: Any
) -> None:
    at = timezone.now() - dt.timedelta(seconds=5)
    with django_capture_on_commit_callbacks() as callbacks:
        first = inbound_event_record(
            platform=Platform.ZALO,
            account_id=account.pk,
            event_id="m-1",
            payload=_payload("m-1"),
            received_at=at,
        )
        again = _record(account, "m-1")
        other_platform = inbound_event_record(
            platform=Platform.FACEBOOK, account_id=account.pk, event_id="m-1", payload={"x": "ố"}
        )
    assert first is not None and other_platform is not None and again is None
    assert len(callbacks) == 2  # the duplicate queues nothing
    stored = InboundEvent.objects.get(pk=first.pk)
    assert (stored.platform, stored.event_id, stored.account_id) == (
        Platform.ZALO,
        "m-1",
        account.pk,
    )
    assert stored.payload == _payload("m-1")  # JSON, Vietnamese text intact
    assert stored.received_at == at
    assert (stored.attempts, stored.error, stored.claimed_at, stored.processed_at) == (
        0,
        "",
        None,
        None,
    )
    assert InboundEvent.objects.get(pk=other_platform.pk).payload == {"x": "ố"}
    assert InboundEvent.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_redelivery_does_not_wait_for_the_worker_holding_the_event(tree: Tree) -> None:
    """A platform re-sends while a worker is marking the event processed (row updated, not
    yet committed): the webhook still answers at once instead of queueing behind it."""
    if connection.vendor == "sqlite":
        pytest.skip("needs row versions seen by two connections (PostgreSQL)")
    account = zalo_account(tree.a_kcn)
    event = _record(account, "busy-1")
    assert event is not None
    updated, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with transaction.atomic():
                InboundEvent.objects.filter(pk=event.pk).update(processed_at=timezone.now())
                updated.set()
                release.wait(10)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        assert updated.wait(10)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")  # a wait would fail the test, not hang
        started = time.monotonic()
        assert _record(account, "busy-1") is None
        assert time.monotonic() - started < 1.5
    finally:
        release.set()
        thread.join(10)
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert errors == []
    assert InboundEvent.objects.filter(event_id="busy-1").count() == 1


# ---------------------------------------------------------------------------------------------
# Coalesced queueing


def test_coalescer_queues_at_the_start_and_the_end_of_each_window() -> None:
    c = tasks._Coalescer(window=1.0)
    assert c.countdown(100.0) == 0.0  # opens a window: at once
    assert c.countdown(100.3) == pytest.approx(0.7 + tasks.CLOCK_MARGIN)  # runs at its end
    assert c.countdown(100.5) is None  # covered by that one
    assert c.countdown(100.99) is None
    assert c.countdown(101.0) == 0.0  # next window
    assert c.countdown(101.2) == pytest.approx(0.8 + tasks.CLOCK_MARGIN)
    assert c.countdown(105.0) == 0.0


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Broker mode: the countdowns of the ``process_waiting`` tasks queued."""
    calls: list[float] = []
    monkeypatch.setattr(settings, "CELERY_TASK_ALWAYS_EAGER", False)
    monkeypatch.setattr(tasks, "_coalescer", tasks._Coalescer(window=1.0))
    monkeypatch.setattr(tasks, "_queue_waiting", lambda countdown=0.0: calls.append(countdown))
    return calls


def test_burst_of_webhooks_queues_two_tasks_not_one_per_event(
    client: Client,
    account: ConnectorAccount,
    queued: list[float],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for i in range(6):
            raw = json.dumps(_payload(f"burst-{i % 3}")).encode()  # each message twice
            response = client.post(
                "/webhooks/zalo/",  # as registered at Zalo
                data=raw,
                content_type="application/json",
                HTTP_X_ZEVENT_SIGNATURE=signature(
                    app_id="3605417894312745611",
                    raw=raw,
                    timestamp=str(SENT_MS),
                    oa_secret_key=ZALO_OA_SECRET,
                ),
            )
            assert response.status_code == 200, response.content
    assert InboundEvent.objects.count() == 3
    assert len(callbacks) == 3
    assert len(queued) == 2 and queued[0] == 0.0 and 0 < queued[1] <= 1.0 + tasks.CLOCK_MARGIN
    assert Message.objects.count() == 0  # the worker does it, not the webhook


# ---------------------------------------------------------------------------------------------
# Processing what is waiting


def test_waiting_events_are_processed_and_others_left_alone(account: ConnectorAccount) -> None:
    waiting = [_record(account, f"w{i}") for i in range(7)]
    busy = _record(account, "busy")
    done = _record(account, "done")
    assert busy is not None and done is not None and all(waiting)
    now = timezone.now()
    InboundEvent.objects.filter(pk=busy.pk).update(claimed_at=now, attempts=1)
    InboundEvent.objects.filter(pk=done.pk).update(processed_at=now)
    assert processing.events_process_waiting(budget=30, batch=3) == (7, False)
    assert set(Message.objects.values_list("external_id", flat=True)) == {f"w{i}" for i in range(7)}
    assert InboundEvent.objects.filter(processed_at__isnull=True).get().pk == busy.pk
    assert set(InboundEvent.objects.filter(event_id__startswith="w").values_list("attempts")) == {
        (1,)
    }
    assert processing.events_process_waiting(budget=30) == (0, False)
    assert Message.objects.count() == 7


def test_error_in_a_batch_releases_the_events_not_started(
    account: ConnectorAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(4):
        _record(account, f"e{i}")
    real = processing.inbound_receive
    seen: list[str] = []

    def flaky(incoming: Any) -> Any:
        seen.append(incoming.external_id)
        if len(seen) == 2:
            raise RuntimeError("database hiccup")
        return real(incoming)

    monkeypatch.setattr(processing, "inbound_receive", flaky)
    with pytest.raises(RuntimeError):
        processing.events_process_waiting(budget=30, batch=4)
    state = {
        e.event_id: (e.processed_at is not None, e.claimed_at is not None, e.attempts, e.error)
        for e in InboundEvent.objects.all()
    }
    assert state == {
        "e0": (True, True, 1, ""),
        "e1": (False, True, 1, "RuntimeError"),  # left to the sweep, like event_process
        "e2": (False, False, 0, ""),
        "e3": (False, False, 0, ""),
    }
    monkeypatch.setattr(processing, "inbound_receive", real)
    assert processing.events_process_waiting(budget=30) == (2, False)
    assert set(Message.objects.values_list("external_id", flat=True)) == {"e0", "e2", "e3"}


def test_spent_budget_hands_over_to_a_fresh_task(
    account: ConnectorAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    _record(account, "late")
    again: list[float] = []
    monkeypatch.setattr(tasks, "WAITING_BUDGET", 0.0)
    monkeypatch.setattr(tasks, "_queue_waiting", lambda countdown=0.0: again.append(countdown))
    assert tasks.process_waiting() == 0
    assert again == [0.0]
    assert InboundEvent.objects.get().processed_at is None

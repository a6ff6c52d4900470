"""Event processing (lantoa.connectors.processing): claim, re-queue after a lost enqueue or a
killed worker, retries, pruning (``send_reply``'s dispatch: tests/inquiries/test_replies.py)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from django.db.models import F
from django.utils import timezone

from lantoa.connectors import processing
from lantoa.connectors.models import (
    ConnectorAccount,
    CounterReason,
    InboundEvent,
    Platform,
    WebhookCounter,
)
from lantoa.connectors.services import inbound_event_record
from lantoa.connectors.tasks import requeue_events
from lantoa.core.extensions import beat_schedule_conf
from lantoa.inquiries.models import Message
from tests.conftest import Tree
from tests.fixtures.connectors.support import date_events, fixture_json, zalo_account


def _event(account: ConnectorAccount, msg_id: str = "m1", **fields: Any) -> InboundEvent:
    payload = fixture_json("zalo", "user_send_text.json")
    payload["message"]["msg_id"] = msg_id
    if "received_at" in fields:  # sent when it was received
        date_events(payload, int(fields["received_at"].timestamp() * 1000))
    event = inbound_event_record(
        platform=Platform.ZALO, account_id=account.pk, event_id=msg_id, payload=payload
    )
    assert event is not None
    if fields:
        InboundEvent.objects.filter(pk=event.pk).update(**fields)
        event.refresh_from_db()
    return event


def test_lost_enqueue_and_killed_worker_are_requeued(tree: Tree) -> None:
    account = zalo_account(tree.a_kcn)
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    lost = _event(account, "lost", received_at=long_ago)  # enqueue never happened
    killed = _event(account, "killed", received_at=long_ago, claimed_at=long_ago, attempts=1)
    busy = _event(account, "busy", received_at=long_ago, claimed_at=timezone.now(), attempts=1)
    fresh = _event(account, "fresh")  # its own enqueue is still on the way
    done = _event(account, "done", received_at=long_ago, processed_at=long_ago)
    assert set(processing.events_to_requeue()) == {lost.pk, killed.pk}
    assert requeue_events() == 2  # eager: processed right away
    assert set(Message.objects.values_list("external_id", flat=True)) == {"lost", "killed"}
    assert InboundEvent.objects.get(pk=killed.pk).attempts == 2
    assert InboundEvent.objects.get(pk=killed.pk).crashes == 1  # its worker's death, counted
    assert InboundEvent.objects.get(pk=busy.pk).processed_at is None
    assert InboundEvent.objects.get(pk=fresh.pk).processed_at is None
    assert InboundEvent.objects.get(pk=done.pk).message_id is None
    assert processing.events_to_requeue() == []


def test_processing_twice_stores_one_message(tree: Tree) -> None:
    account = zalo_account(tree.a_kcn)
    event = _event(account)
    assert processing.event_process(event.pk) == "created"
    assert processing.event_process(event.pk) == "skipped"
    # Even a replay after a crash between storing and marking finds the message.
    InboundEvent.objects.filter(pk=event.pk).update(processed_at=None, claimed_at=None)
    assert processing.event_process(event.pk) == "duplicate"
    assert Message.objects.count() == 1


def test_failing_event_is_left_for_retry_then_given_up(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = zalo_account(tree.a_kcn)
    event = _event(account)

    def broken(incoming: Any) -> Any:
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(processing, "inbound_receive", broken)
    with pytest.raises(RuntimeError):
        processing.event_process(event.pk)
    stored = InboundEvent.objects.get(pk=event.pk)
    assert stored.processed_at is None and stored.attempts == 1
    assert stored.error == "RuntimeError"
    InboundEvent.objects.filter(pk=event.pk).update(attempts=processing.MAX_ATTEMPTS)
    assert processing.event_process(event.pk) == "skipped"
    assert processing.events_to_requeue(now=timezone.now() + dt.timedelta(hours=1)) == []


def test_unreadable_stored_event_is_closed_with_an_error(tree: Tree) -> None:
    account = zalo_account(tree.a_kcn)
    event = _event(account)
    InboundEvent.objects.filter(pk=event.pk).update(payload={"event_name": "user_send_text"})
    assert processing.event_process(event.pk) == "invalid"
    stored = InboundEvent.objects.get(pk=event.pk)
    assert stored.processed_at is not None and stored.error.startswith("Không đọc được")
    assert (
        WebhookCounter.objects.get(platform=Platform.ZALO, reason=CounterReason.FAILED).count == 1
    )


def test_old_events_are_pruned(tree: Tree) -> None:
    account = zalo_account(tree.a_kcn)
    old = timezone.now() - dt.timedelta(days=8)
    _event(account, "old", received_at=old, processed_at=old)
    keep = _event(account, "recent", processed_at=timezone.now())
    waiting = _event(account, "waiting", received_at=old)
    assert processing.events_prune() == 1
    assert set(InboundEvent.objects.values_list("pk", flat=True)) == {keep.pk, waiting.pk}


# ---------------------------------------------------------------------------------------------
# Leases: a dead worker's events are taken over within seconds, and never processed twice


def test_a_claim_held_by_a_dead_worker_is_taken_over_within_seconds(tree: Tree) -> None:
    account = zalo_account(tree.a_kcn)
    event = _event(account, "dead-1")
    claimed = timezone.now()
    # A worker claims the event, and is killed before it has done anything more.
    assert [c.pk for c in processing._claim_waiting(claimed, 5)] == [event.pk]
    # While its lease runs, the next look for work leaves the event to it.
    assert processing.events_process_waiting(budget=5) == (0, False)
    # The lease is not renewed: LEASE later — seconds, not minutes — the next look (the
    # beat asks for one every TICK seconds) takes the event over.
    assert processing.LEASE + dt.timedelta(seconds=processing.TICK) <= dt.timedelta(seconds=30)
    InboundEvent.objects.filter(pk=event.pk).update(
        claimed_at=claimed - processing.LEASE - dt.timedelta(seconds=1)
    )
    assert processing.events_process_waiting(budget=5) == (1, False)
    assert list(Message.objects.values_list("external_id", flat=True)) == ["dead-1"]
    stored = InboundEvent.objects.get(pk=event.pk)
    assert (stored.attempts, stored.crashes) == (2, 1)  # the death is counted
    schedule = beat_schedule_conf()["connectors-inbound"]
    assert schedule["task"] == "connectors.process_waiting"
    assert schedule["schedule"] == processing.TICK


def test_a_lease_runs_out_in_real_time(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(processing, "LEASE", dt.timedelta(milliseconds=300))
    account = zalo_account(tree.a_kcn)
    _event(account, "dead-2")
    assert processing._claim_waiting(timezone.now(), 5)
    assert processing.events_process_waiting(budget=5) == (0, False)
    time.sleep(0.4)
    assert processing.events_process_waiting(budget=5) == (1, False)
    assert Message.objects.get().external_id == "dead-2"


def test_a_slow_worker_overtaken_stores_nothing_twice(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Worker A's lease runs out while it is still at work (slow, not dead): B takes the
    event over and finishes; A's result is rolled back."""
    account = zalo_account(tree.a_kcn)
    event = _event(account, "slow-1")
    [a] = processing._claim_waiting(timezone.now(), 5)
    real = processing.inbound_receive

    def overtaken_meanwhile(incoming: Any) -> Any:
        # While A stores the message, B takes the event over (its claim adds an attempt).
        InboundEvent.objects.filter(pk=event.pk).update(
            attempts=F("attempts") + 1, claimed_at=timezone.now()
        )
        return real(incoming)

    monkeypatch.setattr(processing, "inbound_receive", overtaken_meanwhile)
    assert processing._process_claimed(a, timezone.now()) == "lost"
    assert not Message.objects.exists()  # A's message rolled back with it
    monkeypatch.setattr(processing, "inbound_receive", real)
    # (In this test's single connection B's claim went with A's rollback: B claims again.)
    InboundEvent.objects.filter(pk=event.pk).update(
        claimed_at=timezone.now() - processing.LEASE - dt.timedelta(seconds=1)
    )
    b = processing._claim(event.pk, timezone.now())
    assert b is not None and b.token == a.token + 1
    assert processing._process_claimed(b, timezone.now()) == "created"
    assert processing._process_claimed(a, timezone.now()) == "lost"
    assert Message.objects.count() == 1
    assert InboundEvent.objects.get(pk=event.pk).message_id == Message.objects.get().pk


def test_a_working_worker_renews_its_leases(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    """Between events the worker renews the leases of the events it still holds, so a long
    batch is not taken over; a lease another worker took meanwhile stays that worker's."""
    monkeypatch.setattr(processing, "RENEW_EVERY", 0.0)
    account = zalo_account(tree.a_kcn)
    events = [_event(account, f"r{i}") for i in range(3)]
    long_ago = timezone.now() - dt.timedelta(hours=1)
    leases: list[dict[str, Any]] = []
    real = processing.inbound_receive

    def watching(incoming: Any) -> Any:
        leases.append(dict(InboundEvent.objects.values_list("event_id", "claimed_at")))
        InboundEvent.objects.filter(event_id="r2").update(claimed_at=long_ago)
        return real(incoming)

    monkeypatch.setattr(processing, "inbound_receive", watching)
    assert processing.events_process_waiting(budget=30, batch=3) == (3, False)
    # Before the last event, its lease (set back an hour by the handler) was renewed.
    assert leases[2]["r2"] > long_ago + dt.timedelta(minutes=59)
    assert Message.objects.count() == 3
    # A lease taken over is not renewed by the first holder.
    other = _event(account, "r3")
    [mine] = processing._claim_waiting(timezone.now(), 5)
    InboundEvent.objects.filter(pk=other.pk).update(attempts=F("attempts") + 1, claimed_at=long_ago)
    processing._renew([mine])
    assert InboundEvent.objects.get(pk=other.pk).claimed_at == long_ago
    assert events[0].pk != other.pk

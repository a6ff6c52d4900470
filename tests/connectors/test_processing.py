"""Event processing (lantoa.connectors.processing): claim, re-queue after a lost enqueue or a
killed worker, retries, pruning (``send_reply``'s dispatch: tests/inquiries/test_replies.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
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
from lantoa.inquiries.models import Message
from tests.conftest import Tree
from tests.fixtures.connectors.support import fixture_json, zalo_account


def _event(account: ConnectorAccount, msg_id: str = "m1", **fields: Any) -> InboundEvent:
    payload = fixture_json("zalo", "user_send_text.json")
    payload["message"]["msg_id"] = msg_id
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

"""Connector plumbing: the outbound-HTTP chokepoint, encrypted secrets, event processing
(claim, re-queue after a lost enqueue or a killed worker, pruning) and the officer pages
(``send_reply``'s dispatch: tests/inquiries/test_replies.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from lantoa.audit.models import AuditEvent
from lantoa.channels.models import Channel, ChannelKind
from lantoa.connectors import http, processing
from lantoa.connectors.errors import PermanentError, TemporaryError
from lantoa.connectors.fields import decrypt, encrypt
from lantoa.connectors.models import (
    AccountStatus,
    ConnectorAccount,
    CounterReason,
    InboundEvent,
    Platform,
    WebhookCounter,
)
from lantoa.connectors.services import counter_increment, inbound_event_record
from lantoa.connectors.tasks import requeue_events
from lantoa.inquiries.models import Message
from tests.conftest import Officers, Tree, login
from tests.fixtures.connectors.support import (
    ZALO_OA_SECRET,
    FakePlatform,
    fixture_json,
    zalo_account,
)


@pytest.fixture
def fake() -> Iterator[FakePlatform]:
    server = FakePlatform().start()
    yield server
    server.stop()


# ---------------------------------------------------------------------------------------------
# The HTTP chokepoint


def test_get_is_retried_on_503_then_succeeds(fake: FakePlatform) -> None:
    fake.reply("/x", status=503, body={}, headers={"Retry-After": "0"})
    fake.reply("/x", body={"ok": 1})
    response = http.request("GET", fake.url + "/x", platform="Test")
    assert response.json() == {"ok": 1}
    assert len(fake.calls("/x")) == 2


def test_post_is_not_retried_on_500(fake: FakePlatform) -> None:
    fake.reply("/send", status=500, body={})
    with pytest.raises(TemporaryError) as info:
        http.request("POST", fake.url + "/send", platform="Test", json={"a": 1})
    assert info.value.code == 500
    assert len(fake.calls("/send")) == 1


@pytest.mark.parametrize(("status", "error"), [(429, TemporaryError), (404, PermanentError)])
def test_status_mapping(fake: FakePlatform, status: int, error: type) -> None:
    fake.reply("/y", status=status, body={})
    with pytest.raises(error) as info:
        http.request("POST", fake.url + "/y", platform="Test", retries=0)
    assert info.value.code == status


def test_connection_refused_is_temporary_and_retried(fake: FakePlatform) -> None:
    url = fake.url + "/gone"
    fake.stop()
    with pytest.raises(TemporaryError) as info:
        http.request("POST", url, platform="Test", retries=1)
    assert info.value.code == "network"


def test_slow_server_times_out(fake: FakePlatform) -> None:
    fake.reply("/slow", body={}, delay=1.0)
    with pytest.raises(TemporaryError) as info:
        http.request("POST", fake.url + "/slow", platform="Test", timeout=0.2)
    assert info.value.code == "timeout"


def test_token_in_query_is_not_logged(fake: FakePlatform, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    fake.reply("/me/messages", body={})
    http.request(
        "POST", fake.url + "/me/messages", platform="Test", params={"access_token": "SECRET-TOKEN"}
    )
    assert "SECRET-TOKEN" not in caplog.text
    assert "/me/messages" in caplog.text


# ---------------------------------------------------------------------------------------------
# Secrets at rest


def test_secrets_are_encrypted_in_the_database(tree: Tree) -> None:
    account = zalo_account(tree.a_kcn)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT webhook_secret, access_token, refresh_token FROM connectors_connectoraccount "
            "WHERE id = %s",
            [account.pk],
        )
        raw = cursor.fetchone()
    assert raw is not None
    assert ZALO_OA_SECRET not in raw[0] and raw[0].startswith("gAAAA")
    assert "tok-access-old" not in raw[1] and "tok-refresh-old" not in raw[2]
    stored = ConnectorAccount.objects.get(pk=account.pk)
    assert stored.webhook_secret == ZALO_OA_SECRET
    assert stored.access_token == "tok-access-old"


def test_field_key_rotation() -> None:
    with override_settings(LANTOA_FIELD_KEY="khoa-cu-rat-dai-va-ngau-nhien"):
        token = encrypt("bí mật")
    with override_settings(LANTOA_FIELD_KEY="khoa-moi-rat-dai,khoa-cu-rat-dai-va-ngau-nhien"):
        assert decrypt(token) == "bí mật"
        assert encrypt("x") != encrypt("x")  # random IV
    with override_settings(LANTOA_FIELD_KEY="khoa-khac-han"):
        assert decrypt(token) == ""  # unreadable: the page must be reconnected
    assert encrypt("") == "" and decrypt("") == ""


# ---------------------------------------------------------------------------------------------
# Processing: claim, re-queue, prune


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


def test_counters_add_up(db: None) -> None:
    for _ in range(3):
        counter_increment(platform=Platform.ZALO, reason=CounterReason.BAD_SIGNATURE)
    counter_increment(platform=Platform.ZALO, reason=CounterReason.IGNORED, by=5)
    rows = dict(WebhookCounter.objects.values_list("reason", "count"))
    assert rows == {"bad_signature": 3, "ignored": 5}


# ---------------------------------------------------------------------------------------------
# Officer pages


def _zalo_channel(tree: Tree) -> Channel:
    return Channel.objects.create(
        unit=tree.a_kcn,
        kind=ChannelKind.ZALO_OA,
        name="Zalo OA KCN",
        identifier="579745863508352884",
    )


def test_connect_zalo_channel_secrets_write_only(
    client: Client, tree: Tree, officers: Officers
) -> None:
    channel = _zalo_channel(tree)
    login(client, officers.a_communicator)
    url = f"/ket-noi/kenh/{channel.pk}/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"external_id": "OA-abc", "app_id": "3605417894312745611"})
    assert bad.status_code == 400
    content = bad.content.decode()
    assert "ID OA chỉ gồm chữ số" in content
    assert ConnectorAccount.objects.count() == 0
    data = {
        "external_id": "579745863508352884",
        "app_id": "3605417894312745611",
        "app_secret": "app-secret-value",
        "webhook_secret": "oa-secret-value",
        "refresh_token": "refresh-token-value",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    account = ConnectorAccount.objects.get()
    assert account.webhook_secret == "oa-secret-value"
    assert account.status == AccountStatus.ACTIVE
    assert account.connected_by == officers.a_communicator
    page = client.get(url).content.decode()
    for value in ("app-secret-value", "oa-secret-value", "refresh-token-value"):
        assert value not in page
    assert "Đã lưu. Để trống nếu không đổi." in page
    # Saving again with blank secrets keeps them.
    client.post(url, {"external_id": "579745863508352884", "app_id": "3605417894312745611"})
    account.refresh_from_db()
    assert account.refresh_token == "refresh-token-value"
    audit = AuditEvent.objects.filter(action__startswith="connector.").order_by("pk")
    assert [a.action for a in audit] == ["connector.connect", "connector.update"]
    assert audit[0].data["changed"] == [
        "external_id",
        "app_id",
        "app_secret",
        "refresh_token",
        "webhook_secret",
    ]
    assert audit[1].data["changed"] == []
    assert "oa-secret-value" not in str(audit[0].data)


def test_connector_page_lists_channels_and_counters(
    client: Client, tree: Tree, officers: Officers
) -> None:
    zalo_account(tree.a_kcn)
    counter_increment(platform=Platform.ZALO, reason=CounterReason.BAD_SIGNATURE, by=1174)
    login(client, officers.a_admin)
    response = client.get("/ket-noi/A-KCN/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Zalo OA Công đoàn" in page
    assert "Sai chữ ký" in page and "1.174" in page
    assert "/webhooks/zalo/" in page
    assert ZALO_OA_SECRET not in page
    login(client, officers.b_admin)
    assert client.get("/ket-noi/A-KCN/").status_code == 404
    channel = ConnectorAccount.objects.get().channel
    assert client.get(f"/ket-noi/kenh/{channel.pk}/").status_code == 404
    login(client, officers.a_briefer)  # sees the unit, may not manage channels
    assert client.get("/ket-noi/A-KCN/").status_code == 403


def test_disconnect(client: Client, tree: Tree, officers: Officers) -> None:
    account = zalo_account(tree.a_kcn)
    url = f"/ket-noi/kenh/{account.channel_id}/ngat/"
    login(client, officers.b_admin)  # another province: the channel is not there
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert client.post(f"/ket-noi/kenh/{account.channel_id}/", {}).status_code == 404
    assert ConnectorAccount.objects.count() == 1
    login(client, officers.a_admin)
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert ConnectorAccount.objects.count() == 0
    assert AuditEvent.objects.filter(action="connector.disconnect").count() == 1

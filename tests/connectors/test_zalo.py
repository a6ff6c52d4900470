"""Zalo OA: the webhook (signature, bad input, de-duplication, threading) and the client
(consultation messages, token refresh, the 48-hour window), against a local HTTP server."""

from __future__ import annotations

import copy
import datetime as dt
import json
import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone, translation

from lantoa.connectors.errors import PermanentError, TemporaryError
from lantoa.connectors.models import (
    AccountStatus,
    ConnectorAccount,
    CounterReason,
    Hold,
    InboundEvent,
    Platform,
)
from lantoa.connectors.selectors import account_for_sending
from lantoa.connectors.zalo import client as zalo_client
from lantoa.connectors.zalo.webhook import signature
from lantoa.core.messages import Text, stored_text
from lantoa.inquiries import counts
from lantoa.inquiries.models import Inquiry, InquiryContact, Message, Source
from tests.conftest import Tree
from tests.fixtures.connectors.support import (
    ZALO_OA_ID,
    ZALO_OA_SECRET,
    ZALO_USER_ID,
    FakePlatform,
    counter_value,
    fixture_json,
    now_millis,
    post_signed,
    zalo_account,
)

URL = "/webhooks/zalo/"
CS = "/v3.0/oa/message/cs"
OAUTH = "/v4/oa/access_token"


def counter(reason: str) -> int:
    return counter_value(Platform.ZALO, reason)


def post(
    client: Client,
    payload: dict[str, Any] | bytes,
    *,
    secret: str = ZALO_OA_SECRET,
    sign: bool = True,
    header: str | None = None,
) -> Any:
    def signer(raw: bytes) -> str:
        data = json.loads(raw)
        return signature(
            app_id=str(data["app_id"]),
            raw=raw,
            timestamp=str(data["timestamp"]),
            oa_secret_key=secret,
        )

    return post_signed(
        client,
        URL,
        payload,
        header_name="HTTP_X_ZEVENT_SIGNATURE",
        sign=signer if sign else None,
        header=header,
    )


@pytest.fixture
def account(tree: Tree) -> ConnectorAccount:
    return zalo_account(tree.a_kcn)


@pytest.fixture
def platform() -> Iterator[FakePlatform]:
    fake = FakePlatform().start()
    with override_settings(LANTOA_ZALO_API_BASE=fake.url, LANTOA_ZALO_OAUTH_BASE=fake.url):
        yield fake
    fake.stop()


# ---------------------------------------------------------------------------------------------
# Webhook


def queued_work(callbacks: list[Any]) -> list[Any]:
    """The after-commit callbacks that queue work (not the inbox count's refresh)."""
    return [c for c in callbacks if c is not counts.bump]


def test_text_message_becomes_an_inquiry(
    client: Client, account: ConnectorAccount, tree: Tree, django_capture_on_commit_callbacks: Any
) -> None:
    payload = fixture_json("zalo", "user_send_text.json")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post(client, payload)
    assert response.status_code == 200, response.content
    assert len(queued_work(callbacks)) == 1
    event = InboundEvent.objects.get()
    assert (event.platform, event.event_id) == (Platform.ZALO, "96d51f64b2d8ed8cb4c2")
    assert event.processed_at is not None and event.error == ""
    assert event.payload == payload  # the verified body, as received
    message = Message.objects.get()
    assert event.message_id == message.pk
    inquiry = message.inquiry
    assert message.source == Source.ZALO and message.external_id == "96d51f64b2d8ed8cb4c2"
    assert message.body.startswith("Công ty nợ lương tháng 5")
    assert inquiry.thread_key == f"zalo:{ZALO_OA_ID}:{ZALO_USER_ID}"
    assert inquiry.unit == tree.a_kcn  # the OA's unit
    assert inquiry.channel == account.channel
    assert inquiry.urgent and "wages_many" in inquiry.urgent_reasons
    # Dated as Zalo dated it (fixture_json dates it now).
    sent = dt.datetime.fromtimestamp(int(payload["timestamp"]) / 1000, tz=dt.UTC)
    assert inquiry.received_at == sent
    assert event.sent_at == sent and event.held == ""
    assert InquiryContact.objects.get(inquiry=inquiry).platform_user_id == ZALO_USER_ID
    account.refresh_from_db()
    assert account.last_event_at is not None


def test_attachment_events_keep_url_name_type_and_size(
    client: Client, account: ConnectorAccount, django_capture_on_commit_callbacks: Any
) -> None:
    names = ["image", "file", "sticker", "link", "location", "audio", "video"]
    with django_capture_on_commit_callbacks(execute=True):
        for name in names:
            assert post(client, fixture_json("zalo", f"user_send_{name}.json")).status_code == 200
    assert Message.objects.count() == len(names)
    assert Inquiry.objects.count() == 1  # same worker: one conversation
    by_type = {m.attachments[0]["type"]: m.attachments[0] for m in Message.objects.all()}
    assert set(by_type) == set(names)
    assert by_type["file"] == {
        "type": "file",
        "name": "hop-dong-lao-dong.docx",
        "url": "https://f20-zpc.zdn.vn/hop-dong-lao-dong.docx",
        "content_type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "size": 81839,
    }
    assert by_type["image"]["url"] == "https://photo-stal-1.zdn.vn/bang-luong.jpg"
    assert by_type["location"]["latitude"] == "10.3759416"
    assert by_type["link"]["description"] == "Bộ luật Lao động 2019"


def test_same_event_three_times_is_stored_once(
    client: Client, account: ConnectorAccount, django_capture_on_commit_callbacks: Any
) -> None:
    payload = fixture_json("zalo", "user_send_text.json")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        statuses = [post(client, payload).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    assert len(queued_work(callbacks)) == 1  # only the first delivery queued work
    assert InboundEvent.objects.count() == 1
    assert Message.objects.count() == 1
    assert Inquiry.objects.count() == 1


def test_follow_up_joins_the_open_inquiry(
    client: Client, account: ConnectorAccount, django_capture_on_commit_callbacks: Any
) -> None:
    first = fixture_json("zalo", "user_send_text.json")
    first["timestamp"] = str(int(first["timestamp"]) - 3_600_000)  # an hour ago
    second = copy.deepcopy(first)
    second["message"]["msg_id"] = "96d51f64b2d8ed8cb4c3"
    second["message"]["text"] = "Tôi bổ sung: công ty hẹn cuối tháng mới trả."
    second["timestamp"] = str(int(first["timestamp"]) + 3_600_000)  # now
    other = copy.deepcopy(first)
    other["sender"]["id"] = "9999999999999999999"
    other["message"]["msg_id"] = "0ther0000000000000001"
    with django_capture_on_commit_callbacks(execute=True):
        for payload in (first, second, other):
            assert post(client, payload).status_code == 200
    assert Inquiry.objects.count() == 2
    mine = Inquiry.objects.get(thread_key=f"zalo:{ZALO_OA_ID}:{ZALO_USER_ID}")
    assert mine.messages.count() == 2
    assert mine.last_inbound_at == dt.datetime.fromtimestamp(
        int(second["timestamp"]) / 1000, tz=dt.UTC
    )


@pytest.mark.parametrize(
    ("kind", "status", "reason"),
    [
        ("bad", 401, CounterReason.BAD_SIGNATURE),
        ("missing", 401, CounterReason.MISSING_SIGNATURE),
        ("other-secret", 401, CounterReason.BAD_SIGNATURE),
        ("tampered", 401, CounterReason.BAD_SIGNATURE),
    ],
)
def test_bad_or_missing_signature_stores_nothing(
    client: Client, account: ConnectorAccount, kind: str, status: int, reason: str
) -> None:
    payload = fixture_json("zalo", "user_send_text.json")
    raw = json.dumps(payload, ensure_ascii=False).encode()
    if kind == "bad":
        response = post(client, raw, header="mac=" + "0" * 64)
    elif kind == "missing":
        response = post(client, raw, sign=False)
    elif kind == "other-secret":
        response = post(client, raw, secret="not-the-oa-secret")
    else:
        good = signature(
            app_id=payload["app_id"],
            raw=raw,
            timestamp=payload["timestamp"],
            oa_secret_key=ZALO_OA_SECRET,
        )
        tampered = raw.replace("nợ lương".encode(), "trả lương".encode())
        assert tampered != raw
        response = post(client, tampered, header=good)
    assert response.status_code == status
    assert "error" in response.json()
    assert InboundEvent.objects.count() == 0
    assert Message.objects.count() == 0
    assert counter(reason) == 1


def test_malformed_json_is_rejected(client: Client, account: ConnectorAccount) -> None:
    response = post(client, b'{"app_id": "3605417894312745611", "event_name": ', header="mac=x")
    assert response.status_code == 400
    assert response.json()["error"] == "Nội dung không phải JSON hợp lệ."
    assert post(client, b"[1, 2]", header="mac=x").status_code == 400
    assert counter(CounterReason.MALFORMED) == 2
    assert InboundEvent.objects.count() == 0


def test_missing_fields_are_named(client: Client, account: ConnectorAccount) -> None:
    payload = fixture_json("zalo", "user_send_text.json")
    del payload["timestamp"]
    response = post(client, json.dumps(payload).encode(), header="mac=x")
    assert response.status_code == 400
    assert "timestamp" in response.json()["error"]
    no_msg_id = fixture_json("zalo", "user_send_text.json")
    del no_msg_id["message"]["msg_id"]
    response = post(client, no_msg_id)  # correctly signed, but incomplete
    assert response.status_code == 400
    assert "message.msg_id" in response.json()["error"]
    assert counter(CounterReason.MISSING_FIELDS) == 2
    assert InboundEvent.objects.count() == 0


def test_unknown_oa_is_rejected(client: Client, account: ConnectorAccount) -> None:
    payload = fixture_json("zalo", "user_send_text.json")
    payload["recipient"]["id"] = "111111111111111111"
    response = post(client, payload)
    assert response.status_code == 404
    unknown_app = fixture_json("zalo", "user_send_text.json")
    unknown_app["app_id"] = "999"
    assert post(client, unknown_app).status_code == 404
    assert counter(CounterReason.UNKNOWN_ACCOUNT) == 2
    assert InboundEvent.objects.count() == 0


def test_oversized_attachment_is_rejected(client: Client, account: ConnectorAccount) -> None:
    payload = fixture_json("zalo", "user_send_file.json")
    payload["message"]["attachments"][0]["payload"]["size"] = "52428800"
    with override_settings(LANTOA_ATTACHMENT_MAX_BYTES=25 * 1024 * 1024):
        response = post(client, payload)
    assert response.status_code == 413
    assert response.json()["error"] == (
        "Tệp đính kèm thứ 1 quá lớn (52.428.800 byte, tối đa 26.214.400 byte)."
    )
    assert counter(CounterReason.OVERSIZED_ATTACHMENT) == 1
    assert InboundEvent.objects.count() == 0 and Message.objects.count() == 0


def test_events_we_do_not_handle_are_acknowledged_and_counted(
    client: Client, account: ConnectorAccount
) -> None:
    assert post(client, fixture_json("zalo", "follow.json")).status_code == 200
    assert post(client, fixture_json("zalo", "user_seen_message.json")).status_code == 200
    assert counter(CounterReason.IGNORED) == 2
    # …but only when they are signed by the OA.
    assert post(client, fixture_json("zalo", "follow.json"), secret="wrong").status_code == 401
    assert InboundEvent.objects.count() == 0


def test_webhook_only_accepts_post(client: Client, account: ConnectorAccount) -> None:
    assert client.get(URL).status_code == 405


HOUR_MS = 3_600_000


def _dated(hours_ago: float, msg_id: str = "96d51f64b2d8ed8cb4c2") -> dict[str, Any]:
    payload = fixture_json("zalo", "user_send_text.json")
    payload["timestamp"] = str(now_millis() - int(hours_ago * HOUR_MS))
    payload["message"]["msg_id"] = msg_id
    return payload


def test_signed_event_dated_three_days_ago_is_acknowledged_but_never_an_inquiry(
    client: Client,
    account: ConnectorAccount,
    django_capture_on_commit_callbacks: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A replay of a correctly signed message: Zalo re-sends for hours, not days. Answered
    200 (a platform that re-sends stops), kept for the connector page, counted, not escalated;
    its re-deliveries are the same event."""
    replay = _dated(72)
    with django_capture_on_commit_callbacks(execute=True), caplog.at_level(logging.INFO):
        statuses = [post(client, replay).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    assert Inquiry.objects.count() == 0 and Message.objects.count() == 0
    event = InboundEvent.objects.get()
    assert event.held == Hold.STALE
    assert event.processed_at is not None and event.message_id is None and event.error == ""
    assert event.sent_at == dt.datetime.fromtimestamp(int(replay["timestamp"]) / 1000, tz=dt.UTC)
    assert counter(CounterReason.STALE_EVENT) == 1
    assert "held (stale)" in caplog.text
    assert "nợ lương" not in caplog.text and ZALO_USER_ID not in caplog.text


def test_events_within_zalos_resending_window_become_inquiries(
    client: Client, account: ConnectorAccount, django_capture_on_commit_callbacks: Any
) -> None:
    # Re-sent by Zalo 11 hours after the message; our clock two minutes behind Zalo's.
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, _dated(11, "late-resent")).status_code == 200
        assert post(client, _dated(-2 / 60, "clock-ahead")).status_code == 200
    assert set(Message.objects.values_list("external_id", flat=True)) == {
        "late-resent",
        "clock-ahead",
    }
    assert not InboundEvent.objects.exclude(held="").exists()


def test_event_dated_in_the_future_is_held(
    client: Client, account: ConnectorAccount, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, _dated(-24, "tomorrow")).status_code == 200
    assert Message.objects.count() == 0
    assert InboundEvent.objects.get().held == Hold.FUTURE
    assert counter(CounterReason.FUTURE_EVENT) == 1


@override_settings(LANTOA_ZALO_MAX_EVENT_AGE_HOURS=1)
def test_the_window_is_configurable(
    client: Client, account: ConnectorAccount, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, _dated(2, "two-hours")).status_code == 200
        assert post(client, _dated(0.5, "half-an-hour")).status_code == 200
    assert list(Message.objects.values_list("external_id", flat=True)) == ["half-an-hour"]
    assert InboundEvent.objects.get(event_id="two-hours").held == Hold.STALE


def test_no_personal_data_in_logs(
    client: Client,
    account: ConnectorAccount,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Any,
) -> None:
    caplog.set_level(logging.DEBUG)
    payload = fixture_json("zalo", "user_send_text.json")
    with django_capture_on_commit_callbacks(execute=True):
        post(client, payload)
        post(client, payload, secret="wrong")
        bad = copy.deepcopy(payload)
        del bad["message"]["msg_id"]
        post(client, bad)
    assert Message.objects.count() == 1
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in ("0912345678", "nợ lương", ZALO_USER_ID, ZALO_OA_SECRET):
        assert secret not in logged


# ---------------------------------------------------------------------------------------------
# Client


def _recent(hours: float = 1) -> dt.datetime:
    return timezone.now() - dt.timedelta(hours=hours)


def test_send_consultation_message(platform: FakePlatform, account: ConnectorAccount) -> None:
    platform.reply(CS, body=fixture_json("zalo", "cs_ok.json"))
    account.access_token_expires_at = timezone.now() + dt.timedelta(hours=20)
    account.save()
    message_id = zalo_client.send_text(
        account,
        user_id=ZALO_USER_ID,
        text="Chào anh, công đoàn trả lời…",
        last_inbound_at=_recent(),
    )
    assert message_id == "8a3f1b6c9d2e4f5a7b8c"
    (call,) = platform.calls(CS)
    assert call.method == "POST"
    assert call.headers["access_token"] == "tok-access-old"
    assert call.json() == {
        "recipient": {"user_id": ZALO_USER_ID},
        "message": {"text": "Chào anh, công đoàn trả lời…"},
    }
    assert platform.calls(OAUTH) == []


def test_expired_token_is_refreshed_once_then_message_sent(
    platform: FakePlatform, account: ConnectorAccount
) -> None:
    platform.reply(CS, body=fixture_json("zalo", "cs_error_token.json"))
    platform.reply(CS, body=fixture_json("zalo", "cs_ok.json"))
    platform.reply(OAUTH, body=fixture_json("zalo", "oauth_access_token.json"))
    message_id = zalo_client.send_text(
        account, user_id=ZALO_USER_ID, text="Trả lời", last_inbound_at=_recent()
    )
    assert message_id == "8a3f1b6c9d2e4f5a7b8c"
    sends = platform.calls(CS)
    assert [c.headers["access_token"] for c in sends] == [
        "tok-access-old",
        "tok-access-new-000000000000000000000000",
    ]
    (refresh,) = platform.calls(OAUTH)
    assert refresh.headers["secret_key"] == "zalo-app-secret-for-tests"
    assert refresh.form() == {
        "refresh_token": ["tok-refresh-old"],
        "app_id": [account.app_id],
        "grant_type": ["refresh_token"],
    }
    stored = ConnectorAccount.objects.get(pk=account.pk)
    assert stored.access_token == "tok-access-new-000000000000000000000000"
    assert stored.refresh_token == "tok-refresh-new-00000000000000000000000"
    assert stored.access_token_expires_at is not None
    assert stored.access_token_expires_at - timezone.now() > dt.timedelta(hours=24)


def test_used_refresh_token_is_permanent_and_marks_the_account(
    platform: FakePlatform, account: ConnectorAccount
) -> None:
    platform.reply(CS, body=fixture_json("zalo", "cs_error_token.json"))
    platform.reply(OAUTH, body=fixture_json("zalo", "oauth_error_refresh_used.json"))
    with pytest.raises(PermanentError) as info:
        zalo_client.send_text(account, user_id=ZALO_USER_ID, text="x", last_inbound_at=_recent())
    assert info.value.code == -14020
    assert "kết nối lại Zalo OA" in str(info.value)
    assert len(platform.calls(OAUTH)) == 1
    assert len(platform.calls(CS)) == 1
    stored = ConnectorAccount.objects.get(pk=account.pk)
    assert stored.status == AccountStatus.ERROR
    assert "refresh token" in stored.last_error
    assert stored.refresh_token == "tok-refresh-old"  # nothing half-written
    # In the reader's language, with Zalo's own words (here Vietnamese) kept as Zalo wrote them;
    # a send through the failing connection quotes that error in the reader's language too.
    said = "Refresh token không hợp lệ hoặc đã được sử dụng"
    assert stored_text(stored.last_error_text, stored.last_error) == stored.last_error
    assert stored.last_error.endswith(f"Zalo báo: {said} (mã lỗi -14020)")
    with pytest.raises(PermanentError) as failing:
        account_for_sending(
            channel_id=stored.channel_id,
            platform=Platform.ZALO,
            not_connected=Text("Chưa kết nối.", {}),
        )
    assert failing.value.code == "account_error"
    assert str(failing.value).startswith("Kết nối của kênh đang lỗi, cần kết nối lại: Zalo không")
    with translation.override("en"):
        assert stored_text(stored.last_error_text, stored.last_error) == (
            "Zalo did not renew the access token (the refresh token is invalid, expired or "
            "already used); an officer must reconnect the Zalo OA. Zalo says: "
            f"{said} (error code -14020)"
        )
        assert stored_text(failing.value.stored()) == (
            "The channel's connection has failed and must be reconnected: Zalo did not renew "
            f"the access token (the refresh token is invalid, expired or already used); an "
            f"officer must reconnect the Zalo OA. Zalo says: {said} (error code -14020) "
            "(error code account_error)"
        )


def test_48_hour_window_is_checked_before_calling_zalo(
    platform: FakePlatform, account: ConnectorAccount
) -> None:
    platform.reply(CS, body=fixture_json("zalo", "cs_ok.json"))
    with pytest.raises(PermanentError) as info:
        zalo_client.send_text(
            account, user_id=ZALO_USER_ID, text="x", last_inbound_at=_recent(hours=49)
        )
    assert info.value.code == "window_48h"
    assert "48 giờ" in str(info.value) and "trang tra cứu" in str(info.value)
    assert platform.requests == []
    # Just inside the window it goes out.
    zalo_client.send_text(account, user_id=ZALO_USER_ID, text="x", last_inbound_at=_recent(47.9))
    assert len(platform.calls(CS)) == 1


@pytest.mark.parametrize(
    ("fixture", "error", "code"),
    [
        ("cs_error_window.json", PermanentError, -213),
        ("cs_error_rate.json", TemporaryError, -32),
    ],
)
def test_zalo_error_codes(
    platform: FakePlatform, account: ConnectorAccount, fixture: str, error: type, code: int
) -> None:
    platform.reply(CS, body=fixture_json("zalo", fixture))
    with pytest.raises(error) as info:
        zalo_client.send_text(account, user_id=ZALO_USER_ID, text="x", last_inbound_at=_recent())
    assert info.value.code == code
    assert len(platform.calls(CS)) == 1  # a send is never repeated by the client
    assert ConnectorAccount.objects.get(pk=account.pk).status == AccountStatus.ACTIVE


def test_server_errors_and_network_failures_are_temporary(
    platform: FakePlatform, account: ConnectorAccount
) -> None:
    platform.reply(CS, status=502, body=b"<html>Bad gateway</html>")
    with pytest.raises(TemporaryError) as info:
        zalo_client.send_text(account, user_id=ZALO_USER_ID, text="x", last_inbound_at=_recent())
    assert info.value.code == 502
    assert len(platform.calls(CS)) == 1
    platform.stop()  # nothing listens any more
    with pytest.raises(TemporaryError) as info:
        zalo_client.send_text(account, user_id=ZALO_USER_ID, text="x", last_inbound_at=_recent())
    assert info.value.code == "network"


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_refreshers_use_the_refresh_token_once(
    platform: FakePlatform, tree: Tree
) -> None:
    """Two workers find the token refused at the same moment: one refreshes, the other waits
    for the lock, re-reads the row and takes the new token."""
    if connection.vendor == "sqlite":
        pytest.skip("needs row locks between connections (PostgreSQL); see the next test")
    account = zalo_account(tree.a_kcn)
    platform.reply(OAUTH, body=fixture_json("zalo", "oauth_access_token.json"), delay=0.5)
    platform.reply(OAUTH, body=fixture_json("zalo", "oauth_error_refresh_used.json"))
    results: list[str] = []
    errors: list[BaseException] = []

    def refresher() -> None:
        try:
            mine = ConnectorAccount.objects.get(pk=account.pk)
            results.append(zalo_client.refresh_access_token(mine, stale_token="tok-access-old"))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=refresher) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert errors == []
    assert results == ["tok-access-new-000000000000000000000000"] * 2
    assert len(platform.calls(OAUTH)) == 1
    assert ConnectorAccount.objects.get(pk=account.pk).status == AccountStatus.ACTIVE


def test_refresher_that_waited_reuses_the_new_token(
    platform: FakePlatform, account: ConnectorAccount
) -> None:
    """What the second worker sees once it holds the lock: the row already carries a fresh
    token different from the one Zalo refused, so it does not call Zalo."""
    platform.reply(OAUTH, body=fixture_json("zalo", "oauth_error_refresh_used.json"))
    ConnectorAccount.objects.filter(pk=account.pk).update(
        access_token_expires_at=timezone.now() + dt.timedelta(hours=25)
    )
    stale = ConnectorAccount.objects.get(pk=account.pk)
    other_worker = ConnectorAccount.objects.get(pk=account.pk)
    other_worker.access_token = "tok-from-the-other-worker"
    other_worker.save()
    assert zalo_client.refresh_access_token(stale, stale_token="tok-access-old") == (
        "tok-from-the-other-worker"
    )
    assert stale.access_token == "tok-from-the-other-worker"
    assert platform.calls(OAUTH) == []


def test_proactive_refresh_keeps_tokens_alive(
    platform: FakePlatform, account: ConnectorAccount
) -> None:
    from lantoa.connectors.tasks import refresh_tokens

    platform.reply(OAUTH, body=fixture_json("zalo", "oauth_access_token.json"))
    ConnectorAccount.objects.filter(pk=account.pk).update(
        access_token_expires_at=timezone.now() + dt.timedelta(minutes=30)
    )
    assert refresh_tokens() == 1
    assert refresh_tokens() == 0  # now good for 25 hours
    assert len(platform.calls(OAUTH)) == 1

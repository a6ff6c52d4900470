"""Facebook Messenger: the webhook (verification, signature, batches, echoes, duplicates) and
the Send API client (24-hour and 7-day windows, Graph errors), against a local HTTP server."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import hmac
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone, translation

from lantoa.connectors.errors import PermanentError, TemporaryError
from lantoa.connectors.facebook import client as fb_client
from lantoa.connectors.facebook.webhook import signature
from lantoa.connectors.models import (
    AccountStatus,
    ConnectorAccount,
    CounterReason,
    Hold,
    InboundEvent,
    Platform,
)
from lantoa.core.messages import stored_text
from lantoa.inquiries import counts
from lantoa.inquiries.models import Inquiry, Message, Source
from tests.conftest import Tree
from tests.fixtures.connectors.support import (
    FB_APP_SECRET,
    FB_PAGE2_ID,
    FB_PAGE_ID,
    FB_PSID,
    FakePlatform,
    counter_value,
    date_events,
    facebook_account,
    fixture_json,
    now_millis,
    post_signed,
)

URL = "/webhooks/facebook/"  # as registered at Facebook: the literal address is what counts
SEND = "/v21.0/me/messages"


def counter(reason: str) -> int:
    return counter_value(Platform.FACEBOOK, reason)


def post(
    client: Client,
    payload: dict[str, Any] | bytes,
    *,
    secret: str = FB_APP_SECRET,
    header: str | None = None,
    sign: bool = True,
) -> Any:
    return post_signed(
        client,
        URL,
        payload,
        header_name="HTTP_X_HUB_SIGNATURE_256",
        sign=(lambda raw: signature(secret, raw)) if sign else None,
        header=header,
    )


@pytest.fixture
def account(tree: Tree) -> ConnectorAccount:
    return facebook_account(tree.a_g1)


@pytest.fixture
def platform() -> Iterator[FakePlatform]:
    fake = FakePlatform().start()
    with override_settings(LANTOA_GRAPH_API_BASE=fake.url + "/v21.0"):
        yield fake
    fake.stop()


# ---------------------------------------------------------------------------------------------
# Subscription check (GET)


@override_settings(LANTOA_FACEBOOK_VERIFY_TOKEN="ma-xac-minh-bi-mat")
def test_subscription_challenge(client: Client, db: None) -> None:
    ok = client.get(
        URL,
        {
            "hub.mode": "subscribe",
            "hub.verify_token": "ma-xac-minh-bi-mat",
            "hub.challenge": "1158201444",
        },
    )
    assert ok.status_code == 200
    assert ok.content == b"1158201444"
    assert ok["Content-Type"].startswith("text/plain")
    for params in (
        {"hub.mode": "subscribe", "hub.verify_token": "sai", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": "ma-xac-minh-bi-mat", "hub.challenge": "1"},
        {
            "hub.mode": "subscribe",
            "hub.verify_token": "ma-xac-minh-bi-mat",
            "hub.challenge": "<script>",
        },
        {},
    ):
        assert client.get(URL, params).status_code == 403
    assert counter(CounterReason.BAD_VERIFY_TOKEN) == 4


@override_settings(LANTOA_FACEBOOK_VERIFY_TOKEN="")
def test_subscription_refused_when_no_token_is_configured(client: Client, db: None) -> None:
    response = client.get(
        URL, {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"}
    )
    assert response.status_code == 403


# ---------------------------------------------------------------------------------------------
# Messages (POST)


def test_message_becomes_an_inquiry(
    client: Client, account: ConnectorAccount, tree: Tree, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, fixture_json("facebook", "message_text.json"))
    assert response.status_code == 200
    assert response.json() == {"ok": True, "stored": 1}
    message = Message.objects.get()
    assert message.source == Source.FACEBOOK
    assert message.external_id == "m_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
    inquiry = message.inquiry
    assert inquiry.thread_key == f"facebook:{FB_PAGE_ID}:{FB_PSID}"
    assert inquiry.unit == tree.a_g1  # the page's grassroots union answers
    assert inquiry.contact.platform_user_id == FB_PSID
    assert InboundEvent.objects.get().processed_at is not None


def test_attachments_are_kept(
    client: Client, account: ConnectorAccount, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, fixture_json("facebook", "message_attachments.json")).status_code == 200
    message = Message.objects.get()
    assert message.body == ""
    assert [(a["type"], a["url"]) for a in message.attachments] == [
        ("image", "https://scontent.xx.fbcdn.net/v/t1.15752-9/quyet-dinh.jpg"),
        ("file", "https://cdn.fbsbx.com/v/t59.2708-21/quyet-dinh-thoi-viec.pdf"),
    ]


def test_batched_entries_of_two_pages_echo_and_receipts_ignored(
    client: Client, tree: Tree, django_capture_on_commit_callbacks: Any
) -> None:
    facebook_account(tree.a_g1)
    facebook_account(tree.b_g1, page_id=FB_PAGE2_ID, name="Fanpage CĐCS Giày Đức Thành")
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, fixture_json("facebook", "batched.json"))
    assert response.status_code == 200
    assert response.json()["stored"] == 3
    assert sorted(Message.objects.values_list("external_id", flat=True)) == [
        "m_batch_0001",
        "m_batch_0002",
        "m_batch_0003",
    ]
    assert not Message.objects.filter(external_id="m_echo_0001").exists()
    assert counter(CounterReason.IGNORED) == 3  # the echo, the delivery and the read receipt
    units = dict(Inquiry.objects.values_list("thread_key", "unit__code"))
    assert units == {
        f"facebook:{FB_PAGE_ID}:{FB_PSID}": "A-G1",
        f"facebook:{FB_PAGE2_ID}:8123456789012345": "B-G1",
        f"facebook:{FB_PAGE2_ID}:8123456789012346": "B-G1",
    }


def test_same_message_three_times_is_stored_once(
    client: Client, account: ConnectorAccount, django_capture_on_commit_callbacks: Any
) -> None:
    payload = fixture_json("facebook", "message_text.json")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        results = [post(client, payload).json()["stored"] for _ in range(3)]
    assert results == [1, 0, 0]
    assert len([c for c in callbacks if c is not counts.bump]) == 1  # not the inbox count
    assert InboundEvent.objects.count() == 1
    assert Message.objects.count() == 1


def test_follow_up_joins_the_open_inquiry(
    client: Client, account: ConnectorAccount, django_capture_on_commit_callbacks: Any
) -> None:
    first = fixture_json("facebook", "message_text.json")
    second = copy.deepcopy(first)
    second["entry"][0]["messaging"][0]["message"] = {"mid": "m_followup", "text": "Em bổ sung ạ"}
    with django_capture_on_commit_callbacks(execute=True):
        post(client, first)
        post(client, second)
    inquiry = Inquiry.objects.get()
    assert inquiry.messages.count() == 2


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("bad", CounterReason.BAD_SIGNATURE),
        ("missing", CounterReason.MISSING_SIGNATURE),
        ("other-app", CounterReason.BAD_SIGNATURE),
        ("sha1", CounterReason.BAD_SIGNATURE),
    ],
)
def test_bad_or_missing_signature_stores_nothing(
    client: Client, account: ConnectorAccount, kind: str, reason: str
) -> None:
    raw = json.dumps(fixture_json("facebook", "message_text.json")).encode()
    if kind == "bad":
        response = post(client, raw, header="sha256=" + "ab" * 32)
    elif kind == "missing":
        response = post(client, raw, sign=False)
    elif kind == "other-app":
        response = post(client, raw, secret="secret-of-another-app")
    else:
        digest = hmac.new(FB_APP_SECRET.encode(), raw, hashlib.sha1).hexdigest()
        response = post(client, raw, header=f"sha1={digest}")
    assert response.status_code == 401
    assert InboundEvent.objects.count() == 0 and Message.objects.count() == 0
    assert counter(reason) == 1


def test_malformed_and_incomplete_bodies(client: Client, account: ConnectorAccount) -> None:
    assert post(client, b"{not json", header="sha256=x").status_code == 400
    assert counter(CounterReason.MALFORMED) == 1
    no_entry = {"object": "page"}
    response = post(client, no_entry)
    assert response.status_code == 400 and "entry" in response.json()["error"]
    no_mid = fixture_json("facebook", "message_text.json")
    del no_mid["entry"][0]["messaging"][0]["message"]["mid"]
    response = post(client, no_mid)
    assert response.status_code == 400 and "message.mid" in response.json()["error"]
    assert counter(CounterReason.MISSING_FIELDS) == 2
    assert InboundEvent.objects.count() == 0


def test_unknown_page_is_rejected(client: Client, tree: Tree) -> None:
    payload = fixture_json("facebook", "message_text.json")
    with override_settings(LANTOA_FACEBOOK_APP_SECRET=FB_APP_SECRET):
        response = post(client, payload)  # correctly signed by the app, page not connected
    assert response.status_code == 404
    assert post(client, payload).status_code == 404  # no secret at all to check against
    assert counter(CounterReason.UNKNOWN_ACCOUNT) == 2
    assert InboundEvent.objects.count() == 0


def test_deployment_wide_app_secret_and_pages_of_another_app(
    client: Client, tree: Tree, django_capture_on_commit_callbacks: Any
) -> None:
    """Page 1 uses the deployment's app (no secret of its own); page 2 belongs to another
    app. A POST signed by the deployment's app may only speak for page 1."""
    facebook_account(tree.a_g1, app_secret="")
    facebook_account(tree.b_g1, page_id=FB_PAGE2_ID, app_secret="secret-of-app-2")
    with (
        override_settings(LANTOA_FACEBOOK_APP_SECRET=FB_APP_SECRET),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = post(client, fixture_json("facebook", "batched.json"), secret=FB_APP_SECRET)
    assert response.status_code == 200
    assert list(Message.objects.values_list("external_id", flat=True)) == ["m_batch_0001"]
    assert counter(CounterReason.UNKNOWN_ACCOUNT) == 1  # the entry of page 2 was skipped


def _dated(hours_ago: float, mid: str) -> dict[str, Any]:
    payload = fixture_json("facebook", "message_text.json")
    date_events(payload, now_millis() - int(hours_ago * 3_600_000))
    payload["entry"][0]["messaging"][0]["message"]["mid"] = mid
    return payload


def test_signed_messages_outside_metas_resending_window_are_held(
    client: Client, account: ConnectorAccount, django_capture_on_commit_callbacks: Any
) -> None:
    """Meta re-sends a failed delivery for up to 36 hours: a signed message dated three days
    ago, or tomorrow, is a replay. Acknowledged, kept and counted, never an inquiry."""
    with django_capture_on_commit_callbacks(execute=True):
        for payload in (_dated(72, "m_old"), _dated(72, "m_old"), _dated(-24, "m_future")):
            assert post(client, payload).status_code == 200
        assert post(client, _dated(30, "m_resent_after_30_hours")).status_code == 200
    assert list(Message.objects.values_list("external_id", flat=True)) == [
        "m_resent_after_30_hours"
    ]
    held = dict(InboundEvent.objects.exclude(held="").values_list("event_id", "held"))
    assert held == {"m_old": Hold.STALE, "m_future": Hold.FUTURE}
    assert (counter(CounterReason.STALE_EVENT), counter(CounterReason.FUTURE_EVENT)) == (1, 1)


def test_no_personal_data_in_logs(
    client: Client,
    account: ConnectorAccount,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Any,
) -> None:
    caplog.set_level(logging.DEBUG)
    payload = fixture_json("facebook", "message_text.json")
    with django_capture_on_commit_callbacks(execute=True):
        post(client, payload)
        post(client, payload, secret="wrong")
    assert Message.objects.count() == 1
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in ("Nguyễn Thị Hoa", "mang thai", FB_PSID, FB_APP_SECRET):
        assert secret not in logged


# ---------------------------------------------------------------------------------------------
# Send API


def _ago(**kw: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(**kw)


def test_reply_within_24_hours_is_a_response(
    platform: FakePlatform, account: ConnectorAccount
) -> None:
    platform.reply(SEND, body=fixture_json("facebook", "send_ok.json"))
    mid = fb_client.send_text(
        account, psid=FB_PSID, text="Chào bạn", last_inbound_at=_ago(hours=23)
    )
    assert mid == "m_reply_000000000000000000000001"
    (call,) = platform.calls(SEND)
    assert call.query["access_token"] == [f"page-token-{FB_PAGE_ID}"]
    expected_proof = hmac.new(
        FB_APP_SECRET.encode(), f"page-token-{FB_PAGE_ID}".encode(), hashlib.sha256
    ).hexdigest()
    assert call.query["appsecret_proof"] == [expected_proof]
    assert call.json() == {
        "recipient": {"id": FB_PSID},
        "message": {"text": "Chào bạn"},
        "messaging_type": "RESPONSE",
    }


def test_reply_after_24_hours_uses_the_human_agent_tag(
    platform: FakePlatform, account: ConnectorAccount
) -> None:
    platform.reply(SEND, body=fixture_json("facebook", "send_ok.json"))
    fb_client.send_text(account, psid=FB_PSID, text="Chào bạn", last_inbound_at=_ago(days=6))
    body = platform.calls(SEND)[0].json()
    assert body["messaging_type"] == "MESSAGE_TAG"
    assert body["tag"] == "HUMAN_AGENT"


def test_reply_after_7_days_is_refused_without_calling_graph(
    platform: FakePlatform, account: ConnectorAccount
) -> None:
    with pytest.raises(PermanentError) as info:
        fb_client.send_text(account, psid=FB_PSID, text="x", last_inbound_at=_ago(days=7, hours=1))
    assert info.value.code == "window_7d"
    assert "7 ngày" in str(info.value)
    assert platform.requests == []


def test_expired_page_token_is_permanent_and_marks_the_account(
    platform: FakePlatform, account: ConnectorAccount
) -> None:
    platform.reply(SEND, status=400, body=fixture_json("facebook", "send_error_190.json"))
    with pytest.raises(PermanentError) as info:
        fb_client.send_text(account, psid=FB_PSID, text="x", last_inbound_at=_ago(hours=1))
    assert info.value.code == 190
    assert "kết nối lại" in str(info.value)
    assert len(platform.calls(SEND)) == 1
    stored = ConnectorAccount.objects.get(pk=account.pk)
    assert stored.status == AccountStatus.ERROR
    assert "Session has expired" in stored.last_error
    # Each officer reads it in their language; Facebook's own words stay as Facebook wrote them.
    said = "Error validating access token: Session has expired on Friday, 14-Jun-24 03:00:00 PDT."
    assert stored_text(stored.last_error_text, stored.last_error) == stored.last_error
    assert stored.last_error == (
        "Mã truy cập trang Facebook đã hết hạn hoặc bị thu hồi; cán bộ cần kết nối lại trang. "
        f"Facebook báo: {said} (mã lỗi 190)"
    )
    with translation.override("en"):
        assert stored_text(stored.last_error_text, stored.last_error) == (
            "The Facebook page's access token has expired or was revoked; an officer must "
            f"reconnect the page. Facebook says: {said} (error code 190)"
        )


@pytest.mark.parametrize(
    ("status", "fixture", "error", "code"),
    [
        (400, "send_error_613.json", TemporaryError, 613),
        (429, None, TemporaryError, 429),
        (500, None, TemporaryError, 500),
        (400, "send_error_551.json", PermanentError, "551/1545041"),
        (400, "send_error_window.json", PermanentError, "10/2018278"),
    ],
)
def test_graph_errors_are_mapped(
    platform: FakePlatform,
    account: ConnectorAccount,
    status: int,
    fixture: str | None,
    error: type,
    code: Any,
) -> None:
    body = fixture_json("facebook", fixture) if fixture else b"Too many requests"
    platform.reply(SEND, status=status, body=body)
    with pytest.raises(error) as info:
        fb_client.send_text(account, psid=FB_PSID, text="x", last_inbound_at=_ago(hours=1))
    assert info.value.code == code
    assert len(platform.calls(SEND)) == 1  # never re-sent by the client itself
    assert ConnectorAccount.objects.get(pk=account.pk).status == AccountStatus.ACTIVE


def test_too_long_reply_is_refused(platform: FakePlatform, account: ConnectorAccount) -> None:
    with pytest.raises(PermanentError) as info:
        fb_client.send_text(account, psid=FB_PSID, text="a" * 2001, last_inbound_at=_ago(hours=1))
    assert info.value.code == "too_long"
    assert platform.requests == []

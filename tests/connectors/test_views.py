"""The officer's connector pages: connecting a channel (secrets write-only), the list with
counters, disconnecting."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lantoa.audit.models import AuditEvent
from lantoa.channels.models import Channel, ChannelKind
from lantoa.connectors.errors import PermanentError
from lantoa.connectors.models import (
    AccountStatus,
    ConnectorAccount,
    CounterReason,
    InboundEvent,
    Platform,
)
from lantoa.connectors.services import (
    connector_account_mark_error,
    counter_increment,
    inbound_event_record,
)
from lantoa.connectors.zalo import client as zalo_client
from tests.conftest import Officers, Tree, login
from tests.fixtures.connectors.support import (
    ZALO_OA_SECRET,
    ZALO_USER_ID,
    date_events,
    facebook_account,
    fixture_json,
    zalo_account,
)


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
    url = reverse("connectors_web:connect", args=[channel.pk])
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
    response = client.get(reverse("connectors_web:unit", args=["A-KCN"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Zalo OA Công đoàn" in page
    assert "Sai chữ ký" in page and "1.174" in page
    assert "/webhooks/zalo/" in page  # the address to paste into Zalo's settings
    assert ZALO_OA_SECRET not in page
    login(client, officers.b_admin)
    assert client.get(reverse("connectors_web:unit", args=["A-KCN"])).status_code == 404
    channel = ConnectorAccount.objects.get().channel
    assert client.get(reverse("connectors_web:connect", args=[channel.pk])).status_code == 404
    login(client, officers.a_briefer)  # sees the unit, may not manage channels
    assert client.get(reverse("connectors_web:unit", args=["A-KCN"])).status_code == 403


def test_connector_page_lists_held_replays_without_the_workers_text(
    client: Client, tree: Tree, officers: Officers, django_capture_on_commit_callbacks: Any
) -> None:
    account = zalo_account(tree.a_kcn)
    payload = fixture_json("zalo", "user_send_text.json")
    sent = timezone.localtime() - dt.timedelta(days=3)
    date_events(payload, int(sent.timestamp() * 1000))
    with django_capture_on_commit_callbacks(execute=True):
        inbound_event_record(
            platform=Platform.ZALO,
            account_id=account.pk,
            event_id=payload["message"]["msg_id"],
            payload=payload,
        )
    login(client, officers.a_admin)
    page = client.get(reverse("connectors_web:unit", args=["A-KCN"])).content.decode()
    assert "Tin bị giữ lại, không vào hộp thư" in page
    assert "Quá cũ: quá thời gian nền tảng còn gửi lại" in page
    assert sent.strftime("%H:%M %d/%m/%Y") in page  # the date Zalo gave, Vietnam time
    assert "0 / 0 / 1" in page  # waiting / failed / held
    assert "Sự kiện quá cũ (có thể bị phát lại)" in page  # the counter
    assert "nợ lương" not in page and ZALO_USER_ID not in page
    # Nothing held: no such card.
    InboundEvent.objects.all().delete()
    page = client.get(reverse("connectors_web:unit", args=["A-KCN"])).content.decode()
    assert "Tin bị giữ lại" not in page


def test_disconnect(client: Client, tree: Tree, officers: Officers) -> None:
    account = zalo_account(tree.a_kcn)
    url = reverse("connectors_web:disconnect", args=[account.channel_id])
    login(client, officers.b_admin)  # another province: the channel is not there
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert (
        client.post(reverse("connectors_web:connect", args=[account.channel_id]), {}).status_code
        == 404
    )
    assert ConnectorAccount.objects.count() == 1
    login(client, officers.a_admin)
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert ConnectorAccount.objects.count() == 0
    assert AuditEvent.objects.filter(action="connector.disconnect").count() == 1


def test_connector_page_shows_connection_errors_in_the_readers_language(
    client: Client, tree: Tree, officers: Officers
) -> None:
    failing = zalo_account(tree.a_kcn)
    connector_account_mark_error(
        failing, PermanentError(zalo_client.REFRESHED_TOKEN_REFUSED, code=-216)
    )
    # A row failed before errors were stored as texts: its string is shown as it is.
    facebook_account(
        tree.a_kcn,
        status=AccountStatus.ERROR,
        last_error="Trang đã đổi mật khẩu (mã lỗi 190)",
    )
    login(client, officers.a_admin)
    url = reverse("connectors_web:unit", args=["A-KCN"])
    page = client.get(url).content.decode()
    assert "Zalo vẫn từ chối mã truy cập vừa cấp lại; cán bộ cần kết nối lại Zalo OA." in page
    assert "(mã lỗi -216)" in page and "Trang đã đổi mật khẩu (mã lỗi 190)" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(url).content.decode()
    assert (
        "Zalo still refuses the access token it just renewed; an officer must reconnect the "
        "Zalo OA. (error code -216)"
    ) in page
    assert "Zalo vẫn từ chối" not in page
    assert "Trang đã đổi mật khẩu (mã lỗi 190)" in page

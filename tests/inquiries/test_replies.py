"""Replies leave on the inquiry's channel (``inquiries.replies.send_reply``): Zalo through the
channel's connection, refused when it is missing or failing; e-mail threaded to the worker's
last message, through Django's mail backend (locmem and a real SMTP round-trip against a local
server)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from email import message_from_bytes, policy

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from lantoa.channels.models import Channel
from lantoa.connectors.email.ingest import email_ingest
from lantoa.connectors.errors import PermanentError, TemporaryError
from lantoa.connectors.models import AccountStatus, ConnectorAccount
from lantoa.core.messages import stored_text
from lantoa.inquiries.models import (
    Direction,
    EventKind,
    Inquiry,
    InquiryEvent,
    Message,
    OutboundReply,
    OutboxStatus,
    Source,
)
from lantoa.inquiries.outbox import deliver
from lantoa.inquiries.replies import send_reply
from lantoa.inquiries.templatetags.inquiries import event_detail
from tests.conftest import Officers, Tree, login
from tests.fixtures.connectors.mailservers import FakeSmtp
from tests.fixtures.connectors.support import (
    HERE,
    FakePlatform,
    fixture_bytes,
    fixture_json,
    zalo_account,
)

EML = HERE / "email"
FROM = "Công đoàn tỉnh An Giang <hopthu@congdoan.example.vn>"


def eml(name: str) -> bytes:
    return fixture_bytes("email", name)


def ingest(name: str) -> Inquiry:
    return (
        Message.objects.select_related("inquiry").get(pk=email_ingest(eml(name)).message_id).inquiry
    )


@pytest.fixture
def fake() -> Iterator[FakePlatform]:
    server = FakePlatform().start()
    yield server
    server.stop()


# ---------------------------------------------------------------------------------------------
# Zalo and Messenger


def _inquiry(tree: Tree, *, source: str, channel: Channel | None) -> Inquiry:
    now = timezone.now()
    return Inquiry.objects.create(
        code="HD-TEST-0001",
        unit=tree.a_kcn,
        source=source,
        thread_key="zalo:579745863508352884:2512523625412515001",
        channel=channel,
        received_at=now,
        last_inbound_at=now,
        first_response_due=now + dt.timedelta(hours=24),
    )


def _outbound(inquiry: Inquiry) -> OutboundReply:
    message = Message.objects.create(
        inquiry=inquiry,
        direction=Direction.OUT,
        body="Trả lời",
        source=inquiry.source,
        created_at=timezone.now(),
    )
    return OutboundReply.objects.create(
        message=message,
        source=inquiry.source,
        idempotency_key=f"k{message.pk}",
        next_attempt_at=timezone.now(),
    )


def test_send_reply_dispatches_to_zalo(tree: Tree, fake: FakePlatform) -> None:
    account = zalo_account(tree.a_kcn)
    account.access_token_expires_at = timezone.now() + dt.timedelta(hours=10)
    account.save()
    fake.reply("/v3.0/oa/message/cs", body=fixture_json("zalo", "cs_ok.json"))
    outbound = _outbound(_inquiry(tree, source=Source.ZALO, channel=account.channel))
    with override_settings(LANTOA_ZALO_API_BASE=fake.url):
        assert send_reply(outbound) == "8a3f1b6c9d2e4f5a7b8c"
    # No contact row: the user id is taken from the conversation key.
    assert fake.calls("/v3.0/oa/message/cs")[0].json()["recipient"] == {
        "user_id": "2512523625412515001"
    }


def test_zalo_refusal_is_stored_for_each_readers_language(
    client: Client, tree: Tree, officers: Officers, fake: FakePlatform
) -> None:
    account = zalo_account(tree.a_kcn)
    account.access_token_expires_at = timezone.now() + dt.timedelta(hours=10)
    account.save()
    said = "User 0912345678 has not followed OA or has not interacted with OA in the last 48 hours"
    fake.reply("/v3.0/oa/message/cs", body={"error": -213, "message": said})
    inquiry = _inquiry(tree, source=Source.ZALO, channel=account.channel)
    outbound = _outbound(inquiry)
    with override_settings(LANTOA_ZALO_API_BASE=fake.url):
        assert deliver(outbound.pk) == OutboxStatus.FAILED
    outbound.refresh_from_db()
    assert outbound.permanent_error
    vietnamese = (
        "Zalo từ chối vì người lao động không còn trong thời hạn nhận tin tư vấn (48 giờ kể từ "
        f"tin nhắn cuối) hoặc đã bỏ quan tâm OA: {said}. Câu trả lời vẫn được lưu và hiển thị "
        "trên trang tra cứu. (mã lỗi -213)"
    )
    english = (
        "Zalo refused because the worker is past the window for consultation messages (48 "
        f"hours after their last message) or has unfollowed the OA: {said}. The reply is still "
        "saved and shown on the lookup page. (error code -213)"
    )
    assert outbound.last_error == vietnamese
    assert stored_text(outbound.last_error_text, outbound.last_error) == vietnamese
    event = InquiryEvent.objects.get(inquiry=inquiry, kind=EventKind.REPLY_FAILED)
    with translation.override("en"):
        assert stored_text(outbound.last_error_text, outbound.last_error) == english
        assert event_detail(event) == english
    # The case page in English: the reply's error and the timeline in English, Zalo's words as
    # they came, the phone number in them masked for an officer who may not see the contact.
    login(client, officers.a_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("inquiries:detail", args=[inquiry.code])).content.decode()
    assert "Zalo refused because the worker is past the window" in page
    assert "has not followed OA or has not interacted with OA" in page
    assert "Zalo từ chối" not in page and "0912345678" not in page


def test_send_reply_refuses_unconnected_or_failing_channels(tree: Tree) -> None:
    account = zalo_account(tree.a_kcn)
    inquiry = _inquiry(tree, source=Source.ZALO, channel=account.channel)
    ConnectorAccount.objects.filter(pk=account.pk).update(
        status=AccountStatus.ERROR, last_error="refresh token đã dùng"
    )
    with pytest.raises(PermanentError) as info:
        send_reply(_outbound(inquiry))
    assert info.value.code == "account_error" and "refresh token đã dùng" in str(info.value)
    account.delete()
    inquiry.refresh_from_db()
    with pytest.raises(PermanentError) as info:
        send_reply(OutboundReply.objects.get())
    assert info.value.code == "not_connected"
    web = _inquiry_web(tree)
    with pytest.raises(PermanentError) as info:
        send_reply(_outbound(web))
    assert info.value.code == "no_channel"


def _inquiry_web(tree: Tree) -> Inquiry:
    now = timezone.now()
    return Inquiry.objects.create(
        code="HD-TEST-0002",
        unit=tree.a_kcn,
        source=Source.WEB,
        received_at=now,
        first_response_due=now + dt.timedelta(hours=24),
    )


# ---------------------------------------------------------------------------------------------
# E-mail


def _reply(
    inquiry: Inquiry, body: str = "Chào anh Bình, anh được trợ cấp thôi việc."
) -> OutboundReply:
    message = Message.objects.create(
        inquiry=inquiry,
        direction=Direction.OUT,
        body=body,
        source=Source.EMAIL,
        created_at=timezone.now(),
    )
    return OutboundReply.objects.create(
        message=message,
        source=Source.EMAIL,
        idempotency_key="REPLYKEY",
        next_attempt_at=timezone.now(),
    )


@override_settings(
    DEFAULT_FROM_EMAIL=FROM, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
)
def test_reply_is_threaded_and_the_answer_to_it_joins_the_inquiry(tree: Tree) -> None:
    inquiry = ingest("question.eml")
    ingest("thread_reply.eml")
    outbound = _reply(inquiry)
    assert deliver(outbound.pk) == OutboxStatus.SENT
    outbound.refresh_from_db()
    assert outbound.external_id == "lantoa.REPLYKEY@congdoan.example.vn"
    (sent,) = mail.outbox
    assert sent.to == ["binh.tran@example.com"]
    assert sent.subject == "Re: Hỏi về trợ cấp thôi việc"
    assert sent.extra_headers["Message-ID"] == "<lantoa.REPLYKEY@congdoan.example.vn>"
    assert sent.extra_headers["In-Reply-To"] == "<CAHx1-thread-0007@mail.example.com>"
    assert sent.extra_headers["References"] == (
        "<CAHx1-question-0001@mail.example.com> <CAHx1-thread-0007@mail.example.com>"
    )
    assert sent.body.startswith("Chào anh Bình, anh được trợ cấp thôi việc.")
    assert inquiry.code in sent.body
    # The worker answers our reply, quoting only its id.
    followup = ingest("followup_to_our_reply.eml")
    assert followup.pk == inquiry.pk
    assert inquiry.messages.filter(direction=Direction.IN).count() == 3
    assert Inquiry.objects.count() == 1


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_reply_without_address_is_permanent(tree: Tree) -> None:
    inquiry = ingest("question.eml")
    inquiry.contact.delete()
    inquiry.refresh_from_db()
    with pytest.raises(PermanentError) as info:
        send_reply(_reply(inquiry))
    assert info.value.code == "no_address"
    assert mail.outbox == []


@pytest.fixture
def smtp() -> Iterator[FakeSmtp]:
    server = FakeSmtp().start()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=server.port,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        DEFAULT_FROM_EMAIL=FROM,
    ):
        yield server
    server.stop()


def test_smtp_round_trip(tree: Tree, smtp: FakeSmtp) -> None:
    inquiry = ingest("question.eml")
    message_id = send_reply(_reply(inquiry))
    assert message_id == "lantoa.REPLYKEY@congdoan.example.vn"
    ((sender, rcpts, data),) = smtp.messages
    assert sender == "hopthu@congdoan.example.vn"
    assert rcpts == ["binh.tran@example.com"]
    received = message_from_bytes(data, policy=policy.default)
    assert received["Message-ID"] == "<lantoa.REPLYKEY@congdoan.example.vn>"
    assert received["In-Reply-To"] == "<CAHx1-question-0001@mail.example.com>"
    assert str(received["Subject"]) == "Re: Hỏi về trợ cấp thôi việc"
    body = received.get_body(preferencelist=("plain",))
    assert body is not None
    assert "anh được trợ cấp thôi việc" in body.get_content()


@pytest.mark.parametrize(
    ("reply", "error"),
    [("550 5.1.1 No such user", PermanentError), ("451 4.3.0 Try again later", TemporaryError)],
)
def test_smtp_refusals(tree: Tree, smtp: FakeSmtp, reply: str, error: type) -> None:
    smtp.rcpt_reply = reply
    inquiry = ingest("question.eml")
    with pytest.raises(error) as info:
        send_reply(_reply(inquiry))
    assert info.value.code == int(reply[:3])
    assert smtp.messages == []


def test_smtp_server_down_is_temporary(tree: Tree, smtp: FakeSmtp) -> None:
    inquiry = ingest("question.eml")
    smtp.stop()
    with pytest.raises(TemporaryError):
        send_reply(_reply(inquiry))

"""A web question's worker may ask for the codes and the answers by e-mail: one message with
both codes right after sending, one per answer — to the address they typed only, never with
the question's text, never without their choice; the secret is kept encrypted only until it
leaves, and erasing the contact stops what was not sent."""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_bytes, policy
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings

from lantoa.inquiries.models import Inquiry, InquiryContact, OutboundReply, OutboxStatus, Source
from lantoa.inquiries.outbox import deliver
from lantoa.inquiries.privacy import inquiry_erase_contact
from lantoa.inquiries.services import inquiry_reply
from tests.conftest import Officers, Tree
from tests.fixtures.connectors.mailservers import FakeSmtp
from tests.inquiries.support import QUESTION
from tests.inquiries.test_public_views import FORM, form_data, submit

pytestmark = pytest.mark.django_db

ADDRESS = "lan.nguyen@gmail.com"
ANSWER = "Theo Điều 98 Bộ luật Lao động, làm thêm vào ngày nghỉ hằng tuần được trả ít nhất 200%."


@pytest.fixture(autouse=True)
def _fresh(settings: Any) -> Iterator[None]:
    """The site's address for the links; rate limits fresh for each test."""
    settings.LANTOA_PUBLIC_URL = "https://congdoan.example.vn"
    cache.clear()
    yield
    cache.clear()


def _send(client: Client, capture: Any, **overrides: Any) -> dict[str, Any]:
    with capture(execute=True):
        response, receipt = submit(client, **overrides)
    assert response.status_code == 302, response.content.decode()[:2000]
    return receipt


def test_codes_go_to_the_typed_address_without_the_question(
    client: Client, tree: Tree, django_capture_on_commit_callbacks: Any
) -> None:
    receipt = _send(client, django_capture_on_commit_callbacks, email=ADDRESS, email_updates="on")
    (message,) = mail.outbox
    assert message.to == [ADDRESS]
    assert receipt["code"] in message.subject
    assert f"Mã tra cứu: {receipt['code']}" in message.body
    assert f"Mã bí mật: {receipt['secret']}" in message.body
    assert "https://congdoan.example.vn/cau-hoi/tra-cuu/" in message.body
    assert QUESTION[:30] not in message.body and QUESTION[:30] not in message.subject
    inquiry = Inquiry.objects.get(code=receipt["code"])
    assert InquiryContact.objects.get(inquiry=inquiry).email_updates is True
    outbound = OutboundReply.objects.get(message__inquiry=inquiry)
    assert outbound.status == OutboxStatus.SENT and outbound.source == Source.EMAIL
    assert outbound.secret == ""  # the only copy left is the worker's
    assert receipt["emailed"] is True


def test_the_secret_waits_encrypted(
    client: Client, tree: Tree, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        _response, receipt = submit(client, email=ADDRESS, email_updates="on")
    outbound = OutboundReply.objects.get()
    assert outbound.secret == receipt["secret"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM inquiries_outboundreply WHERE id = %s", [outbound.pk])
        (stored,) = cursor.fetchone()
    assert stored and receipt["secret"] not in stored
    assert mail.outbox == []


def test_no_mail_without_the_workers_choice(
    client: Client, tree: Tree, officers: Officers, django_capture_on_commit_callbacks: Any
) -> None:
    receipt = _send(client, django_capture_on_commit_callbacks, email=ADDRESS)
    inquiry = Inquiry.objects.get(code=receipt["code"])
    with django_capture_on_commit_callbacks(execute=True):
        inquiry_reply(inquiry=inquiry, body=ANSWER, actor=officers.a_admin)
    assert mail.outbox == []
    assert not OutboundReply.objects.exists()
    assert not receipt["emailed"]


def test_the_choice_needs_an_address(client: Client, tree: Tree) -> None:
    response = client.post(FORM, form_data(email="", email_updates="on"))
    assert response.status_code == 200
    assert "Vui lòng nhập địa chỉ thư điện tử để nhận mã" in response.content.decode()
    assert not Inquiry.objects.exists()


def test_anonymous_gets_no_mail(
    client: Client, tree: Tree, django_capture_on_commit_callbacks: Any
) -> None:
    _send(
        client,
        django_capture_on_commit_callbacks,
        identity="anonymous",
        email=ADDRESS,
        email_updates="on",
    )
    assert mail.outbox == []
    assert not InquiryContact.objects.exists() and not OutboundReply.objects.exists()


def test_each_answer_is_mailed_without_the_question_or_the_secret(
    client: Client, tree: Tree, officers: Officers, django_capture_on_commit_callbacks: Any
) -> None:
    receipt = _send(client, django_capture_on_commit_callbacks, email=ADDRESS, email_updates="on")
    inquiry = Inquiry.objects.get(code=receipt["code"])
    with django_capture_on_commit_callbacks(execute=True):
        reply = inquiry_reply(inquiry=inquiry, body=ANSWER, actor=officers.a_admin)
    answer = mail.outbox[-1]
    assert len(mail.outbox) == 2
    assert answer.to == [ADDRESS]
    assert receipt["code"] in answer.subject
    assert ANSWER in answer.body
    assert receipt["secret"] not in answer.body
    assert QUESTION[:30] not in answer.body
    # The officer sees it went out, on the reply itself.
    assert OutboundReply.objects.get(message=reply).status == OutboxStatus.SENT


def test_erasing_the_contact_stops_a_receipt_not_sent_yet(
    client: Client, tree: Tree, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        _response, receipt = submit(client, email=ADDRESS, email_updates="on")
    inquiry = Inquiry.objects.get(code=receipt["code"])
    inquiry_erase_contact(inquiry=inquiry)
    outbound = OutboundReply.objects.get()
    assert outbound.secret == ""
    assert deliver(outbound.pk) == OutboxStatus.FAILED
    assert mail.outbox == []


@override_settings(LANTOA_INQUIRY_LIMIT_PER_IP=100, LANTOA_INQUIRY_LIMIT_PER_CONTACT=1)
def test_mails_to_one_address_are_limited_like_the_form(
    tree: Tree, django_capture_on_commit_callbacks: Any
) -> None:
    _send(Client(), django_capture_on_commit_callbacks, email=ADDRESS, email_updates="on")
    with django_capture_on_commit_callbacks(execute=True):
        refused = Client(REMOTE_ADDR="198.51.100.7").post(
            FORM, form_data(email=ADDRESS.upper(), email_updates="on")
        )
    assert refused.status_code == 429
    assert len(mail.outbox) == 1


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
        DEFAULT_FROM_EMAIL="Công đoàn tỉnh An Giang <hopthu@congdoan.example.vn>",
    ):
        yield server
    server.stop()


def test_the_receipt_over_smtp(
    client: Client, tree: Tree, smtp: FakeSmtp, django_capture_on_commit_callbacks: Any
) -> None:
    receipt = _send(client, django_capture_on_commit_callbacks, email=ADDRESS, email_updates="on")
    ((sender, rcpts, data),) = smtp.messages
    assert sender == "hopthu@congdoan.example.vn" and rcpts == [ADDRESS]
    received = message_from_bytes(data, policy=policy.default)
    body = received.get_body(preferencelist=("plain",))
    assert body is not None
    assert receipt["secret"] in body.get_content()
    assert str(received["Subject"]) == f"Mã tra cứu câu hỏi {receipt['code']}"

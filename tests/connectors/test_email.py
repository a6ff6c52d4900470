"""E-mail: `lantoa inquiries ingest-email`, threading and de-duplication, the IMAP poller
against a local IMAP server, and replies through Django's mail backend (locmem and a real
SMTP round-trip against a local server)."""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test.utils import override_settings
from django.utils import timezone

from lantoa.connectors.email.imap import mailbox_poll, parse_imap_url
from lantoa.connectors.email.ingest import email_ingest
from lantoa.connectors.email.parsing import (
    EmailRejected,
    EmailSkipped,
    html_to_text,
    parse_email,
    strip_reply,
)
from lantoa.connectors.errors import PermanentError, TemporaryError
from lantoa.connectors.models import CounterReason, Platform, WebhookCounter
from lantoa.connectors.send import send_reply
from lantoa.inquiries.models import (
    Direction,
    Inquiry,
    Message,
    OutboundReply,
    OutboxStatus,
    Source,
)
from lantoa.inquiries.outbox import deliver
from tests.conftest import Tree
from tests.fixtures.connectors.mailservers import FakeImap, FakeSmtp
from tests.fixtures.connectors.support import HERE, fixture_bytes

EML = HERE / "email"
FROM = "Công đoàn tỉnh An Giang <hopthu@congdoan.example.vn>"


def eml(name: str) -> bytes:
    return fixture_bytes("email", name)


def ingest(name: str) -> Inquiry:
    return email_ingest(eml(name)).inquiry


# ---------------------------------------------------------------------------------------------
# Parsing


def test_plain_question_is_read_without_signature() -> None:
    parsed = parse_email(eml("question.eml"), max_attachment_bytes=10_000)
    assert parsed.message_id == "CAHx1-question-0001@mail.example.com"
    assert parsed.from_email == "binh.tran@example.com"
    assert parsed.from_name == "Trần Văn Bình"
    assert parsed.subject == "Hỏi về trợ cấp thôi việc"
    assert parsed.body.startswith("Chào công đoàn,")
    assert "0987654321" not in parsed.body  # the signature is cut off
    assert parsed.body.endswith("trợ cấp thôi việc không?")


def test_html_only_mail_becomes_text_without_quote_or_script() -> None:
    parsed = parse_email(eml("html_only.eml"), max_attachment_bytes=10_000)
    assert parsed.body == (
        "Nhà trường yêu cầu ở lại 2 giờ mỗi ngày & không trả thêm.\n\nNhư vậy có đúng không?"
    )
    assert html_to_text("<p>a<br>b</p><blockquote>cũ</blockquote><style>x{}</style>") == "a\nb"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cảm ơn.\n\nOn Mon, 10 Jun 2024 at 15:00, A <a@b.c> wrote:\n> cũ\n", "Cảm ơn."),
        ("Cảm ơn.\nVào 10 thg 6, 2024 lúc 15:00 A <a@b.c> đã viết:\n> cũ", "Cảm ơn."),
        ("Dạ vâng.\n-----Original Message-----\nFrom: x", "Dạ vâng."),
        ("Dạ vâng.\nFrom: Công đoàn\nSent: Monday\nTo: tôi\nSubject: x\n\ncũ", "Dạ vâng."),
        ("Hỏi thêm.\n\nGửi từ iPhone của tôi", "Hỏi thêm."),
        ("> chỉ có trích dẫn", "> chỉ có trích dẫn"),
    ],
)
def test_strip_reply(text: str, expected: str) -> None:
    assert strip_reply(text) == expected


def test_attachment_metadata_and_size_limit() -> None:
    parsed = parse_email(eml("with_attachment.eml"), max_attachment_bytes=10_000)
    assert parsed.attachments == [
        {
            "type": "file",
            "name": "quyet-dinh-ky-luat.pdf",
            "url": "",
            "content_type": "application/pdf",
            "size": 1000,
        }
    ]
    with pytest.raises(EmailRejected) as info:
        parse_email(eml("with_attachment.eml"), max_attachment_bytes=999)
    assert str(info.value) == (
        "Tệp đính kèm “quyet-dinh-ky-luat.pdf” quá lớn (1.000 byte; tối đa 999 byte)."
    )


# ---------------------------------------------------------------------------------------------
# The command


def test_ingest_command_creates_an_inquiry(tree: Tree, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("inquiries", "ingest-email", str(EML / "question.eml"))
    inquiry = Inquiry.objects.get()
    assert inquiry.source == Source.EMAIL
    assert inquiry.thread_key == "email:CAHx1-question-0001@mail.example.com"
    assert inquiry.subject == "Hỏi về trợ cấp thôi việc"
    assert inquiry.contact.email == "binh.tran@example.com"
    assert inquiry.contact.name == "Trần Văn Bình"
    # No workplace, no unit in the address, two provinces: the root answers (see route()).
    assert inquiry.unit == tree.vn
    assert f"Đã tạo hồ sơ {inquiry.code}." in capsys.readouterr().out


def test_ingest_from_stdin_and_duplicates(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    for _ in range(3):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(eml("question.eml"))))
        call_command("inquiries", "ingest-email")
    assert Inquiry.objects.count() == 1
    assert Message.objects.count() == 1


def test_thread_reply_joins_the_inquiry(tree: Tree) -> None:
    first = ingest("question.eml")
    second = ingest("thread_reply.eml")
    assert second.pk == first.pk
    bodies = list(first.messages.values_list("body", flat=True))
    assert bodies[1] == "Tôi bổ sung: hợp đồng của tôi là hợp đồng không xác định thời hạn."


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("no_from.eml", "Không nhận thư: Thư không có địa chỉ người gửi hợp lệ (trường From)."),
        (None, "Không nhận thư: Không có nội dung thư (đầu vào rỗng)."),
    ],
)
def test_bad_input_exits_non_zero_and_stores_nothing(
    tree: Tree, tmp_path: Path, name: str | None, message: str
) -> None:
    path = EML / name if name else tmp_path / "empty.eml"
    if name is None:
        path.write_bytes(b"")
    with pytest.raises(CommandError) as info:
        call_command("inquiries", "ingest-email", str(path))
    assert info.value.returncode == 65
    assert str(info.value) == message
    assert Inquiry.objects.count() == 0 and Message.objects.count() == 0


def test_no_union_unit_yet_asks_the_mail_server_to_retry(db: None) -> None:
    with pytest.raises(CommandError) as info:
        call_command("inquiries", "ingest-email", str(EML / "question.eml"))
    assert info.value.returncode == 75
    assert "máy chủ thư sẽ gửi lại sau" in str(info.value)
    assert Message.objects.count() == 0


@override_settings(LANTOA_ATTACHMENT_MAX_BYTES=500)
def test_oversized_attachment_exits_non_zero(tree: Tree) -> None:
    with pytest.raises(CommandError) as info:
        call_command("inquiries", "ingest-email", str(EML / "with_attachment.eml"))
    assert info.value.returncode == 65
    assert "quá lớn" in str(info.value)
    assert Message.objects.count() == 0


def test_automatic_reply_is_skipped(tree: Tree, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("inquiries", "ingest-email", str(EML / "autoreply.eml"))
    assert Message.objects.count() == 0
    assert "Thư tự động" in capsys.readouterr().out


@override_settings(DEFAULT_FROM_EMAIL="Lan Tỏa <Binh.Tran@example.com>")
def test_our_own_mail_coming_back_is_skipped(tree: Tree) -> None:
    with pytest.raises(EmailSkipped):
        email_ingest(eml("question.eml"))
    assert Message.objects.count() == 0


def test_plus_address_sends_the_inquiry_to_that_unit(tree: Tree) -> None:
    inquiry = ingest("html_only.eml")
    assert inquiry.unit == tree.a_g3


def test_no_personal_data_in_logs(tree: Tree, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    ingest("question.eml")
    with pytest.raises(EmailRejected):
        email_ingest(eml("no_from.eml"))
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in ("binh.tran", "Trần Văn Bình", "trợ cấp", "0987654321"):
        assert secret not in logged


# ---------------------------------------------------------------------------------------------
# IMAP


@pytest.fixture
def imap() -> Iterator[FakeImap]:
    server = FakeImap().start()
    yield server
    server.stop()


def test_imap_url_parsing() -> None:
    config = parse_imap_url("imaps://hop%40thu:m%E1%BA%ADt@mail.example.vn/H%E1%BB%99p%20th%C6%B0")
    assert (config.host, config.port, config.user, config.password, config.mailbox) == (
        "mail.example.vn",
        993,
        "hop@thu",
        "mật",
        "Hộp thư",
    )
    with pytest.raises(ValueError):
        parse_imap_url("pop3://x@y")


def test_poll_mailbox_stores_then_marks_seen(tree: Tree, imap: FakeImap) -> None:
    good = imap.add(eml("question.eml"))
    reply = imap.add(eml("thread_reply.eml"))
    bad = imap.add(eml("no_from.eml"))
    auto = imap.add(eml("autoreply.eml"))
    url = f"imap://hopthu:mat-khau@127.0.0.1:{imap.port}/INBOX"
    result = mailbox_poll(url)
    assert (result.fetched, result.stored, result.rejected, result.skipped) == (4, 2, 1, 1)
    inquiry = Inquiry.objects.get()
    assert inquiry.messages.count() == 2
    assert imap.mails[good].flags == {"\\Seen"}
    assert imap.mails[reply].flags == {"\\Seen"}
    assert imap.mails[bad].flags == {"\\Seen", "\\Flagged"}
    assert imap.mails[auto].flags == {"\\Seen"}
    assert all("BODY.PEEK[]" in c for c in imap.commands if "FETCH" in c)
    counter = WebhookCounter.objects.get(platform=Platform.EMAIL, reason=CounterReason.REJECTED)
    assert counter.count == 1
    # Nothing unseen is left: the next poll does nothing.
    assert mailbox_poll(url).fetched == 0
    assert Message.objects.count() == 2


def test_poll_leaves_a_message_unseen_when_it_cannot_be_stored(
    tree: Tree, imap: FakeImap, monkeypatch: pytest.MonkeyPatch
) -> None:
    uid = imap.add(eml("question.eml"))

    def broken(raw: bytes) -> Any:
        raise RuntimeError("database went away")

    monkeypatch.setattr("lantoa.connectors.email.imap.email_ingest", broken)
    result = mailbox_poll(f"imap://hopthu:mat-khau@127.0.0.1:{imap.port}/INBOX")
    assert result.failed == 1
    assert imap.mails[uid].flags == set()
    assert not any("STORE" in c for c in imap.commands)
    monkeypatch.undo()
    assert mailbox_poll(f"imap://hopthu:mat-khau@127.0.0.1:{imap.port}/INBOX").stored == 1
    assert imap.mails[uid].flags == {"\\Seen"}


def test_poll_task_does_nothing_without_a_mailbox(db: None) -> None:
    from lantoa.connectors.tasks import poll_mailbox

    with override_settings(LANTOA_IMAP_URL=""):
        assert poll_mailbox() == 0


# ---------------------------------------------------------------------------------------------
# Replies


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

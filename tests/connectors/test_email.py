"""E-mail: `lantoa inquiries ingest-email`, threading and de-duplication, the IMAP poller
against a local IMAP server, and replies through Django's mail backend (locmem and a real
SMTP round-trip against a local server)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.test.utils import override_settings

from lantoa.connectors.email.imap import mailbox_poll, parse_imap_url
from lantoa.connectors.email.ingest import email_ingest
from lantoa.connectors.email.parsing import (
    EmailRejected,
    EmailSkipped,
    html_to_text,
    parse_email,
    strip_reply,
)
from lantoa.connectors.models import CounterReason, Platform, WebhookCounter
from lantoa.inquiries.models import (
    Inquiry,
    Message,
)
from tests.conftest import Tree
from tests.fixtures.connectors.mailservers import FakeImap
from tests.fixtures.connectors.support import HERE, fixture_bytes

EML = HERE / "email"
FROM = "Công đoàn tỉnh An Giang <hopthu@congdoan.example.vn>"


def eml(name: str) -> bytes:
    return fixture_bytes("email", name)


def ingest(name: str) -> Inquiry:
    receipt = email_ingest(eml(name))
    return Message.objects.select_related("inquiry").get(pk=receipt.message_id).inquiry


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
# Ingest (through the inquiry desk's handler)


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

"""E-mail into the inquiry desk: `lantoa inquiries ingest-email` (exit codes for the mail
server), de-duplication, and threading a reply to its inquiry (``inquiries.inbound``)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test.utils import override_settings

from lantoa.connectors.email.ingest import email_ingest
from lantoa.connectors.inbound import InboundMessage, inbound_handlers
from lantoa.inquiries.inbound import inbound_receive
from lantoa.inquiries.models import Inquiry, Message, Source
from lantoa.units.models import Unit
from tests.conftest import Tree
from tests.fixtures.connectors.support import HERE, fixture_bytes

EML = HERE / "email"
FROM = "Công đoàn tỉnh An Giang <hopthu@congdoan.example.vn>"


def eml(name: str) -> bytes:
    return fixture_bytes("email", name)


def ingest(name: str) -> Inquiry:
    return (
        Message.objects.select_related("inquiry").get(pk=email_ingest(eml(name)).message_id).inquiry
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
    Unit.objects.all().delete()  # a fresh install has the national root; this one lost it
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


def test_the_desk_receives_the_connectors_messages() -> None:
    assert "inquiries" in inbound_handlers


def test_a_platform_the_desk_does_not_know_is_refused(tree: Tree) -> None:
    with pytest.raises(ValueError) as info:
        inbound_receive(
            InboundMessage(platform="sms", body="Hỏi", external_id="1", thread_key="sms:1")
        )
    assert str(info.value) == "Kênh tiếp nhận không hợp lệ: sms"
    assert Message.objects.count() == 0

"""Intake (routing, urgency, de-duplication, follow-ups) and the reply outbox.

The outbox tests inject a fake ``lantoa.inquiries.replies.send_reply``; test_replies.py
covers the real platform calls.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from lantoa.connectors.errors import PermanentError, TemporaryError
from lantoa.inquiries import outbox
from lantoa.inquiries.intake import (
    REOPEN_WINDOW,
    Incoming,
    inquiry_receive,
    normalise_code,
    response_hours_for,
    route,
    urgency_reasons,
)
from lantoa.inquiries.models import (
    Direction,
    EventKind,
    Inquiry,
    InquiryContact,
    InquiryEvent,
    Message,
    OutboundReply,
    OutboxStatus,
    Source,
    Status,
    UnitInquirySettings,
)
from lantoa.inquiries.services import inquiry_close, inquiry_reply
from lantoa.units.models import UnitKind
from lantoa.units.services import unit_create
from tests.conftest import Officers, Tree

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------------------------
# Routing


def test_grassroots_matched_by_employer_name(tree: Tree) -> None:
    assert route(workplace="Công ty TNHH May Ánh Dương", hint=None) == (tree.a_g1, tree.a_g1)
    # Without diacritics, other word order, extra legal-form words.
    assert route(workplace="cty may anh duong", hint=tree.pa) == (tree.a_g1, tree.a_g1)
    assert route(workplace="Giày Đức Thành", hint=None) == (tree.b_g1, tree.b_g1)


def test_ambiguous_employer_goes_to_the_common_parent(tree: Tree) -> None:
    unit_create(
        code="A-G4",
        name="Công đoàn cơ sở Công ty TNHH May Ánh Dương Hai",
        kind=UnitKind.GRASSROOTS,
        parent=tree.a_kcn,
        employer_name="Công ty TNHH May Ánh Dương Hai",
    )
    assert route(workplace="May Ánh Dương", hint=tree.pa) == (tree.a_kcn, None)


def test_ambiguous_across_branches_goes_to_the_lowest_common_ancestor(tree: Tree) -> None:
    unit_create(
        code="A-G5",
        name="Công đoàn cơ sở Công ty CP Bao bì Tân Tiến",
        kind=UnitKind.GRASSROOTS,
        parent=tree.a_kcn,
    )
    unit_create(
        code="A-G6",
        name="Công đoàn cơ sở Công ty TNHH Bao bì Tân Tiến Mỹ Bình",
        kind=UnitKind.GRASSROOTS,
        parent=tree.a_xa,
    )
    assert route(workplace="Bao bì Tân Tiến", hint=tree.pa) == (tree.pa, None)


def test_named_zone_or_commune_goes_to_its_union(tree: Tree) -> None:
    assert route(workplace="Khu công nghiệp tỉnh An Giang", hint=None) == (tree.a_kcn, None)
    # A commune named on its own goes to the commune union, not to a school that happens to
    # carry the commune's name…
    assert route(workplace="phường Mỹ Bình", hint=tree.pa) == (tree.a_xa, None)
    # …while naming the school itself still finds the school's union.
    assert route(workplace="Trường Tiểu học Mỹ Bình", hint=tree.pa) == (tree.a_g3, tree.a_g3)


def test_nothing_matched_goes_to_the_hint_or_the_province(tree: Tree) -> None:
    assert route(workplace="", hint=tree.a_kcn) == (tree.a_kcn, None)
    assert route(workplace="Công ty ABCXYZ không tồn tại", hint=tree.a_g2) == (tree.a_g2, tree.a_g2)
    assert route(workplace="Công ty ABCXYZ", hint=tree.a_kcn) == (tree.a_kcn, None)
    # The grassroots hint of a QR poster wins over any text.
    assert route(workplace="Giày Đức Thành", hint=tree.a_g3) == (tree.a_g3, tree.a_g3)


def test_single_province_is_the_default(tree: Tree) -> None:
    from lantoa.units.models import UnitStatus

    tree.pb.status = UnitStatus.MERGED
    tree.pb.save()
    assert route(workplace="", hint=None) == (tree.pa, None)


def test_routing_on_receive_and_deadline_from_unit_settings(tree: Tree) -> None:
    UnitInquirySettings.objects.create(unit=tree.a_kcn, response_hours=8)
    assert response_hours_for(tree.a_g1) == 8
    assert response_hours_for(tree.a_g3) == 24
    at = timezone.now() - dt.timedelta(hours=1)
    got = inquiry_receive(
        Incoming(
            source=Source.WEB,
            body="Tôi muốn hỏi về hợp đồng thử việc",
            workplace="Công ty May Ánh Dương",
            received_at=at,
        )
    )
    inquiry = got.inquiry
    assert got.created and not got.duplicate
    assert (inquiry.unit, inquiry.workplace_unit) == (tree.a_g1, tree.a_g1)
    assert inquiry.response_hours == 8
    assert inquiry.first_response_due == at + dt.timedelta(hours=8)
    assert inquiry.reply_due == inquiry.first_response_due
    assert inquiry.status == Status.NEW
    assert inquiry.code.startswith("HD-") and normalise_code(inquiry.code.lower()) == inquiry.code
    assert list(InquiryEvent.objects.filter(inquiry=inquiry).values_list("kind", flat=True)) == [
        EventKind.CREATED
    ]
    assert " thu viec" in inquiry.search_text


# ---------------------------------------------------------------------------------------------
# Urgency


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Công ty nợ lương 3 tháng của hơn 300 công nhân", ["wages_many"]),
        ("Cả xưởng chưa được trả lương tháng 5", ["wages_many"]),
        ("Chủ doanh nghiệp bỏ trốn, toàn bộ công nhân mất việc", ["wages_many"]),
        ("Công ty chậm trả lương của tôi 1 tuần", []),
        ("Anh tôi bị tai nạn lao động khi vận hành máy dập", ["accident"]),
        ("Xưởng sơn bị cháy sáng nay", ["accident"]),
        ("Công nhân bị ngộ độc thực phẩm tại bếp ăn", ["accident"]),
        ("Công nhân ngừng việc tập thể từ sáng nay, có nguy cơ đình công", ["strike"]),
        ("Tổ trưởng đe doạ đánh tôi nếu tôi khiếu nại", ["violence"]),
        ("cong ty no luong ca xuong, cong nhan dinh cong", ["wages_many", "strike"]),
        # Folding removes tones: "sắp", "chạy", "trọn" must not read as "sập", "cháy", "trốn".
        ("Hợp đồng của tôi sắp hết hạn, tôi có được ký tiếp không?", []),
        ("Tôi chạy xe máy đi làm thì có được tính công tác phí không?", []),
        ("Tôi đã làm trọn năm, được nghỉ phép bao nhiêu ngày?", []),
        ("Tôi muốn hỏi về bảo hiểm thai sản", []),
    ],
)
def test_urgency_reasons(text: str, expected: list[str]) -> None:
    assert urgency_reasons(text) == expected


def test_urgent_inquiry_is_flagged_on_receive(tree: Tree) -> None:
    inquiry = inquiry_receive(
        Incoming(source=Source.WEB, body="Công nhân bị tai nạn, đang cấp cứu", unit_hint=tree.a_g1)
    ).inquiry
    assert inquiry.urgent and inquiry.urgent_reasons == ["accident"]


# ---------------------------------------------------------------------------------------------
# De-duplication and follow-ups


def _zalo(
    body: str, msg_id: str, *, user: str = "u1", at: dt.datetime | None = None, hint: Any = None
) -> Incoming:
    return Incoming(
        source=Source.ZALO,
        body=body,
        external_id=msg_id,
        thread_key=f"zalo:oa1:{user}",
        platform_user_id=user,
        received_at=at,
        unit_hint=hint,
    )


def test_redelivered_message_is_stored_once(tree: Tree) -> None:
    first = inquiry_receive(_zalo("Cho tôi hỏi về lương tối thiểu vùng", "m-1"))
    again = inquiry_receive(_zalo("Cho tôi hỏi về lương tối thiểu vùng", "m-1"))
    assert first.created and not first.duplicate
    assert again.duplicate and not again.created
    assert again.message.pk == first.message.pk
    assert Message.objects.count() == 1
    assert Inquiry.objects.count() == 1
    assert InquiryEvent.objects.count() == 1
    # The same id on another platform is another message.
    other = inquiry_receive(
        Incoming(source=Source.FACEBOOK, body="x", external_id="m-1", thread_key="facebook:p:1")
    )
    assert other.created and Message.objects.count() == 2


def test_platform_contact_is_kept_without_a_name_for_anonymous(tree: Tree) -> None:
    inquiry = inquiry_receive(
        Incoming(
            source=Source.ZALO,
            body="hỏi",
            thread_key="zalo:oa:u9",
            platform_user_id="u9",
            name="Nguyễn Văn A",
            anonymous=True,
        )
    ).inquiry
    contact = InquiryContact.objects.get(inquiry=inquiry)
    assert (contact.platform_user_id, contact.name, contact.phone) == ("u9", "", "")


def test_follow_up_joins_the_open_inquiry(tree: Tree) -> None:
    first = inquiry_receive(_zalo("Câu hỏi 1", "m-1"))
    second = inquiry_receive(_zalo("Bổ sung thông tin", "m-2"))
    assert not second.created
    assert second.inquiry.pk == first.inquiry.pk
    assert Inquiry.objects.count() == 1
    assert Message.objects.filter(inquiry=first.inquiry, direction=Direction.IN).count() == 2
    assert " bo sung" in Inquiry.objects.get().search_text
    # Another user's conversation is another inquiry.
    assert inquiry_receive(_zalo("Tôi hỏi khác", "m-3", user="u2")).created


def test_follow_up_reopens_an_answered_inquiry_and_restarts_the_clock(
    tree: Tree, officers: Officers
) -> None:
    inquiry = inquiry_receive(_zalo("Câu hỏi", "m-1", hint=tree.a_kcn)).inquiry
    inquiry_reply(inquiry=inquiry, body="Trả lời", actor=officers.a_admin)
    inquiry.refresh_from_db()
    assert inquiry.status == Status.ANSWERED and inquiry.reply_due is None
    later = timezone.now() + dt.timedelta(minutes=5)
    inquiry_receive(_zalo("Tôi vẫn chưa rõ", "m-2", at=later))
    inquiry.refresh_from_db()
    assert inquiry.status == Status.ASSIGNED  # the replier became the assignee
    assert inquiry.reply_due == later + dt.timedelta(hours=24)
    assert inquiry.last_inbound_at == later
    # The first response stays the first one.
    assert inquiry.first_responded_at is not None and inquiry.first_responded_at < later
    kinds = list(InquiryEvent.objects.filter(inquiry=inquiry).values_list("kind", flat=True))
    assert kinds.count(EventKind.REOPENED) == 1


def test_follow_up_reopens_a_recently_closed_inquiry(tree: Tree, officers: Officers) -> None:
    inquiry = inquiry_receive(_zalo("Câu hỏi", "m-1")).inquiry
    inquiry_close(inquiry=inquiry, actor=officers.a_admin)
    again = inquiry_receive(_zalo("Còn một ý nữa", "m-2"))
    inquiry.refresh_from_db()
    assert again.inquiry.pk == inquiry.pk
    assert inquiry.status == Status.NEW and inquiry.closed_at is None
    assert inquiry.reply_due is not None


def test_message_on_a_long_closed_conversation_opens_a_new_inquiry(
    tree: Tree, officers: Officers
) -> None:
    inquiry = inquiry_receive(_zalo("Câu hỏi", "m-1")).inquiry
    inquiry_close(inquiry=inquiry, actor=officers.a_admin)
    Inquiry.objects.filter(pk=inquiry.pk).update(
        closed_at=timezone.now() - REOPEN_WINDOW - dt.timedelta(days=1)
    )
    again = inquiry_receive(_zalo("Câu hỏi mới", "m-2"))
    assert again.created and again.inquiry.pk != inquiry.pk
    inquiry.refresh_from_db()
    assert inquiry.status == Status.CLOSED


def test_empty_message_and_unknown_source_are_refused(tree: Tree) -> None:
    with pytest.raises(ValueError, match="không có nội dung"):
        inquiry_receive(Incoming(source=Source.WEB, body="   "))
    with pytest.raises(ValueError, match="Kênh tiếp nhận không hợp lệ"):
        inquiry_receive(Incoming(source="fax", body="hỏi"))
    assert Inquiry.objects.count() == 0


# ---------------------------------------------------------------------------------------------
# Outbox


@pytest.fixture
def fake_send(monkeypatch: pytest.MonkeyPatch) -> Callable[[Any], None]:
    """Replace the platform call; returns a setter for what the next calls do."""
    import lantoa.inquiries.replies as send_module

    state: dict[str, Any] = {"effect": lambda outbound: "ext-1", "calls": []}

    def fake(outbound: OutboundReply) -> str:
        state["calls"].append(outbound.pk)
        result: str = state["effect"](outbound)
        return result

    monkeypatch.setattr(send_module, "send_reply", fake)

    def set_effect(effect: Any) -> None:
        state["effect"] = effect

    set_effect.calls = state["calls"]  # type: ignore[attr-defined]
    return set_effect


def _reply(tree: Tree, officers: Officers, source: str = Source.ZALO) -> OutboundReply:
    inquiry = inquiry_receive(
        Incoming(
            source=source,
            body="Câu hỏi",
            thread_key=f"{source}:x:1",
            platform_user_id="1",
            email="a@example.vn" if source == Source.EMAIL else "",
            unit_hint=tree.a_g1,
        )
    ).inquiry
    message = inquiry_reply(inquiry=inquiry, body="Trả lời", actor=officers.a_admin)
    return OutboundReply.objects.get(message=message)


def _raise(exc: Exception) -> Callable[[Any], str]:
    def effect(outbound: Any) -> str:
        raise exc

    return effect


def test_delivery_claims_once_and_records_the_platform_id(
    tree: Tree, officers: Officers, fake_send: Any
) -> None:
    row = _reply(tree, officers)
    assert row.status == OutboxStatus.PENDING
    assert outbox.deliver(row.pk) == OutboxStatus.SENT
    assert outbox.deliver(row.pk) == "skipped"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.external_id) == (OutboxStatus.SENT, 1, "ext-1")
    assert row.sent_at is not None
    assert fake_send.calls == [row.pk]


def test_temporary_errors_back_off_then_succeed(
    tree: Tree, officers: Officers, fake_send: Any
) -> None:
    row = _reply(tree, officers)
    fake_send(_raise(TemporaryError("Máy chủ Zalo bận", code=503)))
    before = timezone.now()
    assert outbox.deliver(row.pk) == OutboxStatus.PENDING
    row.refresh_from_db()
    assert row.attempts == 1 and row.status == OutboxStatus.PENDING
    assert "Máy chủ Zalo bận" in row.last_error
    assert row.next_attempt_at >= before + dt.timedelta(minutes=1)
    assert row.next_attempt_at < before + dt.timedelta(minutes=2)
    # Not due yet: nothing is sent.
    assert outbox.deliver(row.pk) == "skipped"
    later = row.next_attempt_at + dt.timedelta(seconds=1)
    assert outbox.deliver(row.pk, now=later) == OutboxStatus.PENDING
    row.refresh_from_db()
    assert row.attempts == 2
    # The second wait is longer (5 minutes).
    assert row.next_attempt_at - timezone.now() > dt.timedelta(minutes=4)
    fake_send(lambda outbound: "ext-9")
    assert outbox.deliver(row.pk, now=row.next_attempt_at) == OutboxStatus.SENT
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (OutboxStatus.SENT, 3, "")


def test_permanent_error_fails_at_once_and_shows_on_the_inquiry(
    tree: Tree, officers: Officers, fake_send: Any
) -> None:
    row = _reply(tree, officers)
    fake_send(_raise(PermanentError("Người dùng đã bỏ quan tâm OA", code=-213)))
    assert outbox.deliver(row.pk) == OutboxStatus.FAILED
    row.refresh_from_db()
    assert row.status == OutboxStatus.FAILED and row.permanent_error
    assert "bỏ quan tâm" in row.last_error
    event = InquiryEvent.objects.get(kind=EventKind.REPLY_FAILED)
    assert event.inquiry_id == row.message.inquiry_id
    assert "bỏ quan tâm" in event.data["error"]


def test_temporary_errors_give_up_after_a_day(
    tree: Tree, officers: Officers, fake_send: Any
) -> None:
    row = _reply(tree, officers)
    OutboundReply.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - outbox.GIVE_UP_AFTER - dt.timedelta(minutes=1)
    )
    fake_send(_raise(TemporaryError("timeout")))
    assert outbox.deliver(row.pk) == OutboxStatus.FAILED
    row.refresh_from_db()
    assert row.status == OutboxStatus.FAILED and not row.permanent_error


def test_retry_puts_a_failed_reply_back_and_delivers_it(
    tree: Tree,
    officers: Officers,
    fake_send: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    row = _reply(tree, officers)
    fake_send(_raise(PermanentError("Token hết hạn")))
    outbox.deliver(row.pk)
    fake_send(lambda outbound: "ext-2")
    row.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.outbox_retry(row)
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and row.external_id == "ext-2"
    assert not outbox.outbox_retry(row)  # only failed rows


def test_sweep_recovers_a_claim_left_by_a_killed_worker(
    tree: Tree, officers: Officers, fake_send: Any
) -> None:
    row = _reply(tree, officers)
    OutboundReply.objects.filter(pk=row.pk).update(
        status=OutboxStatus.SENDING,
        claimed_at=timezone.now() - outbox.STALE_CLAIM - dt.timedelta(minutes=1),
        attempts=1,
    )
    fresh = _reply(tree, officers, Source.EMAIL)
    OutboundReply.objects.filter(pk=fresh.pk).update(
        status=OutboxStatus.SENDING, claimed_at=timezone.now()
    )
    assert outbox.outbox_sweep() == 1  # eager: delivered at once
    row.refresh_from_db()
    fresh.refresh_from_db()
    assert row.status == OutboxStatus.SENT and row.attempts == 2
    assert fresh.status == OutboxStatus.SENDING  # a live claim is left alone
    assert row.crashes == 1 and fresh.crashes == 0


def test_reply_whose_worker_keeps_dying_is_failed_with_the_reason(
    tree: Tree, officers: Officers, fake_send: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each delivery claims the reply and its worker dies mid-send: the sweep retakes it after
    STALE_CLAIM, and after the kind's limit fails it, shown on the inquiry like any failure."""
    from lantoa.core import jobs as durable
    from lantoa.core.messages import text_in_site_language, text_store

    row = _reply(tree, officers)
    fake_send(_raise(RuntimeError("worker killed")))

    def dying_worker(pk: int) -> None:
        with contextlib.suppress(RuntimeError):
            outbox.deliver(pk)

    monkeypatch.setattr(outbox.deliver_reply, "delay", dying_worker)
    dying_worker(row.pk)
    limit = outbox.OUTBOUND_REPLIES.max_crashes
    for crash in range(1, limit + 1):
        OutboundReply.objects.filter(pk=row.pk).update(
            claimed_at=timezone.now() - outbox.STALE_CLAIM - dt.timedelta(seconds=1)
        )
        retaken = outbox.outbox_sweep()
        row.refresh_from_db()
        assert row.crashes == crash
        if crash < limit:
            assert retaken == 1 and row.status == OutboxStatus.SENDING
            assert row.attempts == crash + 1
    assert limit == 3 and row.status == OutboxStatus.FAILED and not row.permanent_error
    reason = durable.crash_reason(3)
    assert row.last_error == text_in_site_language(reason)
    assert row.last_error_text == text_store(reason)
    event = InquiryEvent.objects.get(kind=EventKind.REPLY_FAILED)
    assert event.data == {
        "error": text_in_site_language(reason),
        "error_text": text_store(reason),
        "outbound": row.pk,
    }
    assert outbox.outbox_sweep() == 0 and row.attempts == 3  # never retaken again


@pytest.mark.parametrize(
    ("source", "pushed"),
    [
        (Source.ZALO, True),
        (Source.FACEBOOK, True),
        (Source.EMAIL, True),
        (Source.WEB, False),
        (Source.HOTLINE, False),
        (Source.WALK_IN, False),
    ],
)
def test_only_platform_replies_are_queued(
    source: str, pushed: bool, tree: Tree, officers: Officers
) -> None:
    inquiry = inquiry_receive(Incoming(source=source, body="Hỏi", unit_hint=tree.a_g1)).inquiry
    message = inquiry_reply(inquiry=inquiry, body="Đáp", actor=officers.a_admin)
    assert OutboundReply.objects.filter(message=message).exists() is pushed
    assert OutboundReply.objects.count() == int(pushed)

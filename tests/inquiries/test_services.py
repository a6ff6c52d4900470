"""Handling services of the inbox (lantoa.inquiries.services): assign, reassign, notes, replies,
close and reopen, categories, hotline logging, desk settings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lantoa.accounts.models import User
from lantoa.audit.models import AuditEvent
from lantoa.inquiries import counts, services
from lantoa.inquiries.intake import response_hours_for
from lantoa.inquiries.models import (
    Direction,
    EventKind,
    Inquiry,
    InquiryContact,
    InquiryEvent,
    Kind,
    Message,
    OutboundReply,
    OutboxStatus,
    Source,
    Status,
    UnitInquirySettings,
)
from lantoa.kb.models import Category
from lantoa.notifications.models import Notification
from tests.conftest import Officers, Tree
from tests.inquiries.support import audits, receive

pytestmark = pytest.mark.django_db


def test_assign_checks_the_assignee_and_records_it(
    tree: Tree, officers: Officers, g1_handler: User
) -> None:
    inquiry = receive(tree.a_g1)
    services.inquiry_assign(inquiry=inquiry, assignee=g1_handler, actor=officers.a_admin)
    assert inquiry.assignee == g1_handler and inquiry.status == Status.ASSIGNED
    event = InquiryEvent.objects.get(inquiry=inquiry, kind=EventKind.ASSIGNED)
    assert event.actor == officers.a_admin and event.data["assignee"] == g1_handler.pk
    [audit] = audits("inquiry.assign")
    assert audit.target == inquiry.code and audit.actor == officers.a_admin
    assert Notification.objects.filter(user=g1_handler, kind="inquiry.assigned").count() == 1
    # Assigning the same person again changes nothing.
    services.inquiry_assign(inquiry=inquiry, assignee=g1_handler, actor=officers.a_admin)
    assert InquiryEvent.objects.filter(kind=EventKind.ASSIGNED).count() == 1

    for outsider in (officers.a_viewer, officers.a_briefer, officers.b_admin):
        with pytest.raises(ValidationError, match="không có quyền xử lý"):
            services.inquiry_assign(inquiry=inquiry, assignee=outsider, actor=officers.a_admin)
    inquiry.refresh_from_db()
    assert inquiry.assignee == g1_handler

    services.inquiry_assign(inquiry=inquiry, assignee=None, actor=officers.a_admin)
    assert inquiry.assignee is None and inquiry.status == Status.NEW


def test_reassign_within_the_subtree_only(tree: Tree, officers: Officers) -> None:
    inquiry = receive(tree.a_g1)
    services.inquiry_assign(
        inquiry=inquiry, assignee=officers.a_communicator, actor=officers.a_communicator
    )
    with pytest.raises(ValidationError, match="ngoài phạm vi"):
        services.inquiry_reassign(inquiry=inquiry, unit=tree.a_g3, actor=officers.a_communicator)
    with pytest.raises(ValidationError, match="chính đơn vị này"):
        services.inquiry_reassign(inquiry=inquiry, unit=tree.a_g1, actor=officers.a_communicator)
    services.inquiry_reassign(
        inquiry=inquiry, unit=tree.a_g2, actor=officers.a_communicator, note="Đúng doanh nghiệp"
    )
    assert inquiry.unit == tree.a_g2
    assert inquiry.assignee == officers.a_communicator  # can still handle it there
    event = InquiryEvent.objects.get(kind=EventKind.REASSIGNED)
    assert event.data["note"] == "Đúng doanh nghiệp" and event.unit == tree.a_g2
    assert audits("inquiry.reassign")[0].data == {"from_unit": "A-G1", "to_unit": "A-G2"}

    # The province moves it to another branch: the zone's communicator can no longer handle
    # it, so it is unassigned and back to "new".
    services.inquiry_reassign(inquiry=inquiry, unit=tree.a_g3, actor=officers.a_admin)
    assert inquiry.unit == tree.a_g3
    assert inquiry.assignee is None and inquiry.status == Status.NEW
    # Province B cannot pull A's case into its tree.
    with pytest.raises(ValidationError):
        services.inquiry_reassign(inquiry=inquiry, unit=tree.b_g1, actor=officers.a_admin)


def test_reassign_drops_an_escalation_that_no_longer_sits_above(
    tree: Tree, officers: Officers
) -> None:
    inquiry = receive(tree.a_g1)
    Inquiry.objects.filter(pk=inquiry.pk).update(escalated_to=tree.a_kcn, escalation_level=1)
    inquiry.refresh_from_db()
    services.inquiry_reassign(inquiry=inquiry, unit=tree.a_g2, actor=officers.a_admin)
    assert inquiry.escalated_to == tree.a_kcn  # still above A-G2
    services.inquiry_reassign(inquiry=inquiry, unit=tree.a_g3, actor=officers.a_admin)
    assert inquiry.escalated_to is None and inquiry.escalation_level == 1


def test_note_is_internal(tree: Tree, officers: Officers) -> None:
    from lantoa.inquiries.public_services import public_messages

    inquiry = receive(tree.a_g1)
    note = services.inquiry_note(
        inquiry=inquiry, body="Đã gọi điện cho công ty", actor=officers.a_admin
    )
    assert note.direction == Direction.NOTE and note.author == officers.a_admin
    inquiry.refresh_from_db()
    assert inquiry.status == Status.NEW and inquiry.first_responded_at is None
    assert note not in list(public_messages(inquiry))
    assert OutboundReply.objects.count() == 0
    with pytest.raises(ValidationError, match="nội dung ghi chú"):
        services.inquiry_note(inquiry=inquiry, body="  ", actor=officers.a_admin)


def test_reply_records_the_first_response_once(tree: Tree, officers: Officers) -> None:
    t0 = timezone.now() - dt.timedelta(hours=3)
    inquiry = receive(tree.a_g1, at=t0)
    first = services.inquiry_reply(inquiry=inquiry, body="Trả lời lần 1", actor=officers.a_admin)
    assert first.direction == Direction.OUT and first.source == Source.WEB
    assert inquiry.status == Status.ANSWERED
    assert inquiry.first_responded_at == first.created_at == inquiry.answered_at
    assert inquiry.reply_due is None and inquiry.warned_at is None
    assert inquiry.assignee == officers.a_admin  # the replier takes the case
    second = services.inquiry_reply(
        inquiry=inquiry, body="Bổ sung", actor=officers.a_propaganda, close=True
    )
    inquiry.refresh_from_db()
    assert inquiry.first_responded_at == first.created_at
    assert inquiry.answered_at == second.created_at
    assert inquiry.status == Status.CLOSED and inquiry.closed_at is not None
    kinds = list(InquiryEvent.objects.filter(inquiry=inquiry).values_list("kind", flat=True))
    assert kinds == [EventKind.CREATED, EventKind.ANSWERED, EventKind.ANSWERED, EventKind.CLOSED]
    assert len(audits("inquiry.reply")) == 2
    with pytest.raises(ValidationError, match="đã đóng"):
        services.inquiry_reply(inquiry=inquiry, body="Nữa", actor=officers.a_admin)
    with pytest.raises(ValidationError, match="nội dung trả lời"):
        services.inquiry_reply(inquiry=receive(tree.a_g1), body=" ", actor=officers.a_admin)
    assert Message.objects.filter(direction=Direction.OUT).count() == 2


@pytest.mark.parametrize(
    ("source", "queued"),
    [(Source.ZALO, 1), (Source.FACEBOOK, 1), (Source.EMAIL, 1), (Source.WEB, 0)],
)
def test_reply_goes_to_the_outbox_for_platforms_only(
    source: str,
    queued: int,
    tree: Tree,
    officers: Officers,
    django_capture_on_commit_callbacks: Any,
) -> None:
    inquiry = receive(tree.a_g1, source=source)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = services.inquiry_reply(inquiry=inquiry, body="Trả lời", actor=officers.a_admin)
    rows = OutboundReply.objects.filter(message=message)
    assert rows.count() == queued
    # Delivery is queued after commit, never inside the transaction (beside the header
    # count's refresh, also after commit).
    assert len([c for c in callbacks if c is not counts.bump]) == queued
    if queued:
        assert rows.get().status == OutboxStatus.PENDING and rows.get().source == source


def test_close_and_reopen(tree: Tree, officers: Officers) -> None:
    inquiry = receive(tree.a_g1)
    services.inquiry_close(inquiry=inquiry, actor=officers.a_admin)
    assert inquiry.status == Status.CLOSED and inquiry.reply_due is None
    with pytest.raises(ValidationError, match="đã đóng"):
        services.inquiry_close(inquiry=inquiry, actor=officers.a_admin)
    before = timezone.now()
    services.inquiry_reopen(inquiry=inquiry, actor=officers.a_admin)
    # The worker's question is still unanswered: the clock restarts.
    assert inquiry.status == Status.NEW and inquiry.closed_at is None
    assert inquiry.reply_due is not None and inquiry.reply_due >= before + dt.timedelta(hours=24)
    with pytest.raises(ValidationError, match="đang mở"):
        services.inquiry_reopen(inquiry=inquiry, actor=officers.a_admin)

    services.inquiry_reply(inquiry=inquiry, body="Đã trả lời", actor=officers.a_admin, close=True)
    services.inquiry_reopen(inquiry=inquiry, actor=officers.a_admin)
    assert inquiry.status == Status.ASSIGNED and inquiry.reply_due is None
    assert [a.action for a in AuditEvent.objects.filter(target=inquiry.code)].count(
        "inquiry.reopen"
    ) == 2


def test_categorise(tree: Tree, officers: Officers) -> None:
    inquiry = receive(tree.a_g1)
    services.inquiry_categorise(
        inquiry=inquiry, category=Category.WAGES, kind=Kind.COMPLAINT, actor=officers.a_admin
    )
    assert (inquiry.category, inquiry.kind) == (Category.WAGES, Kind.COMPLAINT)
    event = InquiryEvent.objects.get(kind=EventKind.CATEGORISED)
    assert event.data["old_category"] == "" and event.data["category"] == "wages"
    with pytest.raises(ValidationError):
        services.inquiry_categorise(inquiry=inquiry, category="x", kind=Kind.QUESTION, actor=None)  # type: ignore[arg-type]


def test_log_call_routes_within_the_officers_subtree(tree: Tree, officers: Officers) -> None:
    inquiry = services.inquiry_log_call(
        unit=tree.a_kcn,
        actor=officers.a_communicator,
        source=Source.HOTLINE,
        body="Công ty chưa trả lương tháng 4",
        name="Lê Văn Gọi",
        phone="0912 345 678",
        consent=True,
        workplace="May Ánh Dương",
        category=Category.WAGES,
        kind=Kind.COMPLAINT,
    )
    assert inquiry.unit == tree.a_g1 and inquiry.source == Source.HOTLINE
    assert (inquiry.category, inquiry.kind, inquiry.status) == ("wages", "complaint", "new")
    contact = InquiryContact.objects.get(inquiry=inquiry)
    assert (contact.name, contact.phone) == ("Lê Văn Gọi", "0912345678")
    assert contact.consent_at is not None
    message = Message.objects.get(inquiry=inquiry)
    assert message.author == officers.a_communicator and message.direction == Direction.IN
    assert audits("inquiry.log_call")[0].target == inquiry.code

    # The workplace names a union outside the officer's subtree: kept at the officer's unit.
    walk_in = services.inquiry_log_call(
        unit=tree.a_kcn,
        actor=officers.a_communicator,
        source=Source.WALK_IN,
        body="Hỏi về chế độ thai sản",
        anonymous=True,
        name="bỏ qua",
        phone="0999",
        workplace="Trường Tiểu học Mỹ Bình",
        answered_body="Đã hướng dẫn hồ sơ hưởng chế độ thai sản.",
    )
    assert walk_in.unit == tree.a_kcn
    assert not InquiryContact.objects.filter(inquiry=walk_in).exists()
    walk_in.refresh_from_db()
    assert walk_in.status == Status.ANSWERED and walk_in.first_responded_at is not None
    assert OutboundReply.objects.count() == 0  # nothing to push for a walk-in


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"body": "  "}, "body", "nội dung"),
        ({"phone": "12345"}, "phone", "không hợp lệ"),
        ({"consent": False}, "consent", "đồng ý"),
        ({"source": Source.ZALO}, "source", "đường dây nóng"),
        ({"category": "abc"}, "category", "Lĩnh vực"),
    ],
)
def test_log_call_refuses_bad_input_and_stores_nothing(
    changes: dict[str, Any], field: str, message: str, tree: Tree, officers: Officers
) -> None:
    data: dict[str, Any] = {
        "unit": tree.a_kcn,
        "actor": officers.a_communicator,
        "source": Source.HOTLINE,
        "body": "Hỏi về hợp đồng",
        "name": "Lê Văn Gọi",
        "phone": "0912345678",
        "consent": True,
    }
    data.update(changes)
    with pytest.raises(ValidationError) as caught:
        services.inquiry_log_call(**data)
    assert message in " ".join(caught.value.message_dict[field])
    assert Inquiry.objects.count() == 0 and Message.objects.count() == 0


def test_settings_update_validates_ranges(tree: Tree, officers: Officers) -> None:
    for hours, days, field in (
        (0, 365, "response_hours"),
        (169, 365, "response_hours"),
        (24, 29, "retention_days"),
        (24, 3651, "retention_days"),
    ):
        with pytest.raises(ValidationError) as caught:
            services.inquiry_settings_update(
                unit=tree.a_kcn, response_hours=hours, retention_days=days, actor=officers.a_admin
            )
        assert field in caught.value.message_dict
    assert UnitInquirySettings.objects.count() == 0
    services.inquiry_settings_update(
        unit=tree.a_kcn, response_hours=12, retention_days=365, actor=officers.a_admin
    )
    assert response_hours_for(tree.a_g1) == 12 and response_hours_for(tree.a_g3) == 24
    assert audits("inquiry.settings_update")[0].data == {
        "response_hours": 12,
        "retention_days": 365,
    }

"""The officers' inbox: handling services, inbox scope and filters, the case page and its
actions, contact masking and its audit, hotline logging, canned answers, desk settings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lantoa.accounts.models import Role, User
from lantoa.audit.models import AuditEvent
from lantoa.inquiries import selectors, services
from lantoa.inquiries.intake import Incoming, inquiry_receive, response_hours_for
from lantoa.inquiries.models import (
    CannedAnswer,
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
from lantoa.inquiries.selectors import InboxFilters
from lantoa.kb.models import Category
from lantoa.notifications.models import Notification
from lantoa.units.models import Unit
from lantoa.units.services import unit_move
from tests.conftest import Officers, Tree, login, make_officer

pytestmark = pytest.mark.django_db

PHONE = "0987654321"
NAME = "Trần Thị Công Nhân"


def receive(
    unit: Unit | None,
    body: str = "Công ty không trả lương làm thêm giờ cho tôi",
    *,
    source: str = Source.WEB,
    at: dt.datetime | None = None,
    contact: bool = True,
    **extra: Any,
) -> Inquiry:
    identity: dict[str, Any] = {"name": NAME, "phone": PHONE, "consent": True} if contact else {}
    if source in (Source.ZALO, Source.FACEBOOK):
        extra.setdefault("platform_user_id", "psid-1")
        extra.setdefault("thread_key", f"{source}:page:psid-1")
    if source == Source.EMAIL:
        identity["email"] = "cong.nhan@example.vn"
    return inquiry_receive(
        Incoming(source=source, body=body, unit_hint=unit, received_at=at, **identity, **extra)
    ).inquiry


@pytest.fixture
def g1_handler(tree: Tree) -> User:
    """A handler whose role is held at the grassroots union itself."""
    return make_officer("tuyengiao_g1", tree.a_g1, Role.PROPAGANDA)


def audits(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


# ---------------------------------------------------------------------------------------------
# Services


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
    # Delivery is queued after commit, never inside the transaction.
    assert len(callbacks) == queued
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


# ---------------------------------------------------------------------------------------------
# Inbox scope, tabs, filters, order


def test_inbox_scope(tree: Tree, officers: Officers) -> None:
    now = timezone.now()
    a1, a3, b1 = receive(tree.a_g1), receive(tree.a_g3), receive(tree.b_g1)
    everything = InboxFilters()

    def codes(user: User) -> set[str]:
        return {i.code for i in selectors.inbox(user, everything, tab="tat-ca", now=now)}

    assert codes(officers.a_admin) == {a1.code, a3.code}
    assert codes(officers.a_communicator) == {a1.code}
    assert codes(officers.b_admin) == {b1.code}
    assert codes(officers.national_admin) == {a1.code, a3.code, b1.code}
    # Roles without inquiry.view see nothing.
    assert codes(officers.a_viewer) == set() and codes(officers.a_briefer) == set()

    # A case escalated to a unit stays visible to it even after its unit moved elsewhere.
    Inquiry.objects.filter(pk=a1.pk).update(escalated_to=tree.a_kcn, escalation_level=1)
    unit_move(unit=tree.a_g1, new_parent=tree.a_xa)
    assert codes(officers.a_communicator) == {a1.code}
    escalated = selectors.inbox(officers.a_communicator, everything, tab="chuyen-len", now=now)
    assert [i.code for i in escalated] == [a1.code]
    assert selectors.inquiry_for(officers.a_communicator, a1.code) == a1


def test_tabs_counts_filters_and_order(tree: Tree, officers: Officers) -> None:
    now = timezone.now()
    old = now - dt.timedelta(days=3)
    overdue = receive(tree.a_g1, "Hỏi về nghỉ phép năm", at=old)
    urgent_overdue = receive(tree.a_g1, "Công nhân bị tai nạn lao động", at=old)
    urgent = receive(tree.a_g2, "Cả xưởng bị nợ lương 2 tháng", source=Source.ZALO)
    mine = receive(tree.a_g3, "Đoàn phí đóng bao nhiêu?", category=Category.MEMBERSHIP)
    services.inquiry_assign(inquiry=mine, assignee=officers.a_admin, actor=officers.a_admin)
    answered = receive(tree.a_g1, "Lương tối thiểu vùng năm nay")
    services.inquiry_reply(inquiry=answered, body="Theo Nghị định…", actor=officers.a_propaganda)
    closed = receive(tree.a_g1, "Câu hỏi trùng")
    services.inquiry_close(inquiry=closed, actor=officers.a_admin)
    user = officers.a_admin
    f = InboxFilters()

    counts = selectors.inbox_counts(user, f, now=now)
    assert counts == {
        "mo": 4,
        "cua-toi": 1,
        "chua-phan-cong": 3,
        "qua-han": 2,
        "khan": 2,
        "chuyen-len": 0,
        "da-tra-loi": 1,
        "da-dong": 1,
        "tat-ca": 6,
    }
    for tab, n in counts.items():
        assert selectors.inbox(user, f, tab=tab, now=now).count() == n, tab

    # Urgent and overdue first, then overdue, then urgent, then by deadline.
    order = [i.code for i in selectors.inbox(user, f, tab="mo", now=now)]
    assert order == [urgent_overdue.code, overdue.code, urgent.code, mine.code]

    def found(**kwargs: Any) -> set[str]:
        return {
            i.code for i in selectors.inbox(user, InboxFilters(**kwargs), tab="tat-ca", now=now)
        }

    assert found(source=Source.ZALO) == {urgent.code}
    assert found(category=Category.MEMBERSHIP) == {mine.code}
    assert found(unit=tree.a_kcn) == {
        overdue.code,
        urgent_overdue.code,
        urgent.code,
        answered.code,
        closed.code,
    }
    assert found(text="luong toi thieu") == {answered.code}
    assert found(text="TAI NẠN") == {urgent_overdue.code}
    assert found(text="nạn tai") == {urgent_overdue.code}  # word order does not matter
    assert found(text="ai nan") == set()  # words are matched from their start
    assert found(text=mine.code) == {mine.code}
    assert found(start=now - dt.timedelta(days=1)) == {
        urgent.code,
        mine.code,
        answered.code,
        closed.code,
    }
    assert found(end=now - dt.timedelta(days=1)) == {overdue.code, urgent_overdue.code}
    assert selectors.inbox_counts(user, InboxFilters(source=Source.ZALO), now=now)["khan"] == 1


def test_inbox_query_count_does_not_grow_with_rows(
    client: Client, tree: Tree, officers: Officers
) -> None:
    login(client, officers.a_admin)
    for i in range(3):
        services.inquiry_assign(
            inquiry=receive(tree.a_g1, f"Câu hỏi số {i}"),
            assignee=officers.a_admin,
            actor=officers.a_admin,
        )
    with CaptureQueriesContext(connection) as few:
        assert client.get("/hop-thu/").status_code == 200
    for i in range(25):
        # Urgent and escalated rows show more (reasons, the upper unit): still no extra query.
        body = f"Công nhân bị tai nạn {i}" if i % 3 else f"Câu hỏi thêm {i}"
        inquiry = receive(tree.a_g2 if i % 2 else tree.a_g3, body)
        if i % 4 == 0:
            Inquiry.objects.filter(pk=inquiry.pk).update(escalated_to=tree.pa, escalation_level=1)
        services.inquiry_assign(inquiry=inquiry, assignee=officers.a_leader, actor=officers.a_admin)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/hop-thu/")
    assert response.content.decode().count('class="inbox-row') == 28
    assert len(many) == len(few)


# ---------------------------------------------------------------------------------------------
# Screens


def test_inbox_page_and_htmx_partial(client: Client, tree: Tree, officers: Officers) -> None:
    overdue = receive(tree.a_g1, "Hỏi về nghỉ phép", at=timezone.now() - dt.timedelta(hours=27))
    receive(tree.b_g1, "Câu hỏi của tỉnh B")
    login(client, officers.a_admin)
    page = client.get("/hop-thu/").content.decode()
    assert overdue.code in page and "Câu hỏi của tỉnh B" not in page
    assert "quá hạn 3 giờ" in page
    assert 'id="inbox-filters"' in page
    partial = client.get("/hop-thu/?xem=qua-han&q=nghi+phep", HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert partial.status_code == 200 and "<html" not in body
    assert overdue.code in body and 'hx-swap-oob="true"' in body
    assert client.get("/hop-thu/?xem=da-dong").content.decode().count('class="inbox-row') == 0
    bad = client.get("/hop-thu/?don_vi=P-B&tu=31/02/2026").content.decode()
    assert "trong phạm vi bạn phụ trách" in bad and "dd/mm/yyyy" in bad
    # Officers without the inbox permission are refused.
    login(client, officers.a_viewer)
    assert client.get("/hop-thu/").status_code == 403


def test_case_page_access(client: Client, tree: Tree, officers: Officers) -> None:
    a_case, b_case = receive(tree.a_g1), receive(tree.b_g1)
    login(client, officers.b_admin)
    assert client.get(f"/hop-thu/{a_case.code}/").status_code == 404
    for action in ("tra-loi", "ghi-chu", "phan-cong", "dong", "lien-he", "chuyen-don-vi"):
        assert client.post(f"/hop-thu/{a_case.code}/{action}/", {"body": "x"}).status_code == 404
    for action in ("phan-loai", "mo-lai", "xoa-thong-tin-ca-nhan", "tao-bai-tri-thuc"):
        assert client.get(f"/hop-thu/{a_case.code}/{action}/").status_code in (404, 405)
        assert client.post(f"/hop-thu/{a_case.code}/{action}/", {"body": "x"}).status_code == 404
    assert InquiryContact.objects.filter(inquiry=a_case).exists()
    assert client.get(f"/hop-thu/{b_case.code}/").status_code == 200
    assert client.get("/hop-thu/HD-2222-2222/").status_code == 404
    login(client, officers.a_viewer)  # sees the unit, may not read its cases
    assert client.get(f"/hop-thu/{a_case.code}/").status_code == 403
    login(client, officers.a_communicator)
    page = client.get(f"/hop-thu/{a_case.code}/").content.decode()
    assert "Công ty không trả lương làm thêm giờ" in page
    # What workers write is shown inert.
    script = receive(tree.a_g1, "<script>alert(1)</script><b>đậm</b>")
    page = client.get(f"/hop-thu/{script.code}/").content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>đậm</b>" not in client.get("/hop-thu/?xem=tat-ca").content.decode()
    assert 'id="tra-loi"' in page  # may handle: the reply box is there


def test_reply_note_assign_close_reopen_through_the_page(
    client: Client, tree: Tree, officers: Officers
) -> None:
    inquiry = receive(tree.a_g1)
    url = f"/hop-thu/{inquiry.code}/"
    login(client, officers.a_communicator)
    assert client.post(url + "phan-cong/", {"assignee": "me"}).status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.assignee == officers.a_communicator
    response = client.post(url + "phan-cong/", {"assignee": str(officers.a_viewer.pk)})
    inquiry.refresh_from_db()
    assert response.status_code == 302 and inquiry.assignee == officers.a_communicator
    client.post(url + "phan-cong/", {"assignee": str(officers.a_leader.pk)})
    inquiry.refresh_from_db()
    assert inquiry.assignee == officers.a_leader

    empty = client.post(url + "tra-loi/", {"body": ""})
    assert empty.status_code == 400 and "Hãy nhập nội dung trả lời." in empty.content.decode()
    client.post(url + "ghi-chu/", {"body": "Đã liên hệ phòng nhân sự"})
    client.post(url + "phan-loai/", {"category": "wages", "kind": "complaint"})
    response = client.post(url + "tra-loi/", {"body": "Công đoàn đã đề nghị công ty trả đủ."})
    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.status == Status.ANSWERED and inquiry.category == "wages"
    page = client.get(url).content.decode()
    assert "Đã liên hệ phòng nhân sự" in page and "Ghi chú nội bộ" in page
    assert "Người lao động đọc trên trang tra cứu" in page
    client.post(url + "dong/")
    inquiry.refresh_from_db()
    assert inquiry.status == Status.CLOSED
    client.post(url + "mo-lai/")
    inquiry.refresh_from_db()
    assert inquiry.status == Status.ASSIGNED
    # Briefers see the unit but do not handle cases.
    login(client, officers.a_briefer)
    assert client.post(url + "tra-loi/", {"body": "x"}).status_code == 403


def test_contact_is_masked_and_each_reveal_is_audited(
    client: Client, tree: Tree, officers: Officers, g1_handler: User
) -> None:
    inquiry = receive(tree.a_g1)
    url = f"/hop-thu/{inquiry.code}/"
    # The province sees the case, but it is not the handling unit: no contact details.
    login(client, officers.a_admin)
    page = client.get(url).content.decode()
    assert PHONE not in page and NAME not in page
    assert "Hiện thông tin liên hệ" not in page
    assert client.post(url + "lien-he/").status_code == 403
    assert audits("inquiry.contact_viewed") == []

    login(client, g1_handler)
    page = client.get(url).content.decode()
    assert PHONE not in page and "Hiện thông tin liên hệ" in page
    shown = client.post(url + "lien-he/", HTTP_HX_REQUEST="true").content.decode()
    assert PHONE in shown and NAME in shown and "<html" not in shown
    client.post(url + "lien-he/")
    views = audits("inquiry.contact_viewed")
    assert len(views) == 2
    assert all(v.target == inquiry.code and v.actor == g1_handler for v in views)
    assert all(PHONE not in str(v.data) and NAME not in str(v.data) for v in views)

    # The assignee may see it, wherever their role is held; so may the escalated-to unit.
    assert not services.contact_visible_to(officers.a_leader, inquiry)
    services.inquiry_assign(inquiry=inquiry, assignee=officers.a_leader, actor=g1_handler)
    assert services.contact_visible_to(officers.a_leader, inquiry)
    kcn = make_officer("tuyengiao_kcn", tree.a_kcn, Role.PROPAGANDA)
    assert not services.contact_visible_to(kcn, inquiry)
    Inquiry.objects.filter(pk=inquiry.pk).update(escalated_to=tree.a_kcn)
    inquiry.refresh_from_db()
    assert services.contact_visible_to(kcn, inquiry)
    # The zone union's communicator handles cases too (a role held at the escalated unit).
    assert services.contact_visible_to(officers.a_communicator, inquiry)
    assert not services.contact_visible_to(officers.a_briefer, inquiry)
    boss = User.objects.create_superuser("boss", password="x-Mat-khau-2026")
    assert services.contact_visible_to(boss, inquiry)
    assert not services.contact_visible_to(officers.b_admin, inquiry)


def test_no_contact_details_in_notifications_or_logs(
    tree: Tree, officers: Officers, g1_handler: User, caplog: pytest.LogCaptureFixture
) -> None:
    from lantoa.inquiries import sla

    caplog.set_level("DEBUG")
    inquiry = receive(tree.a_g1, at=timezone.now() - dt.timedelta(hours=30))
    services.inquiry_assign(inquiry=inquiry, assignee=g1_handler, actor=officers.a_admin)
    sla.sla_sweep()
    services.inquiry_reassign(inquiry=inquiry, unit=tree.a_g2, actor=officers.a_admin)
    texts = [f"{n.title} {n.body}" for n in Notification.objects.all()]
    assert texts
    for text in [*texts, caplog.text, *(str(a.data) for a in AuditEvent.objects.all())]:
        assert PHONE not in text and NAME not in text


def test_export_contacts_only_when_ticked_and_allowed(
    client: Client, tree: Tree, officers: Officers, g1_handler: User
) -> None:
    receive(tree.a_g1)
    receive(tree.a_g3)
    login(client, g1_handler)
    plain = client.post("/hop-thu/xuat/", {"xem": "tat-ca"})
    text = plain.content.decode("utf-8-sig")
    assert plain["Content-Type"].startswith("text/csv")
    assert PHONE not in text and "Số điện thoại" not in text
    assert len(text.strip().splitlines()) == 2  # header + the one case in A-G1
    assert audits("inquiry.export")[0].data["rows"] == 1
    ticked = client.post("/hop-thu/xuat/", {"xem": "tat-ca", "lien_he": "1"}).content.decode(
        "utf-8-sig"
    )
    assert PHONE in ticked and NAME in ticked
    [audit] = audits("inquiry.export_contacts")
    assert audit.data == {"rows": 1, "contacts": 1, "tab": "tat-ca"} and audit.actor == g1_handler
    # The province officer sees both cases but neither contact.
    login(client, officers.a_admin)
    ticked = client.post("/hop-thu/xuat/", {"xem": "tat-ca", "lien_he": "1"}).content.decode(
        "utf-8-sig"
    )
    assert PHONE not in ticked and len(ticked.strip().splitlines()) == 3
    assert client.get("/hop-thu/xuat/").status_code == 405


def test_erase_contact_on_request(
    client: Client, tree: Tree, officers: Officers, g1_handler: User
) -> None:
    inquiry = receive(tree.a_g1)
    url = f"/hop-thu/{inquiry.code}/xoa-thong-tin-ca-nhan/"
    login(client, officers.a_admin)
    assert client.post(url).status_code == 403
    assert InquiryContact.objects.filter(inquiry=inquiry).exists()
    login(client, g1_handler)
    assert "Xoá vĩnh viễn" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert not InquiryContact.objects.filter(inquiry=inquiry).exists()
    assert InquiryEvent.objects.filter(inquiry=inquiry, kind=EventKind.CONTACT_ERASED).count() == 1
    assert audits("inquiry.contact_erased")[0].target == inquiry.code


def test_failed_reply_shows_the_platform_error_and_can_be_retried(
    client: Client, tree: Tree, officers: Officers, django_capture_on_commit_callbacks: Any
) -> None:
    inquiry = receive(tree.a_g1, source=Source.ZALO)
    message = services.inquiry_reply(inquiry=inquiry, body="Trả lời", actor=officers.a_admin)
    row = OutboundReply.objects.get(message=message)
    OutboundReply.objects.filter(pk=row.pk).update(
        status=OutboxStatus.FAILED,
        permanent_error=True,
        last_error="Người dùng chưa quan tâm OA (mã lỗi -230)",
    )
    login(client, officers.a_admin)
    page = client.get(f"/hop-thu/{inquiry.code}/").content.decode()
    assert "mã lỗi -230" in page and "Thử gửi lại" in page
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(f"/hop-thu/{inquiry.code}/gui-lai/{row.pk}/")
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == OutboxStatus.PENDING and not row.permanent_error
    assert len(callbacks) == 1
    assert audits("inquiry.reply_retry")[0].target == inquiry.code
    other = receive(tree.a_g2, source=Source.ZALO, thread_key="zalo:p:2")
    assert client.post(f"/hop-thu/{other.code}/gui-lai/{row.pk}/").status_code == 404
    # An officer of another province: the case and its reply are not there.
    OutboundReply.objects.filter(pk=row.pk).update(status=OutboxStatus.FAILED)
    login(client, officers.b_admin)
    assert client.post(f"/hop-thu/{inquiry.code}/gui-lai/{row.pk}/").status_code == 404
    row.refresh_from_db()
    assert row.status == OutboxStatus.FAILED


def test_canned_answers_and_insert(client: Client, tree: Tree, officers: Officers) -> None:
    inquiry = receive(tree.a_g1)
    login(client, officers.a_admin)
    response = client.post(
        "/hop-thu/P-A/mau-tra-loi/",
        {"title": "Lương làm thêm giờ", "category": "wages", "body": "Theo Điều 98 BLLĐ 2019…"},
    )
    assert response.status_code == 302
    canned = CannedAnswer.objects.get()
    assert canned.unit == tree.pa
    bad = client.post("/hop-thu/P-A/mau-tra-loi/", {"title": "", "body": ""})
    assert "Hãy nhập tiêu đề." in bad.content.decode() and CannedAnswer.objects.count() == 1
    # Offered on a case below the province, and inserted after what is typed.
    page = client.get(f"/hop-thu/{inquiry.code}/").content.decode()
    assert "Lương làm thêm giờ" in page
    insert = client.get(
        f"/hop-thu/{inquiry.code}/",
        {"mau": canned.pk, "body": "Chào anh chị,"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "<html" not in insert and 'id="reply-body"' in insert
    assert "Chào anh chị,\n\nTheo Điều 98 BLLĐ 2019…" in insert
    # Another province's canned answer is never inserted.
    foreign = CannedAnswer.objects.create(unit=tree.pb, title="B", body="Của tỉnh B")
    assert (
        "Của tỉnh B"
        not in client.get(f"/hop-thu/{inquiry.code}/?mau={foreign.pk}").content.decode()
    )
    client.post(f"/hop-thu/mau-tra-loi/{canned.pk}/sua/", {"title": "Làm thêm giờ", "body": "Mới"})
    canned.refresh_from_db()
    assert (canned.title, canned.body) == ("Làm thêm giờ", "Mới")
    login(client, officers.b_admin)
    assert client.post(f"/hop-thu/mau-tra-loi/{canned.pk}/xoa/").status_code == 404
    edit = f"/hop-thu/mau-tra-loi/{canned.pk}/sua/"
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"title": "Của tỉnh B", "body": "B"}).status_code == 404
    canned.refresh_from_db()
    assert canned.title == "Làm thêm giờ"
    login(client, officers.a_admin)
    client.post(f"/hop-thu/mau-tra-loi/{canned.pk}/xoa/")
    assert not CannedAnswer.objects.filter(pk=canned.pk).exists()
    assert {a.action for a in AuditEvent.objects.filter(action__startswith="inquiry.canned")} == {
        "inquiry.canned_create",
        "inquiry.canned_update",
        "inquiry.canned_delete",
    }


def test_log_call_page(client: Client, tree: Tree, officers: Officers) -> None:
    login(client, officers.a_communicator)
    url = "/hop-thu/A-KCN/ghi-nhan/"
    assert "Ghi nhận cuộc gọi / tiếp dân" in client.get(url).content.decode()
    bad = client.post(url, {"source": "hotline", "body": "Hỏi", "name": "A", "phone": "0912345678"})
    assert "đồng ý" in bad.content.decode() and Inquiry.objects.count() == 0
    bad_time = client.post(url, {"source": "hotline", "body": "Hỏi", "received_at": "32/13/2026"})
    assert "dd/mm/yyyy hh:mm" in bad_time.content.decode()
    response = client.post(
        url,
        {
            "source": "walk_in",
            "body": "Hỏi về bảo hiểm thất nghiệp",
            "kind": "legal_advice",
            "category": "insurance",
            "received_at": "01/03/2026 09:30",
        },
    )
    inquiry = Inquiry.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/hop-thu/{inquiry.code}/"
    assert inquiry.source == Source.WALK_IN and inquiry.unit == tree.a_kcn
    assert timezone.localtime(inquiry.received_at).strftime("%d/%m/%Y %H:%M") == "01/03/2026 09:30"
    login(client, officers.a_briefer)
    assert client.get(url).status_code == 403


def test_reassign_page_offers_only_the_subtree(
    client: Client, tree: Tree, officers: Officers
) -> None:
    inquiry = receive(tree.a_g1)
    url = f"/hop-thu/{inquiry.code}/chuyen-don-vi/"
    login(client, officers.a_communicator)
    page = client.get(url).content.decode()
    assert 'value="A-G2"' in page and 'value="A-G3"' not in page and 'value="A-G1"' not in page
    refused = client.post(url, {"unit": "A-G3"}).content.decode()
    assert "trong phạm vi bạn phụ trách" in refused
    assert client.post(url, {"unit": "A-G2", "note": "Nhầm công ty"}).status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.unit == tree.a_g2


def test_settings_page(client: Client, tree: Tree, officers: Officers) -> None:
    login(client, officers.a_admin)
    url = "/hop-thu/A-KCN/cai-dat/"
    assert 'value="24"' in client.get(url).content.decode()
    bad = client.post(url, {"response_hours": "200", "retention_days": "10"}).content.decode()
    assert "từ 1 đến 168 giờ" in bad and "từ 30 đến 3.650 ngày" in bad
    client.post(url, {"response_hours": "48", "retention_days": "400"})
    row = UnitInquirySettings.objects.get(unit=tree.a_kcn)
    assert (row.response_hours, row.retention_days) == (48, 400)
    login(client, officers.a_communicator)
    assert client.get(url).status_code == 403


def test_unit_page_links_to_the_desk(client: Client, tree: Tree, officers: Officers) -> None:
    login(client, officers.a_admin)
    page = client.get("/don-vi/A-KCN/").content.decode()
    assert "/hop-thu/?don_vi=A-KCN" in page and "/hop-thu/A-KCN/bao-cao/" in page
    login(client, officers.a_viewer)
    page = client.get("/don-vi/A-G1/").content.decode()
    assert "/hop-thu/?don_vi=" not in page and "/hop-thu/A-G1/bao-cao/" in page


def test_knowledge_base_suggestions_and_anonymised_article(
    client: Client, tree: Tree, officers: Officers, g1_handler: User
) -> None:
    from lantoa.kb.models import Article, ArticleStatus
    from lantoa.kb.services import article_create

    article = article_create(
        unit=tree.vn,
        title="Tiền lương làm thêm giờ được tính thế nào?",
        question="Làm thêm giờ vào ngày thường được trả lương bao nhiêu?",
        answer="Ít nhất bằng 150% tiền lương theo Điều 98 Bộ luật Lao động 2019.",
        category="wages",
        status=ArticleStatus.PUBLISHED,
    )
    inquiry = receive(tree.a_g1, "Công ty không trả lương làm thêm giờ, tôi sđt 0987654321")
    login(client, g1_handler)
    page = client.get(f"/hop-thu/{inquiry.code}/").content.decode()
    assert article.title in page and "Chèn vào trả lời" in page
    insert = client.get(
        f"/hop-thu/{inquiry.code}/", {"bai": article.pk}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Ít nhất bằng 150%" in insert
    # An article needs an answered case and the kb.manage permission.
    url = f"/hop-thu/{inquiry.code}/tao-bai-tri-thuc/"
    assert client.get(url).status_code == 302
    services.inquiry_reply(
        inquiry=inquiry, body=f"Chào chị {NAME}, công ty phải trả 150%.", actor=g1_handler
    )
    form = client.get(url).content.decode()
    assert PHONE not in form and NAME not in form
    response = client.post(
        url,
        {
            "title": "Không được trả lương làm thêm",
            "question": f"Tôi {NAME} hỏi",
            "answer": "Trả 150%.",
        },
    )
    assert response.status_code == 302
    draft = Article.objects.get(source_inquiry=inquiry)
    assert draft.status == ArticleStatus.DRAFT and NAME not in draft.question
    login(client, officers.a_communicator)  # no kb.manage
    assert client.get(url).status_code == 403


# ---------------------------------------------------------------------------------------------
# Demo data


def test_demo_inquiries_are_realistic_consistent_and_deterministic() -> None:
    from lantoa.accounts.demo import ensure_demo_accounts
    from lantoa.channels.demo import seed_demo_channels
    from lantoa.core.text import fold
    from lantoa.inquiries import sla
    from lantoa.inquiries.demo import TEMPLATES, ensure_demo_inquiries, seed_demo_inquiries
    from lantoa.inquiries.reports import inquiry_figures, make_period
    from lantoa.units.models import UnitClosure
    from lantoa.units.seed import seed_database

    seed_database(size="demo", seed=2026)
    seed_demo_channels(seed=2026)  # the province's Zalo OA and page receive messages
    ensure_demo_accounts()
    now = timezone.make_aware(dt.datetime(2026, 11, 20, 10, 0))
    assert seed_demo_inquiries(seed=2026, now=now) == 360
    assert len(TEMPLATES) >= 30
    cases = list(Inquiry.objects.select_related("unit", "escalated_to"))
    assert len(cases) == 360
    assert {c.source for c in cases} == set(Source.values)
    assert {c.status for c in cases} == set(Status.values)
    assert len({c.category for c in cases}) >= 10
    assert len({c.unit_id for c in cases}) > 50
    assert sum(c.urgent for c in cases) >= 5
    overdue = Inquiry.objects.filter(selectors.overdue_q(now))
    assert overdue.count() >= 8
    assert overdue.filter(escalated_to__isnull=False).count() >= 5
    received = [c.received_at for c in cases]
    # Back to the start of last year, so this year has a same-period-last-year.
    assert min(received) >= timezone.make_aware(dt.datetime(2025, 1, 1)) and max(received) < now
    assert min(received) < timezone.make_aware(dt.datetime(2025, 2, 1))
    province = cases[0].unit if cases[0].unit.kind == "province" else None
    province = province or Inquiry.objects.filter(unit__kind="province").first().unit  # type: ignore[union-attr]
    year = make_period("nam", 2026)
    figures = inquiry_figures(province, year.start, year.end, now=now)
    # Growing, on the way to doubling: a believable year-on-year change, not a fluke.
    assert figures.target_ratio is not None and 0.6 < figures.target_ratio < 1.2
    assert figures.on_time_ratio is not None and 0.6 < figures.on_time_ratio < 0.95
    # The history agrees with itself.
    for case in cases:
        outs = list(case.messages.filter(direction=Direction.OUT).order_by("created_at"))
        if case.first_responded_at is None:
            assert outs == []
        else:
            assert outs and outs[0].created_at == case.first_responded_at
            assert case.reply_due is None or case.status in (Status.NEW, Status.ASSIGNED)
        if case.status in (Status.ANSWERED, Status.CLOSED):
            assert case.reply_due is None
        escalations = case.events.filter(kind=EventKind.ESCALATED).count()
        assert escalations == case.escalation_level
        if case.escalated_to is not None:
            assert UnitClosure.objects.filter(
                ancestor=case.escalated_to, descendant=case.unit, depth__gt=0
            ).exists()
        assert case.search_text.startswith(" " + fold(case.code))
        contact = InquiryContact.objects.filter(inquiry=case).first()
        if case.anonymous:
            assert contact is None or (contact.name, contact.phone) == ("", "")
        elif contact is not None and contact.phone:
            assert len(contact.phone) == 10 and contact.phone.startswith("09")
    assert CannedAnswer.objects.filter(unit__kind="province").count() >= 5
    # The background sweep finds nothing to catch up on: warnings and escalations are done.
    assert sla.sla_sweep(now=now) == {"warned": 0, "escalated": 0}
    # The demo accounts have work: the zone's communicator sees escalated, open cases.
    communicator = User.objects.get(username="truyenthong")
    assert selectors.inbox_counts(communicator, InboxFilters(), now=now)["mo"] > 0

    # The same seed and time give the same cases; ensure_… adds nothing a second time.
    first = list(Inquiry.objects.order_by("code").values_list("code", "subject", "received_at"))
    assert ensure_demo_inquiries() == 0
    Inquiry.objects.all().delete()
    CannedAnswer.objects.all().delete()
    seed_demo_inquiries(seed=2026, now=now)
    again = list(Inquiry.objects.order_by("code").values_list("code", "subject", "received_at"))
    assert again == first

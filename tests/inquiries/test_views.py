"""The officers' inbox screens: the inbox and the case page and their actions, contact masking and
its audit, exports, erasure, hotline logging, canned answers, desk settings, knowledge-base
suggestions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lantoa.accounts.models import Role, User
from lantoa.audit.models import AuditEvent
from lantoa.inquiries import services
from lantoa.inquiries.models import (
    CannedAnswer,
    EventKind,
    Inquiry,
    InquiryContact,
    InquiryEvent,
    OutboundReply,
    OutboxStatus,
    Source,
    Status,
    UnitInquirySettings,
)
from lantoa.notifications.models import Notification
from tests.conftest import Officers, Tree, login, make_officer
from tests.inquiries.support import NAME, PHONE, audits, receive

pytestmark = pytest.mark.django_db


def test_inbox_page_and_htmx_partial(client: Client, tree: Tree, officers: Officers) -> None:
    overdue = receive(tree.a_g1, "Hỏi về nghỉ phép", at=timezone.now() - dt.timedelta(hours=27))
    receive(tree.b_g1, "Câu hỏi của tỉnh B")
    login(client, officers.a_admin)
    page = client.get(reverse("inquiries:inbox")).content.decode()
    assert overdue.code in page and "Câu hỏi của tỉnh B" not in page
    assert "quá hạn 3 giờ" in page
    assert 'id="inbox-filters"' in page
    partial = client.get(
        reverse("inquiries:inbox") + "?xem=qua-han&q=nghi+phep", HTTP_HX_REQUEST="true"
    )
    body = partial.content.decode()
    assert partial.status_code == 200 and "<html" not in body
    assert overdue.code in body and 'hx-swap-oob="true"' in body
    assert (
        client.get(reverse("inquiries:inbox") + "?xem=da-dong")
        .content.decode()
        .count('class="inbox-row')
        == 0
    )
    bad = client.get(reverse("inquiries:inbox") + "?don_vi=P-B&tu=31/02/2026").content.decode()
    assert "trong phạm vi anh/chị phụ trách" in bad and "dd/mm/yyyy" in bad
    # Officers without the inbox permission are refused.
    login(client, officers.a_viewer)
    assert client.get(reverse("inquiries:inbox")).status_code == 403


def test_case_page_access(client: Client, tree: Tree, officers: Officers) -> None:
    a_case, b_case = receive(tree.a_g1), receive(tree.b_g1)
    login(client, officers.b_admin)
    assert client.get(reverse("inquiries:detail", args=[a_case.code])).status_code == 404
    for action in ("reply", "note", "assign", "close", "contact", "reassign"):
        url = reverse(f"inquiries:{action}", args=[a_case.code])
        assert client.post(url, {"body": "x"}).status_code == 404
    for action in ("categorise", "reopen", "erase", "make_article"):
        url = reverse(f"inquiries:{action}", args=[a_case.code])
        assert client.get(url).status_code in (404, 405)
        assert client.post(url, {"body": "x"}).status_code == 404
    assert InquiryContact.objects.filter(inquiry=a_case).exists()
    assert client.get(reverse("inquiries:detail", args=[b_case.code])).status_code == 200
    assert client.get(reverse("inquiries:detail", args=["HD-2222-2222"])).status_code == 404
    login(client, officers.a_viewer)  # sees the unit, may not read its cases
    assert client.get(reverse("inquiries:detail", args=[a_case.code])).status_code == 403
    login(client, officers.a_communicator)
    page = client.get(reverse("inquiries:detail", args=[a_case.code])).content.decode()
    assert "Công ty không trả lương làm thêm giờ" in page
    # What workers write is shown inert.
    script = receive(tree.a_g1, "<script>alert(1)</script><b>đậm</b>")
    page = client.get(reverse("inquiries:detail", args=[script.code])).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert (
        "<b>đậm</b>" not in client.get(reverse("inquiries:inbox") + "?xem=tat-ca").content.decode()
    )
    assert 'id="tra-loi"' in page  # may handle: the reply box is there


def test_reply_note_assign_close_reopen_through_the_page(
    client: Client, tree: Tree, officers: Officers
) -> None:
    inquiry = receive(tree.a_g1)
    url = reverse("inquiries:detail", args=[inquiry.code])
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
    assert empty.status_code == 400 and "Vui lòng nhập nội dung trả lời." in empty.content.decode()
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
    url = reverse("inquiries:detail", args=[inquiry.code])
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

    # Being assigned the case does not show it (see the self-assignment test below); the
    # unit the case is escalated to sees it.
    assert not services.contact_visible_to(officers.a_leader, inquiry)
    services.inquiry_assign(inquiry=inquiry, assignee=officers.a_leader, actor=g1_handler)
    assert not services.contact_visible_to(officers.a_leader, inquiry)
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
    plain = client.post(reverse("inquiries:export"), {"xem": "tat-ca"})
    text = plain.content.decode("utf-8-sig")
    assert plain["Content-Type"].startswith("text/csv")
    assert PHONE not in text and "Số điện thoại" not in text
    assert len(text.strip().splitlines()) == 2  # header + the one case in A-G1
    assert audits("inquiry.export")[0].data["rows"] == 1
    ticked = client.post(
        reverse("inquiries:export"), {"xem": "tat-ca", "lien_he": "1"}
    ).content.decode("utf-8-sig")
    assert PHONE in ticked and NAME in ticked
    [audit] = audits("inquiry.export_contacts")
    assert audit.data == {"rows": 1, "contacts": 1, "tab": "tat-ca"} and audit.actor == g1_handler
    # The province officer sees both cases but neither contact.
    login(client, officers.a_admin)
    ticked = client.post(
        reverse("inquiries:export"), {"xem": "tat-ca", "lien_he": "1"}
    ).content.decode("utf-8-sig")
    assert PHONE not in ticked and len(ticked.strip().splitlines()) == 3
    assert client.get(reverse("inquiries:export")).status_code == 405


def test_erase_contact_on_request(
    client: Client, tree: Tree, officers: Officers, g1_handler: User
) -> None:
    inquiry = receive(tree.a_g1)
    url = reverse("inquiries:erase", args=[inquiry.code])
    login(client, officers.a_admin)
    assert client.post(url).status_code == 403
    assert InquiryContact.objects.filter(inquiry=inquiry).exists()
    login(client, g1_handler)
    assert "Xóa vĩnh viễn" in client.get(url).content.decode()
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
    page = client.get(reverse("inquiries:detail", args=[inquiry.code])).content.decode()
    assert "mã lỗi -230" in page and "Thử gửi lại" in page
    # A row from before errors were stored as texts: its string, in any language.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("inquiries:detail", args=[inquiry.code])).content.decode()
    assert "Người dùng chưa quan tâm OA (mã lỗi -230)" in page
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("inquiries:retry", args=[inquiry.code, row.pk]))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == OutboxStatus.PENDING and not row.permanent_error
    assert len(callbacks) == 1
    assert audits("inquiry.reply_retry")[0].target == inquiry.code
    other = receive(tree.a_g2, source=Source.ZALO, thread_key="zalo:p:2")
    assert client.post(reverse("inquiries:retry", args=[other.code, row.pk])).status_code == 404
    # An officer of another province: the case and its reply are not there.
    OutboundReply.objects.filter(pk=row.pk).update(status=OutboxStatus.FAILED)
    login(client, officers.b_admin)
    assert client.post(reverse("inquiries:retry", args=[inquiry.code, row.pk])).status_code == 404
    row.refresh_from_db()
    assert row.status == OutboxStatus.FAILED


def test_canned_answers_and_insert(client: Client, tree: Tree, officers: Officers) -> None:
    inquiry = receive(tree.a_g1)
    login(client, officers.a_admin)
    response = client.post(
        reverse("inquiries:canned", args=["P-A"]),
        {"title": "Lương làm thêm giờ", "category": "wages", "body": "Theo Điều 98 BLLĐ 2019…"},
    )
    assert response.status_code == 302
    canned = CannedAnswer.objects.get()
    assert canned.unit == tree.pa
    bad = client.post(reverse("inquiries:canned", args=["P-A"]), {"title": "", "body": ""})
    assert "Vui lòng nhập tiêu đề." in bad.content.decode() and CannedAnswer.objects.count() == 1
    # Offered on a case below the province, and inserted after what is typed.
    page = client.get(reverse("inquiries:detail", args=[inquiry.code])).content.decode()
    assert "Lương làm thêm giờ" in page
    insert = client.get(
        reverse("inquiries:detail", args=[inquiry.code]),
        {"mau": canned.pk, "body": "Chào anh chị,"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "<html" not in insert and 'id="reply-body"' in insert
    assert "Chào anh chị,\n\nTheo Điều 98 BLLĐ 2019…" in insert
    # Another province's canned answer is never inserted.
    foreign = CannedAnswer.objects.create(unit=tree.pb, title="B", body="Của tỉnh B")
    assert (
        "Của tỉnh B"
        not in client.get(
            reverse("inquiries:detail", args=[inquiry.code]) + f"?mau={foreign.pk}"
        ).content.decode()
    )
    client.post(
        reverse("inquiries:canned_edit", args=[canned.pk]), {"title": "Làm thêm giờ", "body": "Mới"}
    )
    canned.refresh_from_db()
    assert (canned.title, canned.body) == ("Làm thêm giờ", "Mới")
    login(client, officers.b_admin)
    assert client.post(reverse("inquiries:canned_delete", args=[canned.pk])).status_code == 404
    edit = reverse("inquiries:canned_edit", args=[canned.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"title": "Của tỉnh B", "body": "B"}).status_code == 404
    canned.refresh_from_db()
    assert canned.title == "Làm thêm giờ"
    login(client, officers.a_admin)
    client.post(reverse("inquiries:canned_delete", args=[canned.pk]))
    assert not CannedAnswer.objects.filter(pk=canned.pk).exists()
    assert {a.action for a in AuditEvent.objects.filter(action__startswith="inquiry.canned")} == {
        "inquiry.canned_create",
        "inquiry.canned_update",
        "inquiry.canned_delete",
    }


def test_log_call_page(client: Client, tree: Tree, officers: Officers) -> None:
    login(client, officers.a_communicator)
    url = reverse("inquiries:log_call", args=["A-KCN"])
    assert "Ghi nhận cuộc gọi, buổi tiếp người lao động" in client.get(url).content.decode()
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
    assert response.status_code == 302 and response["Location"] == reverse(
        "inquiries:detail", args=[inquiry.code]
    )
    assert inquiry.source == Source.WALK_IN and inquiry.unit == tree.a_kcn
    assert timezone.localtime(inquiry.received_at).strftime("%d/%m/%Y %H:%M") == "01/03/2026 09:30"
    login(client, officers.a_briefer)
    assert client.get(url).status_code == 403


def test_reassign_page_offers_only_the_subtree(
    client: Client, tree: Tree, officers: Officers
) -> None:
    inquiry = receive(tree.a_g1)
    url = reverse("inquiries:reassign", args=[inquiry.code])
    login(client, officers.a_communicator)
    page = client.get(url).content.decode()
    assert 'value="A-G2"' in page and 'value="A-G3"' not in page and 'value="A-G1"' not in page
    refused = client.post(url, {"unit": "A-G3"}).content.decode()
    assert "trong phạm vi anh/chị phụ trách" in refused
    assert client.post(url, {"unit": "A-G2", "note": "Nhầm công ty"}).status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.unit == tree.a_g2


def test_settings_page(client: Client, tree: Tree, officers: Officers) -> None:
    login(client, officers.a_admin)
    url = reverse("inquiries:settings", args=["A-KCN"])
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
    page = client.get(reverse("units:detail", args=["A-KCN"])).content.decode()
    assert (
        reverse("inquiries:inbox") + "?don_vi=A-KCN" in page
        and reverse("inquiries:report", args=["A-KCN"]) in page
    )
    login(client, officers.a_viewer)
    page = client.get(reverse("units:detail", args=["A-G1"])).content.decode()
    assert (
        reverse("inquiries:inbox") + "?don_vi=" not in page
        and reverse("inquiries:report", args=["A-G1"]) in page
    )


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
    page = client.get(reverse("inquiries:detail", args=[inquiry.code])).content.decode()
    assert article.title in page and "Chèn vào trả lời" in page
    insert = client.get(
        reverse("inquiries:detail", args=[inquiry.code]),
        {"bai": article.pk},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Ít nhất bằng 150%" in insert
    # An article needs an answered case and the kb.manage permission.
    url = reverse("inquiries:make_article", args=[inquiry.code])
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

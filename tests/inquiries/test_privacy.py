"""Privacy (lantoa.inquiries.privacy): who sees a worker's contact (never widened by
assigning a case), personal data typed in messages masked for everyone else, invisible
direction characters dropped for display, erasing a contact on request, retention purges by
the nearest unit setting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lantoa.accounts.models import Role, User
from lantoa.audit.models import AuditEvent
from lantoa.inquiries import services
from lantoa.inquiries.models import (
    EventKind,
    Inquiry,
    InquiryContact,
    InquiryEvent,
    Message,
    Source,
    Status,
    UnitInquirySettings,
)
from lantoa.inquiries.privacy import inquiry_erase_contact, inquiry_retention_purge
from lantoa.inquiries.public_services import inquiry_submit_web
from lantoa.notifications.models import Notification
from tests.conftest import Officers, Tree, login, make_officer
from tests.inquiries.support import NAME, PHONE, QUESTION, audits, receive

pytestmark = pytest.mark.django_db

contact_visible_to = services.contact_visible_to  # lantoa.inquiries.privacy's rule


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def test_officer_erases_contact_on_request(tree: Tree, officers: Officers) -> None:
    inquiry, _receipt = inquiry_submit_web(question=QUESTION, phone="0912345678", consent=True)
    assert inquiry_erase_contact(inquiry=inquiry, actor=officers.a_admin, reason="phone_request")
    assert not InquiryContact.objects.exists()
    audit = AuditEvent.objects.get(action="inquiry.contact_erased")
    assert audit.actor == officers.a_admin and audit.data == {"reason": "phone_request"}
    assert not inquiry_erase_contact(inquiry=inquiry, actor=officers.a_admin)
    assert InquiryEvent.objects.filter(kind=EventKind.CONTACT_ERASED).count() == 1


def _closed(tree_unit: Any, days_ago: int, *, status: str = Status.CLOSED) -> Inquiry:
    inquiry, _receipt = inquiry_submit_web(
        question=QUESTION, unit_hint=tree_unit, phone="0912345678", consent=True
    )
    closed_at = timezone.now() - dt.timedelta(days=days_ago)
    Inquiry.objects.filter(pk=inquiry.pk).update(
        status=status, closed_at=closed_at if status == Status.CLOSED else None
    )
    inquiry.refresh_from_db()
    return inquiry


def test_retention_purge_follows_the_nearest_unit_setting(tree: Tree) -> None:
    UnitInquirySettings.objects.create(unit=tree.a_kcn, retention_days=30)
    short = _closed(tree.a_g1, 40)  # under A-KCN: 30 days
    recent = _closed(tree.a_g1, 10)
    default_kept = _closed(tree.a_g3, 40)  # no setting up the tree: 730 days
    default_old = _closed(tree.a_g3, 800)
    open_old = _closed(tree.a_g3, 800, status=Status.ANSWERED)

    assert inquiry_retention_purge() == 2
    purged = {i.pk for i in (short, default_old)}
    for inquiry in (short, recent, default_kept, default_old, open_old):
        inquiry.refresh_from_db()
        has_contact = InquiryContact.objects.filter(inquiry=inquiry).exists()
        assert has_contact is (inquiry.pk not in purged)
        assert bool(inquiry.lookup_secret_hash) is (inquiry.pk not in purged)
        assert Inquiry.objects.filter(pk=inquiry.pk).exists()
    events = InquiryEvent.objects.filter(kind=EventKind.CONTACT_ERASED)
    assert {e.inquiry_id for e in events} == purged
    assert all(e.data == {"reason": "retention"} for e in events)
    assert AuditEvent.objects.get(action="inquiry.retention_purge").data == {"count": 2}
    # Idempotent.
    assert inquiry_retention_purge() == 0
    assert AuditEvent.objects.filter(action="inquiry.retention_purge").count() == 1
    # A unit's own setting wins over its ancestor's.
    UnitInquirySettings.objects.create(unit=tree.a_g1, retention_days=5)
    assert inquiry_retention_purge() == 1
    recent.refresh_from_db()
    assert not recent.lookup_secret_hash


def test_retention_purge_clears_anonymous_secrets(tree: Tree) -> None:
    inquiry, _receipt = inquiry_submit_web(question=QUESTION, anonymous=True)
    Inquiry.objects.filter(pk=inquiry.pk).update(
        status=Status.CLOSED, closed_at=timezone.now() - dt.timedelta(days=731)
    )
    assert inquiry_retention_purge() == 1
    inquiry.refresh_from_db()
    assert inquiry.lookup_secret_hash == ""
    assert not InquiryEvent.objects.filter(kind=EventKind.CONTACT_ERASED).exists()


# ---------------------------------------------------------------------------------------------
# Who sees the contact: assigning a case never widens it


def _export(client: Client, **extra: str) -> str:
    response = client.post(reverse("inquiries:export"), {"xem": "tat-ca", **extra})
    assert response.status_code == 200
    return response.content.decode("utf-8-sig")


def test_self_assignment_does_not_reveal_the_contact(
    client: Client, tree: Tree, officers: Officers, g1_handler: User
) -> None:
    inquiry = receive(tree.a_g1)
    url = reverse("inquiries:detail", args=[inquiry.code])
    # The province's leader may handle A-G1's cases but not see its workers' contacts; taking
    # the case ("Nhận xử lý") changes nothing to that.
    login(client, officers.a_leader)
    assert client.post(url + "phan-cong/", {"assignee": "me"}).status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.assignee == officers.a_leader
    assert not contact_visible_to(officers.a_leader, inquiry)
    page = client.get(url).content.decode()
    assert PHONE not in page and NAME not in page and "Hiện thông tin liên hệ" not in page
    assert "Được phân công hay tự nhận xử lý không mở quyền xem" in page
    assert client.post(url + "lien-he/").status_code == 403
    exported = _export(client, lien_he="1")
    assert inquiry.code in exported and PHONE not in exported and NAME not in exported
    assert audits("inquiry.export_contacts")[0].data["contacts"] == 0
    # Nor does answering it (which assigns an unassigned case to whoever answers), nor being
    # assigned it by someone else.
    services.inquiry_assign(inquiry=inquiry, assignee=None, actor=officers.a_leader)
    services.inquiry_reply(inquiry=inquiry, body="Công đoàn đã nhận.", actor=officers.a_admin)
    inquiry.refresh_from_db()
    assert inquiry.assignee == officers.a_admin
    assert not contact_visible_to(officers.a_admin, inquiry)
    login(client, officers.a_admin)
    assert PHONE not in client.get(url).content.decode()
    assert PHONE not in _export(client, lien_he="1")
    assert audits("inquiry.contact_viewed") == []
    # The handling unit's own officer sees it, assigned or not.
    login(client, g1_handler)
    assert "Hiện thông tin liên hệ" in client.get(url).content.decode()
    assert PHONE in client.post(url + "lien-he/").content.decode()
    assert PHONE in _export(client, lien_he="1")


def test_moving_a_case_up_needs_a_reason_tells_the_old_unit_and_is_audited(
    tree: Tree, officers: Officers, g1_handler: User
) -> None:
    inquiry = receive(tree.a_g1)
    with pytest.raises(ValidationError) as refused:
        services.inquiry_reassign(inquiry=inquiry, unit=tree.pa, actor=officers.a_leader)
    assert "Vui lòng ghi lý do chuyển" in refused.value.message_dict["note"][0]
    inquiry.refresh_from_db()
    assert inquiry.unit == tree.a_g1 and audits("inquiry.reassign") == []
    # Moving it to the zone union above it, the zone's communicator's own unit: a reason too.
    with pytest.raises(ValidationError, match="lý do"):
        services.inquiry_reassign(inquiry=inquiry, unit=tree.a_kcn, actor=officers.a_communicator)
    services.inquiry_reassign(
        inquiry=inquiry,
        unit=tree.pa,
        actor=officers.a_leader,
        note="Nhiều công nhân cùng phản ánh, LĐLĐ tỉnh trực tiếp xử lý; chị gọi 0912345678",
    )
    assert inquiry.unit == tree.pa and contact_visible_to(officers.a_leader, inquiry)
    [audit] = audits("inquiry.reassign")
    assert audit.data["reason"].startswith("Nhiều công nhân") and "0912345678" not in str(
        audit.data
    )
    [told] = Notification.objects.filter(user=g1_handler, kind="inquiry.moved_away")
    assert "LĐLĐ tỉnh trực tiếp xử lý" in told.body and "09•• ••• •78" in told.body
    assert "0912345678" not in told.body and told.url == ""
    # A move across the branch below the officer needs no reason.
    other = receive(tree.a_g1, "Hỏi về bảo hiểm", thread_key="web:2")
    services.inquiry_reassign(inquiry=other, unit=tree.a_g2, actor=officers.a_communicator)
    assert other.unit == tree.a_g2
    [sideways] = [a for a in audits("inquiry.reassign") if a.data["to_unit"] == "A-G2"]
    assert "reason" not in sideways.data


# ---------------------------------------------------------------------------------------------
# Personal data typed in the worker's text

TYPED = (
    "Công ty nợ lương 5.000.000 đồng từ 12/05/2025 (Điều 97). Gọi tôi 0912.345.678, "
    "thư lan.cn@gmail.com, CCCD 001203004567."
)


def test_phone_numbers_typed_in_the_question_are_masked_for_officers_who_may_not_see_them(
    client: Client, tree: Tree, officers: Officers, g1_handler: User
) -> None:
    inquiry = receive(
        tree.a_g1,
        TYPED,
        attachments=[{"name": "cccd-001203004567.jpg", "url": "", "size": 10}],
    )
    url = reverse("inquiries:detail", args=[inquiry.code])
    secrets = ("0912.345.678", "lan.cn@gmail.com", "001203004567")
    login(client, officers.a_admin)  # the province: sees the case, not the contact
    for text in (
        client.get(url).content.decode(),
        client.get(reverse("inquiries:inbox") + "?xem=tat-ca").content.decode(),
        _export(client),
        _export(client, lien_he="1"),
    ):
        assert not any(s in text for s in secrets)
        assert "09•• ••• •78" in text
        assert "5.000.000 đồng" in text and "12/05/2025" in text and "Điều 97" in text
    page = client.get(url).content.decode()
    assert "[thư điện tử đã ẩn]" in page and "cccd-[số CCCD/CMND đã ẩn].jpg" in page
    # Searching by the number finds nothing for them: it would tell that the person wrote in.
    search = reverse("inquiries:inbox") + "?xem=tat-ca&q=0912.345.678"
    assert inquiry.code not in client.get(search).content.decode()
    assert (
        inquiry.code
        in client.get(reverse("inquiries:inbox") + "?xem=tat-ca&q=nợ+lương").content.decode()
    )

    login(client, g1_handler)  # the handling unit sees what the worker wrote
    for text in (
        client.get(url).content.decode(),
        client.get(reverse("inquiries:inbox") + "?xem=tat-ca").content.decode(),
        _export(client),
    ):
        assert "0912.345.678" in text and "09•• ••• •78" not in text
    assert "lan.cn@gmail.com" in client.get(url).content.decode()
    assert inquiry.code in client.get(search).content.decode()


# ---------------------------------------------------------------------------------------------
# Invisible characters


def test_direction_and_zero_width_characters_are_dropped_for_display(
    client: Client, tree: Tree, g1_handler: User
) -> None:
    spoofed = "Bảng lương‮ fdp.exe ‬xem​ giúp﻿"
    received, receipt = inquiry_submit_web(
        question=spoofed, phone="0912345678", consent=True, unit_hint=tree.a_g1
    )
    Message.objects.filter(inquiry=received).update(
        attachments=[{"name": "hoa-don‮gpj.exe", "url": "https://x.example/f"}]
    )
    # The stored original stays as evidence.
    assert "‮" in Message.objects.get(inquiry=received).body
    login(client, g1_handler)
    page = client.get(reverse("inquiries:detail", args=[received.code])).content.decode()
    inbox = client.get(reverse("inquiries:inbox") + "?xem=tat-ca").content.decode()
    exported = _export(client)
    for text in (page, inbox, exported):
        assert not any(ch in text for ch in "‮‬​﻿")
        assert "Bảng lương fdp.exe xem giúp" in text
    assert "hoa-dongpj.exe" in page
    # And on the worker's own lookup page.
    worker = Client()
    worker.post("/cau-hoi/tra-cuu/", {"code": receipt.code, "secret": receipt.secret})
    mine = worker.get("/cau-hoi/tra-cuu/").content.decode()
    assert "Bảng lương fdp.exe xem giúp" in mine and "‮" not in mine
    assert "hoa-dongpj.exe" in mine


def test_the_privacy_page_states_the_rule(client: Client, tree: Tree) -> None:
    page = client.get(reverse("inquiries_public:privacy")).content.decode()
    assert "không cho người đó xem thông tin liên hệ của bạn" in page
    assert "phải ghi lý do" in page and "được ẩn với mọi cán bộ" in page


def test_an_officer_at_two_levels_sees_the_contacts_of_their_own_units_only(tree: Tree) -> None:
    both = make_officer("hai_cap", tree.a_g2, Role.PROPAGANDA)
    from lantoa.accounts.models import Membership

    Membership.objects.create(user=both, unit=tree.pa, role=Role.LEADER)
    at_g2, at_g1 = receive(tree.a_g2, thread_key="web:g2"), receive(tree.a_g1)
    assert contact_visible_to(both, at_g2) and not contact_visible_to(both, at_g1)
    at_province = receive(tree.pa, thread_key="web:pa")
    assert contact_visible_to(both, at_province)
    assert Inquiry.objects.filter(source=Source.WEB).count() == 3

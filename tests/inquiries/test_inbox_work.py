"""The inbox's work tools: sender search within the contact rules, bulk assign and close
(policy per case, partial failures), the self-refreshing count of new questions and "other
questions from this person" on the case page."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lantoa.accounts.models import Role, User
from lantoa.inquiries import counts, selectors, services
from lantoa.inquiries.models import Inquiry, Status
from lantoa.inquiries.selectors import InboxFilters
from tests.conftest import Officers, Tree, login, make_officer
from tests.inquiries.support import audits, receive

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


def _from(unit: object, body: str, **identity: object) -> Inquiry:
    return receive(unit, body, contact=False, consent=True, **identity)  # type: ignore[arg-type]


def _found(user: User, text: str) -> set[str]:
    rows = selectors.inbox(user, InboxFilters(text=text), tab="tat-ca", now=timezone.now())
    return {i.code for i in rows}


# ---------------------------------------------------------------------------------------------
# Sender search


def test_sender_search_by_name_phone_and_email_only_for_who_sees_the_contact(
    tree: Tree, officers: Officers, g1_handler: User
) -> None:
    binh = _from(
        tree.a_g1,
        "Hỏi về hợp đồng thử việc",
        name="Nguyễn Văn Bình",
        phone="+84 912 345 678",
        email="Binh.Nguyen@example.vn",
    )
    other = _from(tree.a_g1, "Hỏi về đoàn phí", name="Lê Thị Hoa", phone="0987 111 222")
    elsewhere = _from(tree.b_g1, "Cùng người ở tỉnh B", name="Nguyễn Văn Bình", phone="0912345678")

    for text in (
        "0912345678",
        "0912 345 678",
        "+84912345678",
        "84 912 345 678",
        "nguyen van binh",
        "Bình",
        "binh.nguyen@example.vn",
    ):
        assert _found(g1_handler, text) == {binh.code}, text
    assert _found(g1_handler, "hoa") == {other.code}
    # Province B's grassroots handler finds only their own case of the same person.
    b_handler = make_officer("tuyengiao_b_g1", tree.b_g1, Role.PROPAGANDA)
    assert _found(b_handler, "0912.345.678") == {elsewhere.code}
    # A national officer sees the cases, not the grassroots contacts.
    assert _found(officers.national_admin, "0912.345.678") == set()

    # The province officer sees the cases but not the grassroots contacts: no sender search,
    # not even a hint that this person wrote in.
    for text in ("0912345678", "nguyen van binh", "binh.nguyen@example.vn"):
        assert _found(officers.a_admin, text) == set(), text
    # Code and workplace search stay for everybody.
    assert _found(officers.a_admin, binh.code.removeprefix("HD-").lower()) == {binh.code}
    assert _found(officers.a_admin, "thu viec") == {binh.code}


# ---------------------------------------------------------------------------------------------
# Bulk assign / close


def test_bulk_assign_checks_each_case_and_reports_the_refused(
    client: Client, tree: Tree, officers: Officers, g1_handler: User
) -> None:
    g1, g3 = receive(tree.a_g1, "Câu hỏi 1"), receive(tree.a_g3, "Câu hỏi 3")
    foreign = receive(tree.b_g1, "Câu hỏi tỉnh B")
    login(client, officers.a_admin)
    page = client.get(reverse("inquiries:inbox")).content.decode()
    assert 'form="inbox-bulk"' in page and f'value="{g1_handler.pk}"' in page

    response = client.post(
        reverse("inquiries:bulk"),
        {
            "thao_tac": "giao",
            "nguoi_xu_ly": str(g1_handler.pk),
            "ma": [g1.code, g3.code, foreign.code],
            "quay_lai": "xem=mo&q=abc",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("inquiries:inbox") + "?xem=mo&q=abc"
    text = response.content.decode()
    assert "Đã giao 1 câu hỏi cho" in text
    # A-G3 is outside the grassroots handler's unit; province B's case is not the officer's.
    assert "Không thực hiện được với 2 câu hỏi" in text
    assert g3.code in text and foreign.code in text and "không có quyền xử lý" in text
    for case in (g1, g3, foreign):
        case.refresh_from_db()
    assert g1.assignee == g1_handler and g1.status == Status.ASSIGNED
    assert g3.assignee is None and foreign.assignee is None
    assert [a.target for a in audits("inquiry.assign")] == [g1.code]


def test_bulk_close_closes_what_it_can(tree: Tree, officers: Officers) -> None:
    a, b = receive(tree.a_g1, "Một"), receive(tree.a_g2, "Hai")
    services.inquiry_close(inquiry=b, actor=officers.a_admin)
    foreign = receive(tree.b_g1, "Ba")
    outcome = services.inquiries_bulk_close(
        actor=officers.a_admin, codes=[a.code, b.code, foreign.code.lower()]
    )
    assert outcome.done == [a.code]
    refused = dict(outcome.refused)
    assert refused[b.code] == "Câu hỏi đã đóng từ trước."
    assert "không có quyền" in refused[foreign.code]
    a.refresh_from_db()
    foreign.refresh_from_db()
    assert a.status == Status.CLOSED and foreign.status == Status.NEW
    assert sorted(e.target for e in audits("inquiry.close")) == sorted([b.code, a.code])


def test_bulk_needs_the_handling_permission_and_a_choice(
    client: Client, tree: Tree, officers: Officers
) -> None:
    case = receive(tree.a_g1)
    login(client, officers.a_viewer)
    assert (
        client.post(reverse("inquiries:bulk"), {"thao_tac": "dong", "ma": [case.code]}).status_code
        == 403
    )
    login(client, officers.a_admin)
    for data, error in (
        ({"thao_tac": "dong"}, "Vui lòng chọn ít nhất một câu hỏi."),
        ({"thao_tac": "giao", "ma": [case.code]}, "Vui lòng chọn cán bộ được giao xử lý."),
        ({"ma": [case.code]}, "Vui lòng chọn việc cần làm"),
        (
            {"thao_tac": "dong", "ma": [f"HD-{i:04d}-AAAA" for i in range(101)]},
            "Vui lòng chọn tối đa 100 câu hỏi mỗi lần.",
        ),
    ):
        text = client.post(reverse("inquiries:bulk"), data, follow=True).content.decode()
        assert error in text
    case.refresh_from_db()
    assert case.status == Status.NEW
    # "me" gives the cases to the officer themselves.
    client.post(
        reverse("inquiries:bulk"), {"thao_tac": "giao", "nguoi_xu_ly": "me", "ma": [case.code]}
    )
    case.refresh_from_db()
    assert case.assignee == officers.a_admin


# ---------------------------------------------------------------------------------------------
# The count of new questions


def test_new_count_endpoint_counts_the_subtree_and_follows_changes(
    client: Client, tree: Tree, officers: Officers, django_capture_on_commit_callbacks: Any
) -> None:
    url = reverse("inquiries:new_count")
    first = receive(tree.a_g1)
    receive(tree.a_g3)
    receive(tree.b_g1)
    login(client, officers.a_admin)
    response = client.get(url)
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    assert json.loads(response.content) == {"count": 2}
    login(client, officers.a_communicator)  # A-KCN: only A-G1 below it
    assert json.loads(client.get(url).content) == {"count": 1}

    # Assigning the case makes it no longer new: the next poll says so, cache or not.
    login(client, officers.a_admin)
    with django_capture_on_commit_callbacks(execute=True):
        services.inquiry_assign(inquiry=first, assignee=officers.a_admin, actor=officers.a_admin)
    assert json.loads(client.get(url).content) == {"count": 1}
    with django_capture_on_commit_callbacks(execute=True):
        receive(tree.a_g2)
    assert json.loads(client.get(url).content) == {"count": 2}

    login(client, officers.a_viewer)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code in (302, 403)


def test_new_count_is_cached_per_set_of_units(tree: Tree, officers: Officers) -> None:
    receive(tree.a_g1)
    colleague = make_officer("admin_a2", tree.pa, Role.ADMIN)
    assert counts.new_unassigned(officers.a_admin) == 1
    # Written behind the services' back: the cached number stands until it expires.
    Inquiry.objects.all().update(status=Status.CLOSED)
    assert counts.new_unassigned(officers.a_admin) == 1
    assert counts.new_unassigned(colleague) == 1  # same unit, same cached count
    assert counts.new_unassigned(officers.b_admin) == 0
    counts.bump()
    assert counts.new_unassigned(officers.a_admin) == 0


def test_header_shows_the_inbox_count_and_loads_the_poller(
    client: Client, tree: Tree, officers: Officers
) -> None:
    receive(tree.a_g1)
    receive(tree.a_g1)
    login(client, officers.a_admin)
    page = client.get(reverse("notifications:list")).content.decode()
    assert 'data-poll-count="/hop-thu/moi/"' in page
    assert "data-count-badge>2</span>" in page
    assert "lantoa/header-counts.js" in page and "<script>" not in page
    login(client, officers.a_viewer)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "data-poll-count" not in page and "header-counts.js" not in page


# ---------------------------------------------------------------------------------------------
# Other questions from this person


def test_other_questions_of_the_sender_only_within_the_contact_rules(
    client: Client, tree: Tree, officers: Officers, g1_handler: User
) -> None:
    first = _from(tree.a_g1, "Câu hỏi đầu", name="Phạm Văn Nam", phone="0912 345 678")
    second = _from(tree.a_g1, "Câu hỏi sau", name="Nam", phone="+84912345678")
    by_mail = _from(tree.a_g1, "Qua thư", email="NAM@example.vn")
    _from(tree.a_g1, "Thư khác", email="nam@example.vn", phone="0912345678")
    stranger = _from(tree.a_g1, "Người khác", name="Trần B", phone="0987000111")
    elsewhere = _from(tree.b_g1, "Tỉnh B", phone="0912345678")
    upper = _from(tree.a_g3, "Ở đơn vị khác của tỉnh A", phone="0912345678")
    anonymous = receive(tree.a_g1, "Ẩn danh", contact=False, anonymous=True)

    others = selectors.other_inquiries_from_sender(g1_handler, first)
    codes = {i.code for i in others}
    assert second.code in codes and stranger.code not in codes and first.code not in codes
    # Outside the officer's contact scope: neither another province nor another grassroots unit.
    assert elsewhere.code not in codes and upper.code not in codes
    assert {i.code for i in selectors.other_inquiries_from_sender(g1_handler, by_mail)} >= {
        i.code for i in Inquiry.objects.filter(subject="Thư khác")
    }
    assert selectors.other_inquiries_from_sender(g1_handler, anonymous) == []

    login(client, g1_handler)
    page = client.get(reverse("inquiries:detail", args=[first.code])).content.decode()
    assert "Các câu hỏi khác của người này" in page and second.code in page
    # The province officer sees the case but not its contact: nothing at all.
    assert selectors.other_inquiries_from_sender(officers.a_admin, first) == []
    login(client, officers.a_admin)
    page = client.get(reverse("inquiries:detail", args=[first.code])).content.decode()
    assert "Các câu hỏi khác của người này" not in page and second.code not in page

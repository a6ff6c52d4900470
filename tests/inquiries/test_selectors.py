"""The officers' inbox (lantoa.inquiries.selectors): scope, tabs and their counts, filters, order,
a constant number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lantoa.accounts.models import User
from lantoa.inquiries import selectors, services
from lantoa.inquiries.models import Inquiry, Source
from lantoa.inquiries.selectors import InboxFilters
from lantoa.kb.models import Category
from lantoa.units.services import unit_move
from tests.conftest import Officers, Tree, login
from tests.inquiries.support import receive

pytestmark = pytest.mark.django_db


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
    # The code as read over the phone, without its prefix, in lower case, in pieces.
    prefix, first, second = mine.code.split("-")
    assert found(text=f"{prefix} {first} {second}") == {mine.code}
    assert found(text=f"{first}-{second}".lower()) == {mine.code}
    assert found(text=f"{first}{second}".lower()) == {mine.code}
    assert found(text=second) == {mine.code}
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
    cache.clear()  # both pages count the header's numbers afresh
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("inquiries:inbox")).status_code == 200
    for i in range(25):
        # Urgent and escalated rows show more (reasons, the upper unit): still no extra query.
        body = f"Công nhân bị tai nạn {i}" if i % 3 else f"Câu hỏi thêm {i}"
        inquiry = receive(tree.a_g2 if i % 2 else tree.a_g3, body)
        if i % 4 == 0:
            Inquiry.objects.filter(pk=inquiry.pk).update(escalated_to=tree.pa, escalation_level=1)
        services.inquiry_assign(inquiry=inquiry, assignee=officers.a_leader, actor=officers.a_admin)
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("inquiries:inbox"))
    assert response.content.decode().count('class="inbox-row') == 28
    assert len(many) == len(few)


def test_search_finds_the_workplace(tree: Tree, officers: Officers) -> None:
    named = receive(tree.a_g2, "Công ty nợ lương hai tháng", workplace="Công ty TNHH Hoa Sen")
    receive(tree.a_g2, "Hỏi về bảo hiểm")
    now = timezone.now()
    rows = selectors.inbox(officers.a_admin, InboxFilters(text="hoa sen"), tab="tat-ca", now=now)
    assert [i.code for i in rows] == [named.code]

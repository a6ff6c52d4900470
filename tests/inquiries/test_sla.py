"""The 24-hour promise: the 75 % warning, escalation to the parent and then the grandparent,
notifications to the right people, and no double work when sweeps overlap. One escalation
runs in a real Celery worker on Redis (fails, not skips, with LANTOA_REQUIRE_SERVICES=1)."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from lantoa.accounts.models import Role, User
from lantoa.inquiries import selectors, sla
from lantoa.inquiries.intake import Incoming, inquiry_receive
from lantoa.inquiries.models import EventKind, Inquiry, InquiryEvent, Source, UnitInquirySettings
from lantoa.inquiries.selectors import InboxFilters, inbox
from lantoa.inquiries.services import inquiry_assign, inquiry_reply
from lantoa.notifications.models import Notification
from lantoa.units.models import Unit
from tests.conftest import Officers, Tree, celery_conf, login, make_officer

pytestmark = pytest.mark.django_db

H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)
PHONE = "0912345678"


def _receive(unit: Unit, at: dt.datetime, body: str = "Công ty chưa đóng bảo hiểm") -> Inquiry:
    return inquiry_receive(
        Incoming(
            source=Source.WEB,
            body=body,
            unit_hint=unit,
            received_at=at,
            name="Nguyễn Thị Lao Động",
            phone=PHONE,
            consent=True,
        )
    ).inquiry


def _notes(user: User, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(user=user, kind=kind))


def test_warning_at_75_percent_goes_to_the_unit_then_to_the_assignee(
    tree: Tree, officers: Officers
) -> None:
    g1 = make_officer("tuyengiao_g1", tree.a_g1, Role.PROPAGANDA)
    g1_viewer = make_officer("xem_g1", tree.a_g1, Role.VIEWER)
    t0 = timezone.now() - 30 * H
    inquiry = _receive(tree.a_g1, t0)

    assert sla.sla_sweep(now=t0 + 18 * H - M) == {"warned": 0, "escalated": 0}
    assert sla.sla_sweep(now=t0 + 18 * H + M) == {"warned": 1, "escalated": 0}
    inquiry.refresh_from_db()
    assert inquiry.warned_at == t0 + 18 * H + M
    event = InquiryEvent.objects.get(inquiry=inquiry, kind=EventKind.WARNED)
    assert event.unit == tree.a_g1 and event.data["left_min"] == 5 * 60 + 59
    [note] = _notes(g1, "inquiry.warned")
    assert inquiry.code in note.title and note.url == reverse(
        "inquiries:detail", args=[inquiry.code]
    )
    assert PHONE not in note.body and "Lao Động" not in note.body
    assert note.body == (
        f"Câu hỏi {inquiry.code} ({tree.a_g1.name}) còn 5 giờ 59 phút nữa là quá hạn trả lời."
    )
    # An officer reading in English gets the warning in English.
    with translation.override("en"):
        assert note.shown_title == f"Answer due soon: {inquiry.code}"
    # Handlers only: not the viewer, not the province (its role is above, not at the unit).
    assert _notes(g1_viewer, "inquiry.warned") == []
    assert _notes(officers.a_admin, "inquiry.warned") == []
    # A second sweep, or one running at the same time, does not warn again.
    assert sla.sla_sweep(now=t0 + 18 * H + 2 * M)["warned"] == 0
    assert InquiryEvent.objects.filter(kind=EventKind.WARNED).count() == 1
    assert Notification.objects.filter(kind="inquiry.warned").count() == 1

    # Another case, assigned: only the assignee is warned.
    other = _receive(tree.a_g1, t0)
    inquiry_assign(inquiry=other, assignee=officers.a_communicator, actor=officers.a_admin)
    sla.sla_sweep(now=t0 + 19 * H)
    assert len(_notes(officers.a_communicator, "inquiry.warned")) == 1
    assert len(_notes(g1, "inquiry.warned")) == 1


def test_deadline_follows_the_units_response_time(tree: Tree, officers: Officers) -> None:
    UnitInquirySettings.objects.create(unit=tree.pa, response_hours=8)
    t0 = timezone.now() - 10 * H
    inquiry = _receive(tree.a_g1, t0)
    assert inquiry.reply_due == t0 + 8 * H
    assert sla.sla_sweep(now=t0 + 5 * H + 59 * M)["warned"] == 0
    assert sla.sla_sweep(now=t0 + 6 * H + M)["warned"] == 1


def test_escalation_to_parent_then_grandparent(tree: Tree, officers: Officers) -> None:
    kcn = make_officer("tuyengiao_kcn", tree.a_kcn, Role.PROPAGANDA)
    g1 = make_officer("tuyengiao_g1", tree.a_g1, Role.PROPAGANDA)
    t0 = timezone.now() - 60 * H
    inquiry = _receive(tree.a_g1, t0)
    inquiry_assign(inquiry=inquiry, assignee=g1, actor=g1)

    breach = t0 + 24 * H + M
    assert sla.sla_sweep(now=breach) == {"warned": 0, "escalated": 1}
    inquiry.refresh_from_db()
    assert inquiry.escalated_to == tree.a_kcn
    assert inquiry.escalation_level == 1 and inquiry.escalated_at == breach
    assert inquiry.reply_due == breach + 24 * H and inquiry.warned_at is None
    assert inquiry.unit == tree.a_g1  # still the grassroots union's case
    [note] = _notes(kcn, "inquiry.escalated")
    assert "chuyển lên" in note.title.lower() and PHONE not in note.body
    assert len(_notes(g1, "inquiry.escalated")) == 1  # the assignee hears of it
    # The communicator at the zone union holds no handler role: not notified.
    assert _notes(officers.a_communicator, "inquiry.escalated") == []
    assert _notes(officers.a_admin, "inquiry.escalated") == []

    # Running the sweep again, or once more with the row read before the escalation, does
    # nothing more.
    stale = Inquiry.objects.select_related("unit", "escalated_to", "assignee").get(pk=inquiry.pk)
    stale.reply_due = t0 + 24 * H
    stale.escalated_to = None
    assert sla.sla_sweep(now=breach + M) == {"warned": 0, "escalated": 0}
    assert sla._escalate(stale, breach + M) is False
    assert InquiryEvent.objects.filter(inquiry=inquiry, kind=EventKind.ESCALATED).count() == 1
    assert Notification.objects.filter(kind="inquiry.escalated").count() == 2

    # The zone union's officers see it, marked escalated.
    escalated_tab = inbox(kcn, InboxFilters(), tab="chuyen-len", now=breach)
    assert list(escalated_tab) == [inquiry]

    # Still unanswered a further period later: on to the province.
    second = breach + 24 * H + M
    assert sla.sla_sweep(now=second) == {"warned": 0, "escalated": 1}
    inquiry.refresh_from_db()
    assert inquiry.escalated_to == tree.pa and inquiry.escalation_level == 2
    for officer in (officers.a_admin, officers.a_leader, officers.a_propaganda):
        assert len(_notes(officer, "inquiry.escalated")) == 1
    assert len(_notes(kcn, "inquiry.escalated")) == 1
    events = InquiryEvent.objects.filter(inquiry=inquiry, kind=EventKind.ESCALATED)
    assert [e.data["level"] for e in events] == [1, 2]
    assert [e.unit for e in events] == [tree.a_kcn, tree.pa]

    # A reply stops the clock: nothing escalates any more.
    inquiry_reply(inquiry=inquiry, body="Công đoàn đã làm việc với công ty.", actor=g1)
    assert sla.sla_sweep(now=second + 48 * H) == {"warned": 0, "escalated": 0}
    inquiry.refresh_from_db()
    assert inquiry.escalation_level == 2 and inquiry.reply_due is None


def test_warning_after_escalation_goes_to_the_escalated_unit(
    tree: Tree, officers: Officers
) -> None:
    kcn = make_officer("tuyengiao_kcn", tree.a_kcn, Role.PROPAGANDA)
    t0 = timezone.now() - 60 * H
    inquiry = _receive(tree.a_g1, t0)
    sla.sla_sweep(now=t0 + 24 * H + M)
    sla.sla_sweep(now=t0 + 24 * H + M + 18 * H + M)
    [note] = _notes(kcn, "inquiry.warned")
    assert inquiry.code in note.title
    event = InquiryEvent.objects.get(inquiry=inquiry, kind=EventKind.WARNED)
    assert event.unit == tree.a_kcn


def test_at_the_root_the_deadline_moves_on_without_escalation(
    tree: Tree, officers: Officers
) -> None:
    t0 = timezone.now() - 30 * H
    inquiry = _receive(tree.vn, t0)
    assert sla.sla_sweep(now=t0 + 24 * H + M) == {"warned": 0, "escalated": 0}
    inquiry.refresh_from_db()
    assert inquiry.escalated_to is None and inquiry.escalation_level == 0
    assert inquiry.reply_due == t0 + 48 * H + M
    # Still overdue for the inbox, though its deadline moved on.
    assert selectors.overdue_since(inquiry, t0 + 25 * H) == inquiry.first_response_due
    assert inquiry in inbox(officers.national_admin, InboxFilters(), tab="qua-han", now=t0 + 25 * H)


def test_escalated_case_stays_overdue_until_answered(tree: Tree, officers: Officers) -> None:
    """The sweep moves the deadline on at each escalation; the worker still waits too long."""
    g1 = make_officer("tuyengiao_g1", tree.a_g1, Role.PROPAGANDA)
    t0 = timezone.now() - 60 * H
    inquiry = _receive(tree.a_g1, t0)
    breach = t0 + 24 * H + M
    sla.sla_sweep(now=breach)
    inquiry.refresh_from_db()
    later = breach + H
    assert inquiry.reply_due is not None and inquiry.reply_due > later
    overdue = inbox(officers.a_admin, InboxFilters(), tab="qua-han", now=later)
    assert list(overdue) == [inquiry]
    assert selectors.overdue_since(inquiry, later) == t0 + 24 * H
    inquiry_reply(inquiry=inquiry, body="Trả lời", actor=g1, at=later)
    assert not inbox(officers.a_admin, InboxFilters(), tab="qua-han", now=later + M).exists()
    # A follow-up starts a new wait: not overdue until its own deadline passes.
    follow = later + 2 * H
    # (what intake does with a follow-up: a fresh deadline from the new message)
    Inquiry.objects.filter(pk=inquiry.pk).update(reply_due=follow + 24 * H, last_inbound_at=follow)
    assert not inbox(officers.a_admin, InboxFilters(), tab="qua-han", now=follow + H).exists()
    assert inbox(officers.a_admin, InboxFilters(), tab="qua-han", now=follow + 25 * H).exists()


def test_escalated_case_page_shows_the_banner(
    client: Client, tree: Tree, officers: Officers
) -> None:
    t0 = timezone.now() - 30 * H
    inquiry = _receive(tree.a_g1, t0)
    sla.sla_sweep(now=t0 + 24 * H + M)
    login(client, officers.a_communicator)
    page = client.get(reverse("inquiries:detail", args=[inquiry.code])).content.decode()
    assert "đã chuyển lên" in page and tree.a_kcn.name in page


@pytest.mark.django_db(transaction=True)
def test_escalation_in_a_real_worker_on_redis(
    redis_url: str,
    tree: Tree,
    officers: Officers,
) -> None:
    from celery.contrib.testing.worker import start_worker

    from lantoa.celery import app

    kcn = make_officer("tuyengiao_kcn", tree.a_kcn, Role.PROPAGANDA)
    inquiry = _receive(tree.a_g1, timezone.now() - 25 * H)
    with (
        celery_conf(broker_url=redis_url, task_always_eager=False, broker_transport_options={}),
        start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10),
        app.connection_for_write(redis_url) as conn,
    ):
        sla.sla_sweep_task.apply_async(connection=conn)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if Inquiry.objects.filter(pk=inquiry.pk, escalated_to__isnull=False).exists():
                break
            time.sleep(0.1)
    inquiry.refresh_from_db()
    assert inquiry.escalated_to == tree.a_kcn and inquiry.escalation_level == 1
    assert Notification.objects.filter(user=kcn, kind="inquiry.escalated").count() == 1
    assert InquiryEvent.objects.filter(inquiry=inquiry, kind=EventKind.ESCALATED).count() == 1

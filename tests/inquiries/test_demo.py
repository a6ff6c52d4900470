"""Demo inquiries (lantoa.inquiries.demo): realistic, consistent, deterministic."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from lantoa.accounts.models import User
from lantoa.core.messages import stored_text
from lantoa.inquiries import selectors
from lantoa.inquiries.models import (
    CannedAnswer,
    Direction,
    EventKind,
    Inquiry,
    InquiryContact,
    OutboundReply,
    OutboxStatus,
    Source,
    Status,
)
from lantoa.inquiries.selectors import InboxFilters

pytestmark = pytest.mark.django_db


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
    seed_demo_channels(
        seed=2026, as_of=dt.date(2026, 11, 19)
    )  # the province's Zalo OA and page receive messages
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
    # Replies Zalo refused keep the error for each reader's language (Zalo's words as they came).
    refused = list(OutboundReply.objects.filter(status=OutboxStatus.FAILED))
    assert refused and all(r.last_error.endswith("(mã lỗi -230)") for r in refused)
    with translation.override("en"):
        shown = {stored_text(r.last_error_text, r.last_error) for r in refused}
    assert len(shown) == 1 and shown.pop().startswith("Zalo refused because the worker is past")
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

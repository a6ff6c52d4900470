"""Privacy (lantoa.inquiries.privacy): erasing a contact on request, retention purges by the
nearest unit setting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from lantoa.audit.models import AuditEvent
from lantoa.inquiries.models import (
    EventKind,
    Inquiry,
    InquiryContact,
    InquiryEvent,
    Status,
    UnitInquirySettings,
)
from lantoa.inquiries.privacy import inquiry_erase_contact, inquiry_retention_purge
from lantoa.inquiries.public_services import inquiry_submit_web
from tests.conftest import Officers, Tree
from tests.inquiries.support import QUESTION

pytestmark = pytest.mark.django_db


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

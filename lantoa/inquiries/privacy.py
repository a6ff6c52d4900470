"""Workers' personal data on the inquiry desk: who may see it, erasure on request and the
retention period.

Who sees a worker's contact details (``contact_visible_to``): a superuser, and officers who
hold a handling role (``inquiry.handle``) *at* the unit handling the case, or at the unit it is
escalated to for being overdue — not at a unit somewhere above it, and not because the case
was assigned to them. Assigning a case (to oneself or anyone) never widens who sees the
contact: an upper-level officer given a grassroots unit's case answers it without the
worker's phone or e-mail. For the upper unit to take the case over — and with it the contact —
the case is moved to it (``services.inquiry_reassign``), which needs a written reason, tells
the unit that was handling it and is audited. The same rule masks the phone numbers, e-mail
addresses and ID numbers a worker typed into their messages (``lantoa.core.text``) for every
officer who may not see the contact, on the case page, in the inbox and in exports.

Vietnam's Decree 13/2023/NĐ-CP on personal-data protection gives the worker the right to have
their data deleted and requires keeping it no longer than needed. The case itself (what was
asked, what was answered) stays for the unit's statistics; only ``InquiryContact`` — the one
place identity is kept — goes, together with the lookup secret once the case is long closed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lantoa import access
from lantoa.audit.services import audit_record
from lantoa.core.services import acting_user
from lantoa.inquiries.models import (
    EventKind,
    Inquiry,
    InquiryContact,
    InquiryEvent,
    InquiryVector,
    OutboundReply,
    Status,
    UnitInquirySettings,
)
from lantoa.units.models import Unit

REASON_WORKER = "worker_request"
REASON_RETENTION = "retention"


# ---------------------------------------------------------------------------------------------
# Who sees a worker's contact details


def contact_unit_ids(user: Any) -> set[int] | None:
    """Ids of the units whose cases' contact details ``user`` may see: where they hold a role
    that handles inquiries, the unit itself and not its subtree. None: every unit (a
    superuser); an empty set: none."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    if user.is_superuser:
        return None
    roles = access.PERMISSIONS["inquiry.handle"]
    return {unit_id for unit_id, role in access.memberships(user) if role in roles}


def contact_checker(user: Any) -> Callable[[Inquiry], bool]:
    """``contact_visible_to`` for many cases of one officer (an inbox page, an export), with
    the officer's roles read once."""
    units = contact_unit_ids(user)
    if units is None:
        return lambda inquiry: True
    return lambda inquiry: inquiry.unit_id in units or inquiry.escalated_to_id in units


def contact_visible_to(user: Any, inquiry: Inquiry) -> bool:
    """Whether ``user`` may see the contact details of ``inquiry`` — and, unmasked, the phone
    numbers, e-mail addresses and ID numbers in its messages (see the module docstring).
    Whom the case is assigned to plays no part."""
    return contact_checker(user)(inquiry)


def contact_scope(user: Any) -> Q:
    """The cases whose contact details ``user`` may see, as a filter on ``Inquiry``."""
    units = contact_unit_ids(user)
    if units is None:
        return Q()
    return Q(unit_id__in=units) | Q(escalated_to_id__in=units)


def _erase(inquiry: Inquiry, *, actor: Any, reason: str, now: dt.datetime) -> bool:
    # The vector of the worker's question goes too (never embedded again once erased).
    InquiryVector.objects.filter(inquiry=inquiry).delete()
    deleted, _per_model = InquiryContact.objects.filter(inquiry=inquiry).delete()
    if not deleted:
        return False
    # A receipt e-mail not sent yet loses its copy of the secret (it fails for want of an
    # address when its turn comes).
    OutboundReply.objects.filter(message__inquiry=inquiry).exclude(secret="").update(secret="")
    InquiryEvent.objects.create(
        inquiry=inquiry,
        kind=EventKind.CONTACT_ERASED,
        actor=acting_user(actor),
        unit=inquiry.unit,
        data={"reason": reason},
        at=now,
    )
    return True


def inquiry_erase_contact(
    *, inquiry: Inquiry, actor: Any = None, reason: str = REASON_WORKER
) -> bool:
    """Delete the worker's contact details of ``inquiry``; keep the case.

    ``actor`` is the officer acting on a request made to them (None: the worker on the lookup
    page). Returns False, writing nothing, when there was no contact to erase.
    """
    with transaction.atomic():
        erased = _erase(inquiry, actor=actor, reason=reason, now=timezone.now())
        if erased:
            # The audit row names the case, never the data that was erased.
            audit_record(
                action="inquiry.contact_erased",
                actor=actor,
                unit=inquiry.unit,
                target=inquiry.code,
                data={"reason": reason},
                actor_label="" if actor is not None else "người lao động",
            )
    return erased


def retention_days_for(unit: Unit) -> int:
    """The unit's retention period: its own setting or its nearest ancestor's."""
    row = (
        UnitInquirySettings.objects.filter(unit__descendant_links__descendant=unit)
        .order_by("-unit__depth")
        .values_list("retention_days", flat=True)
        .first()
    )
    return int(row if row is not None else settings.LANTOA_INQUIRY_RETENTION_DAYS)


def inquiry_retention_purge(now: dt.datetime | None = None) -> int:
    """Erase the contact details and lookup secret of inquiries closed longer than their
    unit's retention period. Idempotent; returns how many inquiries were purged."""
    now = now or timezone.now()
    shortest = min(
        [
            int(settings.LANTOA_INQUIRY_RETENTION_DAYS),
            *UnitInquirySettings.objects.values_list("retention_days", flat=True),
        ]
    )
    candidates = (
        Inquiry.objects.filter(
            status=Status.CLOSED,
            closed_at__lt=now - dt.timedelta(days=shortest),
        )
        .exclude(lookup_secret_hash="", contact__isnull=True)
        .select_related("unit")
        .order_by("id")
    )
    periods: dict[int, int] = {}
    purged = 0
    for inquiry in candidates.iterator(chunk_size=500):
        days = periods.get(inquiry.unit_id)
        if days is None:
            days = periods[inquiry.unit_id] = retention_days_for(inquiry.unit)
        if inquiry.closed_at is None or inquiry.closed_at >= now - dt.timedelta(days=days):
            continue
        with transaction.atomic():
            # Re-read under a lock: the case may have been reopened meanwhile, or purged by a
            # second run.
            locked = (
                Inquiry.objects.select_for_update()
                .filter(pk=inquiry.pk, status=Status.CLOSED, closed_at=inquiry.closed_at)
                .select_related("unit")
                .first()
            )
            if locked is None:
                continue
            cleared = bool(locked.lookup_secret_hash)
            if cleared:
                locked.lookup_secret_hash = ""
                locked.save(update_fields=["lookup_secret_hash", "updated_at"])
            erased = _erase(locked, actor=None, reason=REASON_RETENTION, now=now)
            if cleared or erased:
                purged += 1
    if purged:
        audit_record(
            action="inquiry.retention_purge",
            actor_label="hệ thống",
            data={"count": purged},
        )
    return purged

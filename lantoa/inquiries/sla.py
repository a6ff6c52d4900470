"""The 24-hour promise: warn the assignee at 75 % of the reply time, escalate at breach.

``sla_sweep`` runs every minute in the background worker. At 75 % of the unit's reply time it
warns the assignee (or the unit's officers when nobody is assigned). At the deadline the case
is escalated to the parent of the unit handling it: that unit's officers are notified and see
it marked escalated, and it gets another reply period before going one level further up.
Each step is claimed with a conditional UPDATE on the deadline it read, so two sweeps running
at once never warn or escalate twice.
"""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from lantoa.accounts.models import Role
from lantoa.inquiries import counts
from lantoa.inquiries.models import EventKind, Inquiry, InquiryEvent
from lantoa.notifications.services import Text, notify, officers_of
from lantoa.units.models import Unit

log = logging.getLogger(__name__)

WARN_AT = 0.75
HANDLER_ROLES = (Role.ADMIN, Role.LEADER, Role.PROPAGANDA)
MAX_HOURS = 24 * 14


def _url(inquiry: Inquiry) -> str:
    return reverse("inquiries:detail", args=[inquiry.code])


def warn_time(inquiry: Inquiry) -> dt.datetime | None:
    if inquiry.reply_due is None:
        return None
    return inquiry.reply_due - dt.timedelta(hours=inquiry.response_hours * (1 - WARN_AT))


def _warn(inquiry: Inquiry, now: dt.datetime) -> bool:
    claimed = Inquiry.objects.filter(
        pk=inquiry.pk, reply_due=inquiry.reply_due, warned_at__isnull=True
    ).update(warned_at=now)
    if not claimed:
        return False
    assert inquiry.reply_due is not None
    left = max(inquiry.reply_due - now, dt.timedelta(0))
    hours = int(left.total_seconds() // 3600)
    minutes = int(left.total_seconds() % 3600 // 60)
    handler = inquiry.escalated_to or inquiry.unit
    users = (
        [inquiry.assignee]
        if inquiry.assignee and inquiry.assignee.is_active
        else list(officers_of(handler, HANDLER_ROLES))
    )
    InquiryEvent.objects.create(
        inquiry=inquiry,
        kind=EventKind.WARNED,
        unit=handler,
        at=now,
        data={"left_min": hours * 60 + minutes},
    )
    notify(
        users=users,
        kind="inquiry.warned",
        title=Text(gettext_noop("Sắp quá hạn trả lời: %(code)s"), {"code": inquiry.code}),
        body=Text(
            gettext_noop(
                "Câu hỏi %(code)s (%(unit)s) còn %(hours)s giờ %(minutes)s phút nữa là quá hạn "
                "trả lời."
            ),
            {"code": inquiry.code, "unit": inquiry.unit.name, "hours": hours, "minutes": minutes},
        ),
        url=_url(inquiry),
        unit=handler,
    )
    return True


def _escalate(inquiry: Inquiry, now: dt.datetime) -> bool:
    current = inquiry.escalated_to or inquiry.unit
    target = Unit.objects.filter(pk=current.parent_id).first() if current.parent_id else None
    new_due = now + dt.timedelta(hours=inquiry.response_hours)
    if target is None:
        # Already at the root: keep it overdue-flagged, check again after another period.
        # escalated_at marks the wait as overdue (selectors.overdue_q) once the deadline moves.
        Inquiry.objects.filter(pk=inquiry.pk, reply_due=inquiry.reply_due).update(
            reply_due=new_due, warned_at=None, escalated_at=now
        )
        return False
    claimed = Inquiry.objects.filter(pk=inquiry.pk, reply_due=inquiry.reply_due).update(
        escalated_to=target,
        escalation_level=inquiry.escalation_level + 1,
        escalated_at=now,
        reply_due=new_due,
        warned_at=None,
    )
    if not claimed:
        return False
    transaction.on_commit(counts.bump)  # the upper unit's count of new questions
    InquiryEvent.objects.create(
        inquiry=inquiry,
        kind=EventKind.ESCALATED,
        unit=target,
        at=now,
        data={"from": current.pk, "to": target.pk, "level": inquiry.escalation_level + 1},
    )
    notify(
        users=officers_of(target, HANDLER_ROLES),
        kind="inquiry.escalated",
        title=Text(gettext_noop("Quá hạn 24 giờ, chuyển lên: %(code)s"), {"code": inquiry.code}),
        body=Text(
            gettext_noop(
                "Câu hỏi %(code)s của người lao động do %(handler)s xử lý chưa được trả lời "
                "đúng hạn và được chuyển lên %(target)s theo dõi, đôn đốc."
            ),
            {"code": inquiry.code, "handler": current.name, "target": target.name},
        ),
        url=_url(inquiry),
        unit=target,
    )
    if inquiry.assignee and inquiry.assignee.is_active:
        notify(
            users=[inquiry.assignee],
            kind="inquiry.escalated",
            title=Text(gettext_noop("Đã quá hạn trả lời: %(code)s"), {"code": inquiry.code}),
            body=Text(
                gettext_noop("Câu hỏi %(code)s đã quá hạn và được báo lên %(target)s."),
                {"code": inquiry.code, "target": target.name},
            ),
            url=_url(inquiry),
            unit=current,
        )
    return True


def sla_sweep(now: dt.datetime | None = None) -> dict[str, int]:
    """One pass over open deadlines; returns how many were warned and escalated."""
    now = now or timezone.now()
    counts = {"warned": 0, "escalated": 0}
    horizon = now + dt.timedelta(hours=MAX_HOURS * (1 - WARN_AT))
    candidates = (
        Inquiry.objects.filter(reply_due__isnull=False, reply_due__lte=horizon)
        .select_related("unit", "escalated_to", "assignee")
        .order_by("reply_due")
    )
    for inquiry in candidates.iterator(chunk_size=500):
        assert inquiry.reply_due is not None
        with transaction.atomic():
            if inquiry.reply_due <= now:
                counts["escalated"] += _escalate(inquiry, now)
            elif inquiry.warned_at is None and (warn_time(inquiry) or now) <= now:
                counts["warned"] += _warn(inquiry, now)
    if counts["warned"] or counts["escalated"]:
        log.info("sla sweep: %(warned)s warned, %(escalated)s escalated", counts)
    return counts


@shared_task(name="inquiries.sla_sweep", soft_time_limit=50, time_limit=58)
def sla_sweep_task() -> dict[str, int]:
    return sla_sweep()

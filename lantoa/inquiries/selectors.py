"""Reads for the officers' inbox.

An officer's inbox holds the cases of the units where they hold ``inquiry.view`` (their
subtrees) plus the cases escalated to one of those units. Tabs split it by state, chips
narrow it (channel, category, unit, text, period); the list puts urgent and overdue cases
first, then the nearest deadline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils.translation import gettext_lazy

from lantoa import access
from lantoa.access import AnyUser
from lantoa.accounts.models import Membership, User
from lantoa.core.phone import normalise_phone
from lantoa.core.text import find_personal_data, fold
from lantoa.inquiries.models import (
    OPEN_STATUSES,
    CannedAnswer,
    Direction,
    Inquiry,
    InquiryContact,
    InquiryEvent,
    Message,
    Status,
)
from lantoa.inquiries.privacy import contact_scope, contact_unit_ids, contact_visible_to
from lantoa.units.models import Unit, UnitClosure
from lantoa.units.selectors import subtree_ids

# Tab slug → label. The slugs are the ``xem`` query parameter.
TABS: tuple[tuple[str, Any], ...] = (
    ("mo", gettext_lazy("Đang mở")),
    ("cua-toi", gettext_lazy("Của tôi")),
    ("chua-phan-cong", gettext_lazy("Chưa phân công")),
    ("qua-han", gettext_lazy("Quá hạn")),
    ("khan", gettext_lazy("Khẩn")),
    ("chuyen-len", gettext_lazy("Chuyển lên")),
    ("da-tra-loi", gettext_lazy("Đã trả lời")),
    ("da-dong", gettext_lazy("Đã đóng")),
    ("tat-ca", gettext_lazy("Tất cả")),
)
DEFAULT_TAB = "mo"


@dataclass
class InboxFilters:
    """The chips of the inbox (the tab is separate: counts are shown for every tab)."""

    source: str = ""
    category: str = ""
    unit: Unit | None = None
    # "có câu hỏi giống nhau": the cases with similar recent questions (None: not filtered).
    with_similar: list[int] | None = None
    text: str = ""
    start: dt.datetime | None = None
    end: dt.datetime | None = None


def _scope(user: AnyUser, perm: str) -> Q:
    units = access.visible_units(user, perm).values("pk")
    return Q(unit_id__in=units) | Q(escalated_to_id__in=units)


def inquiries_visible_to(user: AnyUser, perm: str = "inquiry.view") -> QuerySet[Inquiry]:
    """Cases of the units where ``user`` holds ``perm``, and cases escalated to them."""
    if not user.is_authenticated or not user.is_active:
        return Inquiry.objects.none()
    if user.is_superuser:
        return Inquiry.objects.all()
    return Inquiry.objects.filter(_scope(user, perm))


def inquiry_for(user: AnyUser, code: str, perm: str = "inquiry.view") -> Inquiry:
    """One case by its tracking code for ``user``: 404 when it is outside every subtree they
    see, 403 when they see its unit but lack ``perm``."""
    inquiry = (
        Inquiry.objects.select_related("unit", "assignee", "escalated_to", "workplace_unit")
        .filter(code=code)
        .first()
    )
    if inquiry is None:
        raise Http404
    units = [u for u in (inquiry.unit, inquiry.escalated_to) if u is not None]
    if any(access.can(user, perm, u) for u in units):
        return inquiry
    if any(access.can(user, "unit.view", u) for u in units):
        raise PermissionDenied
    raise Http404


def _words_q(field: str, text: str) -> Q:
    """Every word of ``text`` starts a word of ``field`` (folded), diacritics and word order
    ignored."""
    q = Q()
    for word in fold(text).split()[:8]:
        q &= Q(**{f"{field}__contains": " " + word})
    return q


def phone_writings(number: str) -> list[str]:
    """The ways a Vietnamese number is stored once its separators are gone: "0912345678",
    "+84912345678", "84912345678", "0084912345678"."""
    national = normalise_phone(number)
    if not national:
        return []
    rest = national[1:]
    return [national, "+84" + rest, "84" + rest, "0084" + rest]


def sender_q(text: str) -> Q | None:
    """The cases whose sender matches ``text``: their phone number (any spacing, +84 or 0),
    their e-mail address, or every word of their name (diacritics ignored). None: ``text``
    names no sender."""
    text = text.strip()
    if not text:
        return None
    phones = phone_writings(text)
    if phones:
        return Q(contact__phone__in=phones)
    if "@" in text and " " not in text:
        return Q(contact__email__iexact=text)
    if not fold(text).split():
        return None
    return _words_q("contact__name_folded", text)


def filtered(user: AnyUser, filters: InboxFilters) -> QuerySet[Inquiry]:
    qs = inquiries_visible_to(user)
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.unit is not None:
        below = subtree_ids(filters.unit)
        qs = qs.filter(Q(unit_id__in=below) | Q(escalated_to=filters.unit))
    if filters.start is not None:
        qs = qs.filter(received_at__gte=filters.start)
    if filters.end is not None:
        qs = qs.filter(received_at__lt=filters.end)
    if filters.text.strip():
        qs = qs.filter(text_q(user, filters.text))
    if filters.with_similar is not None:
        qs = qs.filter(pk__in=filters.with_similar)
    return qs


def text_q(user: AnyUser, text: str) -> Q:
    """The search box: the case's own words (code in its usual writings, subject, workplace,
    the worker's messages) or, for the cases whose contact ``user`` may see, the sender's
    name, phone number or e-mail address."""
    words = _words_q("search_text", text)
    if find_personal_data(text):
        # Searching by a phone number, e-mail or ID number would tell an officer who may
        # not see a case's contact whether that person wrote in: only cases whose contact
        # they may see are searched that way.
        words &= contact_scope(user)
    units = contact_unit_ids(user)
    sender = sender_q(text)
    if sender is None or units == set():
        return words
    # The sender is matched only on the cases whose contact the officer may see, so the
    # search tells nobody else who wrote in.
    return words | (sender & contact_scope(user) & Q(anonymous=False))


def overdue_q(now: dt.datetime) -> Q:
    """A worker's message waits past the promised time: its deadline has passed, or the first
    answer is late, or the case was escalated during the current wait. (The SLA sweep moves
    the deadline on at each escalation, to give the upper unit a period of its own, but the
    promise to the worker is still broken. An escalation before the last answer belongs to
    an earlier wait.)"""
    escalated_now = Q(escalated_at__isnull=False) & (
        Q(answered_at__isnull=True) | Q(escalated_at__gt=F("answered_at"))
    )
    never_answered = Q(first_responded_at__isnull=True, first_response_due__lt=now)
    return Q(reply_due__isnull=False) & (Q(reply_due__lt=now) | escalated_now | never_answered)


def overdue_since(inquiry: Inquiry, now: dt.datetime) -> dt.datetime | None:
    """When the current wait went past its deadline (None: it has not), as ``overdue_q``."""
    if inquiry.reply_due is None:
        return None
    if inquiry.first_responded_at is None and inquiry.first_response_due < now:
        return inquiry.first_response_due
    escalated = inquiry.escalated_at
    if escalated is not None and (inquiry.answered_at is None or escalated > inquiry.answered_at):
        return inquiry.first_response_due if inquiry.answered_at is None else escalated
    return inquiry.reply_due if inquiry.reply_due < now else None


def tab_q(tab: str, user: AnyUser, now: dt.datetime) -> Q:
    """The condition of one tab."""
    open_ = Q(status__in=OPEN_STATUSES)
    if tab == "cua-toi":
        return open_ & Q(assignee_id=getattr(user, "pk", None))
    if tab == "chua-phan-cong":
        return open_ & Q(assignee__isnull=True)
    if tab == "qua-han":
        return overdue_q(now)
    if tab == "khan":
        return open_ & Q(urgent=True)
    if tab == "chuyen-len":
        if user.is_superuser:
            return Q(escalated_to__isnull=False)
        return Q(escalated_to_id__in=access.visible_units(user, "inquiry.view").values("pk"))
    if tab == "da-tra-loi":
        return Q(status=Status.ANSWERED)
    if tab == "da-dong":
        return Q(status=Status.CLOSED)
    if tab == "tat-ca":
        return Q()
    return open_


def inbox(
    user: AnyUser, filters: InboxFilters, *, tab: str = DEFAULT_TAB, now: dt.datetime
) -> QuerySet[Inquiry]:
    """The rows of one tab, urgent and overdue first, then by the nearest deadline, newest
    otherwise; everything a row shows comes in the same query."""
    overdue = overdue_q(now)
    priority = Case(
        When(overdue & Q(urgent=True), then=Value(0)),
        When(overdue, then=Value(1)),
        When(Q(urgent=True) & Q(status__in=OPEN_STATUSES), then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    return (
        filtered(user, filters)
        .filter(tab_q(tab, user, now))
        .select_related("unit", "assignee", "escalated_to")
        .defer("search_text", "lookup_secret_hash")
        .annotate(priority=priority)
        .order_by("priority", F("reply_due").asc(nulls_last=True), "-received_at", "-id")
    )


def inbox_counts(user: AnyUser, filters: InboxFilters, *, now: dt.datetime) -> dict[str, int]:
    """How many cases each tab holds under the current chips, in one query."""
    aggregates = {
        slug.replace("-", "_"): Count("pk", filter=tab_q(slug, user, now)) for slug, _ in TABS
    }
    row = filtered(user, filters).aggregate(**aggregates)
    return {slug: int(row[slug.replace("-", "_")] or 0) for slug, _ in TABS}


# ---------------------------------------------------------------------------------------------
# One case


@dataclass(frozen=True)
class TimelineItem:
    at: dt.datetime
    message: Message | None = None
    event: InquiryEvent | None = None


# Events already shown by the message they accompany, or too small for the timeline.
_QUIET_EVENTS = frozenset({"message", "answered"})


def inquiry_timeline(inquiry: Inquiry) -> list[TimelineItem]:
    """Messages (worker's, replies with their delivery state, internal notes) and events,
    oldest first."""
    messages = (
        Message.objects.filter(inquiry=inquiry)
        .select_related("author", "outbound")
        .order_by("created_at", "id")
    )
    events = (
        InquiryEvent.objects.filter(inquiry=inquiry)
        .exclude(kind__in=_QUIET_EVENTS)
        .select_related("actor", "unit")
        .order_by("at", "id")
    )
    items = [TimelineItem(m.created_at, message=m) for m in messages]
    items += [TimelineItem(e.at, event=e) for e in events]
    items.sort(key=lambda item: (item.at, item.event is not None))
    return items


def _body(inquiry: Inquiry, direction: str, *order: str) -> str:
    bodies = Message.objects.filter(inquiry=inquiry, direction=direction).order_by(*order)
    return bodies.values_list("body", flat=True).first() or ""


def first_question(inquiry: Inquiry) -> str:
    return _body(inquiry, Direction.IN, "created_at", "id")


def last_answer(inquiry: Inquiry) -> str:
    return _body(inquiry, Direction.OUT, "-created_at", "-id")


def canned_answers_for(unit: Unit, category: str = "") -> QuerySet[CannedAnswer]:
    """Canned answers of ``unit`` and of the units above it; ``category``'s first."""
    qs = CannedAnswer.objects.filter(
        unit_id__in=UnitClosure.objects.filter(descendant=unit).values("ancestor_id")
    )
    if not category:
        return qs.order_by("title")
    same = Case(
        When(category=category, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return qs.annotate(same=same).order_by("same", "title")


def canned_answers_of(unit: Unit) -> QuerySet[CannedAnswer]:
    return CannedAnswer.objects.filter(unit=unit).order_by("title")


def assignable_officers(inquiry: Inquiry) -> QuerySet[User]:
    """Active officers who may be given the case: holders of ``inquiry.handle`` at its unit
    or above (closest first), and at the unit it is escalated to."""
    above = UnitClosure.objects.filter(descendant=inquiry.unit).values("ancestor_id")
    return User.objects.filter(
        is_active=True,
        id__in=Membership.objects.filter(
            unit_id__in=above, role__in=list(access.PERMISSIONS["inquiry.handle"])
        ).values("user_id"),
    ).order_by("full_name", "username")


def inbox_units(user: AnyUser) -> list[Unit]:
    """The units an officer most likely filters by: those of their own roles."""
    ids = {u for u, role in access.memberships(user) if role in access.PERMISSIONS["inquiry.view"]}
    return list(Unit.objects.filter(pk__in=ids).order_by("depth", "name"))


def bulk_assignees(inquiries: list[Inquiry]) -> list[User]:
    """The officers the bulk bar offers for the cases on the page: every active officer who
    may be given at least one of them (``assignable_officers`` of each, in one query)."""
    unit_ids = {i.unit_id for i in inquiries}
    if not unit_ids:
        return []
    above = UnitClosure.objects.filter(descendant_id__in=unit_ids).values("ancestor_id")
    return list(
        User.objects.filter(
            is_active=True,
            id__in=Membership.objects.filter(
                unit_id__in=above, role__in=list(access.PERMISSIONS["inquiry.handle"])
            ).values("user_id"),
        ).order_by("full_name", "username")
    )


OTHER_FROM_SENDER_LIMIT = 20


def other_inquiries_from_sender(user: AnyUser, inquiry: Inquiry) -> list[Inquiry]:
    """The other cases of the worker who wrote ``inquiry`` — same phone number, e-mail address
    or Zalo/Messenger user id on the same channel — newest first. Only when ``user`` may see
    this case's contact, and then only among the cases of their subtrees whose contact they may
    see too: linking two cases to one person is itself personal data. Empty otherwise."""
    if inquiry.anonymous or not contact_visible_to(user, inquiry):
        return []
    contact = InquiryContact.objects.filter(inquiry=inquiry).first()
    if contact is None:
        return []
    same = Q()
    if contact.phone:
        same |= Q(contact__phone__in=phone_writings(contact.phone) or [contact.phone])
    if contact.email:
        same |= Q(contact__email__iexact=contact.email)
    if contact.platform_user_id and inquiry.source in ("zalo", "facebook"):
        # A platform id is per Zalo OA or Facebook page: the same channel, or the same id on
        # the same kind of channel when the case has none.
        platform = Q(contact__platform_user_id=contact.platform_user_id, source=inquiry.source)
        if inquiry.channel_id:
            platform &= Q(channel_id=inquiry.channel_id)
        same |= platform
    if not same:
        return []
    return list(
        inquiries_visible_to(user)
        .filter(contact_scope(user))
        .filter(same, anonymous=False)
        .exclude(pk=inquiry.pk)
        .select_related("unit")
        .defer("search_text", "lookup_secret_hash")
        .order_by("-received_at", "-id")[:OTHER_FROM_SENDER_LIMIT]
    )

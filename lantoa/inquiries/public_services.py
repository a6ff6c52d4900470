"""What the public inquiry desk does (no login): send a question from the web form, find an
inquiry by tracking code and secret, add a follow-up message, and the worker's view of the
conversation. The public views are thin adapters over these.

No audit row is written for the worker's own messages: the inquiry's timeline
(``InquiryEvent``) records them, and an audit row would carry the client's address, which an
anonymous worker must not leave behind.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lantoa.inquiries.intake import (
    REOPEN_WINDOW,
    Incoming,
    inquiry_receive,
    normalise_code,
    normalise_secret,
    set_lookup_secret,
)
from lantoa.inquiries.models import (
    Direction,
    Inquiry,
    InquiryContact,
    Kind,
    Message,
    Source,
    Status,
)
from lantoa.inquiries.outbox import receipt_enqueue
from lantoa.units.models import Unit, UnitStatus


@dataclass(frozen=True)
class Receipt:
    """What the worker must keep: shown once, never stored in clear."""

    code: str
    secret: str
    response_hours: int


def web_thread_key(code: str) -> str:
    return f"web:{code}"


def inquiry_submit_web(
    *,
    question: str,
    kind: str = "",
    category: str = "",
    workplace: str = "",
    unit_hint: Unit | None = None,
    anonymous: bool = False,
    name: str = "",
    phone: str = "",
    email: str = "",
    consent: bool = False,
    email_updates: bool = False,
) -> tuple[Inquiry, Receipt]:
    """Open an inquiry from the public form and give it a lookup secret; with
    ``email_updates`` (the worker asked for it and gave an address) the codes are e-mailed to
    that address after commit, and later each answer (``lantoa.inquiries.outbox``).

    An anonymous inquiry stores no identity at all: whatever contact fields were passed are
    dropped here too, not only in the form.
    """
    if anonymous:
        name = phone = email = ""
        consent = email_updates = False
    with transaction.atomic():
        received = inquiry_receive(
            Incoming(
                source=Source.WEB,
                body=question,
                kind=kind or Kind.QUESTION,
                category=category,
                workplace=workplace,
                unit_hint=unit_hint,
                anonymous=anonymous,
                name=name,
                phone=phone,
                email=email,
                consent=consent,
            )
        )
        inquiry = received.inquiry
        # The code is made inside intake; follow-ups from the lookup page use this key.
        inquiry.thread_key = web_thread_key(inquiry.code)
        inquiry.save(update_fields=["thread_key", "updated_at"])
        secret = set_lookup_secret(inquiry)
        if email_updates and email.strip() and consent:
            InquiryContact.objects.filter(inquiry=inquiry).update(email_updates=True)
            receipt_enqueue(inquiry=inquiry, secret=secret)
    return inquiry, Receipt(inquiry.code, secret, inquiry.response_hours)


_dummy_hash: str | None = None


def _dummy() -> str:
    """A hash to check against when the code does not exist, so a wrong code costs the
    same time as a wrong secret."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = make_password("lantoa-lookup-dummy-secret")
    return _dummy_hash


def inquiry_lookup(*, code: str, secret: str) -> Inquiry | None:
    """The inquiry whose tracking code and secret match, else None (whichever was wrong)."""
    code = normalise_code(code)
    secret = normalise_secret(secret)
    inquiry = Inquiry.objects.select_related("unit").filter(code=code).first() if code else None
    stored = inquiry.lookup_secret_hash if inquiry is not None else ""
    matches = check_password(secret, stored or _dummy())
    if inquiry is None or not stored or not secret or not matches:
        return None
    return inquiry


def can_follow_up(inquiry: Inquiry) -> bool:
    """A case closed longer than the reopen window takes no more messages: intake would open
    a new inquiry, which the worker could not see on this page."""
    if inquiry.status != Status.CLOSED or inquiry.closed_at is None:
        return True
    return timezone.now() - inquiry.closed_at <= REOPEN_WINDOW


def inquiry_follow_up_web(*, inquiry: Inquiry, body: str) -> Message:
    """Add the worker's message to ``inquiry`` (reopening it when answered or closed)."""
    if not can_follow_up(inquiry):
        raise ValidationError(
            _("Câu hỏi này đã đóng quá lâu. Vui lòng gửi một câu hỏi mới."), code="closed"
        )
    with transaction.atomic():
        if not inquiry.thread_key:
            inquiry.thread_key = web_thread_key(inquiry.code)
            inquiry.save(update_fields=["thread_key", "updated_at"])
        received = inquiry_receive(
            Incoming(
                source=Source.WEB,
                body=body,
                thread_key=inquiry.thread_key,
                anonymous=inquiry.anonymous,
            )
        )
        if received.inquiry.pk != inquiry.pk:
            # The conversation key leads to another case (a newer one on the same Zalo or
            # e-mail thread): refuse rather than file the message where the worker cannot
            # see it. Raising rolls the message back.
            raise ValidationError(
                _("Không gửi được tin nhắn vào câu hỏi này. Vui lòng gửi một câu hỏi mới."),
                code="elsewhere",
            )
    inquiry.refresh_from_db()
    return received.message


def public_status(inquiry: Inquiry) -> str:
    """The status in the worker's words."""
    return {
        Status.NEW: _("Đã tiếp nhận, đang chờ cán bộ xử lý"),
        Status.ASSIGNED: _("Cán bộ công đoàn đang xử lý"),
        Status.ANSWERED: _("Đã trả lời"),
        Status.CLOSED: _("Đã kết thúc"),
    }.get(Status(inquiry.status), inquiry.get_status_display())


def public_messages(inquiry: Inquiry) -> QuerySet[Message]:
    """What the worker may read: their own messages and the replies, never internal notes
    and never who wrote a reply."""
    return (
        Message.objects.filter(inquiry=inquiry, direction__in=(Direction.IN, Direction.OUT))
        .only("id", "direction", "body", "attachments", "created_at")
        .order_by("created_at", "id")
    )


def active_unit(unit: Unit) -> Unit | None:
    """The unit that answers for ``unit`` today: itself, or its successor after a merge
    (posters stay on the boards after units merge)."""
    seen = 0
    current: Unit | None = unit
    while current is not None and current.status != UnitStatus.ACTIVE and seen < 10:
        current = current.successor
        seen += 1
    return current if current is not None and current.status == UnitStatus.ACTIVE else None

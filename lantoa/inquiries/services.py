"""Officers' handling of inquiries: assign, reassign, categorise, note, reply, close, reopen,
canned answers, desk settings, logging a hotline call or a walk-in, revealing contact details.

Every function is keyword-only and writes the case's timeline (``InquiryEvent``); the ones
that matter for accountability also write an audit row (``inquiry.*``) naming the case by its
code only, never the worker. Access to the case is checked by the caller
(``lantoa.inquiries.selectors.inquiry_for``); the rules about *other* people and units
(who may be assigned, where a case may be moved) are checked here.

Each write locks the inquiry row (``select_for_update``) and saves only the fields it
changes, so an SLA sweep escalating the case at the same moment is never overwritten.

Reassigning: an officer moves a case only to units of their own subtree (where they hold
``inquiry.handle``). A case that landed too low is moved up by an officer of the upper unit
(who sees it: it is in their subtree); a case that landed in the wrong branch is moved by an
officer above both branches. A grassroots officer cannot push a case up: they add a note and
the SLA escalation, or an upper officer, takes it from there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lantoa import access
from lantoa.accounts.models import User
from lantoa.audit.services import audit_record
from lantoa.core.phone import normalise_phone
from lantoa.core.services import acting_user
from lantoa.core.text import mask_personal_data
from lantoa.inquiries import counts, selectors
from lantoa.inquiries.intake import MAX_BODY, Incoming, inquiry_receive
from lantoa.inquiries.models import (
    CannedAnswer,
    Direction,
    EventKind,
    Inquiry,
    InquiryContact,
    InquiryEvent,
    Kind,
    Message,
    OutboundReply,
    Source,
    Status,
    UnitInquirySettings,
)
from lantoa.inquiries.outbox import outbox_enqueue, outbox_retry
from lantoa.inquiries.privacy import contact_unit_ids
from lantoa.inquiries.privacy import contact_visible_to as contact_visible_to
from lantoa.inquiries.sla import HANDLER_ROLES
from lantoa.kb.models import Category
from lantoa.notifications.services import Text, notify, officers_of
from lantoa.units.models import Unit, UnitClosure

RESPONSE_HOURS_RANGE = (1, 168)
RETENTION_DAYS_RANGE = (30, 3650)
LOGGED_SOURCES = (Source.HOTLINE, Source.WALK_IN)


# ---------------------------------------------------------------------------------------------
# Helpers


def _lock(inquiry: Inquiry) -> Inquiry:
    """The inquiry's current row, locked until the end of the transaction."""
    return Inquiry.objects.select_for_update().select_related("unit").get(pk=inquiry.pk)


def _done(inquiry: Inquiry, fresh: Inquiry) -> Inquiry:
    """Bring the caller's instance up to date with what was saved."""
    if inquiry is not fresh:
        inquiry.refresh_from_db()
    return inquiry


def _event(
    inquiry: Inquiry,
    kind: str,
    *,
    actor: Any = None,
    unit: Unit | None = None,
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> InquiryEvent:
    return InquiryEvent.objects.create(
        inquiry=inquiry,
        kind=kind,
        actor=acting_user(actor),
        unit=unit or inquiry.unit,
        data=data or {},
        at=at or timezone.now(),
    )


def _audit(
    action: str, inquiry: Inquiry, actor: Any, request: HttpRequest | None = None, **data: Any
) -> None:
    audit_record(
        action=action,
        actor=actor,
        request=request,
        unit=inquiry.unit,
        target=inquiry.code,
        data=data,
    )


def _text(value: str, field: str, *, required: str, limit: int = MAX_BODY) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: required})
    if len(text) > limit:
        raise ValidationError(
            {
                field: _("Nội dung dài quá %(limit)s ký tự.")
                % {"limit": f"{limit:,}".replace(",", ".")}
            }
        )
    return text


def _url(inquiry: Inquiry) -> str:
    return reverse("inquiries:detail", args=[inquiry.code])


def is_ancestor(ancestor_id: int | None, unit: Unit) -> bool:
    """Whether ``ancestor_id`` is a strict ancestor of ``unit``."""
    if ancestor_id is None or ancestor_id == unit.pk:
        return False
    return UnitClosure.objects.filter(ancestor_id=ancestor_id, descendant=unit).exists()


# ---------------------------------------------------------------------------------------------
# Assigning and moving


def inquiry_assign(*, inquiry: Inquiry, assignee: User | None, actor: User) -> Inquiry:
    """Give the case to ``assignee`` (None: nobody). The assignee must be able to handle it."""
    if assignee is not None and not (
        assignee.is_active and access.can(assignee, "inquiry.handle", inquiry.unit)
    ):
        raise ValidationError(
            {
                "assignee": _(
                    "%(name)s không có quyền xử lý câu hỏi của %(unit)s, không thể phân công."
                )
                % {"name": assignee.get_full_name(), "unit": inquiry.unit.name}
            }
        )
    with transaction.atomic():
        fresh = _lock(inquiry)
        if fresh.assignee_id == (assignee.pk if assignee else None):
            return _done(inquiry, fresh)
        fresh.assignee = assignee
        if fresh.status in (Status.NEW, Status.ASSIGNED):
            fresh.status = Status.ASSIGNED if assignee else Status.NEW
        fresh.save(update_fields=["assignee", "status", "updated_at"])
        _event(
            fresh,
            EventKind.ASSIGNED,
            actor=actor,
            data={
                "assignee": assignee.pk if assignee else None,
                "name": assignee.get_full_name() if assignee else "",
            },
        )
        _audit("inquiry.assign", fresh, actor, assignee=assignee.pk if assignee else None)
        if assignee is not None and assignee.pk != actor.pk:
            notify(
                users=[assignee],
                kind="inquiry.assigned",
                title=Text(
                    gettext_noop("Anh/chị được phân công trả lời câu hỏi %(code)s"),
                    {"code": fresh.code},
                ),
                body=Text(
                    gettext_noop("%(by)s phân công anh/chị trả lời câu hỏi %(code)s (%(unit)s)."),
                    {"by": actor.get_full_name(), "code": fresh.code, "unit": fresh.unit.name},
                ),
                url=_url(fresh),
                unit=fresh.unit,
            )
    return _done(inquiry, fresh)


def inquiry_reassign(*, inquiry: Inquiry, unit: Unit, actor: User, note: str = "") -> Inquiry:
    """Move the case to ``unit``, which must be an active unit of ``actor``'s own subtree
    (see the module docstring). The deadline does not change: the worker's clock runs on.
    The assignee stays only if they can handle cases of the new unit; an escalation mark stays
    only while the escalated unit is still above the new one.

    The new unit's officers see the worker's contact details (``privacy.contact_visible_to``).
    A move up the tree, or one that lets ``actor`` see a contact they could not see before,
    needs a written ``note`` (the reason), which goes into the audit row (masked); every move
    tells the handlers of the unit that was handling the case."""
    if not unit.is_active:
        raise ValidationError(
            {"unit": _("Đơn vị “%(name)s” đã ngừng hoạt động.") % {"name": unit.name}}
        )
    if not access.can(actor, "inquiry.handle", unit):
        raise ValidationError(
            {
                "unit": _(
                    "Chỉ chuyển được câu hỏi cho đơn vị thuộc phạm vi anh/chị phụ trách; "
                    "“%(name)s” nằm ngoài phạm vi đó."
                )
                % {"name": unit.name}
            }
        )
    note = (note or "").strip()[:500]
    with transaction.atomic():
        fresh = _lock(inquiry)
        if fresh.unit_id == unit.pk:
            raise ValidationError({"unit": _("Câu hỏi đang do chính đơn vị này xử lý.")})
        old = fresh.unit
        widens = _widens_contact(fresh, unit, actor)
        if widens and not note:
            raise ValidationError(
                {
                    "note": _(
                        "Chuyển câu hỏi sang %(unit)s thì cán bộ ở đó (có thể cả anh/chị) xem được "
                        "thông tin liên hệ của người lao động. Vui lòng ghi lý do "
                        "chuyển; lý do được "
                        "ghi nhật ký và báo cho %(old)s."
                    )
                    % {"unit": unit.name, "old": old.name}
                }
            )
        fresh.unit = unit
        fields = ["unit", "updated_at"]
        if fresh.assignee_id and not access.can(fresh.assignee, "inquiry.handle", unit):  # type: ignore[arg-type]
            fresh.assignee = None
            fields.append("assignee")
            if fresh.status == Status.ASSIGNED:
                fresh.status = Status.NEW
                fields.append("status")
        if fresh.escalated_to_id and not is_ancestor(fresh.escalated_to_id, unit):
            fresh.escalated_to = None
            fields.append("escalated_to")
        fresh.save(update_fields=fields)
        _event(
            fresh,
            EventKind.REASSIGNED,
            actor=actor,
            unit=unit,
            data={
                "from": old.pk,
                "from_name": old.name,
                "to": unit.pk,
                "to_name": unit.name,
                "note": note,
            },
        )
        reason: dict[str, Any] = {"reason": mask_personal_data(note)} if widens else {}
        _audit(
            "inquiry.reassign", fresh, actor, None, from_unit=old.code, to_unit=unit.code, **reason
        )
        moved = _("%(by)s chuyển câu hỏi %(code)s từ %(old)s sang %(new)s xử lý.") % {
            "by": actor.get_full_name(),
            "code": fresh.code,
            "old": old.name,
            "new": unit.name,
        }
        receivers = [u for u in officers_of(unit, HANDLER_ROLES) if u.pk != actor.pk]
        notify(
            users=receivers,
            kind="inquiry.reassigned",
            title=Text(
                gettext_noop("Câu hỏi %(code)s được chuyển đến đơn vị"), {"code": fresh.code}
            ),
            body=moved,
            url=_url(fresh),
            unit=unit,
        )
        # The unit that was handling the case hears of it, with the reason (masked: a
        # notification is e-mailed in clear) and without a link.
        told = {u.pk for u in receivers} | {actor.pk}
        notify(
            users=[u for u in officers_of(old, HANDLER_ROLES) if u.pk not in told],
            kind="inquiry.moved_away",
            title=Text(
                gettext_noop("Câu hỏi %(code)s đã được chuyển khỏi đơn vị"), {"code": fresh.code}
            ),
            body=moved
            + (" " + _("Lý do: %(reason)s") % {"reason": mask_personal_data(note)} if note else ""),
            url="",
            unit=old,
        )
    return _done(inquiry, fresh)


def _widens_contact(inquiry: Inquiry, unit: Unit, actor: User) -> bool:
    """Moving ``inquiry`` to ``unit`` takes it up the tree, or lets ``actor`` see a contact
    they cannot see now."""
    if is_ancestor(unit.pk, inquiry.unit):
        return True
    if contact_visible_to(actor, inquiry):
        return False
    units = contact_unit_ids(actor)
    return units is None or unit.pk in units


def inquiry_categorise(*, inquiry: Inquiry, category: str, kind: str, actor: User) -> Inquiry:
    if category and category not in Category.values:
        raise ValidationError({"category": _("Lĩnh vực không hợp lệ.")})
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Loại câu hỏi không hợp lệ.")})
    with transaction.atomic():
        fresh = _lock(inquiry)
        if (fresh.category, fresh.kind) == (category, kind):
            return _done(inquiry, fresh)
        data = {
            "category": category,
            "kind": kind,
            "old_category": fresh.category,
            "old_kind": fresh.kind,
        }
        fresh.category, fresh.kind = category, kind
        fresh.save(update_fields=["category", "kind", "updated_at"])
        _event(fresh, EventKind.CATEGORISED, actor=actor, data=data)
    return _done(inquiry, fresh)


# ---------------------------------------------------------------------------------------------
# Conversation


def inquiry_note(*, inquiry: Inquiry, body: str, actor: User) -> Message:
    """An internal note: on the officers' timeline only, never shown or sent to the worker."""
    text = _text(body, "body", required=_("Vui lòng nhập nội dung ghi chú."))
    return Message.objects.create(
        inquiry=inquiry,
        direction=Direction.NOTE,
        author=actor,
        body=text,
        source=inquiry.source,
        created_at=timezone.now(),
    )


def inquiry_reply(
    *,
    inquiry: Inquiry,
    body: str,
    actor: User,
    close: bool = False,
    at: dt.datetime | None = None,
) -> Message:
    """Answer the worker. Zalo, Messenger and e-mail replies go out through the outbox after
    commit; a web or anonymous case's answer is read on the public lookup page; for a hotline
    call or walk-in it records what was said. Stops the response clock."""
    text = _text(body, "body", required=_("Vui lòng nhập nội dung trả lời."))
    now = at or timezone.now()
    with transaction.atomic():
        fresh = _lock(inquiry)
        if fresh.status == Status.CLOSED:
            raise ValidationError(
                {"body": _("Câu hỏi đã đóng. Vui lòng mở lại câu hỏi trước khi trả lời.")}
            )
        message = Message.objects.create(
            inquiry=fresh,
            direction=Direction.OUT,
            author=actor,
            body=text,
            source=fresh.source,
            created_at=now,
        )
        fields = ["first_responded_at", "answered_at", "reply_due", "warned_at", "status"]
        if fresh.first_responded_at is None:
            fresh.first_responded_at = now
        fresh.answered_at = now
        fresh.reply_due = None
        fresh.warned_at = None
        if fresh.assignee_id is None and access.can(actor, "inquiry.handle", fresh.unit):
            fresh.assignee = actor
            fields.append("assignee")
        fresh.status = Status.CLOSED if close else Status.ANSWERED
        if close:
            fresh.closed_at = now
            fields.append("closed_at")
        fresh.save(update_fields=[*fields, "updated_at"])
        _event(fresh, EventKind.ANSWERED, actor=actor, data={"message": message.pk}, at=now)
        if close:
            _event(fresh, EventKind.CLOSED, actor=actor, at=now)
        outbound = outbox_enqueue(message)
        _audit("inquiry.reply", fresh, actor, close=close, pushed=outbound is not None)
    _done(inquiry, fresh)
    return message


def inquiry_reply_retry(*, outbound: OutboundReply, inquiry: Inquiry, actor: User) -> bool:
    """Send a failed reply again (e.g. after the unit reconnected its page); False when the
    reply is not in the failed state."""
    if outbound.message.inquiry_id != inquiry.pk or not outbox_retry(outbound):
        return False
    _audit("inquiry.reply_retry", inquiry, actor, outbound=outbound.pk)
    return True


def inquiry_close(*, inquiry: Inquiry, actor: User) -> Inquiry:
    with transaction.atomic():
        fresh = _lock(inquiry)
        if fresh.status == Status.CLOSED:
            raise ValidationError(_("Câu hỏi đã đóng từ trước."))
        now = timezone.now()
        fresh.status = Status.CLOSED
        fresh.closed_at = now
        fresh.reply_due = None
        fresh.warned_at = None
        fresh.save(update_fields=["status", "closed_at", "reply_due", "warned_at", "updated_at"])
        _event(fresh, EventKind.CLOSED, actor=actor, at=now)
        _audit("inquiry.close", fresh, actor)
    return _done(inquiry, fresh)


def inquiry_reopen(*, inquiry: Inquiry, actor: User) -> Inquiry:
    """Back to work. The response clock restarts only when the worker's last message is still
    unanswered; an officer reopening to add something does not owe a deadline."""
    with transaction.atomic():
        fresh = _lock(inquiry)
        if fresh.is_open:
            raise ValidationError(_("Câu hỏi đang mở, không cần mở lại."))
        now = timezone.now()
        last = (
            Message.objects.filter(inquiry=fresh)
            .exclude(direction=Direction.NOTE)
            .order_by("-created_at", "-id")
            .values_list("direction", flat=True)
            .first()
        )
        fresh.status = Status.ASSIGNED if fresh.assignee_id else Status.NEW
        fresh.closed_at = None
        fresh.warned_at = None
        fresh.reply_due = (
            now + dt.timedelta(hours=fresh.response_hours) if last == Direction.IN else None
        )
        fresh.save(update_fields=["status", "closed_at", "warned_at", "reply_due", "updated_at"])
        _event(fresh, EventKind.REOPENED, actor=actor, at=now)
        _audit("inquiry.reopen", fresh, actor)
    return _done(inquiry, fresh)


# ---------------------------------------------------------------------------------------------
# Many cases at once (the inbox's bulk bar)

BULK_LIMIT = 100


@dataclass
class BulkOutcome:
    """What a bulk action did: the codes of the cases done, and of those refused with why."""

    done: list[str] = dataclass_field(default_factory=list)
    refused: list[tuple[str, str]] = dataclass_field(default_factory=list)


def _bulk(actor: User, codes: Iterable[str], action: Callable[[Inquiry], Any]) -> BulkOutcome:
    """``action`` on each case of ``codes`` that ``actor`` may handle, each in a savepoint of
    one transaction, through the same service (and so the same rules and audit) as one case.
    A case outside the actor's subtrees is refused, as is a case the service refuses; the
    others are done."""
    wanted = list(dict.fromkeys(c.strip().upper() for c in codes if c.strip()))
    if len(wanted) > BULK_LIMIT:
        raise ValidationError(
            _("Vui lòng chọn tối đa %(limit)s câu hỏi mỗi lần.") % {"limit": BULK_LIMIT}
        )
    handled = {
        i.code: i
        for i in selectors.inquiries_visible_to(actor, "inquiry.handle")
        .filter(code__in=wanted)
        .select_related("unit")
    }
    outcome = BulkOutcome()
    with transaction.atomic():
        for code in wanted:
            inquiry = handled.get(code)
            if inquiry is None:
                outcome.refused.append(
                    (code, _("không tìm thấy, hoặc anh/chị không có quyền xử lý câu hỏi này"))
                )
                continue
            try:
                with transaction.atomic():
                    action(inquiry)
            except ValidationError as exc:
                outcome.refused.append((code, " ".join(exc.messages)))
            else:
                outcome.done.append(code)
    return outcome


def inquiries_bulk_assign(*, actor: User, codes: Iterable[str], assignee: User) -> BulkOutcome:
    """Give each case of ``codes`` to ``assignee`` (``inquiry_assign`` on each)."""
    return _bulk(actor, codes, lambda i: inquiry_assign(inquiry=i, assignee=assignee, actor=actor))


def inquiries_bulk_close(*, actor: User, codes: Iterable[str]) -> BulkOutcome:
    """Close each case of ``codes`` (``inquiry_close`` on each)."""
    return _bulk(actor, codes, lambda i: inquiry_close(inquiry=i, actor=actor))


# ---------------------------------------------------------------------------------------------
# Contact details (who may see them: ``lantoa.inquiries.privacy.contact_visible_to``)


def inquiry_contact_reveal(
    *, inquiry: Inquiry, actor: User, request: HttpRequest | None = None
) -> InquiryContact | None:
    """The worker's contact details for an officer allowed to see them; every look is audited
    (the audit row names the case, not the person). Raises ``PermissionError`` otherwise."""
    if not contact_visible_to(actor, inquiry):
        raise PermissionError("contact not visible")
    try:
        contact = InquiryContact.objects.get(inquiry=inquiry)
    except ObjectDoesNotExist:
        return None
    _audit("inquiry.contact_viewed", inquiry, actor, request)
    return contact


# ---------------------------------------------------------------------------------------------
# Canned answers and desk settings


def _canned_fields(title: str, body: str, category: str) -> dict[str, str]:
    if category and category not in Category.values:
        raise ValidationError({"category": _("Lĩnh vực không hợp lệ.")})
    return {
        "title": _text(title, "title", required=_("Vui lòng nhập tiêu đề."), limit=200),
        "body": _text(body, "body", required=_("Vui lòng nhập nội dung câu trả lời mẫu.")),
        "category": category or "",
    }


def canned_answer_create(
    *, unit: Unit, title: str, body: str, category: str = "", actor: User
) -> CannedAnswer:
    answer = CannedAnswer.objects.create(unit=unit, **_canned_fields(title, body, category))
    audit_record(
        action="inquiry.canned_create", actor=actor, unit=unit, target=str(answer.pk), data={}
    )
    return answer


def canned_answer_update(
    *, answer: CannedAnswer, title: str, body: str, category: str = "", actor: User
) -> CannedAnswer:
    for field, value in _canned_fields(title, body, category).items():
        setattr(answer, field, value)
    answer.save()
    audit_record(
        action="inquiry.canned_update",
        actor=actor,
        unit=answer.unit,
        target=str(answer.pk),
        data={},
    )
    return answer


def canned_answer_delete(*, answer: CannedAnswer, actor: User) -> None:
    audit_record(
        action="inquiry.canned_delete",
        actor=actor,
        unit=answer.unit,
        target=str(answer.pk),
        data={"title": answer.title},
    )
    answer.delete()


def inquiry_settings_update(
    *, unit: Unit, response_hours: int, retention_days: int, actor: User
) -> UnitInquirySettings:
    """The unit's desk settings (its subtree inherits them unless a unit below sets its own).
    Open cases keep the deadline they were given; new ones get the new response time."""
    lo, hi = RESPONSE_HOURS_RANGE
    if not lo <= response_hours <= hi:
        raise ValidationError(
            {
                "response_hours": _("Hạn trả lời phải từ %(lo)s đến %(hi)s giờ.")
                % {"lo": lo, "hi": hi}
            }
        )
    lo, hi = RETENTION_DAYS_RANGE
    if not lo <= retention_days <= hi:
        raise ValidationError(
            {
                "retention_days": _("Thời hạn lưu phải từ %(lo)s đến %(hi)s ngày.")
                % {"lo": lo, "hi": f"{hi:,}".replace(",", ".")}
            }
        )
    row, _created = UnitInquirySettings.objects.update_or_create(
        unit=unit, defaults={"response_hours": response_hours, "retention_days": retention_days}
    )
    audit_record(
        action="inquiry.settings_update",
        actor=actor,
        unit=unit,
        target=unit.code,
        data={"response_hours": response_hours, "retention_days": retention_days},
    )
    return row


# ---------------------------------------------------------------------------------------------
# Hotline calls and walk-ins


def _logged_phone(raw: str) -> str:
    """ "0912 345 678" or "+84 912 345 678" → "0912345678"; "" stays ""; a malformed
    number is refused (the same rule as the public form)."""
    phone = normalise_phone(raw)
    if (raw or "").strip() and not phone:
        raise ValidationError(
            {"phone": _("Số điện thoại “%(raw)s” không hợp lệ (ví dụ 0912345678).") % {"raw": raw}}
        )
    return phone


def inquiry_log_call(
    *,
    unit: Unit,
    actor: User,
    source: str,
    body: str,
    name: str = "",
    phone: str = "",
    anonymous: bool = False,
    workplace: str = "",
    category: str = "",
    kind: str = Kind.QUESTION,
    answered_body: str = "",
    consent: bool = False,
    at: dt.datetime | None = None,
) -> Inquiry:
    """An officer of ``unit`` records a hotline call or a walk-in (``Ghi nhận cuộc gọi, buổi
    tiếp người lao động``), optionally with the answer given there and then.

    The case is routed like any other (the worker's grassroots union when the workplace names
    one) but stays within ``unit``'s subtree: a call taken here is not silently handed to a
    unit the officer cannot see; they can reassign it afterwards if they may."""
    if source not in LOGGED_SOURCES:
        raise ValidationError(
            {
                "source": _(
                    "Chỉ ghi nhận cuộc gọi đường dây nóng hoặc buổi tiếp người lao động trực tiếp."
                )
            }
        )
    if category and category not in Category.values:
        raise ValidationError({"category": _("Lĩnh vực không hợp lệ.")})
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Loại câu hỏi không hợp lệ.")})
    text = _text(
        body, "body", required=_("Vui lòng ghi nội dung người lao động hỏi hoặc phản ánh.")
    )
    if anonymous:
        name, phone = "", ""
    phone = _logged_phone(phone)
    name = (name or "").strip()[:150]
    if (name or phone) and not consent:
        raise ValidationError(
            {
                "consent": _(
                    "Vui lòng hỏi và đánh dấu người lao động đồng ý cho lưu thông tin liên hệ, "
                    "hoặc để trống họ tên và số điện thoại."
                )
            }
        )
    if at is not None and at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"received_at": _("Thời điểm tiếp nhận không thể ở tương lai.")})
    answer = (answered_body or "").strip()
    with transaction.atomic():
        received = inquiry_receive(
            Incoming(
                source=source,
                body=text,
                received_at=at,
                name=name,
                phone=phone,
                workplace=workplace,
                unit_hint=unit,
                category=category,
                kind=kind,
                anonymous=anonymous,
                consent=consent,
                author=actor,
            )
        )
        inquiry = received.inquiry
        if (
            inquiry.unit_id != unit.pk
            and not UnitClosure.objects.filter(
                ancestor=unit, descendant_id=inquiry.unit_id
            ).exists()
        ):
            Inquiry.objects.filter(pk=inquiry.pk).update(unit=unit)
            transaction.on_commit(counts.bump)
            InquiryEvent.objects.filter(inquiry=inquiry).update(unit=unit)
            inquiry.unit = unit
        _audit("inquiry.log_call", inquiry, actor, source=source)
        if answer:
            inquiry_reply(inquiry=inquiry, body=answer, actor=actor)
    return inquiry

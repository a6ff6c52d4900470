"""Intake: every channel's message becomes a ``Message`` on an ``Inquiry`` through
``inquiry_receive``.

The web form, the Zalo and Messenger webhooks, the mailbox poller and an officer logging a
hotline call all build an ``Incoming`` and call ``inquiry_receive``. It de-duplicates on the
platform's message id, joins follow-ups to the conversation's inquiry (reopening it when it
was answered or closed), routes new inquiries to the unit that should answer and starts the
response clock.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lantoa.core.text import fold
from lantoa.inquiries.models import (
    Direction,
    EventKind,
    Inquiry,
    InquiryContact,
    InquiryEvent,
    Kind,
    Message,
    Source,
    Status,
    UnitInquirySettings,
)
from lantoa.inquiries.similar import queue_embedding
from lantoa.kb.models import Category
from lantoa.units.models import Unit, UnitClosure, UnitKind, UnitStatus
from lantoa.units.selectors import units_in_subtree

# A closed conversation older than this starts a new inquiry instead of reopening the old one.
REOPEN_WINDOW = dt.timedelta(days=30)
MAX_BODY = 10_000
MAX_SUBJECT = 120

# Unambiguous characters only (no 0/O, 1/I/L), so a code read over the phone is typed right.
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


@dataclass(frozen=True)
class Incoming:
    """One message as received from any channel."""

    source: str
    body: str
    received_at: dt.datetime | None = None
    # Platform message id (Zalo msg_id, Messenger mid, e-mail Message-ID): de-duplication.
    external_id: str = ""
    # Conversation key ("zalo:<oa>:<user>", "facebook:<page>:<psid>", "email:<root id>"):
    # follow-ups with the same key join the conversation's inquiry.
    thread_key: str = ""
    # The unit's Channel (Zalo OA, Facebook page) the message came through.
    channel: Any = None
    platform_user_id: str = ""
    name: str = ""
    phone: str = ""
    email: str = ""
    attachments: Sequence[dict[str, Any]] = field(default_factory=tuple)
    subject: str = ""
    workplace: str = ""
    # Unit the worker addressed (QR poster, unit-specific form link, the OA's owner).
    unit_hint: Unit | None = None
    category: str = ""
    kind: str = Kind.QUESTION
    anonymous: bool = False
    consent: bool = False
    # Officer who logged a hotline call or walk-in.
    author: Any = None


@dataclass(frozen=True)
class Received:
    inquiry: Inquiry
    message: Message
    created: bool  # a new inquiry was opened
    duplicate: bool  # the platform re-delivered a message we already had


# ---------------------------------------------------------------------------------------------
# Codes and secrets


def new_tracking_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
    return f"HD-{raw[:4]}-{raw[4:]}"


def new_lookup_secret() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def normalise_code(text: str) -> str:
    """What the worker typed → stored form: upper case, separators restored."""
    raw = re.sub(r"[^0-9A-Z]", "", (text or "").upper())
    if raw.startswith("HD"):
        raw = raw[2:]
    return f"HD-{raw[:4]}-{raw[4:8]}" if len(raw) == 8 else ""


def normalise_secret(text: str) -> str:
    raw = re.sub(r"[^0-9A-Z]", "", (text or "").upper())
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == 8 else ""


# ---------------------------------------------------------------------------------------------
# Routing


# Words of legal form and place type that say nothing about which workplace is meant.
_NOISE = frozenset(
    {
        *("cong", "ty", "tnhh", "co", "phan", "cp", "mtv", "chi", "nhanh", "nha", "may"),
        *("xi", "nghiep", "tap", "doan", "viet", "nam", "vn", "khu", "kcn", "cum", "ccn"),
        *("xa", "phuong", "thi", "tran", "tp", "huyen", "quan", "tai", "lam", "viec", "cua"),
        *("toi", "em", "cdcs", "so", "doanh", "dn", "o", "va"),
        # Words of every union's name ("Công đoàn các Khu công nghiệp tỉnh …"): a worker
        # naming the zone or the commune does not write them.
        *("doan", "lien", "cac", "tinh", "nganh"),
    }
)


def _tokens(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", fold(text)) if w not in _NOISE and len(w) > 1]


def _scope_root(hint: Unit | None) -> Unit | None:
    """The province (or national root) whose subtree the workplace is searched in."""
    if hint is not None:
        province = (
            Unit.objects.filter(
                descendant_links__descendant=hint, kind__in=(UnitKind.PROVINCE, UnitKind.NATIONAL)
            )
            .order_by("-depth")
            .first()
        )
        return province or hint
    provinces = list(Unit.objects.filter(kind=UnitKind.PROVINCE, status=UnitStatus.ACTIVE)[:2])
    if len(provinces) == 1:
        return provinces[0]
    return Unit.objects.filter(parent__isnull=True).order_by("id").first()


def route(*, workplace: str, hint: Unit | None) -> tuple[Unit, Unit | None]:
    """(unit that should answer, matched grassroots unit or None).

    The worker's grassroots union when the workplace names exactly one; else the upper-level
    union of the area (industrial zone or commune named, or the common parent of the matching
    grassroots unions); else the unit addressed (QR poster, OA) or the province.
    """
    if hint is not None and hint.kind == UnitKind.GRASSROOTS and hint.status == UnitStatus.ACTIVE:
        return hint, hint
    root = _scope_root(hint)
    if root is None:
        raise ValueError(_("Chưa có đơn vị công đoàn nào để tiếp nhận câu hỏi."))
    fallback = hint if hint is not None and hint.status == UnitStatus.ACTIVE else root
    words = _tokens(workplace)
    if not words:
        return fallback, None
    scope = units_in_subtree(root, active_only=True)

    # Grassroots unions sharing words with the workplace: the best match wins when it is
    # unique and covers all the words, or at least two of them.
    any_word = Q()
    for word in words:
        any_word |= Q(search_text__contains=" " + word)
    candidates = list(
        scope.filter(any_word, kind=UnitKind.GRASSROOTS).only(
            "id", "parent_id", "search_text", "kind"
        )[:300]
    )
    scored: list[tuple[int, Unit]] = []
    for unit in candidates:
        hits = sum(1 for w in words if " " + w in unit.search_text)
        if hits == len(words) or hits >= 2:
            scored.append((hits, unit))
    top = max((h for h, _ in scored), default=0)
    named = _named_upper(scope, words)
    # A zone or commune named outright ("phường Mỹ Bình") wins over a workplace that merely
    # carries the place's name ("Trường Tiểu học Mỹ Bình"), unless the worker said more
    # about the workplace than the place's name.
    if named is not None and top <= named[0]:
        return named[1], None
    if scored:
        best_units = [u for h, u in scored if h == top]
        if len(best_units) == 1:
            return best_units[0], best_units[0]
        common = _common_ancestor(best_units)
        if common is not None:
            return common, None
    if named is not None:
        return named[1], None
    return fallback, None


def _common_ancestor(units: list[Unit]) -> Unit | None:
    """The deepest unit above all of ``units`` (several workplaces match equally)."""
    ids = {u.pk for u in units}
    shared = (
        UnitClosure.objects.filter(descendant_id__in=ids, depth__gt=0)
        .values("ancestor_id")
        .annotate(n=Count("descendant_id", distinct=True))
        .filter(n=len(ids))
        .values("ancestor_id")
    )
    return Unit.objects.filter(pk__in=shared).order_by("-depth").first()


def _named_upper(scope: QuerySet[Unit], words: list[str]) -> tuple[int, Unit] | None:
    """(how many words its name has, unit) of the upper-level union whose distinctive name
    appears whole among the worker's words ("KCN Yên Bình", "xã Đồng Hỷ"), if any."""
    folded = set(words)
    best: tuple[int, Unit] | None = None
    for unit in scope.exclude(kind__in=(UnitKind.GRASSROOTS, UnitKind.NATIONAL)).only(
        "id", "name", "short_name", "kind", "depth"
    ):
        name_words = set(_tokens(unit.name)) or set(_tokens(unit.short_name))
        if name_words and name_words <= folded:
            score = len(name_words) * 10 + unit.depth
            if best is None or score > best[0]:
                best = (score, unit)
    return (best[0] // 10, best[1]) if best is not None else None


# ---------------------------------------------------------------------------------------------
# Urgency


_MANY = re.compile(
    r"\b(hang (tram|nghin|ngan|chuc)|ca (xuong|cong ty|nha may|phan xuong)|toan bo|tap the|"
    r"tat ca (cong nhan|nguoi lao dong|anh chi em)|nhieu (cong nhan|nguoi)|"
    r"([1-9]\d{1,})\s*(cong nhan|nguoi|lao dong|cn|nld))\b"
)
_WAGES_UNPAID = re.compile(
    r"\b(no luong|cham (tra )?luong|chua (duoc )?tra luong|khong (duoc )?tra luong|"
    r"chua nhan (duoc )?luong|chua phat luong|quyt luong|bo tron|chu bo tron)\b"
)
_ACCIDENT = re.compile(
    r"\b(tai nan|bi thuong|tu vong|thiet mang|chet|chay no|hoa hoan|no lo hoi|ngo doc|"
    r"mat ngon|dut tay|cap cuu)\b"
)
# Folding merges "cháy" (fire) with "chạy" (run), "sập" (collapse) with "sắp" (soon) and
# "trốn" (abscond) with "trọn" (whole): these are matched with their tones, on the text as
# typed (composed to NFC), and only then count.
_ACCIDENT_TONED = re.compile(r"\b(cháy|sập|sụp đổ)\b")
_WAGES_TONED = re.compile(r"\b(trốn|bỏ trốn)\b")
_STRIKE = re.compile(
    r"\b(dinh cong|ngung viec tap the|ngung viec|lan cong|bo viec hang loat|tu tap|"
    r"phan doi tap the|bieu tinh)\b"
)
_HARASSMENT = re.compile(r"\b(quay roi|xam hai|danh dap|hanh hung|de doa)\b")

URGENCY_LABELS = {
    "wages_many": "Nợ lương nhiều người lao động",
    "accident": "Tai nạn, sự cố an toàn",
    "strike": "Nguy cơ ngừng việc tập thể, đình công",
    "violence": "Bạo lực, quấy rối, đe dọa",
}


def urgency_reasons(text: str) -> list[str]:
    """Reasons to flag an inquiry as urgent, from its words (diacritics ignored)."""
    folded = fold(text)
    toned = unicodedata.normalize("NFC", text or "").lower()
    reasons = []
    if (_WAGES_UNPAID.search(folded) or _WAGES_TONED.search(toned)) and _MANY.search(folded):
        reasons.append("wages_many")
    if _ACCIDENT.search(folded) or _ACCIDENT_TONED.search(toned):
        reasons.append("accident")
    if _STRIKE.search(folded):
        reasons.append("strike")
    if _HARASSMENT.search(folded):
        reasons.append("violence")
    return reasons


# ---------------------------------------------------------------------------------------------
# Deadlines


def response_hours_for(unit: Unit) -> int:
    """First-response time of the unit: its own setting or its nearest ancestor's."""
    row = (
        UnitInquirySettings.objects.filter(unit__descendant_links__descendant=unit)
        .order_by("-unit__depth")
        .values_list("response_hours", flat=True)
        .first()
    )
    return int(row or settings.LANTOA_INQUIRY_RESPONSE_HOURS)


def _subject_from(body: str) -> str:
    line = " ".join(body.split())
    return line if len(line) <= MAX_SUBJECT else line[: MAX_SUBJECT - 1].rstrip() + "…"


def code_words(code: str) -> list[str]:
    """The tracking code as officers type it, read over the phone or copied: "HD-HV2C-EYZZ",
    "HV2C-EYZZ", "HV2C", "EYZZ", "HV2CEYZZ", "HDHV2CEYZZ"."""
    parts = [p for p in code.split("-") if p]
    words = [code, "-".join(parts[1:]), *parts, "".join(parts[1:]), "".join(parts)]
    return list(dict.fromkeys(w for w in words if w))


def search_text_of(
    *, code: str, subject: str, workplace: str = "", bodies: Iterable[str] = ()
) -> str:
    """What the inbox search matches, folded: the code in its usual writings, the subject,
    the workplace the worker named and the worker's messages."""
    text = " ".join([*code_words(code), subject, workplace, *bodies])
    return " " + fold(text)[:20_000]


def refresh_search_text(inquiry: Inquiry) -> None:
    bodies = Message.objects.filter(inquiry=inquiry, direction=Direction.IN).values_list(
        "body", flat=True
    )
    workplace = " ".join(
        filter(None, [inquiry.workplace, getattr(inquiry.workplace_unit, "name", "")])
    )
    inquiry.search_text = search_text_of(
        code=inquiry.code, subject=inquiry.subject, workplace=workplace, bodies=bodies
    )


# ---------------------------------------------------------------------------------------------
# The entry point


def _clean(incoming: Incoming) -> Incoming:
    body = (incoming.body or "").strip()
    if not body and not incoming.attachments:
        raise ValueError(_("Tin nhắn không có nội dung."))
    if incoming.source not in Source.values:
        raise ValueError(_("Kênh tiếp nhận không hợp lệ: %(source)s") % {"source": incoming.source})
    return incoming


def _existing(incoming: Incoming) -> Message | None:
    if not incoming.external_id:
        return None
    return (
        Message.objects.select_related("inquiry")
        .filter(source=incoming.source, external_id=incoming.external_id)
        .first()
    )


def _conversation(incoming: Incoming, now: dt.datetime) -> Inquiry | None:
    if not incoming.thread_key:
        return None
    inquiry = (
        Inquiry.objects.select_for_update()
        .filter(thread_key=incoming.thread_key)
        .order_by("-received_at", "-id")
        .first()
    )
    if inquiry is None:
        return None
    if (
        inquiry.status == Status.CLOSED
        and inquiry.closed_at
        and now - inquiry.closed_at > (REOPEN_WINDOW)
    ):
        return None
    return inquiry


def inquiry_receive(incoming: Incoming) -> Received:
    """Store one incoming message exactly once; see the module docstring."""
    incoming = _clean(incoming)
    duplicate = _existing(incoming)
    if duplicate is not None:
        return Received(duplicate.inquiry, duplicate, created=False, duplicate=True)
    try:
        with transaction.atomic():
            return _receive(incoming)
    except IntegrityError:
        # Two deliveries of the same message raced; the other one won.
        duplicate = _existing(incoming)
        if duplicate is None:
            raise
        return Received(duplicate.inquiry, duplicate, created=False, duplicate=True)


def _serialise_conversation(thread_key: str) -> None:
    """Messages of one conversation are stored one after the other (until commit), so that a
    burst from one worker cannot open two inquiries. SQLite serialises all writers anyway."""
    if connection.vendor == "postgresql" and thread_key:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [thread_key])


def _receive(incoming: Incoming) -> Received:
    _serialise_conversation(incoming.thread_key)
    now = timezone.now()
    at = incoming.received_at or now
    body = incoming.body.strip()[:MAX_BODY]
    inquiry = _conversation(incoming, now)
    created = inquiry is None
    if inquiry is None:
        inquiry = _open(incoming, body=body, at=at)
    else:
        _follow_up(inquiry, incoming, at=at)

    message = Message.objects.create(
        inquiry=inquiry,
        direction=Direction.IN,
        author=incoming.author,
        body=body,
        attachments=list(incoming.attachments),
        source=incoming.source,
        external_id=incoming.external_id[:255],
        created_at=at,
    )
    refresh_search_text(inquiry)
    inquiry.save()
    InquiryEvent.objects.create(
        inquiry=inquiry,
        kind=EventKind.CREATED if created else EventKind.MESSAGE,
        actor=incoming.author,
        unit=inquiry.unit,
        data={"source": incoming.source},
        at=now,
    )
    if created:
        # Its vector, for similar questions: in the background once this commits.
        queue_embedding(inquiry.pk)
    return Received(inquiry, message, created=created, duplicate=False)


def _open(incoming: Incoming, *, body: str, at: dt.datetime) -> Inquiry:
    unit, workplace_unit = route(workplace=incoming.workplace, hint=incoming.unit_hint)
    hours = response_hours_for(unit)
    reasons = urgency_reasons(f"{incoming.subject} {body}")
    category = incoming.category if incoming.category in Category.values else ""
    kind = incoming.kind if incoming.kind in Kind.values else Kind.QUESTION
    inquiry = Inquiry(
        unit=unit,
        source=incoming.source,
        kind=kind,
        category=category,
        subject=(incoming.subject.strip() or _subject_from(body))[:255],
        urgent=bool(reasons),
        urgent_reasons=reasons,
        anonymous=incoming.anonymous,
        workplace=incoming.workplace.strip()[:255],
        workplace_unit=workplace_unit,
        thread_key=incoming.thread_key[:255],
        channel=incoming.channel,
        received_at=at,
        last_inbound_at=at,
        response_hours=hours,
        first_response_due=at + dt.timedelta(hours=hours),
    )
    inquiry.reply_due = inquiry.first_response_due
    for _attempt in range(5):
        inquiry.code = new_tracking_code()
        if not Inquiry.objects.filter(code=inquiry.code).exists():
            break
    inquiry.save()
    has_identity = any((incoming.name, incoming.phone, incoming.email, incoming.platform_user_id))
    if has_identity and not incoming.anonymous:
        InquiryContact.objects.create(
            inquiry=inquiry,
            name=incoming.name.strip()[:150],
            phone=re.sub(r"[^\d+]", "", incoming.phone)[:20],
            email=incoming.email.strip()[:254],
            platform_user_id=incoming.platform_user_id[:100],
            consent_at=at if incoming.consent else None,
        )
    elif incoming.anonymous and incoming.platform_user_id:
        # A platform conversation cannot be anonymous towards the platform, but we keep only
        # the id needed to reply, never a name.
        InquiryContact.objects.create(
            inquiry=inquiry, platform_user_id=incoming.platform_user_id[:100]
        )
    return inquiry


def _follow_up(inquiry: Inquiry, incoming: Incoming, *, at: dt.datetime) -> None:
    """A new message on an existing conversation: reopen it and restart the reply clock."""
    inquiry.last_inbound_at = max(at, inquiry.last_inbound_at or at)
    if inquiry.reply_due is None:
        inquiry.reply_due = at + dt.timedelta(hours=inquiry.response_hours)
        inquiry.warned_at = None
    if inquiry.status in (Status.ANSWERED, Status.CLOSED):
        InquiryEvent.objects.create(
            inquiry=inquiry, kind=EventKind.REOPENED, unit=inquiry.unit, at=timezone.now()
        )
        inquiry.status = Status.ASSIGNED if inquiry.assignee_id else Status.NEW
        inquiry.closed_at = None
    reasons = urgency_reasons(incoming.body)
    new = [r for r in reasons if r not in inquiry.urgent_reasons]
    if new:
        inquiry.urgent_reasons = [*inquiry.urgent_reasons, *new]
        inquiry.urgent = True


def set_lookup_secret(inquiry: Inquiry) -> str:
    """Give the worker a fresh secret for the public lookup page; only its hash is kept."""
    secret = new_lookup_secret()
    inquiry.lookup_secret_hash = make_password(secret)
    inquiry.save(update_fields=["lookup_secret_hash", "updated_at"])
    return secret

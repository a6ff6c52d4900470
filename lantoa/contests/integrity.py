"""Integrity of a quiz contest: the proof-of-work asked before an attempt starts, the keyed
hashes that stand for a device, a network address and a national ID, and the flags that
organisers review before the results.

- **Proof-of-work** (no third-party service): the server issues a random nonce and a
  difficulty (``LANTOA_CONTEST_POW_BITS``) for one verified entrant; the browser finds a
  suffix such that SHA-256 of ``nonce + ":" + suffix`` starts with that many zero bits
  (WebCrypto, ``static/lantoa/contest-attempt.js``); the server checks it once, before the
  challenge expires (``LANTOA_CONTEST_POW_SECONDS``), and marks it used in the same UPDATE.
- **Keyed hashes**: a device cookie (random, set by the public pages) and the client's
  address are kept on an attempt only as HMACs, never raw; a national ID as an HMAC with
  ``LANTOA_NATIONAL_ID_KEY`` plus its last 4 digits.
- **Flags never block**: an attempt implausibly fast (under ``LANTOA_CONTEST_FAST_SECONDS``
  a question), with the same answer sheet as another entrant's in the round (the same
  questions and the same choices, with at least one wrong answer in common: right answers
  agree by themselves), from a device used by ``LANTOA_CONTEST_DEVICE_ENTRANTS`` entrants
  or more, from an address used by ``LANTOA_CONTEST_IP_ENTRANTS`` or more (factory networks
  are shared, so an address alone only flags), or by an entrant whose national ID another
  entrant of the contest gave too. Organisers keep or exclude each flagged attempt with a
  reason (audited); an excluded attempt leaves the rankings, prizes and the tie-break count.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, F, QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from lantoa import access
from lantoa.audit.services import audit_record
from lantoa.contests.models import (
    Answer,
    Attempt,
    Challenge,
    Contest,
    Entrant,
    Flag,
    FlagDecision,
    FlagKind,
)
from lantoa.core import rawsql
from lantoa.core.services import acting_user

DEVICE_COOKIE = "lantoa_thi"
DEVICE_COOKIE_AGE = 365 * 24 * 3600
_NATIONAL_ID = re.compile(r"\d{9}|\d{12}")


# --- keyed hashes -------------------------------------------------------------------------


def keyed_hash(purpose: str, value: str) -> str:
    """An HMAC-SHA256 of ``value`` under the site's key, for ``purpose`` ("device", "ip")."""
    if not value:
        return ""
    return salted_hmac(f"lantoa.contests.{purpose}", value, algorithm="sha256").hexdigest()


def new_device_token() -> str:
    return secrets.token_urlsafe(24)


def national_id_clean(raw: str) -> tuple[str, str]:
    """The keyed hash and the last 4 digits of a national ID (9 or 12 digits; spaces and dots
    ignored). Raises a ValidationError on ``national_id``."""
    digits = re.sub(r"[\s.\-]", "", raw or "")
    if not _NATIONAL_ID.fullmatch(digits):
        raise ValidationError(
            {
                "national_id": _(
                    "Vui lòng nhập số căn cước công dân (12 chữ số) hoặc chứng minh nhân dân "
                    "(9 chữ số)."
                )
            },
            code="national_id",
        )
    key = settings.LANTOA_NATIONAL_ID_KEY
    if key:
        digest = hmac.new(key.encode(), digits.encode(), hashlib.sha256).hexdigest()
    else:
        digest = keyed_hash("national_id", digits)
    return digest, digits[-4:]


# --- proof-of-work ------------------------------------------------------------------------


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + 8 - byte.bit_length()
    return bits


def pow_bits(nonce: str, suffix: str) -> int:
    """The work an answer to a challenge shows: the leading zero bits of its hash."""
    return leading_zero_bits(hashlib.sha256(f"{nonce}:{suffix}".encode()).digest())


def pow_ok(nonce: str, suffix: str, bits: int) -> bool:
    return pow_bits(nonce, suffix) >= bits


_CHALLENGE_ISSUE = (
    "INSERT INTO contests_challenge (entrant_id, nonce, difficulty, expires_at, used_at, "
    "created_at) VALUES (%s, %s, %s, %s, NULL, %s) RETURNING id"
)
# Used up in one statement, when the work done (the leading zero bits of the answer's hash)
# is at least what the challenge asked; a concurrent second redeem finds it used.
_CHALLENGE_REDEEM = (
    "UPDATE contests_challenge SET used_at = %s WHERE entrant_id = %s AND nonce = %s "
    "AND used_at IS NULL AND expires_at > %s AND difficulty <= %s"
)


def challenge_issue(*, entrant: Entrant, now: dt.datetime | None = None) -> Challenge:
    """A new challenge for ``entrant``'s start form (every rules page of an entrant who may
    start shows one: written by SQL written once, as ``challenge_redeem`` uses it)."""
    now = now or timezone.now()
    challenge = Challenge(
        entrant=entrant,
        nonce=secrets.token_hex(16),
        difficulty=max(0, int(settings.LANTOA_CONTEST_POW_BITS)),
        expires_at=now + dt.timedelta(seconds=int(settings.LANTOA_CONTEST_POW_SECONDS)),
        created_at=now,
    )
    at = connection.ops.adapt_datetimefield_value
    row = rawsql.fetch_one(
        _CHALLENGE_ISSUE,
        [entrant.pk, challenge.nonce, challenge.difficulty, at(challenge.expires_at), at(now)],
        None,
        prepare=True,
    )
    assert row is not None
    challenge.pk = int(row[0])
    challenge._state.adding = False
    return challenge


def challenge_redeem(
    *, entrant: Entrant, nonce: str, suffix: str, now: dt.datetime | None = None
) -> None:
    """Check the answer to a challenge issued to ``entrant`` and use it up (once only)."""
    now = now or timezone.now()
    refused = ValidationError(
        _(
            "Trang đã quá hạn hoặc trình duyệt chưa hoàn tất bước kiểm tra. Vui lòng tải lại "
            "trang thể lệ rồi bấm “Bắt đầu làm bài”."
        ),
        code="challenge",
    )
    nonce, suffix = (nonce or "").strip(), (suffix or "").strip()
    if not nonce or len(nonce) > 64 or len(suffix) > 64:
        raise refused
    at = connection.ops.adapt_datetimefield_value(now)
    done = pow_bits(nonce, suffix)
    if not rawsql.execute(_CHALLENGE_REDEEM, [at, entrant.pk, nonce, at, done], prepare=True):
        raise refused


def challenges_purge(*, now: dt.datetime | None = None) -> int:
    """Delete challenges expired a day ago or more (the periodic sweep)."""
    now = now or timezone.now()
    deleted, _rows = Challenge.objects.filter(expires_at__lt=now - dt.timedelta(days=1)).delete()
    return deleted


# --- the answer sheet's fingerprint -------------------------------------------------------


def answers_digest(answers: Iterable[Answer]) -> str:
    """The same for two attempts with the same questions and the same choices, if at least
    one chosen answer is wrong; "" otherwise (all right, or nothing chosen)."""
    rows = sorted((a.question_id, tuple(sorted(a.chosen))) for a in answers)
    if not any(a.chosen and a.correct is False for a in answers):
        return ""
    text = ";".join(f"{q}:{','.join(map(str, c))}" for q, c in rows)
    return hashlib.sha256(text.encode()).hexdigest()


# --- flags --------------------------------------------------------------------------------


def _submitted(contest_id: int) -> QuerySet[Attempt]:
    return Attempt.objects.filter(
        round__contest_id=contest_id, submitted_at__isnull=False
    ).order_by()


def _shared(base: QuerySet[Attempt], field: str, threshold: int) -> dict[str, int]:
    """Values of ``field`` shared by at least ``threshold`` entrants → how many."""
    rows = (
        base.exclude(**{field: ""})
        .values(field)
        .annotate(n=Count("entrant_id", distinct=True))
        .filter(n__gte=threshold)
        .order_by()
    )
    return {r[field]: int(r["n"]) for r in rows}


def flags_detect(contest: Contest, *, attempt: Attempt | None = None) -> int:
    """Flag the submitted attempts of ``contest`` that show a sign (all of them, or what
    concerns ``attempt`` only: ``flags_of_submission``). Returns the flags added (for
    ``attempt``: the flags found, some perhaps there already); a flag already there, decided
    or not, stays as it is."""
    if attempt is not None:
        return flags_of_submission(
            attempt, contest_id=contest.pk, national_id_hash=attempt.entrant.national_id_hash
        )
    base = _submitted(contest.pk)
    per_question_ms = int(settings.LANTOA_CONTEST_FAST_SECONDS) * 1000
    fast_rows = list(
        base.filter(total__gt=0, duration_ms__lt=F("total") * per_question_ms).values_list(
            "pk", "duration_ms", "total"
        )
    )
    found = [_fast(pk, duration, total) for pk, duration, total in fast_rows]
    found += _flags_of_contest(contest, base)
    if not found:
        return 0
    ids = {f.attempt_id for f in found}
    before = Flag.objects.filter(attempt_id__in=ids).count()
    Flag.objects.bulk_create(found, ignore_conflicts=True)
    return Flag.objects.filter(attempt_id__in=ids).count() - before


def flags_of_submission(attempt: Attempt, *, contest_id: int, national_id_hash: str) -> int:
    """The signs of one attempt just closed (``entry._close``), of contest ``contest_id``, its
    entrant registered with ``national_id_hash`` ("" for none): its speed from its own
    figures (no query), then ``_flags_of_attempt``. Returns the flags found."""
    found: list[Flag] = []
    per_question_ms = int(settings.LANTOA_CONTEST_FAST_SECONDS) * 1000
    duration, total = attempt.duration_ms, attempt.total
    closed = attempt.submitted_at is not None and total > 0
    if closed and duration is not None and duration < total * per_question_ms:
        found.append(_fast(attempt.pk, duration, total))
    found += _flags_of_attempt(contest_id, _submitted(contest_id), attempt, national_id_hash)
    if found:  # nobody reads how many were new (two queries saved)
        Flag.objects.bulk_create(found, ignore_conflicts=True)
    return len(found)


def _fast(pk: int, duration: int | None, total: int) -> Flag:
    return Flag(
        attempt_id=pk,
        kind=FlagKind.FAST,
        detail={"seconds": round((duration or 0) / 1000 / total, 1)},
    )


SHARED = (
    ("device_hash", FlagKind.DEVICE, "LANTOA_CONTEST_DEVICE_ENTRANTS"),
    ("ip_hash", FlagKind.IP, "LANTOA_CONTEST_IP_ENTRANTS"),
)


# The identical-answers, shared-device and shared-address counts of one attempt just
# submitted, in one statement written once (the ORM's two aggregates cost more to build than
# to run): the entrants of the contest's submitted attempts with the same answers in the same
# round, on the same device, from the same address. A NULL parameter matches nothing.
_SIGNS_OF_ATTEMPT = (
    "SELECT COUNT(DISTINCT a.entrant_id) FILTER (WHERE a.round_id = %s AND a.answers_hash = %s),"
    " COUNT(DISTINCT a.entrant_id) FILTER (WHERE a.device_hash = %s),"
    " COUNT(DISTINCT a.entrant_id) FILTER (WHERE a.ip_hash = %s)"
    " FROM contests_attempt a JOIN contests_round r ON r.id = a.round_id"
    " WHERE r.contest_id = %s AND a.submitted_at IS NOT NULL"
    " AND ((a.round_id = %s AND a.answers_hash = %s) OR a.device_hash = %s OR a.ip_hash = %s)"
)


def _flags_of_attempt(
    contest_id: int, base: QuerySet[Attempt], attempt: Attempt, national_id_hash: str
) -> list[Flag]:
    """The identical-answers, shared-device, shared-address and national-id signs of one
    attempt just submitted: what concerns it only, in as few queries as it needs (none for a
    sign it cannot show — no answers, no device, no national id)."""
    found: list[Flag] = []
    same = attempt.answers_hash or None
    device, address = attempt.device_hash or None, attempt.ip_hash or None
    if same or device or address:
        signs = [attempt.round_id, same, device, address]
        row = rawsql.fetch_one(
            _SIGNS_OF_ATTEMPT,
            [*signs, contest_id, *signs],
            None,
            prepare=True,
        )
        identical, on_device, at_address = (int(n or 0) for n in (row or (0, 0, 0)))
        if identical >= 2:
            members = base.filter(round_id=attempt.round_id, answers_hash=attempt.answers_hash)
            for pk in _to_flag(members, attempt, identical, 2):
                found.append(
                    Flag(attempt_id=pk, kind=FlagKind.IDENTICAL, detail={"count": identical})
                )
        counts = {"device_hash": on_device, "ip_hash": at_address}
        for field, kind, setting in SHARED:
            threshold = max(2, int(getattr(settings, setting)))
            value = getattr(attempt, field)
            if value and counts[field] >= threshold:
                members = base.filter(**{field: value})
                for pk in _to_flag(members, attempt, counts[field], threshold):
                    found.append(Flag(attempt_id=pk, kind=kind, detail={"count": counts[field]}))
    # ``_close`` read the entrant's national id with the attempt: no query for it.
    found += _twins(base, contest_id, only=national_id_hash)
    return found


def _twins(base: QuerySet[Attempt], contest_id: int, *, only: str | None = None) -> list[Flag]:
    """National ids registered by two entrants or more of the contest: every attempt of
    theirs (``only``: that id's group, none when empty)."""
    if only is not None and not only:
        return []
    twins = (
        Entrant.objects.filter(contest_id=contest_id)
        .exclude(national_id_hash="")
        .values("national_id_hash")
        .annotate(n=Count("pk"))
        .filter(n__gte=2)
        .order_by()
    )
    if only is not None:
        twins = twins.filter(national_id_hash=only)
    found: list[Flag] = []
    for twin in twins:
        # The group grows at registration, not at a submission: every attempt, each time
        # (a handful of rows).
        for pk in base.filter(entrant__national_id_hash=twin["national_id_hash"]).values_list(
            "pk", flat=True
        ):
            found.append(
                Flag(attempt_id=pk, kind=FlagKind.NATIONAL_ID, detail={"count": twin["n"]})
            )
    return found


def _flags_of_contest(contest: Contest, base: QuerySet[Attempt]) -> list[Flag]:
    """The same signs over every submitted attempt of the contest (the full scan)."""
    found: list[Flag] = []
    same = (
        base.exclude(answers_hash="")
        .values("round_id", "answers_hash")
        .annotate(n=Count("entrant_id", distinct=True))
        .filter(n__gte=2)
        .order_by()
    )
    for group in same:
        members = base.filter(round_id=group["round_id"], answers_hash=group["answers_hash"])
        for pk in _to_flag(members, None, group["n"], 2):
            found.append(Flag(attempt_id=pk, kind=FlagKind.IDENTICAL, detail={"count": group["n"]}))
    for field, kind, setting in SHARED:
        threshold = max(2, int(getattr(settings, setting)))
        for value, count in _shared(base, field, threshold).items():
            for pk in _to_flag(base.filter(**{field: value}), None, count, threshold):
                found.append(Flag(attempt_id=pk, kind=kind, detail={"count": count}))
    found += _twins(base, contest.pk)
    return found


def _to_flag(
    members: QuerySet[Attempt], attempt: Attempt | None, count: int, threshold: int
) -> list[int]:
    """The attempts of a group to flag: all of them in a full scan, or when ``attempt`` is
    the one that brings the group to the threshold; past it, the others were flagged then
    and only ``attempt`` is new (a shared factory address must not cost every submission a
    write per entrant; ``results_publish`` runs the full scan anyway)."""
    if attempt is None or count <= threshold:
        return list(members.values_list("pk", flat=True))
    return [attempt.pk]


def flag_text(flag: Flag) -> str:
    """Why the attempt was flagged, in the reader's language."""
    count = flag.detail.get("count", 0)
    if flag.kind == FlagKind.FAST:
        return _("Trung bình %(seconds)s giây một câu hỏi.") % {
            "seconds": str(flag.detail.get("seconds", 0)).replace(".", ",")
        }
    if flag.kind == FlagKind.IDENTICAL:
        return _(
            "%(count)s người dự thi nộp bài giống hệt nhau (cùng câu hỏi, cùng lựa chọn, "
            "cả câu sai)."
        ) % {"count": count}
    if flag.kind == FlagKind.DEVICE:
        return _("%(count)s người dự thi làm bài trên cùng một thiết bị.") % {"count": count}
    if flag.kind == FlagKind.IP:
        return _(
            "%(count)s người dự thi làm bài từ cùng một địa chỉ mạng (có thể là mạng chung của "
            "nhà máy)."
        ) % {"count": count}
    return _("%(count)s người dự thi đăng ký cùng một số căn cước.") % {"count": count}


def pending_flags(contest: Contest) -> int:
    """Flagged attempts of the contest not decided yet."""
    return (
        Flag.objects.filter(attempt__round__contest=contest, decision=FlagDecision.PENDING)
        .values("attempt_id")
        .distinct()
        .count()
    )


def flag_decide(*, attempt: Attempt, decision: str, reason: str, actor: Any = None) -> Attempt:
    """Keep or exclude a flagged attempt, with a reason; every flag of the attempt gets the
    decision. An excluded attempt leaves the rankings (kept again, it comes back)."""
    contest = attempt.round.contest
    if actor is not None and not access.can(actor, "contest.manage", contest.unit):
        raise PermissionDenied(_("Anh/chị không có quyền với cuộc thi của đơn vị này."))
    reason = " ".join((reason or "").split())
    errors: dict[str, str] = {}
    if decision not in (FlagDecision.KEEP, FlagDecision.EXCLUDE):
        errors["decision"] = _("Vui lòng chọn giữ hoặc loại bài thi.")
    if not reason:
        errors["reason"] = _("Vui lòng ghi lý do của quyết định.")
    elif len(reason) > 1000:
        errors["reason"] = _("Lý do dài quá 1.000 ký tự.")
    if errors:
        raise ValidationError(errors)
    if contest.results_published_at is not None:
        raise ValidationError(
            _("Kết quả cuộc thi đã công bố nên không đổi được quyết định về bài thi."),
            code="published",
        )
    now = timezone.now()
    with transaction.atomic():
        flags = Flag.objects.select_for_update().filter(attempt=attempt)
        if not flags.exists():
            raise ValidationError(_("Bài thi này không có dấu hiệu bất thường nào."))
        flags.update(
            decision=decision,
            decision_reason=reason,
            decided_by=acting_user(actor),
            decided_at=now,
        )
        attempt.excluded = decision == FlagDecision.EXCLUDE
        Attempt.objects.filter(pk=attempt.pk).update(excluded=attempt.excluded)
        audit_record(
            action="contest.flag_decide",
            actor=actor,
            unit=contest.unit,
            target=f"{contest.pk}: {contest.title}"[:255],
            data={"attempt": attempt.pk, "decision": decision, "reason": reason},
            actor_label="" if actor is not None else "lantoa",
        )
    return attempt

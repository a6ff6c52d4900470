"""The entrants' side of a quiz contest: registration with a one-time code, attempts and their
autosaved answers. What it says is read by the public ("bạn").

Integrity of an attempt:

- the questions are drawn and their options shuffled on the server when the attempt starts;
  the correct options stay on the server until the attempt is submitted;
- the deadline is the server's: ``started_at`` + the round's time limit (never past the
  round's close); answers are accepted until ``GRACE`` after it, then the attempt is closed
  as timed out with what was saved (``attempts_expire`` closes the forgotten ones);
- an entrant starts attempt number n + 1 only while n < the round's attempts allowed,
  counted under a lock on the entrant's row; the unique (entrant, round, number) constraint
  refuses a second attempt with the same number if two requests still race.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import random
import secrets
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Field, Model
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from lantoa.contests import integrity
from lantoa.contests.models import (
    Answer,
    Attempt,
    Contest,
    ContestStatus,
    Entrant,
    Option,
    Question,
    QuestionKind,
    Round,
)
from lantoa.core import rawsql
from lantoa.core.phone import normalise_phone
from lantoa.units.models import Unit, UnitClosure, UnitStatus

GRACE = dt.timedelta(seconds=30)
CODE_TTL = dt.timedelta(minutes=10)
CODE_TRIES = 5
PREDICTION_MAX = 100_000_000


# --- entrants and their one-time code ---------------------------------------------------------


def _code_hash(entrant: Entrant, code: str) -> str:
    return salted_hmac("lantoa.contests.code", f"{entrant.pk}:{code}").hexdigest()


def entrant_units(contest: Contest) -> Any:
    """The units an entrant may pick: the active units of the organiser's subtree."""
    return Unit.objects.filter(
        pk__in=UnitClosure.objects.filter(ancestor_id=contest.unit_id).values("descendant_id"),
        status=UnitStatus.ACTIVE,
    )


def entrant_register(
    *,
    contest: Contest,
    full_name: str,
    birth_date: dt.date,
    phone: str,
    unit: Unit | None,
    workplace: str = "",
    national_id: str = "",
    now: dt.datetime | None = None,
) -> tuple[Entrant, str]:
    """Register (or find again, by phone) an entrant and give them a new one-time code.

    Returns the entrant and the code to send (``lantoa.contests.otp.send_code``); the code is
    kept only as a keyed hash. Details of an entrant already verified are not changed here.
    When the rules ask for the national ID, only its keyed hash and last 4 digits are kept;
    the same ID given by another entrant of the contest flags their attempts
    (``lantoa.contests.integrity``).
    """
    now = now or timezone.now()
    if not contest.is_approved:
        raise ValidationError(_("Cuộc thi chưa mở đăng ký."), code="not_open")
    errors: dict[str, str] = {}
    name = " ".join((full_name or "").split())
    if not name:
        errors["full_name"] = _("Vui lòng nhập họ và tên.")
    elif len(name) > 150:
        errors["full_name"] = _("Họ và tên dài quá 150 ký tự.")
    number = normalise_phone(phone)
    if not number:
        errors["phone"] = _(
            "Vui lòng nhập số điện thoại Việt Nam: 10 chữ số bắt đầu bằng 0 (ví dụ 0912345678)."
        )
    today = timezone.localdate(now)
    if birth_date is None or not (
        today.replace(year=today.year - 100) <= birth_date <= today.replace(year=today.year - 15)
    ):
        errors["birth_date"] = _("Vui lòng nhập ngày sinh đúng (người dự thi từ 15 tuổi).")
    if unit is None or not entrant_units(contest).filter(pk=unit.pk).exists():
        errors["unit"] = _("Vui lòng chọn đơn vị công đoàn của bạn trong danh sách.")
    workplace = " ".join((workplace or "").split())
    if len(workplace) > 255:
        errors["workplace"] = _("Nơi làm việc dài quá 255 ký tự.")
    id_hash, id_last4 = "", ""
    if contest.requires_national_id:
        try:
            id_hash, id_last4 = integrity.national_id_clean(national_id)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors or unit is None:
        raise ValidationError(errors)
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        entrant, created = Entrant.objects.select_for_update().get_or_create(
            contest=contest,
            phone=number,
            defaults={
                "full_name": name,
                "birth_date": birth_date,
                "unit": unit,
                "workplace": workplace,
                "national_id_hash": id_hash,
                "national_id_last4": id_last4,
            },
        )
        if not created and entrant.verified_at is None:
            entrant.full_name, entrant.birth_date = name, birth_date
            entrant.unit, entrant.workplace = unit, workplace
            entrant.national_id_hash, entrant.national_id_last4 = id_hash, id_last4
        entrant.code_hash = _code_hash(entrant, code)
        entrant.code_expires_at = now + CODE_TTL
        entrant.code_tries = 0
        entrant.save()
    return entrant, code


def entrant_code_for_phone(
    *, contest: Contest, phone: str, now: dt.datetime | None = None
) -> tuple[Entrant | None, str]:
    """A new one-time code for the verified entrant of ``contest`` with this phone number, to
    prove who they are elsewhere (a live game of verified entrants: ``entrant_verify`` checks
    it). ``(None, "")`` when no verified entrant has the number: the caller tells the person
    nothing more than when one has (no list of entrants' numbers to probe)."""
    number = normalise_phone(phone)
    entrant = (
        Entrant.objects.filter(contest=contest, phone=number, verified_at__isnull=False).first()
        if number
        else None
    )
    if entrant is None:
        return None, ""
    code = f"{secrets.randbelow(1_000_000):06d}"
    Entrant.objects.filter(pk=entrant.pk).update(
        code_hash=_code_hash(entrant, code),
        code_expires_at=(now or timezone.now()) + CODE_TTL,
        code_tries=0,
    )
    return entrant, code


def code_check(model: Any, pk: int, code: str, hasher: Any, now: dt.datetime) -> Any:
    """Check a one-time code stored on a row of ``model`` (an entrant or a voter: the fields
    ``code_hash``, ``code_expires_at``, ``code_tries``, ``verified_at``); at most
    ``CODE_TRIES`` wrong tries per code. Returns the row as verified, or raises."""
    code = "".join((code or "").split())
    problem: ValidationError | None = None
    # The wrong try is counted in the transaction and the error raised after it, so the
    # count stays.
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=pk)
        if not locked.code_hash or locked.code_expires_at is None or locked.code_expires_at < now:
            problem = ValidationError(
                {"code": _("Mã xác minh đã hết hạn. Vui lòng bấm “Gửi lại mã”.")}, code="expired"
            )
        elif locked.code_tries >= CODE_TRIES:
            problem = ValidationError(
                {"code": _("Bạn đã nhập sai quá số lần cho phép. Vui lòng bấm “Gửi lại mã”.")},
                code="tries",
            )
        elif not constant_time_compare(locked.code_hash, hasher(locked, code)):
            locked.code_tries += 1
            locked.save(update_fields=["code_tries"])
            problem = ValidationError(
                {"code": _("Mã xác minh chưa đúng. Vui lòng kiểm tra tin nhắn và nhập lại.")},
                code="wrong",
            )
        else:
            locked.verified_at = locked.verified_at or now
            locked.code_hash = ""
            locked.code_expires_at = None
            locked.code_tries = 0
            locked.save(update_fields=["verified_at", "code_hash", "code_expires_at", "code_tries"])
    if problem is not None:
        raise problem
    return locked


def entrant_verify(*, entrant: Entrant, code: str, now: dt.datetime | None = None) -> Entrant:
    """Check the one-time code; at most ``CODE_TRIES`` wrong tries per code."""
    locked = code_check(Entrant, entrant.pk, code, _code_hash, now or timezone.now())
    entrant.verified_at = locked.verified_at
    entrant.code_hash = ""
    return entrant


# --- attempts -------------------------------------------------------------------------------


def _largest_remainder(sizes: dict[Any, int], need: int) -> dict[Any, int]:
    """Split ``need`` over groups in proportion to their sizes, never more than a group has."""
    total = sum(sizes.values())
    if total <= need:
        return dict(sizes)
    shares = {k: need * n / total for k, n in sizes.items()}
    counts = {k: min(sizes[k], int(s)) for k, s in shares.items()}
    order = sorted(sizes, key=lambda k: (-(shares[k] - int(shares[k])), str(k)))
    left = need - sum(counts.values())
    while left > 0:
        for key in order:
            if left and counts[key] < sizes[key]:
                counts[key] += 1
                left -= 1
    return counts


BANK_CACHE_SECONDS = 3600

Bank = tuple[dict[int, tuple[str, str]], dict[int, list[int]]]


def contest_bank(contest: Contest) -> Bank:
    """The question bank as an attempt's draw needs it: question id → (topic, difficulty) in
    id order, and question id → its option ids in their order. An approved contest's bank
    can no longer change (``services._require_draft``), so it is kept in the cache (shared by
    the web processes) under the contest's last change: a start at the evening's rush does
    not read the whole bank again."""
    key = (
        f"lantoa:contests:bank:{contest.pk}:{contest.updated_at.timestamp()}"
        if contest.is_approved and contest.updated_at is not None
        else None
    )
    if key is not None:
        kept = cache.get(key)
        if isinstance(kept, tuple) and len(kept) == 2:
            return kept
    pool = {
        pk: (topic, difficulty)
        for pk, topic, difficulty in Question.objects.filter(contest_id=contest.pk)
        .order_by("pk")
        .values_list("pk", "topic", "difficulty")
    }
    options: dict[int, list[int]] = defaultdict(list)
    # Ordered without the model's default ordering (it joins the question and the contest).
    for question_id, option_id in (
        Option.objects.filter(question__contest_id=contest.pk)
        .order_by("question_id", "position")
        .values_list("question_id", "pk")
    ):
        options[question_id].append(option_id)
    bank = (pool, dict(options))
    if key is not None:
        cache.set(key, bank, BANK_CACHE_SECONDS)
    return bank


def draw_questions(
    rnd: Round, rng: random.Random, pool: dict[int, tuple[str, str]] | None = None
) -> list[int]:
    """Question ids for one attempt: first each quota of the round, then the rest in
    proportion to the bank's (topic, difficulty) groups; in a random order. ``pool``: the
    bank's questions (``contest_bank``), read here when not given."""
    pool = dict(pool if pool is not None else contest_bank(rnd.contest)[0])
    chosen: list[int] = []
    for quota in rnd.quotas:
        matching = [
            pk
            for pk, (topic, difficulty) in pool.items()
            if (not quota["topic"] or topic == quota["topic"])
            and (not quota["difficulty"] or difficulty == quota["difficulty"])
        ]
        picked = rng.sample(matching, min(int(quota["count"]), len(matching)))
        chosen += picked
        for pk in picked:
            del pool[pk]
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for pk, key in pool.items():
        groups[key].append(pk)
    need = min(rnd.questions_per_attempt - len(chosen), len(pool))
    counts = _largest_remainder({k: len(v) for k, v in groups.items()}, need)
    for key, count in counts.items():
        chosen += rng.sample(groups[key], count)
    rng.shuffle(chosen)
    return chosen


def _attempt_closed_error() -> ValidationError:
    return ValidationError(
        _("Bài thi này đã nộp hoặc đã hết giờ; không lưu thêm được câu trả lời."),
        code="closed",
    )


def attempt_open_in_time(
    *, entrant: Entrant, round: Round, now: dt.datetime | None = None
) -> Attempt | None:
    """The entrant's open attempt at ``round`` while it can still be answered (its deadline
    and grace not passed), else None: resuming it needs no new proof-of-work."""
    now = now or timezone.now()
    # By SQL written once (every start asks it; the ORM's query building cost more than the
    # query); by id, not the model's default ordering (it joins the round, contest, entrant).
    row = rawsql.fetch_one(
        _open_attempts_sql(), [entrant.pk, round.pk], rawsql.model_fields(Attempt), prepare=True
    )
    found: Attempt | None = None if row is None else rawsql.instance(Attempt, row)
    return found if found is not None and now <= found.deadline + GRACE else None


@functools.cache
def _open_attempts_sql() -> str:
    """The entrant's open attempts at a round, first started first (``attempt_open_in_time``
    takes the first; ``attempt_start`` closes the overdue ones)."""
    return (
        f"SELECT {rawsql.model_columns(Attempt, 'a')} FROM contests_attempt a "  # noqa: S608 - model columns
        "WHERE a.entrant_id = %s AND a.round_id = %s AND a.submitted_at IS NULL ORDER BY a.id"
    )


def _entrant_lock_sql(vendor: str) -> str:
    if vendor == "postgresql":
        return "SELECT id FROM contests_entrant WHERE id = %s FOR UPDATE"
    return "SELECT id FROM contests_entrant WHERE id = %s"  # SQLite locks the database


_ATTEMPTS_TAKEN = (
    "SELECT id, submitted_at FROM contests_attempt WHERE entrant_id = %s AND round_id = %s "
    "ORDER BY id"
)


@functools.cache
def _attempt_insert_sql() -> tuple[str, tuple[Field[Any, Any], ...]]:
    fields = tuple(f for f in Attempt._meta.concrete_fields if not f.primary_key)
    columns = ", ".join(f'"{f.column}"' for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO contests_attempt ({columns}) VALUES ({marks}) RETURNING id"  # noqa: S608 - model columns
    return sql, fields


def _attempt_insert(attempt: Attempt) -> None:
    """``attempt.save()`` for a new attempt, by SQL written once (each field's own conversion
    to the database, as the ORM's INSERT does; no signal listens to attempts)."""
    sql, fields = _attempt_insert_sql()
    values = [f.get_db_prep_save(f.pre_save(attempt, add=True), connection) for f in fields]
    row = rawsql.fetch_one(sql, values, None, prepare=True)
    assert row is not None
    attempt.pk = int(row[0])
    attempt._state.adding = False
    attempt._state.db = connection.alias


@functools.cache
def _entrant_attempts_sql() -> str:
    return (
        f"SELECT {rawsql.model_columns(Attempt, 'a')} FROM contests_attempt a "  # noqa: S608 - model columns
        "WHERE a.entrant_id = %s ORDER BY a.number, a.id"
    )


def entrant_attempts(entrant: Entrant) -> list[Attempt]:
    """The entrant's attempts, every round, by number (the rules page of every entrant shows
    them: SQL written once)."""
    return [
        rawsql.instance(Attempt, row)
        for row in rawsql.fetch_all(
            _entrant_attempts_sql(), [entrant.pk], rawsql.model_fields(Attempt), prepare=True
        )
    ]


def attempt_start(
    *,
    entrant: Entrant,
    round: Round,
    now: dt.datetime | None = None,
    rng: random.Random | None = None,
    device_hash: str = "",
    ip_hash: str = "",
) -> Attempt:
    """The entrant's open attempt at ``round`` (resumed), or a new one with its questions
    drawn and their options shuffled. ``device_hash`` and ``ip_hash`` are the keyed hashes
    of the device cookie and the address it starts from (``integrity.keyed_hash``)."""
    now = now or timezone.now()
    rng = rng or random.SystemRandom()
    contest = round.contest
    if entrant.contest_id != contest.pk:
        raise ValidationError(_("Người dự thi không thuộc cuộc thi này."))
    if not contest.is_approved:
        raise ValidationError(_("Cuộc thi chưa được duyệt nên chưa mở."), code="not_open")
    if entrant.verified_at is None:
        raise ValidationError(
            _("Vui lòng xác minh số điện thoại trước khi thi."), code="not_verified"
        )
    # The entrant's open attempts at the round in one query (by SQL written once, ordered by
    # id: the model's default ordering joins the round, contest and entrant): one past its
    # deadline and grace is closed as timed out (what ``attempts_expire`` does), one still in
    # time is resumed.
    for row in rawsql.fetch_all(
        _open_attempts_sql(), [entrant.pk, round.pk], rawsql.model_fields(Attempt), prepare=True
    ):
        open_attempt: Attempt = rawsql.instance(Attempt, row)
        if now > open_attempt.deadline + GRACE:
            _close(open_attempt, now=now, timed_out=True)
        else:
            return open_attempt
    if now < round.opens_at:
        raise ValidationError(
            _("Đợt thi “%(round)s” chưa mở.") % {"round": round.title}, code="not_open"
        )
    if now >= round.closes_at:
        raise ValidationError(
            _("Đợt thi “%(round)s” đã kết thúc.") % {"round": round.title}, code="closed"
        )
    over = ValidationError(
        _("Bạn đã thi đủ %(allowed)s lần cho phép của đợt thi này.")
        % {"allowed": round.attempts_allowed},
        code="limit",
    )
    pool, options = contest_bank(contest)
    question_ids = draw_questions(round, rng, pool)
    try:
        with transaction.atomic():
            # The entrant's row locked: their starts (a double tap) one after the other.
            rawsql.fetch_one(_entrant_lock_sql(connection.vendor), [entrant.pk], None, prepare=True)
            # The round's attempts so far, in one query: a request that waited for the lock
            # resumes what the other one started; otherwise they are counted.
            taken = rawsql.fetch_all(
                _ATTEMPTS_TAKEN,
                [entrant.pk, round.pk],
                ((Attempt, "id"), (Attempt, "submitted_at")),
                prepare=True,
            )
            started = next((pk for pk, submitted_at in taken if submitted_at is None), None)
            if started is not None:
                return Attempt.objects.get(pk=started)
            used = len(taken)
            if used >= round.attempts_allowed:
                raise over
            attempt = Attempt(
                entrant=entrant,
                round=round,
                number=used + 1,
                started_at=now,
                deadline=min(now + dt.timedelta(minutes=round.time_limit_minutes), round.closes_at),
                total=len(question_ids),
                device_hash=device_hash,
                ip_hash=ip_hash,
            )
            _attempt_insert(attempt)
            answers = []
            for position, question_id in enumerate(question_ids, start=1):
                order = list(options.get(question_id, ()))
                rng.shuffle(order)
                answers.append(
                    Answer(
                        attempt=attempt,
                        question_id=question_id,
                        position=position,
                        option_order=order,
                    )
                )
            Answer.objects.bulk_create(answers)
    except IntegrityError as exc:  # a concurrent start took the same number
        raise over from exc
    return attempt


def _checked_choice(answer: Answer, kind: str, chosen: Sequence[int]) -> list[int]:
    """The options chosen for ``answer``, sorted, once checked against its question."""
    picked = sorted({int(c) for c in chosen})
    if not set(picked) <= set(answer.option_order):
        raise ValidationError(_("Phương án không thuộc câu hỏi này."), code="bad_option")
    if kind == QuestionKind.SINGLE and len(picked) > 1:
        raise ValidationError(_("Câu hỏi này chỉ chọn một phương án."), code="single")
    return picked


# The answer is written only while its attempt is open, and not while a submission holds the
# attempt's row (``_close`` locks it FOR UPDATE, then reads the answers to score them): the
# KEY SHARE lock in the same statement waits for that submission and then sees it closed, so
# a choice is either scored with the attempt or refused, never saved after the score.
_SAVE_OPEN_ANSWER = (
    "UPDATE contests_answer SET chosen = %s::jsonb, saved_at = %s WHERE id = %s AND EXISTS "
    "(SELECT 1 FROM contests_attempt WHERE id = %s AND submitted_at IS NULL FOR KEY SHARE)"
)


def answer_save(
    *,
    attempt: Attempt,
    question_id: int,
    chosen: Sequence[int],
    now: dt.datetime | None = None,
) -> Answer:
    """Save the options chosen for one question (the whole choice, so saving the same thing
    twice changes nothing). Refused after the deadline and its grace; the attempt is then
    closed as timed out with the answers saved before."""
    now = now or timezone.now()
    if attempt.submitted_at is not None:
        raise _attempt_closed_error()
    if now > attempt.deadline + GRACE:
        _close(attempt, now=now, timed_out=True)
        raise _attempt_closed_error()
    # No ordering: the models' default one would join the attempt, round, contest, entrant.
    found = (
        Answer.objects.filter(attempt=attempt, question_id=question_id)
        .order_by()
        .values_list("pk", "option_order", "question__kind")[:1]
    )
    if not found:
        raise ValidationError(_("Câu hỏi không thuộc bài thi này."), code="bad_question")
    ((pk, option_order, kind),) = found
    target = AnswerTarget(
        attempt_id=attempt.pk,
        submitted_at=None,
        deadline=attempt.deadline,
        answer_id=pk,
        question_id=question_id,
        option_order=option_order,
        kind=kind,
    )
    return answer_write(target, chosen, now=now)


@dataclasses.dataclass(frozen=True)
class AnswerTarget:
    """What saving one answer needs to know of it and of its attempt."""

    attempt_id: int
    submitted_at: dt.datetime | None
    deadline: dt.datetime
    answer_id: int
    question_id: int
    option_order: list[int]
    kind: str
    contest_id: int | None = None
    entrant_id: int | None = None


# ``answer_target``'s query, written once (the ORM would build the same five-table join on
# every autosave, which costs more CPU than running it). The entrant ids are the last
# parameters; ``{ids}`` becomes one placeholder each.
_ANSWER_TARGET = (
    "SELECT an.id, an.option_order, q.kind, a.submitted_at, a.deadline, r.contest_id, "
    "a.entrant_id FROM contests_answer an "
    "JOIN contests_question q ON q.id = an.question_id "
    "JOIN contests_attempt a ON a.id = an.attempt_id "
    "JOIN contests_round r ON r.id = a.round_id "
    "JOIN contests_contest c ON c.id = r.contest_id "
    "JOIN contests_entrant e ON e.id = a.entrant_id "
    "WHERE an.attempt_id = %s AND an.question_id = %s AND c.status = %s "
    "AND e.contest_id = r.contest_id AND e.verified_at IS NOT NULL AND a.entrant_id IN ({ids})"
)
_ANSWER_TARGET_FIELDS = (
    (Answer, "id"),
    (Answer, "option_order"),
    (Question, "kind"),
    (Attempt, "submitted_at"),
    (Attempt, "deadline"),
    (Round, "contest"),
    (Attempt, "entrant"),
)


def answer_target(
    *, attempt_id: int, entrant_ids: Sequence[int], question_id: int
) -> AnswerTarget | None:
    """The answer to ``question_id`` in attempt ``attempt_id`` of one of ``entrant_ids``
    (verified, of the attempt's contest, the contest approved) — one query, for the autosave
    that phones send on every click. None when any of that does not hold: the caller then
    takes the long way (``answer_save`` after finding the attempt), which says why."""
    ids = [int(i) for i in entrant_ids][:20]
    if not ids:
        return None
    row = rawsql.fetch_one(
        _ANSWER_TARGET.format(ids=", ".join(["%s"] * len(ids))),
        [attempt_id, question_id, ContestStatus.APPROVED.value, *ids],
        _ANSWER_TARGET_FIELDS,
        prepare=True,
    )
    if row is None:
        return None
    pk, option_order, kind, submitted_at, deadline, contest_id, entrant_id = row
    return AnswerTarget(
        attempt_id=attempt_id,
        submitted_at=submitted_at,
        deadline=deadline,
        answer_id=pk,
        question_id=question_id,
        option_order=option_order,
        kind=kind,
        contest_id=contest_id,
        entrant_id=entrant_id,
    )


@functools.cache
def _entrants_attempt_sql(count: int) -> str:
    return (
        f"SELECT {rawsql.model_columns(Attempt, 'a')}, r.contest_id "  # noqa: S608 - model columns
        "FROM contests_attempt a JOIN contests_round r ON r.id = a.round_id "
        "JOIN contests_contest c ON c.id = r.contest_id "
        "JOIN contests_entrant e ON e.id = a.entrant_id "
        "WHERE a.id = %s AND c.status = %s AND e.contest_id = r.contest_id "
        f"AND e.verified_at IS NOT NULL AND a.entrant_id IN ({', '.join(['%s'] * count)})"
    )


def entrants_attempt(*, attempt_id: int, entrant_ids: Sequence[int]) -> tuple[Attempt, int] | None:
    """Attempt ``attempt_id`` of one of ``entrant_ids`` (verified, of the attempt's contest,
    the contest approved), with its contest's id; None otherwise. One statement written once:
    a submission at the evening's rush finds its attempt without building the ORM's
    four-table query (the attempt alone, its round, contest and entrant not loaded)."""
    ids = [int(i) for i in entrant_ids][:20]
    if not ids:
        return None
    row = rawsql.fetch_one(
        _entrants_attempt_sql(len(ids)),
        [attempt_id, ContestStatus.APPROVED.value, *ids],
        (*rawsql.model_fields(Attempt), (Round, "contest")),
        prepare=True,
    )
    if row is None:
        return None
    return rawsql.instance(Attempt, row[:-1]), int(row[-1])


def answer_write(target: AnswerTarget, chosen: Sequence[int], *, now: dt.datetime) -> Answer:
    """Write the options chosen for ``target`` if its attempt is still open and in time
    (``answer_save``'s rules; the caller closes a late attempt)."""
    if target.submitted_at is not None or now > target.deadline + GRACE:
        raise _attempt_closed_error()
    answer = Answer(
        pk=target.answer_id,
        attempt_id=target.attempt_id,
        question_id=target.question_id,
        option_order=target.option_order,
    )
    picked = _checked_choice(answer, target.kind, chosen)
    if connection.vendor == "postgresql":
        updated = rawsql.execute(
            _SAVE_OPEN_ANSWER,
            [json.dumps(picked), now, target.answer_id, target.attempt_id],
            prepare=True,
        )
    else:  # SQLite: one writer at a time
        updated = Answer.objects.filter(
            pk=target.answer_id, attempt__submitted_at__isnull=True
        ).update(chosen=picked, saved_at=now)
    if not updated:
        raise _attempt_closed_error()
    answer.chosen, answer.saved_at = picked, now
    return answer


def _check_prediction(prediction: int | None) -> None:
    if prediction is not None and not 0 <= prediction <= PREDICTION_MAX:
        raise ValidationError(
            {"prediction": _("Vui lòng nhập số dự đoán là số nguyên không âm.")}, code="bad"
        )


def attempt_predict(
    *, attempt: Attempt, prediction: int | None, now: dt.datetime | None = None
) -> Attempt:
    """Save the answer to the round's prediction question (autosaved like the answers)."""
    now = now or timezone.now()
    if attempt.submitted_at is not None or now > attempt.deadline + GRACE:
        raise _attempt_closed_error()
    _check_prediction(prediction)
    Attempt.objects.filter(pk=attempt.pk, submitted_at__isnull=True).update(prediction=prediction)
    attempt.prediction = prediction
    return attempt


_ANSWERS_WRITE_PG = (
    "UPDATE contests_answer AS a SET chosen = v.chosen::jsonb, saved_at = %s "
    "FROM unnest(%s::bigint[], %s::text[]) AS v(id, chosen) WHERE a.id = v.id"
)


def _answers_write(answers: Sequence[Answer], now: dt.datetime) -> None:
    """Write the choices of ``answers`` (each its own) in one statement on PostgreSQL, one
    batch of statements on SQLite (``bulk_update``'s CASE per row and field cost 3 ms for a
    20-question sheet, a statement per row as many round trips)."""
    if connection.vendor == "postgresql":
        rawsql.execute(
            _ANSWERS_WRITE_PG,
            [now, [a.pk for a in answers], [json.dumps(a.chosen) for a in answers]],
        )
        return
    at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE contests_answer SET chosen = %s, saved_at = %s WHERE id = %s",
            [(json.dumps(a.chosen), at, a.pk) for a in answers],
        )


# ``_close``'s statements, written once (a submission at the evening's rush built eight ORM
# queries, which cost more CPU than running them): the attempt locked, with its contest and
# its entrant's national id (for the flags); its answers with their questions' kinds; the
# right options of those questions; the marks; the attempt closed.
@functools.cache
def _close_lock_sql(vendor: str) -> str:
    lock = " FOR UPDATE OF a" if vendor == "postgresql" else ""  # SQLite locks the database
    return (
        f"SELECT {rawsql.model_columns(Attempt, 'a')}, r.contest_id, e.national_id_hash "  # noqa: S608 - model columns
        "FROM contests_attempt a JOIN contests_round r ON r.id = a.round_id "
        "JOIN contests_entrant e ON e.id = a.entrant_id WHERE a.id = %s" + lock
    )


_CLOSE_ANSWERS = (
    "SELECT an.id, an.question_id, an.option_order, an.chosen, an.saved_at, q.kind "
    "FROM contests_answer an JOIN contests_question q ON q.id = an.question_id "
    "WHERE an.attempt_id = %s"
)
_CLOSE_ANSWERS_FIELDS = (
    (Answer, "id"),
    (Answer, "question"),
    (Answer, "option_order"),
    (Answer, "chosen"),
    (Answer, "saved_at"),
    (Question, "kind"),
)
_CLOSE_RIGHT_OPTIONS = (
    "SELECT o.question_id, o.id FROM contests_option o "
    "JOIN contests_answer an ON an.question_id = o.question_id "
    "WHERE an.attempt_id = %s AND o.correct"
)
_CLOSE_MARKS_PG = (
    "UPDATE contests_answer SET correct = (id = ANY(%s::bigint[])) WHERE attempt_id = %s"
)
_CLOSE_MARKS_SQLITE = "UPDATE contests_answer SET correct = (id IN ({ids})) WHERE attempt_id = %s"
_CLOSE_ATTEMPT = (
    "UPDATE contests_attempt SET submitted_at = %s, timed_out = %s, score = %s, "
    "duration_ms = %s, answers_hash = %s, prediction = %s WHERE id = %s"
)


def _close_marks(attempt_id: int, right: list[int]) -> None:
    if connection.vendor == "postgresql":
        rawsql.execute(_CLOSE_MARKS_PG, [right, attempt_id], prepare=True)
        return
    sql = _CLOSE_MARKS_SQLITE.format(ids=", ".join(["%s"] * len(right)))
    rawsql.execute(sql, [*right, attempt_id])


def _close(
    attempt: Attempt,
    *,
    now: dt.datetime,
    timed_out: bool,
    answers: Mapping[int, Sequence[int]] | None = None,
    prediction: int | None = None,
) -> Attempt:
    """Score and close ``attempt`` (under a lock; a closed attempt is returned as it is), then
    look for the signs the organisers review (``integrity.flags_of_submission``).

    ``answers`` (question id → options chosen) and ``prediction`` come with a submission in
    time: they are saved under the same lock before the score (a choice that does not fit its
    question is left as saved before)."""
    closed_now = False
    lock_fields: tuple[tuple[type[Model], str], ...] = (
        *rawsql.model_fields(Attempt),
        (Round, "contest"),
        (Entrant, "national_id_hash"),
    )
    with transaction.atomic():
        row = rawsql.fetch_one(
            _close_lock_sql(connection.vendor), [attempt.pk], lock_fields, prepare=True
        )
        if row is None:
            raise Attempt.DoesNotExist
        locked: Attempt = rawsql.instance(Attempt, row[:-2])
        contest_id, national_id_hash = row[-2:]
        if locked.submitted_at is None:
            late = now > locked.deadline + GRACE
            # A submission in the grace counts at its time; a forgotten attempt at its
            # deadline, with the answers saved by then.
            submitted_at = locked.deadline if late else now
            rows: list[Answer] = []
            kinds: dict[int, str] = {}
            for pk, question_id, option_order, chosen, saved_at, kind in rawsql.fetch_all(
                _CLOSE_ANSWERS, [locked.pk], _CLOSE_ANSWERS_FIELDS, prepare=True
            ):
                rows.append(
                    Answer(
                        pk=pk,
                        attempt_id=locked.pk,
                        question_id=question_id,
                        option_order=option_order,
                        chosen=chosen,
                        saved_at=saved_at,
                    )
                )
                kinds[question_id] = kind
            changed: list[Answer] = []
            if not late and answers:
                for answer in rows:
                    if answer.question_id not in answers:
                        continue
                    try:
                        picked = _checked_choice(
                            answer, kinds[answer.question_id], answers[answer.question_id]
                        )
                    except ValidationError:
                        continue
                    if picked != answer.chosen:
                        answer.chosen, answer.saved_at = picked, now
                        changed.append(answer)
            if not late and prediction is not None:
                locked.prediction = prediction
            correct_sets: dict[int, set[int]] = defaultdict(set)
            for question_id, option_id in rawsql.fetch_all(
                _CLOSE_RIGHT_OPTIONS,
                [locked.pk],
                ((Option, "question"), (Option, "id")),
                prepare=True,
            ):
                correct_sets[question_id].add(option_id)
            score = 0
            for answer in rows:
                answer.correct = set(answer.chosen) == correct_sets[answer.question_id]
                score += answer.correct
            # Most choices came by autosave: only the form's new ones are written again, and
            # the marks in one UPDATE of the attempt's answers.
            if changed:
                _answers_write(changed, now)
            _close_marks(locked.pk, [a.pk for a in rows if a.correct])
            closed_now = True
            locked.answers_hash = integrity.answers_digest(rows)
            locked.submitted_at = submitted_at
            locked.timed_out = timed_out or late
            locked.score = score
            locked.duration_ms = max(
                0, int((submitted_at - locked.started_at).total_seconds() * 1000)
            )
            rawsql.execute(
                _CLOSE_ATTEMPT,
                [
                    connection.ops.adapt_datetimefield_value(locked.submitted_at),
                    locked.timed_out,
                    locked.score,
                    locked.duration_ms,
                    locked.answers_hash,
                    locked.prediction,
                    locked.pk,
                ],
                prepare=True,
            )
    for field in (
        "submitted_at",
        "timed_out",
        "score",
        "duration_ms",
        "prediction",
        "answers_hash",
    ):
        setattr(attempt, field, getattr(locked, field))
    if closed_now:
        integrity.flags_of_submission(
            locked, contest_id=contest_id, national_id_hash=national_id_hash
        )
    return attempt


def attempt_submit(
    *,
    attempt: Attempt,
    prediction: int | None = None,
    answers: Mapping[int, Sequence[int]] | None = None,
    now: dt.datetime | None = None,
) -> Attempt:
    """Submit and score. Submitting twice returns the first result; after the deadline's
    grace the attempt is closed as timed out at its deadline (the answers and the prediction
    sent now are not taken). ``answers`` (question id → options chosen: the form's, for a
    page without JavaScript or answers whose autosave did not reach us) are saved first, in
    the same transaction as the score."""
    now = now or timezone.now()
    if attempt.submitted_at is not None:
        return attempt
    _check_prediction(prediction)
    return _close(attempt, now=now, timed_out=False, answers=answers, prediction=prediction)


def attempts_expire(
    *,
    now: dt.datetime | None = None,
    round: Round | None = None,
    entrant: Entrant | None = None,
) -> int:
    """Close every open attempt past its deadline and grace (the periodic sweep; also run
    before an entrant starts or resumes). Returns how many were closed."""
    now = now or timezone.now()
    overdue = Attempt.objects.filter(submitted_at__isnull=True, deadline__lt=now - GRACE)
    if round is not None:
        overdue = overdue.filter(round=round)
    if entrant is not None:
        overdue = overdue.filter(entrant=entrant)
    closed = 0
    for attempt in overdue.order_by("pk")[:5000]:
        _close(attempt, now=now, timed_out=True)
        closed += 1
    return closed


def paper_attempt_record(
    *,
    entrant: Entrant,
    round: Round,
    answers: Sequence[tuple[int, Sequence[int]]],
    submitted_at: dt.datetime,
    duration: dt.timedelta,
    prediction: int | None,
) -> Attempt:
    """An answer sheet filled in on paper (or offline) and keyed in by the organisers: an
    attempt with the sheet's questions (``answers``: question id, option ids chosen) taken
    from ``submitted_at − duration`` to ``submitted_at``, scored and checked for flags as an
    online attempt is (``_close``). The caller checked the sheet
    (``lantoa.contests.entries_import``) and holds a transaction."""
    started_at = submitted_at - duration
    with transaction.atomic():
        Entrant.objects.select_for_update().get(pk=entrant.pk)
        used = Attempt.objects.filter(entrant=entrant, round=round).count()
        if used >= round.attempts_allowed:
            raise ValidationError(
                _("Người dự thi đã thi đủ %(allowed)s lần cho phép của đợt thi này.")
                % {"allowed": round.attempts_allowed},
                code="limit",
            )
        attempt = Attempt.objects.create(
            entrant=entrant,
            round=round,
            number=used + 1,
            started_at=started_at,
            deadline=started_at + dt.timedelta(minutes=round.time_limit_minutes),
            total=len(answers),
            prediction=prediction,
            source="paper",
        )
        order: dict[int, list[int]] = defaultdict(list)
        for question_id, option_id in (
            Option.objects.filter(question_id__in=[q for q, _c in answers])
            .order_by("question_id", "position")
            .values_list("question_id", "pk")
        ):
            order[question_id].append(option_id)
        Answer.objects.bulk_create(
            Answer(
                attempt=attempt,
                question_id=question_id,
                position=position,
                option_order=order[question_id],
                chosen=sorted(set(chosen)),
                saved_at=submitted_at,
            )
            for position, (question_id, chosen) in enumerate(answers, start=1)
        )
        _close(attempt, now=submitted_at, timed_out=False)
    return attempt

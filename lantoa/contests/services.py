"""Writes of the contests: the contest and its review, rounds, the one-time code of an
entrant, attempts and their autosaved answers.

Review follows content's pattern (``lantoa.content.services``): a status changes under a row
lock, only from the statuses a step allows, with an audit record; whoever created or
submitted a contest may not approve it.

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

import datetime as dt
import random
import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from lantoa import access
from lantoa.audit.services import audit_record
from lantoa.content.services import slugify_vi
from lantoa.contests.models import (
    Answer,
    Attempt,
    Contest,
    ContestAudience,
    ContestKind,
    ContestStatus,
    Difficulty,
    Entrant,
    Option,
    Question,
    QuestionKind,
    Round,
    TieBreak,
)
from lantoa.core.phone import normalise_phone
from lantoa.core.services import acting_user
from lantoa.units.models import Unit, UnitClosure, UnitStatus

GRACE = dt.timedelta(seconds=30)
BANK_FACTOR = 3  # a round needs a bank of at least 3 × its questions per attempt
CODE_TTL = dt.timedelta(minutes=10)
CODE_TRIES = 5
MIN_OPTIONS, MAX_OPTIONS = 2, 6
S = ContestStatus


# --- helpers ------------------------------------------------------------------------------


def _require(actor: Any, perm: str, unit: Unit) -> None:
    """``actor`` None is the system (a command, the demo); an officer needs ``perm``."""
    if actor is not None and not access.can(actor, perm, unit):
        raise PermissionDenied(_("Anh/chị không có quyền với cuộc thi của đơn vị này."))


def _audit(contest: Contest, action: str, actor: Any, **data: Any) -> None:
    audit_record(
        action=f"contest.{action}",
        actor=actor,
        unit=contest.unit,
        target=f"{contest.pk}: {contest.title}"[:255],
        data={"status": contest.status, **data},
        actor_label="" if actor is not None else "lantoa",
    )


def _require_draft(contest: Contest) -> None:
    if contest.status != S.DRAFT:
        raise ValidationError(
            _(
                "Cuộc thi “%(title)s” đã gửi duyệt hoặc đã duyệt nên không sửa được thể lệ, "
                "kho câu hỏi và đợt thi nữa."
            )
            % {"title": contest.title},
            code="not_draft",
        )


def _unique_slug(unit: Unit, title: str) -> str:
    base = slugify_vi(title) or "cuoc-thi"
    taken = set(
        Contest.objects.filter(unit=unit, slug__startswith=base).values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug


def _clean_contest(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    title = " ".join(str(values.get("title") or "").split())
    rules = str(values.get("rules") or "").strip()
    if not title:
        errors["title"] = _("Vui lòng nhập tên cuộc thi.")
    elif len(title) > 255:
        errors["title"] = _("Tên cuộc thi dài quá 255 ký tự.")
    if not rules:
        errors["rules"] = _("Vui lòng nhập thể lệ cuộc thi.")
    elif len(rules) > 20000:
        errors["rules"] = _("Thể lệ dài quá 20.000 ký tự.")
    audience = values.get("audience") or ContestAudience.SUBTREE
    if audience not in ContestAudience.values:
        errors["audience"] = _("Đối tượng dự thi không hợp lệ.")
    kind = values.get("kind") or ContestKind.QUIZ
    if kind != ContestKind.QUIZ:
        errors["kind"] = _("Hiện mới tổ chức được cuộc thi trắc nghiệm trực tuyến.")
    if errors:
        raise ValidationError(errors)
    return {"title": title, "rules": rules, "audience": audience, "kind": kind}


# --- the contest and its review -------------------------------------------------------------


def contest_create(
    *,
    unit: Unit,
    title: str,
    rules: str,
    audience: str = ContestAudience.SUBTREE,
    kind: str = ContestKind.QUIZ,
    actor: Any = None,
) -> Contest:
    _require(actor, "contest.manage", unit)
    if not unit.is_active:
        raise ValidationError(
            _("Đơn vị “%(unit)s” đã hợp nhất hoặc giải thể nên không tổ chức cuộc thi mới.")
            % {"unit": unit.name}
        )
    values = _clean_contest({"title": title, "rules": rules, "audience": audience, "kind": kind})
    with transaction.atomic():
        contest = Contest.objects.create(
            unit=unit,
            slug=_unique_slug(unit, values["title"]),
            created_by=acting_user(actor),
            **values,
        )
        _audit(contest, "create", actor)
    return contest


def contest_update(*, contest: Contest, actor: Any = None, **fields: Any) -> Contest:
    _require(actor, "contest.manage", contest.unit)
    unknown = set(fields) - {"title", "rules", "audience"}
    if unknown:
        raise ValidationError({name: _("Trường này không sửa được ở đây.") for name in unknown})
    _require_draft(contest)
    values = _clean_contest(
        {
            "title": fields.get("title", contest.title),
            "rules": fields.get("rules", contest.rules),
            "audience": fields.get("audience", contest.audience),
            "kind": contest.kind,
        }
    )
    values.pop("kind")
    with transaction.atomic():
        for key, value in values.items():
            setattr(contest, key, value)
        contest.save(update_fields=[*values, "updated_at"])
        _audit(contest, "update", actor, fields=sorted(fields))
    return contest


def _transition(contest: Contest, allowed: Sequence[str], target: str, **changes: Any) -> str:
    locked = Contest.objects.select_for_update().get(pk=contest.pk)
    if locked.status not in allowed:
        raise ValidationError(
            _("Cuộc thi đang ở trạng thái “%(status)s”; không thực hiện được thao tác này.")
            % {"status": locked.get_status_display()},
            code="bad_status",
        )
    before = locked.status
    locked.status = target
    for key, value in changes.items():
        setattr(locked, key, value)
    locked.save(update_fields=["status", "updated_at", *changes])
    for field in ("status", "updated_at", *changes):
        setattr(contest, field, getattr(locked, field))
    return before


def contest_submit(*, contest: Contest, actor: Any = None) -> Contest:
    _require(actor, "contest.manage", contest.unit)
    if not contest.rounds.exists():
        raise ValidationError(
            _("Vui lòng tạo ít nhất một đợt thi trước khi gửi duyệt cuộc thi."), code="no_round"
        )
    with transaction.atomic():
        _transition(contest, [S.DRAFT], S.SUBMITTED, submitted_by=acting_user(actor))
        _audit(contest, "submit", actor)
    return contest


def can_approve(actor: Any, contest: Contest) -> bool:
    """Holds "contest.approve" at the contest's unit, and did not create or submit it."""
    if not access.can(actor, "contest.approve", contest.unit):
        return False
    return actor.pk not in {contest.created_by_id, contest.submitted_by_id}


def _require_approver(actor: Any, contest: Contest) -> None:
    if actor is None:
        return
    if not access.can(actor, "contest.approve", contest.unit):
        raise PermissionDenied(_("Anh/chị không có quyền duyệt cuộc thi của đơn vị này."))
    if actor.pk in {contest.created_by_id, contest.submitted_by_id}:
        raise ValidationError(
            _(
                "Anh/chị đã soạn hoặc gửi duyệt cuộc thi này nên không thể tự duyệt; cần một "
                "cán bộ khác duyệt."
            ),
            code="four_eyes",
        )


def contest_approve(*, contest: Contest, actor: Any = None, comment: str = "") -> Contest:
    _require_approver(actor, contest)
    with transaction.atomic():
        _transition(
            contest,
            [S.SUBMITTED],
            S.APPROVED,
            approved_by=acting_user(actor),
            approved_at=timezone.now(),
            review_comment=(comment or "").strip(),
        )
        _audit(contest, "approve", actor)
    return contest


def contest_return(*, contest: Contest, comment: str, actor: Any = None) -> Contest:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(
            {"comment": _("Vui lòng ghi nhận xét để người soạn biết cần sửa gì.")},
            code="no_comment",
        )
    if actor is not None and not access.can(actor, "contest.approve", contest.unit):
        raise PermissionDenied(_("Anh/chị không có quyền duyệt cuộc thi của đơn vị này."))
    with transaction.atomic():
        _transition(contest, [S.SUBMITTED], S.DRAFT, review_comment=comment)
        _audit(contest, "return", actor)
    return contest


# --- the question bank ----------------------------------------------------------------------


def question_check(
    *,
    text: str,
    kind: str,
    options: Sequence[tuple[str, bool]],
    topic: str = "",
    difficulty: str = Difficulty.MEDIUM,
    explanation: str = "",
    legal_reference: str = "",
) -> tuple[dict[str, Any], dict[str, str]]:
    """The cleaned values of one question and its problems by field ("options" for the
    options and their correct flags). Shared by ``question_add`` and the bank import."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {
        "text": (text or "").strip(),
        "kind": kind,
        "topic": " ".join((topic or "").split()),
        "difficulty": difficulty or Difficulty.MEDIUM,
        "explanation": (explanation or "").strip(),
        "legal_reference": " ".join((legal_reference or "").split()),
    }
    if not values["text"]:
        errors["text"] = _("Vui lòng nhập nội dung câu hỏi.")
    elif len(values["text"]) > 2000:
        errors["text"] = _("Câu hỏi dài quá 2.000 ký tự.")
    if kind not in QuestionKind.values:
        errors["kind"] = _("Loại câu hỏi không hợp lệ (một đáp án đúng hoặc nhiều đáp án đúng).")
    if values["difficulty"] not in Difficulty.values:
        errors["difficulty"] = _("Mức độ không hợp lệ (dễ, trung bình, khó).")
    if len(values["topic"]) > 100:
        errors["topic"] = _("Chủ đề dài quá 100 ký tự.")
    if len(values["legal_reference"]) > 255:
        errors["legal_reference"] = _("Căn cứ pháp lý dài quá 255 ký tự.")
    cleaned = [((t or "").strip(), bool(c)) for t, c in options if (t or "").strip()]
    correct = sum(1 for _t, c in cleaned if c)
    if not MIN_OPTIONS <= len(cleaned) <= MAX_OPTIONS:
        errors["options"] = _("Mỗi câu hỏi cần từ 2 đến 6 phương án (đang có %(count)s).") % {
            "count": len(cleaned)
        }
    elif any(len(t) > 500 for t, _c in cleaned):
        errors["options"] = _("Có phương án dài quá 500 ký tự.")
    elif len({t.casefold() for t, _c in cleaned}) != len(cleaned):
        errors["options"] = _("Có hai phương án giống nhau.")
    elif correct == 0:
        errors["correct"] = _("Vui lòng đánh dấu ít nhất một phương án đúng.")
    elif kind == QuestionKind.SINGLE and correct > 1:
        errors["correct"] = _(
            "Câu hỏi một đáp án đúng chỉ có một phương án đúng (đang đánh dấu %(count)s)."
        ) % {"count": correct}
    values["options"] = cleaned
    return values, errors


def questions_add(
    *, contest: Contest, questions: Iterable[dict[str, Any]], actor: Any = None
) -> list[Question]:
    """Append checked questions (``question_check`` values, with ``article`` optional) to the
    contest's bank, in one transaction."""
    _require(actor, "contest.manage", contest.unit)
    _require_draft(contest)
    with transaction.atomic():
        Contest.objects.select_for_update().get(pk=contest.pk)
        start = (
            Question.objects.filter(contest=contest)
            .order_by("-position")
            .values_list("position", flat=True)
            .first()
            or 0
        )
        made: list[Question] = []
        options: list[Option] = []
        for offset, values in enumerate(questions, start=1):
            values = dict(values)
            opts = values.pop("options")
            question = Question(contest=contest, position=start + offset, **values)
            made.append(question)
            options.extend(
                Option(question=question, position=i, text=t, correct=c)
                for i, (t, c) in enumerate(opts, start=1)
            )
        Question.objects.bulk_create(made)
        for option in options:
            option.question_id = option.question.pk
        Option.objects.bulk_create(options)
    return made


def question_add(*, contest: Contest, actor: Any = None, **fields: Any) -> Question:
    values, errors = question_check(**fields)
    if errors:
        raise ValidationError(errors)
    return questions_add(contest=contest, questions=[values], actor=actor)[0]


# --- rounds ---------------------------------------------------------------------------------


def _clean_quotas(contest: Contest, quotas: Sequence[dict[str, Any]], per_attempt: int) -> list:
    bank = list(Question.objects.filter(contest=contest).values_list("topic", "difficulty"))
    cleaned: list[dict[str, Any]] = []
    total = 0
    for quota in quotas:
        topic = " ".join(str(quota.get("topic") or "").split())
        difficulty = str(quota.get("difficulty") or "")
        count = int(quota.get("count") or 0)
        if difficulty and difficulty not in Difficulty.values:
            raise ValidationError({"quotas": _("Mức độ không hợp lệ (dễ, trung bình, khó).")})
        available = sum(
            1 for t, d in bank if (not topic or t == topic) and (not difficulty or d == difficulty)
        )
        if count < 1 or count > available:
            raise ValidationError(
                {
                    "quotas": _(
                        "Kho câu hỏi có %(available)s câu chủ đề “%(topic)s”, mức độ "
                        "“%(difficulty)s”; không lấy được %(count)s câu."
                    )
                    % {
                        "available": available,
                        "topic": topic or "*",
                        "difficulty": Difficulty(difficulty).label if difficulty else "*",
                        "count": count,
                    }
                }
            )
        total += count
        cleaned.append({"topic": topic, "difficulty": difficulty, "count": count})
    if total > per_attempt:
        raise ValidationError(
            {
                "quotas": _(
                    "Cơ cấu câu hỏi cộng lại %(total)s câu, nhiều hơn số câu mỗi bài thi (%(per)s)."
                )
                % {"total": total, "per": per_attempt}
            }
        )
    return cleaned


def round_create(
    *,
    contest: Contest,
    title: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    questions_per_attempt: int,
    time_limit_minutes: int,
    attempts_allowed: int = 1,
    tie_break: str = TieBreak.ALL_CORRECT,
    quotas: Sequence[dict[str, Any]] = (),
    actor: Any = None,
) -> Round:
    _require(actor, "contest.manage", contest.unit)
    _require_draft(contest)
    errors: dict[str, str] = {}
    title = " ".join((title or "").split())
    if not title:
        errors["title"] = _("Vui lòng nhập tên đợt thi.")
    elif len(title) > 150:
        errors["title"] = _("Tên đợt thi dài quá 150 ký tự.")
    if closes_at <= opens_at:
        errors["closes_at"] = _("Thời điểm đóng phải sau thời điểm mở.")
    if not 1 <= questions_per_attempt <= 200:
        errors["questions_per_attempt"] = _("Số câu hỏi mỗi bài thi phải từ 1 đến 200.")
    if not 1 <= time_limit_minutes <= 600:
        errors["time_limit_minutes"] = _("Thời gian làm bài phải từ 1 đến 600 phút.")
    if not 1 <= attempts_allowed <= 100:
        errors["attempts_allowed"] = _("Số lần thi mỗi người phải từ 1 đến 100.")
    if tie_break not in TieBreak.values:
        errors["tie_break"] = _("Câu hỏi phụ không hợp lệ.")
    if errors:
        raise ValidationError(errors)
    bank = Question.objects.filter(contest=contest).count()
    need = BANK_FACTOR * questions_per_attempt
    if bank < need:
        raise ValidationError(
            {
                "questions_per_attempt": _(
                    "Kho câu hỏi mới có %(bank)s câu; đợt thi %(per)s câu mỗi bài cần kho ít "
                    "nhất %(need)s câu (gấp 3 lần). Vui lòng nhập thêm câu hỏi hoặc giảm số câu "
                    "mỗi bài thi."
                )
                % {"bank": bank, "per": questions_per_attempt, "need": need}
            },
            code="small_bank",
        )
    cleaned_quotas = _clean_quotas(contest, quotas, questions_per_attempt)
    with transaction.atomic():
        Contest.objects.select_for_update().get(pk=contest.pk)
        last = contest.rounds.order_by("-number").values_list("number", flat=True).first() or 0
        rnd = Round.objects.create(
            contest=contest,
            number=last + 1,
            title=title,
            opens_at=opens_at,
            closes_at=closes_at,
            questions_per_attempt=questions_per_attempt,
            time_limit_minutes=time_limit_minutes,
            attempts_allowed=attempts_allowed,
            tie_break=tie_break,
            quotas=cleaned_quotas,
        )
        _audit(contest, "round_create", actor, round=rnd.number)
    return rnd


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
    unit: Unit,
    workplace: str = "",
    now: dt.datetime | None = None,
) -> tuple[Entrant, str]:
    """Register (or find again, by phone) an entrant and give them a new one-time code.

    Returns the entrant and the code to send (``lantoa.contests.otp.send_code``); the code is
    kept only as a keyed hash. Details of an entrant already verified are not changed here.
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
    if errors:
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
            },
        )
        if not created and entrant.verified_at is None:
            entrant.full_name, entrant.birth_date = name, birth_date
            entrant.unit, entrant.workplace = unit, workplace
        entrant.code_hash = _code_hash(entrant, code)
        entrant.code_expires_at = now + CODE_TTL
        entrant.code_tries = 0
        entrant.save()
    return entrant, code


def entrant_verify(*, entrant: Entrant, code: str, now: dt.datetime | None = None) -> Entrant:
    """Check the one-time code; at most ``CODE_TRIES`` wrong tries per code."""
    now = now or timezone.now()
    code = "".join((code or "").split())
    problem: ValidationError | None = None
    # The wrong try is counted in the transaction and the error raised after it, so the
    # count stays.
    with transaction.atomic():
        locked = Entrant.objects.select_for_update().get(pk=entrant.pk)
        if not locked.code_hash or locked.code_expires_at is None or locked.code_expires_at < now:
            problem = ValidationError(
                {"code": _("Mã xác minh đã hết hạn. Vui lòng bấm “Gửi lại mã”.")}, code="expired"
            )
        elif locked.code_tries >= CODE_TRIES:
            problem = ValidationError(
                {"code": _("Bạn đã nhập sai quá số lần cho phép. Vui lòng bấm “Gửi lại mã”.")},
                code="tries",
            )
        elif not constant_time_compare(locked.code_hash, _code_hash(locked, code)):
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


def draw_questions(rnd: Round, rng: random.Random) -> list[int]:
    """Question ids for one attempt: first each quota of the round, then the rest in
    proportion to the bank's (topic, difficulty) groups; in a random order."""
    pool: dict[int, tuple[str, str]] = {
        pk: (topic, difficulty)
        for pk, topic, difficulty in Question.objects.filter(contest_id=rnd.contest_id)
        .order_by("pk")
        .values_list("pk", "topic", "difficulty")
    }
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


def attempt_start(
    *,
    entrant: Entrant,
    round: Round,
    now: dt.datetime | None = None,
    rng: random.Random | None = None,
) -> Attempt:
    """The entrant's open attempt at ``round`` (resumed), or a new one with its questions
    drawn and their options shuffled."""
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
    attempts_expire(now=now, round=round, entrant=entrant)
    open_attempt = Attempt.objects.filter(
        entrant=entrant, round=round, submitted_at__isnull=True
    ).first()
    if open_attempt is not None:
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
    question_ids = draw_questions(round, rng)
    options: dict[int, list[int]] = defaultdict(list)
    for question_id, option_id in Option.objects.filter(question_id__in=question_ids).values_list(
        "question_id", "pk"
    ):
        options[question_id].append(option_id)
    try:
        with transaction.atomic():
            Entrant.objects.select_for_update().get(pk=entrant.pk)
            used = Attempt.objects.filter(entrant=entrant, round=round).count()
            if used >= round.attempts_allowed:
                raise over
            attempt = Attempt.objects.create(
                entrant=entrant,
                round=round,
                number=used + 1,
                started_at=now,
                deadline=min(now + dt.timedelta(minutes=round.time_limit_minutes), round.closes_at),
                total=len(question_ids),
            )
            answers = []
            for position, question_id in enumerate(question_ids, start=1):
                order = list(options[question_id])
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
    answer = (
        Answer.objects.select_related("question")
        .filter(attempt=attempt, question_id=question_id)
        .first()
    )
    if answer is None:
        raise ValidationError(_("Câu hỏi không thuộc bài thi này."), code="bad_question")
    picked = sorted({int(c) for c in chosen})
    if not set(picked) <= set(answer.option_order):
        raise ValidationError(_("Phương án không thuộc câu hỏi này."), code="bad_option")
    if answer.question.kind == QuestionKind.SINGLE and len(picked) > 1:
        raise ValidationError(_("Câu hỏi này chỉ chọn một phương án."), code="single")
    updated = Answer.objects.filter(pk=answer.pk, attempt__submitted_at__isnull=True).update(
        chosen=picked, saved_at=now
    )
    if not updated:
        raise _attempt_closed_error()
    answer.chosen, answer.saved_at = picked, now
    return answer


def attempt_predict(
    *, attempt: Attempt, prediction: int | None, now: dt.datetime | None = None
) -> Attempt:
    """Save the answer to the round's prediction question (autosaved like the answers)."""
    now = now or timezone.now()
    if attempt.submitted_at is not None or now > attempt.deadline + GRACE:
        raise _attempt_closed_error()
    if prediction is not None and not 0 <= prediction <= 100_000_000:
        raise ValidationError(
            {"prediction": _("Vui lòng nhập số dự đoán là số nguyên không âm.")}, code="bad"
        )
    Attempt.objects.filter(pk=attempt.pk, submitted_at__isnull=True).update(prediction=prediction)
    attempt.prediction = prediction
    return attempt


def _close(attempt: Attempt, *, now: dt.datetime, timed_out: bool) -> Attempt:
    """Score and close ``attempt`` (under a lock; a closed attempt is returned as it is)."""
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.submitted_at is None:
            late = now > locked.deadline + GRACE
            # A submission in the grace counts at its time; a forgotten attempt at its
            # deadline, with the answers saved by then.
            submitted_at = locked.deadline if late else now
            answers = list(Answer.objects.filter(attempt=locked))
            correct_sets: dict[int, set[int]] = defaultdict(set)
            for question_id, option_id in Option.objects.filter(
                question_id__in=[a.question_id for a in answers], correct=True
            ).values_list("question_id", "pk"):
                correct_sets[question_id].add(option_id)
            score = 0
            for answer in answers:
                answer.correct = set(answer.chosen) == correct_sets[answer.question_id]
                score += answer.correct
            Answer.objects.bulk_update(answers, ["correct"])
            locked.submitted_at = submitted_at
            locked.timed_out = timed_out or late
            locked.score = score
            locked.duration_ms = max(
                0, int((submitted_at - locked.started_at).total_seconds() * 1000)
            )
            locked.save(update_fields=["submitted_at", "timed_out", "score", "duration_ms"])
    for field in ("submitted_at", "timed_out", "score", "duration_ms", "prediction"):
        setattr(attempt, field, getattr(locked, field))
    return attempt


def attempt_submit(
    *, attempt: Attempt, prediction: int | None = None, now: dt.datetime | None = None
) -> Attempt:
    """Submit and score. Submitting twice returns the first result; after the deadline's
    grace the attempt is closed as timed out at its deadline (the prediction sent now is
    not taken)."""
    now = now or timezone.now()
    if attempt.submitted_at is not None:
        return attempt
    if prediction is not None and now <= attempt.deadline + GRACE:
        attempt_predict(attempt=attempt, prediction=prediction, now=now)
    return _close(attempt, now=now, timed_out=False)


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

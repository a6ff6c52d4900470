"""Writes of the contests on the organisers' side: the contest and its review, the question
bank and the rounds.

Review follows content's pattern (``lantoa.content.services``): a status changes under a row
lock, only from the statuses a step allows, with an audit record; whoever created or
submitted a contest may not approve it.

The entrants' side (registration, one-time code, attempts, their time-out) is
``lantoa.contests.entry``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lantoa import access
from lantoa.audit.services import audit_record
from lantoa.content.services import slugify_vi
from lantoa.contests.models import (
    Answer,
    Contest,
    ContestAudience,
    ContestKind,
    ContestStatus,
    Criterion,
    Difficulty,
    MediaSettings,
    Option,
    Question,
    QuestionKind,
    Round,
    TieBreak,
)
from lantoa.core.services import acting_user
from lantoa.core.text import format_int
from lantoa.kb.models import Article
from lantoa.units.models import Unit

BANK_FACTOR = 3  # a round needs a bank of at least 3 × its questions per attempt
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
    if kind not in ContestKind.values:
        errors["kind"] = _("Loại cuộc thi không hợp lệ.")
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "rules": rules,
        "audience": audience,
        "kind": kind,
        "requires_national_id": bool(values.get("requires_national_id")),
    }


# --- the contest and its review -------------------------------------------------------------


def contest_create(
    *,
    unit: Unit,
    title: str,
    rules: str,
    audience: str = ContestAudience.SUBTREE,
    kind: str = ContestKind.QUIZ,
    requires_national_id: bool = False,
    actor: Any = None,
) -> Contest:
    _require(actor, "contest.manage", unit)
    if not unit.is_active:
        raise ValidationError(
            _("Đơn vị “%(unit)s” đã hợp nhất hoặc giải thể nên không tổ chức cuộc thi mới.")
            % {"unit": unit.name}
        )
    values = _clean_contest(
        {
            "title": title,
            "rules": rules,
            "audience": audience,
            "kind": kind,
            "requires_national_id": requires_national_id,
        }
    )
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
    unknown = set(fields) - {"title", "rules", "audience", "requires_national_id"}
    if unknown:
        raise ValidationError({name: _("Trường này không sửa được ở đây.") for name in unknown})
    _require_draft(contest)
    values = _clean_contest(
        {
            "title": fields.get("title", contest.title),
            "rules": fields.get("rules", contest.rules),
            "audience": fields.get("audience", contest.audience),
            "kind": contest.kind,
            "requires_national_id": fields.get(
                "requires_national_id", contest.requires_national_id
            ),
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


def _media_submit_check(contest: Contest) -> None:
    """What a video or photo contest needs before it goes for review: its settings, and a
    rubric when the jury counts."""
    current = MediaSettings.objects.filter(contest=contest).first()
    if current is None:
        raise ValidationError(_("Cuộc thi chưa có thiết lập nhận tác phẩm."), code="no_settings")
    if current.jury_weight and not Criterion.objects.filter(contest=contest).exists():
        raise ValidationError(
            _("Vui lòng thêm ít nhất một tiêu chí chấm cho ban giám khảo trước khi gửi duyệt."),
            code="no_rubric",
        )


def contest_submit(*, contest: Contest, actor: Any = None) -> Contest:
    _require(actor, "contest.manage", contest.unit)
    if contest.kind != ContestKind.QUIZ:
        _media_submit_check(contest)
    elif not contest.rounds.exists():
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


def articles_by_slug(slugs: Iterable[str]) -> dict[str, Article]:
    """The legal Q&A articles a bank names, by slug as written (case-insensitive)."""
    wanted = {s.strip().lower() for s in slugs if s and s.strip()}
    return {a.slug.lower(): a for a in Article.objects.filter(slug__in=wanted)}


def article_unknown(slug: str) -> str:
    """The problem of a bank's article slug that names no article (import and form)."""
    return _("không có bài hỏi đáp pháp luật có đường dẫn “%(slug)s”.") % {"slug": slug}


def question_add(*, contest: Contest, actor: Any = None, **fields: Any) -> Question:
    values, errors = question_check(**fields)
    if errors:
        raise ValidationError(errors)
    return questions_add(contest=contest, questions=[values], actor=actor)[0]


def bank_frozen(contest: Contest) -> ValidationError | None:
    """Why no question of the contest's bank can be changed now, None if some can: the
    contest waits for review, or its results are out."""
    if contest.status == S.SUBMITTED:
        return ValidationError(
            _(
                "Cuộc thi “%(title)s” đang chờ duyệt nên chưa sửa được câu hỏi; người duyệt "
                "trả lại cuộc thi thì sửa được."
            )
            % {"title": contest.title},
            code="submitted",
        )
    if contest.results_published_at is not None:
        return ValidationError(
            _("Cuộc thi đã công bố kết quả nên không sửa được câu hỏi nữa."), code="published"
        )
    return None


def question_frozen(question: Question, contest: Contest) -> ValidationError | None:
    """Why ``question`` cannot be changed now (``question_update``'s rules), None if it can:
    ``bank_frozen``, or an attempt has drawn it."""
    refusal = bank_frozen(contest)
    if refusal is not None:
        return refusal
    drawn = Answer.objects.filter(question=question).count()  # one answer per attempt
    if drawn:
        return ValidationError(
            _(
                "Câu hỏi số %(position)s đã có trong %(count)s bài thi nên không sửa được: các "
                "bài thi đó đã được chấm theo nội dung và đáp án hiện tại, sửa sẽ làm thay đổi "
                "điểm đã có. Nếu câu hỏi có sai sót, ban tổ chức xem xét khi duyệt kết quả."
            )
            % {"position": question.position, "count": format_int(drawn)},
            code="drawn",
        )
    return None


QUESTION_FIELDS = ("text", "kind", "topic", "difficulty", "explanation", "legal_reference")


def question_update(
    *, question: Question, article: Article | None = None, actor: Any = None, **fields: Any
) -> Question:
    """Change one question of the bank: its text, kind, options (2–6) and correct ones, topic,
    difficulty, explanation, legal reference and article, checked by ``question_check`` as
    the bank import checks a row.

    Allowed while the contest is a draft, and once approved for a question that no attempt
    has drawn yet (a drawn question was scored with what it said then: changing it would
    change past scores) until the results are published; never while the contest waits for
    review (the reviewer reads the bank as submitted). The rounds' topic/difficulty quotas
    must still be met. The question row is locked while its attempts are counted: an attempt
    drawing it at the same moment waits (PostgreSQL's key-share lock of the new answer's
    foreign key) or has already committed and is counted."""
    contest = question.contest
    _require(actor, "contest.manage", contest.unit)
    values, errors = question_check(**fields)
    if errors:
        raise ValidationError(errors)
    options = values.pop("options")
    with transaction.atomic():
        locked_contest = Contest.objects.select_for_update().get(pk=contest.pk)
        locked = Question.objects.select_for_update().get(pk=question.pk, contest=contest)
        refusal = question_frozen(locked, locked_contest)
        if refusal is not None:
            raise refusal
        before_options = list(locked.options.values_list("text", "correct"))
        changed = [name for name in QUESTION_FIELDS if getattr(locked, name) != values[name]]
        if locked.article_id != (article.pk if article else None):
            changed.append("article")
        if before_options != options:
            changed.append("options")
        for name in QUESTION_FIELDS:
            setattr(locked, name, values[name])
        locked.article = article
        locked.save(update_fields=[*QUESTION_FIELDS, "article"])
        if "options" in changed:
            Option.objects.filter(question=locked).delete()
            Option.objects.bulk_create(
                Option(question=locked, position=i, text=t, correct=c)
                for i, (t, c) in enumerate(options, start=1)
            )
        for rnd in contest.rounds.all():
            if rnd.quotas:
                _clean_quotas(contest, rnd.quotas, rnd.questions_per_attempt)
        _audit(contest, "question_update", actor, question=locked.position, fields=changed)
    for name in (*QUESTION_FIELDS, "article"):
        setattr(question, name, getattr(locked, name))
    return question


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

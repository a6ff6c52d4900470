"""Preparing a live game (its questions drawn from a contest's bank or typed) and what lasts
after it: the activity record of the organising unit. Playing is ``lantoa.livegame.engine``."""

from __future__ import annotations

import random
import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lantoa.audit.services import audit_record
from lantoa.core.services import acting_user
from lantoa.livegame.models import Game, GameMode, GameQuestion, Player, QuestionRole
from lantoa.units.models import Unit

MAX_QUESTIONS = 100
MAX_OPTIONS = 6
TIME_LIMITS = (5, 120)
ROLE_MARKS = {
    "[cứu trợ]": QuestionRole.RESCUE,
    "[chuông vàng]": QuestionRole.GOLDEN,
}


@dataclass
class Drafted:
    role: str
    text: str
    options: list[str]
    correct: list[int]
    explanation: str = ""


def parse_questions(text: str) -> list[Drafted]:
    """Questions typed as blocks separated by a blank line: the first line is the question
    (it may start with "[cứu trợ]" or "[chuông vàng]"), each next line an option, the right
    ones marked with a leading "*". Raises ValidationError naming the block."""
    blocks = [b for b in re.split(r"\n\s*\n", (text or "").replace("\r", "").strip()) if b.strip()]
    if not blocks:
        raise ValidationError({"questions": _("Vui lòng nhập ít nhất một câu hỏi.")})
    if len(blocks) > MAX_QUESTIONS:
        raise ValidationError(
            {"questions": _("Tối đa %(max)s câu hỏi một trò chơi.") % {"max": MAX_QUESTIONS}}
        )
    drafted: list[Drafted] = []
    errors: list[str] = []
    for number, block in enumerate(blocks, start=1):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        head, role = lines[0], QuestionRole.MAIN
        for mark, found in ROLE_MARKS.items():
            if head.lower().startswith(mark):
                head, role = head[len(mark) :].strip(), found
        options = [line.lstrip("*").strip() for line in lines[1:]]
        correct = [i for i, line in enumerate(lines[1:]) if line.startswith("*")]
        if not head:
            errors.append(_("Câu %(n)s: vui lòng nhập nội dung câu hỏi.") % {"n": number})
        elif not 2 <= len(options) <= MAX_OPTIONS:
            errors.append(
                _("Câu %(n)s: cần từ 2 đến %(max)s phương án, mỗi phương án một dòng.")
                % {"n": number, "max": MAX_OPTIONS}
            )
        elif not correct:
            errors.append(
                _("Câu %(n)s: vui lòng đánh dấu phương án đúng bằng dấu * ở đầu dòng.")
                % {"n": number}
            )
        elif any(not o for o in options):
            errors.append(_("Câu %(n)s: có phương án để trống.") % {"n": number})
        else:
            drafted.append(Drafted(role, head, options, correct))
    if errors:
        raise ValidationError({"questions": errors})
    return drafted


def draw_from_bank(
    contest: Any, *, count: int, rescue: int, golden: bool, seed: int
) -> list[Drafted]:
    """``count`` main questions, ``rescue`` rescue questions and, if asked, a golden bell
    question (a hard one when the bank has it) drawn from a contest's bank."""
    from lantoa.contests.models import Difficulty, Question

    bank = list(
        Question.objects.filter(contest=contest).prefetch_related("options").order_by("position")
    )
    wanted = count + rescue + (1 if golden else 0)
    if len(bank) < wanted:
        raise ValidationError(
            {
                "count": _(
                    "Kho câu hỏi của cuộc thi có %(have)s câu, ít hơn %(want)s câu "
                    "cần cho trò chơi."
                )
                % {"have": len(bank), "want": wanted}
            }
        )
    rng = random.Random(seed)  # noqa: S311 - which questions to ask, not a secret
    rng.shuffle(bank)
    chosen_golden: list[Any] = []
    if golden:
        hard = [q for q in bank if q.difficulty == Difficulty.HARD] or bank
        chosen_golden = [hard[0]]
        bank.remove(hard[0])
    picked = (
        [(QuestionRole.MAIN, q) for q in bank[:count]]
        + [(QuestionRole.RESCUE, q) for q in bank[count : count + rescue]]
        + [(QuestionRole.GOLDEN, q) for q in chosen_golden]
    )
    out = []
    for role, q in picked:
        opts = list(q.options.all())
        out.append(
            Drafted(
                role,
                q.text,
                [o.text for o in opts],
                [i for i, o in enumerate(opts) if o.correct],
                q.explanation,
            )
        )
    return out


def new_pin() -> str:
    while True:
        pin = f"{secrets.randbelow(900000) + 100000}"
        if not Game.objects.filter(pin=pin).exists():
            return pin


def game_create(
    *,
    unit: Unit,
    actor: Any,
    title: str,
    mode: str,
    questions: list[Drafted],
    time_limit: int = 20,
    golden_at: int = 1,
    source_contest: Any = None,
    entrants_of: Any = None,
) -> Game:
    title = " ".join((title or "").split())
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("Vui lòng nhập tên trò chơi.")
    if mode not in GameMode.values:
        errors["mode"] = _("Vui lòng chọn thể thức.")
    if not TIME_LIMITS[0] <= time_limit <= TIME_LIMITS[1]:
        errors["time_limit"] = _("Thời gian trả lời phải từ %(low)s đến %(high)s giây.") % {
            "low": TIME_LIMITS[0],
            "high": TIME_LIMITS[1],
        }
    if not unit.is_active:
        errors["__all__"] = _("Đơn vị đã ngừng hoạt động.")
    if not any(q.role == QuestionRole.MAIN for q in questions):
        errors["questions"] = _("Vui lòng có ít nhất một câu hỏi chính.")
    if entrants_of is not None and not entrants_of.is_approved:
        errors["entrants_of"] = _("Cuộc thi chưa được duyệt nên chưa có người dự thi đã xác minh.")
    if errors:
        raise ValidationError(errors)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                game = Game.objects.create(
                    unit=unit,
                    title=title,
                    mode=mode,
                    pin=new_pin(),
                    golden_at=max(1, golden_at),
                    source_contest=source_contest,
                    entrants_of=entrants_of,
                    created_by=acting_user(actor),
                )
                GameQuestion.objects.bulk_create(
                    GameQuestion(
                        game=game,
                        order=i,
                        role=q.role,
                        text=q.text,
                        options=q.options,
                        correct=q.correct,
                        explanation=q.explanation,
                        time_limit=time_limit,
                    )
                    for i, q in enumerate(questions, start=1)
                )
                audit_record(
                    action="livegame.create",
                    actor=actor,
                    unit=unit,
                    target=str(game.pk),
                    data={
                        "mode": mode,
                        "questions": len(questions),
                        "entrants_of": entrants_of.pk if entrants_of is not None else None,
                    },
                )
                return game
        except IntegrityError:  # two games drew the same PIN at once: draw again
            continue
    raise ValidationError(_("Vui lòng thử lại: chưa tạo được mã PIN."))


def participation(game: Game) -> list[dict[str, Any]]:
    """Players by their grassroots union (the unit each chose), most players first."""
    from django.db.models import Count, Q

    rows = (
        Player.objects.filter(game=game)
        .values("unit_id", "unit__name")
        .annotate(
            players=Count("pk"),
            winners=Count("pk", filter=Q(winner=True)),
        )
        .order_by("-players", "unit__name")
    )
    return [
        {"unit": r["unit__name"], "players": r["players"], "winners": r["winners"]} for r in rows
    ]


def _activity_title(game: Game) -> str:
    named = _("Rung chuông vàng")
    if game.title.lower().startswith(named.lower()):
        return game.title  # "Rung chuông vàng: Hội thi …" already says it
    return _("Rung chuông vàng: %(title)s") % {"title": game.title}


def record_activity(*, game: Game, actor: Any) -> None:
    """The finished game as an activity record ("Hội thi, cuộc thi", in person) of the
    organising unit, with its participants by grassroots union; a refusal (e.g. the period
    report of that day is approved and locked) is kept on the game to show."""
    from lantoa.activities.models import ActivityFormat, ActivityKind
    from lantoa.activities.services import activity_create

    game.refresh_from_db()
    if game.activity_id:
        return
    units = participation(game)
    if not units:
        return  # nobody played: not an activity
    note = "; ".join(f"{u['unit']}: {u['players']}" for u in units)
    try:
        activity = activity_create(
            unit=game.unit,
            actor=actor,
            kind=ActivityKind.CONTEST,
            held_on=timezone.localdate(),
            title=_activity_title(game)[:255],
            format=ActivityFormat.DIRECT,
            participants=sum(u["players"] for u in units),
            note=_("Người chơi theo công đoàn cơ sở: %(units)s") % {"units": note} if note else "",
        )
    except ValidationError as exc:
        message = "; ".join(exc.messages)[:300]
        Game.objects.filter(pk=game.pk).update(activity_note=message)
        return
    Game.objects.filter(pk=game.pk).update(activity=activity, activity_note="")

"""Helpers for the contest tests: a quiz contest of province A with a bank made through the
services, approved by a second officer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from lantoa.contests import entry, services
from lantoa.contests.models import Contest, Difficulty, Entrant, Round
from lantoa.units.models import Unit

NOW = dt.datetime(2026, 5, 4, 8, 0, tzinfo=dt.UTC)


def bank(contest: Contest, count: int, *, topics: tuple[str, ...] = ("Hợp đồng", "Tiền lương")):
    levels = (Difficulty.EASY, Difficulty.MEDIUM, Difficulty.HARD)
    questions = []
    for i in range(count):
        values, errors = services.question_check(
            text=f"Câu hỏi số {i + 1}?",
            kind="single",
            options=[(f"Phương án {i + 1}.{k}", k == 1) for k in range(1, 5)],
            topic=topics[i % len(topics)],
            difficulty=levels[i % 3],
            explanation=f"Giải thích câu {i + 1}.",
        )
        assert not errors, errors
        questions.append(values)
    return services.questions_add(contest=contest, questions=questions)


def quiz(
    unit: Unit,
    *,
    questions: int = 12,
    per_attempt: int = 4,
    attempts_allowed: int = 2,
    minutes: int = 10,
    approve: bool = True,
    tie_break: str = "all_correct",
    rounds: int = 1,
    **round_fields: Any,
) -> tuple[Contest, list[Round]]:
    contest = services.contest_create(
        unit=unit, title="Tìm hiểu Bộ luật Lao động", rules="Mỗi người thi tối đa hai lần."
    )
    bank(contest, questions)
    made = [
        services.round_create(
            contest=contest,
            title=f"Tuần {n}",
            opens_at=NOW - dt.timedelta(days=1) + dt.timedelta(days=7 * (n - 1)),
            closes_at=NOW + dt.timedelta(days=6) + dt.timedelta(days=7 * (n - 1)),
            questions_per_attempt=per_attempt,
            time_limit_minutes=minutes,
            attempts_allowed=attempts_allowed,
            tie_break=tie_break,
            **round_fields,
        )
        for n in range(1, rounds + 1)
    ]
    if approve:
        services.contest_submit(contest=contest)
        services.contest_approve(contest=contest)
    return contest, made


def entrant(contest: Contest, unit: Unit, phone: str, name: str = "Nguyễn Văn An") -> Entrant:
    person, code = entry.entrant_register(
        contest=contest,
        full_name=name,
        birth_date=dt.date(1990, 1, 1),
        phone=phone,
        unit=unit,
        now=NOW,
    )
    return entry.entrant_verify(entrant=person, code=code, now=NOW)


def answer_all(attempt: Any, *, right: int, now: dt.datetime) -> None:
    """Answer the first ``right`` questions correctly, the others wrongly."""
    from lantoa.contests.models import Option

    for answer in attempt.answers.order_by("position"):
        correct = Option.objects.get(question_id=answer.question_id, correct=True).pk
        wrong = next(o for o in answer.option_order if o != correct)
        entry.answer_save(
            attempt=attempt,
            question_id=answer.question_id,
            chosen=[correct if answer.position <= right else wrong],
            now=now,
        )


def local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value)


def pow_answer(page: str) -> dict[str, str]:
    """The start form's fields of a rules page, with its proof-of-work solved as the browser
    does (``static/lantoa/contest-pow.js``)."""
    import re

    from lantoa.contests.integrity import pow_ok

    nonce = re.search(r'name="pow_nonce" value="([0-9a-f]+)"', page)
    bits = re.search(r'data-pow-bits="(\d+)"', page)
    assert nonce and bits, "the rules page has no start form"
    n = 0
    while not pow_ok(nonce.group(1), str(n), int(bits.group(1))):
        n += 1
    return {"pow_nonce": nonce.group(1), "pow_suffix": str(n)}

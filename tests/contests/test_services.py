"""Contest services: review, rounds and the bank check, entrants' one-time codes, attempts
(drawing, autosave, limits, time-out)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from lantoa.audit.models import AuditEvent
from lantoa.contests import entry, services
from lantoa.contests.models import (
    Answer,
    Attempt,
    ContestStatus,
    Difficulty,
    Entrant,
    Option,
    Question,
)
from tests.conftest import Officers, Tree
from tests.contests.support import NOW, answer_all, bank, entrant, quiz


def test_review_goes_draft_submitted_approved_with_four_eyes(
    tree: Tree, officers: Officers
) -> None:
    contest = services.contest_create(
        unit=tree.pa, title="Tìm hiểu pháp luật", rules="Thể lệ.", actor=officers.a_leader
    )
    assert contest.status == ContestStatus.DRAFT and contest.slug == "tim-hieu-phap-luat"
    bank(contest, 6)
    services.round_create(
        contest=contest,
        title="Tuần 1",
        opens_at=NOW,
        closes_at=NOW + dt.timedelta(days=7),
        questions_per_attempt=2,
        time_limit_minutes=5,
        actor=officers.a_leader,
    )
    services.contest_submit(contest=contest, actor=officers.a_leader)
    assert contest.status == ContestStatus.SUBMITTED
    with pytest.raises(ValidationError) as exc:  # created and submitted it
        services.contest_approve(contest=contest, actor=officers.a_leader)
    assert "không thể tự duyệt" in exc.value.messages[0]
    with pytest.raises(PermissionDenied):  # propaganda may prepare, not approve
        services.contest_approve(contest=contest, actor=officers.a_propaganda)
    with pytest.raises(PermissionDenied):  # another province
        services.contest_approve(contest=contest, actor=officers.b_admin)
    services.contest_approve(contest=contest, actor=officers.a_admin, comment="Được.")
    contest.refresh_from_db()
    assert contest.status == ContestStatus.APPROVED and contest.approved_by == officers.a_admin
    actions = list(
        AuditEvent.objects.filter(action__startswith="contest.").values_list("action", flat=True)
    )
    assert actions == [
        "contest.create",
        "contest.round_create",
        "contest.submit",
        "contest.approve",
    ] or sorted(actions) == sorted(
        ["contest.create", "contest.round_create", "contest.submit", "contest.approve"]
    )
    with pytest.raises(ValidationError):  # approved: the bank is closed
        bank(contest, 1)


def test_return_needs_a_comment_and_reopens_the_draft(tree: Tree, officers: Officers) -> None:
    contest, _rounds = quiz(tree.pa, approve=False)
    services.contest_submit(contest=contest, actor=officers.a_propaganda)
    with pytest.raises(ValidationError):
        services.contest_return(contest=contest, comment=" ", actor=officers.a_admin)
    services.contest_return(contest=contest, comment="Sửa thể lệ.", actor=officers.a_admin)
    assert contest.status == ContestStatus.DRAFT
    services.contest_update(contest=contest, rules="Thể lệ mới.", actor=officers.a_propaganda)
    contest.refresh_from_db()
    assert contest.rules == "Thể lệ mới."


def test_submit_needs_a_round(tree: Tree) -> None:
    contest = services.contest_create(unit=tree.pa, title="Thi", rules="Thể lệ.")
    with pytest.raises(ValidationError) as exc:
        services.contest_submit(contest=contest)
    assert exc.value.messages[0].startswith("Vui lòng tạo ít nhất một đợt thi")


def test_a_round_needs_a_bank_three_times_its_questions(tree: Tree) -> None:
    contest = services.contest_create(unit=tree.pa, title="Thi", rules="Thể lệ.")
    bank(contest, 59)
    with pytest.raises(ValidationError) as exc:
        services.round_create(
            contest=contest,
            title="Tuần 1",
            opens_at=NOW,
            closes_at=NOW + dt.timedelta(days=7),
            questions_per_attempt=20,
            time_limit_minutes=30,
        )
    message = exc.value.message_dict["questions_per_attempt"][0]
    assert "59 câu" in message and "60 câu" in message and "Vui lòng nhập thêm" in message
    bank(contest, 1)
    rnd = services.round_create(
        contest=contest,
        title="Tuần 1",
        opens_at=NOW,
        closes_at=NOW + dt.timedelta(days=7),
        questions_per_attempt=20,
        time_limit_minutes=30,
    )
    assert rnd.number == 1


def test_question_check_refuses_bad_options() -> None:
    _values, errors = services.question_check(
        text="Câu?", kind="single", options=[("A", True)], difficulty=Difficulty.EASY
    )
    assert "options" in errors
    _values, errors = services.question_check(
        text="Câu?", kind="single", options=[("A", True), ("B", True)]
    )
    assert "correct" in errors
    _values, errors = services.question_check(
        text="Câu?", kind="multiple", options=[("A", False), ("B", False)]
    )
    assert errors["correct"].startswith("Vui lòng")
    _values, errors = services.question_check(
        text="Câu?", kind="single", options=[(str(i), i == 0) for i in range(7)]
    )
    assert "options" in errors


def test_quotas_are_drawn_then_the_rest_in_proportion(tree: Tree) -> None:
    contest, (rnd,) = quiz(
        tree.pa,
        questions=30,
        per_attempt=9,
        quotas=[{"topic": "Tiền lương", "difficulty": "hard", "count": 3}],
    )
    person = entrant(contest, tree.a_g1, "0912000001")
    attempt = entry.attempt_start(entrant=person, round=rnd, now=NOW, rng=random.Random(1))
    drawn = list(
        Question.objects.filter(pk__in=attempt.answers.values("question_id")).values_list(
            "topic", "difficulty"
        )
    )
    assert len(drawn) == 9 == attempt.total
    assert drawn.count(("Tiền lương", "hard")) >= 3
    for answer in attempt.answers.all():
        ids = set(
            Option.objects.filter(question_id=answer.question_id).values_list("pk", flat=True)
        )
        assert set(answer.option_order) == ids and answer.chosen == []


def test_a_quota_larger_than_the_bank_is_refused(tree: Tree) -> None:
    contest = services.contest_create(unit=tree.pa, title="Thi", rules="Thể lệ.")
    bank(contest, 12)
    with pytest.raises(ValidationError) as exc:
        services.round_create(
            contest=contest,
            title="Tuần 1",
            opens_at=NOW,
            closes_at=NOW + dt.timedelta(days=7),
            questions_per_attempt=4,
            time_limit_minutes=5,
            quotas=[{"topic": "Hợp đồng", "difficulty": "easy", "count": 5}],
        )
    assert "quotas" in exc.value.message_dict


def test_codes_verify_the_phone(tree: Tree) -> None:
    contest, _rounds = quiz(tree.pa)
    person, code = entry.entrant_register(
        contest=contest,
        full_name="  Trần   Thị Bình ",
        birth_date=dt.date(1995, 3, 2),
        phone="+84 912.345.678",
        unit=tree.a_g2,
        now=NOW,
    )
    assert person.phone == "0912345678" and person.full_name == "Trần Thị Bình"
    assert code not in person.code_hash and len(code) == 6
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(ValidationError):
        entry.entrant_verify(entrant=person, code=wrong, now=NOW)
    with pytest.raises(ValidationError):  # expired
        entry.entrant_verify(entrant=person, code=code, now=NOW + dt.timedelta(minutes=11))
    entry.entrant_verify(entrant=person, code=code, now=NOW)
    assert Entrant.objects.get(pk=person.pk).verified_at == NOW
    # The same phone again is the same entrant.
    again, _code = entry.entrant_register(
        contest=contest,
        full_name="Tên khác",
        birth_date=dt.date(1995, 3, 2),
        phone="0912345678",
        unit=tree.a_g2,
        now=NOW,
    )
    assert again.pk == person.pk and again.full_name == "Trần Thị Bình"


def test_too_many_wrong_codes_lock_the_code(tree: Tree) -> None:
    contest, _rounds = quiz(tree.pa)
    person, code = entry.entrant_register(
        contest=contest,
        full_name="Lê Văn C",
        birth_date=dt.date(1990, 1, 1),
        phone="0987000111",
        unit=tree.a_g1,
        now=NOW,
    )
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(entry.CODE_TRIES):
        with pytest.raises(ValidationError):
            entry.entrant_verify(entrant=person, code=wrong, now=NOW)
    with pytest.raises(ValidationError) as exc:
        entry.entrant_verify(entrant=person, code=code, now=NOW)
    assert "quá số lần" in exc.value.messages[0]


def test_register_refuses_bad_fields_and_outside_units(tree: Tree) -> None:
    contest, _rounds = quiz(tree.pa)
    with pytest.raises(ValidationError) as exc:
        entry.entrant_register(
            contest=contest,
            full_name="",
            birth_date=dt.date(2020, 1, 1),
            phone="12345",
            unit=tree.b_g1,  # another province
            now=NOW,
        )
    assert set(exc.value.message_dict) == {"full_name", "birth_date", "phone", "unit"}


def test_unverified_or_unapproved_cannot_start(tree: Tree) -> None:
    contest, (rnd,) = quiz(tree.pa)
    person, _code = entry.entrant_register(
        contest=contest,
        full_name="Lê Văn D",
        birth_date=dt.date(1990, 1, 1),
        phone="0987000222",
        unit=tree.a_g1,
        now=NOW,
    )
    with pytest.raises(ValidationError):
        entry.attempt_start(entrant=person, round=rnd, now=NOW)


def test_attempt_limit_resume_and_constraint(tree: Tree) -> None:
    contest, (rnd,) = quiz(tree.pa, attempts_allowed=2)
    person = entrant(contest, tree.a_g1, "0912000002")
    first = entry.attempt_start(entrant=person, round=rnd, now=NOW)
    # A dropped connection: starting again gives the same open attempt, answers kept.
    answer_all(first, right=2, now=NOW + dt.timedelta(minutes=1))
    again = entry.attempt_start(entrant=person, round=rnd, now=NOW + dt.timedelta(minutes=2))
    assert again.pk == first.pk
    assert sum(bool(a.chosen) for a in again.answers.all()) == 4
    entry.attempt_submit(attempt=first, now=NOW + dt.timedelta(minutes=3))
    second = entry.attempt_start(entrant=person, round=rnd, now=NOW + dt.timedelta(minutes=4))
    assert second.number == 2
    entry.attempt_submit(attempt=second, now=NOW + dt.timedelta(minutes=5))
    with pytest.raises(ValidationError) as exc:
        entry.attempt_start(entrant=person, round=rnd, now=NOW + dt.timedelta(minutes=6))
    assert "đủ 2 lần" in exc.value.messages[0]
    assert Attempt.objects.filter(entrant=person, round=rnd).count() == 2
    # The database refuses a second attempt with the same number whatever the code does.
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(entrant=person, round=rnd, number=2, started_at=NOW, deadline=NOW)


def test_starting_again_after_the_deadline_closes_the_forgotten_attempt(tree: Tree) -> None:
    contest, (rnd,) = quiz(tree.pa, attempts_allowed=2, minutes=10)
    person = entrant(contest, tree.a_g1, "0912000012")
    first = entry.attempt_start(entrant=person, round=rnd, now=NOW)
    answer_all(first, right=3, now=NOW + dt.timedelta(minutes=1))
    later = NOW + dt.timedelta(minutes=10) + entry.GRACE + dt.timedelta(seconds=1)
    second = entry.attempt_start(entrant=person, round=rnd, now=later)
    first.refresh_from_db()
    assert (first.timed_out, first.submitted_at, first.score) == (True, first.deadline, 3)
    assert (second.number, second.submitted_at) == (2, None)
    entry.attempt_submit(attempt=second, now=later + dt.timedelta(minutes=1))
    with pytest.raises(ValidationError):  # both used: the forgotten one counts
        entry.attempt_start(entrant=person, round=rnd, now=later + dt.timedelta(minutes=2))


def test_marks_when_none_or_all_are_right(tree: Tree) -> None:
    contest, (rnd,) = quiz(tree.pa, attempts_allowed=2)
    person = entrant(contest, tree.a_g1, "0912000013")
    for number, right in ((1, 0), (2, 4)):
        attempt = entry.attempt_start(entrant=person, round=rnd, now=NOW)
        assert attempt.number == number
        answer_all(attempt, right=right, now=NOW + dt.timedelta(seconds=30))
        entry.attempt_submit(attempt=attempt, now=NOW + dt.timedelta(seconds=90))
        marks = list(Answer.objects.filter(attempt=attempt).values_list("correct", flat=True))
        assert marks == [right == 4] * 4 and attempt.score == right


def test_an_approved_bank_is_read_once_for_every_start(tree: Tree) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    contest, (rnd,) = quiz(tree.pa, questions=12, per_attempt=4)

    def bank_queries(phone: str) -> list[str]:
        person = entrant(contest, tree.a_g1, phone)
        with CaptureQueriesContext(connection) as seen:
            attempt = entry.attempt_start(entrant=person, round=rnd, now=NOW)
        assert attempt.answers.count() == 4
        assert all(len(a.option_order) == 4 for a in attempt.answers.all())
        return [
            q["sql"]
            for q in seen
            if 'FROM "contests_question"' in q["sql"] or 'FROM "contests_option"' in q["sql"]
        ]

    assert len(bank_queries("0912000021")) == 2
    assert bank_queries("0912000022") == []  # the bank of an approved contest is kept


def test_answers_autosave_idempotently_and_score(tree: Tree) -> None:
    contest, (rnd,) = quiz(tree.pa)
    person = entrant(contest, tree.a_g1, "0912000003")
    attempt = entry.attempt_start(entrant=person, round=rnd, now=NOW)
    answer_all(attempt, right=3, now=NOW + dt.timedelta(seconds=30))
    answer_all(attempt, right=3, now=NOW + dt.timedelta(seconds=40))  # the same, again
    first = attempt.answers.order_by("position").first()
    assert first is not None
    with pytest.raises(ValidationError):  # an option of another question
        entry.answer_save(attempt=attempt, question_id=first.question_id, chosen=[-1], now=NOW)
    with pytest.raises(ValidationError):  # two options on a single-answer question
        entry.answer_save(
            attempt=attempt, question_id=first.question_id, chosen=first.option_order[:2], now=NOW
        )
    entry.attempt_submit(attempt=attempt, prediction=7, now=NOW + dt.timedelta(seconds=95))
    attempt.refresh_from_db()
    assert (attempt.score, attempt.total, attempt.duration_ms, attempt.prediction) == (
        3,
        4,
        95_000,
        7,
    )
    assert not attempt.timed_out
    assert list(Answer.objects.filter(attempt=attempt).values_list("correct", flat=True)) == [
        True,
        True,
        True,
        False,
    ]
    # Submitting twice keeps the first result; saving after submission is refused.
    entry.attempt_submit(attempt=attempt, prediction=1, now=NOW + dt.timedelta(minutes=3))
    attempt.refresh_from_db()
    assert attempt.prediction == 7 and attempt.duration_ms == 95_000
    with pytest.raises(ValidationError):
        answer_all(attempt, right=4, now=NOW + dt.timedelta(minutes=3))


def test_time_out_on_the_server_with_grace(tree: Tree) -> None:
    contest, (rnd,) = quiz(tree.pa, minutes=10)
    person = entrant(contest, tree.a_g1, "0912000004")
    attempt = entry.attempt_start(entrant=person, round=rnd, now=NOW)
    assert attempt.deadline == NOW + dt.timedelta(minutes=10)
    # Within the 30 s grace an answer is still taken…
    answer_all(attempt, right=1, now=NOW + dt.timedelta(minutes=10, seconds=20))
    # …after it, refused, and the attempt closes at its deadline with what was saved.
    with pytest.raises(ValidationError):
        answer_all(attempt, right=4, now=NOW + dt.timedelta(minutes=10, seconds=31))
    attempt.refresh_from_db()
    assert attempt.timed_out and attempt.submitted_at == attempt.deadline
    assert attempt.score == 1 and attempt.duration_ms == 600_000


def test_the_sweep_closes_forgotten_attempts(tree: Tree) -> None:
    contest, (rnd,) = quiz(tree.pa, minutes=5)
    person = entrant(contest, tree.a_g1, "0912000005")
    attempt = entry.attempt_start(entrant=person, round=rnd, now=NOW)
    assert entry.attempts_expire(now=NOW + dt.timedelta(minutes=5, seconds=29)) == 0
    assert entry.attempts_expire(now=NOW + dt.timedelta(minutes=6)) == 1
    attempt.refresh_from_db()
    assert attempt.timed_out and attempt.score == 0
    # A submission after the grace closes at the deadline and takes no late prediction.
    second = entry.attempt_start(entrant=person, round=rnd, now=NOW + dt.timedelta(minutes=7))
    entry.attempt_submit(attempt=second, prediction=3, now=NOW + dt.timedelta(minutes=20))
    second.refresh_from_db()
    assert second.timed_out and second.prediction is None
    assert second.submitted_at == second.deadline


def test_rounds_open_and_close(tree: Tree) -> None:
    contest, (rnd,) = quiz(tree.pa)
    person = entrant(contest, tree.a_g1, "0912000006")
    with pytest.raises(ValidationError):
        entry.attempt_start(entrant=person, round=rnd, now=rnd.opens_at - dt.timedelta(1))
    with pytest.raises(ValidationError):
        entry.attempt_start(entrant=person, round=rnd, now=rnd.closes_at)
    # An attempt started just before the close ends at the close.
    late = entry.attempt_start(
        entrant=person, round=rnd, now=rnd.closes_at - dt.timedelta(minutes=2)
    )
    assert late.deadline == rnd.closes_at


def test_officers_outside_the_unit_cannot_prepare(tree: Tree, officers: Officers) -> None:
    with pytest.raises(PermissionDenied):
        services.contest_create(unit=tree.pa, title="Thi", rules="x", actor=officers.b_admin)
    with pytest.raises(PermissionDenied):
        services.contest_create(unit=tree.pa, title="Thi", rules="x", actor=officers.a_briefer)

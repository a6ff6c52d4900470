"""The answer autosave that phones send on every click: one query finds the answer with its
attempt (``entry.answer_target``), one writes it; whatever does not fit goes the long way
and gets the same answers as before (404 for someone else's attempt, 400 for a choice that
does not belong, 409 once closed)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lantoa.contests import entry
from lantoa.contests.integrity import DEVICE_COOKIE
from lantoa.contests.models import Answer, Attempt, Contest, ContestStatus, Entrant, Option
from lantoa.contests.public_common import SESSION_ENTRANTS
from lantoa.core.sessions import SessionStore
from tests.conftest import Tree
from tests.contests.support import entrant, quiz

pytestmark = pytest.mark.django_db


def _open_quiz(tree: Tree) -> tuple[Contest, Attempt, Entrant]:
    contest, (rnd,) = quiz(tree.pa, questions=12, per_attempt=4)
    rnd.opens_at = timezone.now() - dt.timedelta(hours=1)
    rnd.closes_at = timezone.now() + dt.timedelta(days=1)
    rnd.save()
    person = entrant(contest, tree.a_g1, "0912345001")
    attempt = entry.attempt_start(entrant=person, round=rnd, now=timezone.now())
    return contest, attempt, person


def _phone(contest: Contest, person: Entrant) -> Client:
    store = SessionStore()
    store[SESSION_ENTRANTS] = {str(contest.pk): person.pk}
    store.create()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
    return client


def _save(client: Client, attempt: Attempt, body: object) -> tuple[int, dict]:
    r = client.post(
        f"/thi/bai/{attempt.pk}/luu/", json.dumps(body), content_type="application/json"
    )
    return r.status_code, r.json() if r["Content-Type"].startswith("application/json") else {}


def test_a_choice_is_saved_in_three_queries_with_the_session(tree: Tree) -> None:
    contest, attempt, person = _open_quiz(tree)
    phone = _phone(contest, person)
    answer = attempt.answers.order_by("position").first()
    option = answer.option_order[1]
    with CaptureQueriesContext(connection) as queries:
        assert _save(phone, attempt, {"question": answer.question_id, "chosen": [option]}) == (
            200,
            {"ok": True},
        )
    # The session, the answer with its attempt, the write (SQLite adds no transaction).
    assert len(queries.captured_queries) <= 3, [q["sql"] for q in queries.captured_queries]
    answer.refresh_from_db()
    assert answer.chosen == [option] and answer.saved_at is not None


def test_answer_target_reads_the_row_as_the_orm_would(tree: Tree) -> None:
    contest, attempt, person = _open_quiz(tree)
    answer = attempt.answers.order_by("position").first()
    target = entry.answer_target(
        attempt_id=attempt.pk, entrant_ids=[person.pk], question_id=answer.question_id
    )
    assert target is not None
    assert target.answer_id == answer.pk and target.option_order == answer.option_order
    assert target.deadline == attempt.deadline and timezone.is_aware(target.deadline)
    assert target.submitted_at is None and target.kind == "single"
    assert (target.contest_id, target.entrant_id) == (contest.pk, person.pk)
    # Another entrant, a question not drawn, an unknown attempt: nothing.
    assert (
        entry.answer_target(
            attempt_id=attempt.pk, entrant_ids=[person.pk + 1000], question_id=answer.question_id
        )
        is None
    )
    drawn = set(attempt.answers.values_list("question_id", flat=True))
    other_question = contest.questions.exclude(pk__in=drawn).first()
    assert (
        entry.answer_target(
            attempt_id=attempt.pk, entrant_ids=[person.pk], question_id=other_question.pk
        )
        is None
    )
    assert entry.answer_target(attempt_id=0, entrant_ids=[person.pk], question_id=1) is None


def test_someone_elses_attempt_is_not_found_and_not_written(tree: Tree) -> None:
    contest, attempt, person = _open_quiz(tree)
    other = entrant(contest, tree.a_g1, "0912345002", name="Trần Thị Bình")
    intruder = _phone(contest, other)
    answer = attempt.answers.order_by("position").first()
    body = {"question": answer.question_id, "chosen": [answer.option_order[0]]}
    assert _save(intruder, attempt, body)[0] == 404
    # A session that names the entrant under another contest's key does not reach it either.
    store = SessionStore()
    store[SESSION_ENTRANTS] = {str(contest.pk + 999): person.pk}
    store.create()
    stranger = Client()
    stranger.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
    assert _save(stranger, attempt, body)[0] == 404
    assert (
        Client()
        .post(f"/thi/bai/{attempt.pk}/luu/", json.dumps(body), content_type="application/json")
        .status_code
        == 404
    )
    answer.refresh_from_db()
    assert answer.chosen == [] and answer.saved_at is None


def test_a_contest_taken_back_to_draft_takes_no_more_answers(tree: Tree) -> None:
    contest, attempt, person = _open_quiz(tree)
    phone = _phone(contest, person)
    Contest.objects.filter(pk=contest.pk).update(status=ContestStatus.DRAFT)
    answer = attempt.answers.order_by("position").first()
    body = {"question": answer.question_id, "chosen": [answer.option_order[0]]}
    assert _save(phone, attempt, body)[0] == 404


def test_choices_that_do_not_belong_are_refused_with_the_reason(tree: Tree) -> None:
    contest, attempt, person = _open_quiz(tree)
    phone = _phone(contest, person)
    answer = attempt.answers.order_by("position").first()
    drawn = set(attempt.answers.values_list("question_id", flat=True))
    not_drawn = contest.questions.exclude(pk__in=drawn).first()
    foreign = Option.objects.filter(question=not_drawn).first()
    status, body = _save(phone, attempt, {"question": not_drawn.pk, "chosen": []})
    assert status == 400 and body["error"] == "Câu hỏi không thuộc bài thi này."
    status, body = _save(phone, attempt, {"question": answer.question_id, "chosen": [foreign.pk]})
    assert status == 400 and body["error"] == "Phương án không thuộc câu hỏi này."
    two = answer.option_order[:2]
    status, body = _save(phone, attempt, {"question": answer.question_id, "chosen": two})
    assert status == 400 and body["error"] == "Câu hỏi này chỉ chọn một phương án."
    for bad in ({"question": "x", "chosen": [1]}, {"question": answer.question_id}, [1, 2]):
        assert _save(phone, attempt, bad)[0] == 400
    answer.refresh_from_db()
    assert answer.chosen == []


def test_a_late_choice_closes_the_attempt_and_a_closed_one_says_so(tree: Tree) -> None:
    contest, attempt, person = _open_quiz(tree)
    phone = _phone(contest, person)
    answers = list(attempt.answers.order_by("position"))
    first, second = answers[0], answers[1]
    assert (
        _save(phone, attempt, {"question": first.question_id, "chosen": [first.option_order[0]]})[0]
        == 200
    )
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - entry.GRACE - dt.timedelta(seconds=1)
    )
    body = {"question": second.question_id, "chosen": [second.option_order[0]]}
    status, reply = _save(phone, attempt, body)
    assert status == 409 and reply["closed"] is True
    attempt.refresh_from_db()
    assert attempt.submitted_at is not None and attempt.timed_out
    second.refresh_from_db()
    assert second.chosen == []
    assert Answer.objects.get(pk=first.pk).chosen == [first.option_order[0]]
    assert _save(phone, attempt, body)[0] == 409


def test_start_again_goes_back_to_the_open_attempt_and_an_overdue_one_needs_the_challenge(
    tree: Tree,
) -> None:
    contest, attempt, person = _open_quiz(tree)
    phone = _phone(contest, person)
    phone.cookies[DEVICE_COOKIE] = "d" * 32  # the device cookie the first start left
    start = f"/thi/{contest.pk}/dot/{attempt.round.number}/bat-dau/"
    # In time: a second tap returns to it, no proof-of-work asked, nothing new made.
    r = phone.post(start)
    assert r.status_code == 302 and r["Location"] == f"/thi/bai/{attempt.pk}/"
    assert Attempt.objects.filter(entrant=person).count() == 1
    # Overdue: a new attempt is a new start, so the page's proof-of-work is asked for.
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - entry.GRACE - dt.timedelta(seconds=1)
    )
    assert phone.post(start).status_code == 409
    assert Attempt.objects.filter(entrant=person).count() == 1


def test_absurd_ids_are_refused_not_errors(tree: Tree) -> None:
    contest, attempt, person = _open_quiz(tree)
    phone = _phone(contest, person)
    answer = attempt.answers.order_by("position").first()
    for body in (
        {"question": 2**70, "chosen": [1]},
        {"question": answer.question_id, "chosen": [2**70]},
        {"question": -1, "chosen": []},
        {"chosen": [1]},
        {"question": None, "chosen": [1]},
        {"prediction": "nhiều"},
    ):
        assert _save(phone, attempt, body)[0] == 400, body

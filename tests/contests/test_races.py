"""Attempt limits when requests race: several starts at once for one entrant (a double tap,
a retried request) give one attempt, never one over the limit. PostgreSQL runs them on
separate connections with real row locks; SQLite serialises writes and is covered by the
unique constraint (tests/contests/test_services.py)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from lantoa.contests import entry
from lantoa.contests.models import Attempt
from tests.conftest import Tree
from tests.contests.support import NOW, entrant, quiz


@pytest.mark.django_db(transaction=True)
def test_concurrent_starts_make_one_attempt(tree: Tree) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("needs row locks between connections (PostgreSQL)")
    contest, (rnd,) = quiz(tree.pa, attempts_allowed=2)
    person = entrant(contest, tree.a_g1, "0912000999")
    first = entry.attempt_start(entrant=person, round=rnd, now=NOW)
    entry.attempt_submit(attempt=first, now=NOW + dt.timedelta(minutes=1))
    started: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def start() -> None:
        try:
            barrier.wait(5)
            attempt = entry.attempt_start(
                entrant=person, round=rnd, now=NOW + dt.timedelta(minutes=2)
            )
            started.append(attempt.pk)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert errors == []
    assert len(set(started)) == 1 and len(started) == 6
    assert sorted(Attempt.objects.filter(entrant=person).values_list("number", flat=True)) == [
        1,
        2,
    ]


@pytest.mark.django_db(transaction=True)
def test_autosave_waits_for_a_submission_then_is_refused(tree: Tree) -> None:
    """A choice saved while a submission holds the attempt (scoring it) is not written after
    the score: the save waits for the submission's lock, then finds the attempt closed."""
    if connection.vendor == "sqlite":
        pytest.skip("needs row locks between connections (PostgreSQL)")
    import time

    from django.core.exceptions import ValidationError
    from django.db import transaction

    from lantoa.contests.models import Answer

    contest, (rnd,) = quiz(tree.pa)
    person = entrant(contest, tree.a_g1, "0912000998")
    attempt = entry.attempt_start(entrant=person, round=rnd, now=NOW)
    first = Answer.objects.filter(attempt=attempt).order_by("position")[0]
    holding = threading.Event()
    outcome: list[str] = []

    def save() -> None:
        try:
            holding.wait(5)
            entry.answer_save(
                attempt=attempt,
                question_id=first.question_id,
                chosen=[first.option_order[0]],
                now=NOW + dt.timedelta(minutes=1),
            )
            outcome.append("saved")
        except ValidationError as exc:
            outcome.append(str(exc.code))
        finally:
            connection.close()

    thread = threading.Thread(target=save)
    thread.start()
    with transaction.atomic():
        Attempt.objects.select_for_update().get(pk=attempt.pk)
        holding.set()
        time.sleep(0.5)  # the save runs now and must wait for this lock
        Attempt.objects.filter(pk=attempt.pk).update(submitted_at=NOW + dt.timedelta(minutes=1))
    thread.join(10)
    assert outcome == ["closed"]
    first.refresh_from_db()
    assert first.chosen == []

"""The public pages of a contest read the contest and its rounds from the cache
(``selectors.public_contest``): the evening's rush of rules pages and starts does not ask the
database for the same rows each time, and what organisers change shows at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lantoa.contests import services
from lantoa.contests.models import Contest, ContestStatus
from lantoa.contests.selectors import public_forget
from tests.conftest import Tree
from tests.contests.support import NOW, quiz

pytestmark = pytest.mark.django_db


def _rules(client: Client, contest: Contest) -> tuple[int, str, list[str]]:
    with CaptureQueriesContext(connection) as seen:
        response = client.get(reverse("contests_public:rules", args=[contest.pk]))
    return response.status_code, response.content.decode(), [q["sql"] for q in seen]


def _of_contests(queries: list[str]) -> list[str]:
    return [q for q in queries if '"contests_contest"' in q or '"contests_round"' in q]


def test_the_contest_and_its_rounds_are_read_once(client: Client, tree: Tree) -> None:
    contest, _rounds = quiz(tree.pa)
    status, page, first = _rules(client, contest)
    assert status == 200 and "Tuần 1" in page
    assert len(_of_contests(first)) == 2
    status, page, again = _rules(client, contest)
    assert status == 200 and "Tuần 1" in page
    assert _of_contests(again) == []


def test_a_new_round_and_an_approval_show_at_once(client: Client, tree: Tree) -> None:
    contest, _rounds = quiz(tree.pa, approve=False)
    assert _rules(client, contest)[0] == 404  # not approved yet: kept as such
    services.round_create(
        contest=contest,
        title="Tuần 2",
        opens_at=NOW + dt.timedelta(days=7),
        closes_at=NOW + dt.timedelta(days=14),
        questions_per_attempt=4,
        time_limit_minutes=10,
        attempts_allowed=2,
    )
    services.contest_submit(contest=contest)
    services.contest_approve(contest=contest)
    status, page, _queries = _rules(client, contest)
    assert status == 200 and "Tuần 1" in page and "Tuần 2" in page
    # Saved (post_save): the contest leaves its public pages at once.
    draft = Contest.objects.get(pk=contest.pk)
    draft.status = ContestStatus.DRAFT
    draft.save(update_fields=["status"])
    assert _rules(client, contest)[0] == 404


def test_an_update_without_signals_is_forgotten_by_whoever_writes_it(
    client: Client, tree: Tree
) -> None:
    contest, _rounds = quiz(tree.pa)
    assert _rules(client, contest)[0] == 200
    Contest.objects.filter(pk=contest.pk).update(status=ContestStatus.DRAFT)
    assert _rules(client, contest)[0] == 200  # still the kept copy (at most half a minute)
    public_forget(contest.pk)
    assert _rules(client, contest)[0] == 404

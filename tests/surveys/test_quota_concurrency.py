"""Quota counters under concurrent submissions, on PostgreSQL with real threads (one
connection each): a nearly full cell ends exactly at its target, every accepted sheet is
stored, every refused one is told so and leaves nothing behind."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from lantoa.surveys.models import Answer, QuotaAllocation, QuotaCell, Response
from lantoa.surveys.services import quota_allocate, quota_cell_save, response_submit
from tests.surveys.support import answers, open_survey

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SHEETS = 60
TARGET = 40
ALREADY = 25  # the cell is nearly full when the rush starts


def test_concurrent_sheets_fill_the_cell_exactly(tree, officers):
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent writers: PostgreSQL (SQLite serialises writers)")
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    cell = quota_cell_save(
        survey=survey,
        actor=officers.a_propaganda,
        label="Ngoài nhà nước",
        conditions={"A3": "1"},
        target=TARGET,
    )
    quota_allocate(cell=cell, allocations={tree.a_kcn: TARGET}, actor=officers.a_propaganda)
    for _ in range(ALREADY):
        response_submit(survey=survey, unit=tree.a_g1, answers=answers())

    def submit(i: int) -> str:
        try:
            unit = tree.a_g1 if i % 2 else tree.a_g2
            response_submit(survey=survey, unit=unit, answers=answers(A2=str(20 + i % 30)))
            return "stored"
        except ValidationError as exc:
            assert exc.code == "quota_full" or "đã đủ số phiếu" in " ".join(exc.messages)
            return "refused"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = list(pool.map(submit, range(SHEETS)))

    cell.refresh_from_db()
    assert outcomes.count("stored") == TARGET - ALREADY
    assert outcomes.count("refused") == SHEETS - (TARGET - ALREADY)
    assert cell.count == TARGET == Response.objects.filter(quota_cell=cell).count()
    assert QuotaAllocation.objects.get(cell=cell).count == TARGET
    assert QuotaCell.objects.get(pk=cell.pk).count == TARGET
    # No answers of a refused sheet were left: every answer belongs to a stored response.
    assert Answer.objects.exclude(response__in=Response.objects.all()).count() == 0


def test_one_queued_sheet_sent_at_once_from_many_connections_is_stored_once(tree, officers):
    """A phone that lost the answers sends its queued sheet again and again, some of the sends
    arriving together: one response, one count, every other send told it arrived before."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers on the unique index: PostgreSQL")
    from lantoa.surveys.models import SubmissionKey
    from lantoa.surveys.services import AlreadyReceived

    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader, sample_size=100)
    key = "0123456789abcdef0123456789abcdef"

    def send(_i: int) -> str:
        try:
            response_submit(survey=survey, unit=tree.a_g1, answers=answers(), submission_key=key)
            return "stored"
        except AlreadyReceived:
            return "already"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=12) as pool:
        outcomes = list(pool.map(send, range(24)))

    assert outcomes.count("stored") == 1 and outcomes.count("already") == 23
    assert Response.objects.count() == 1 == SubmissionKey.objects.count()
    assert QuotaCell.objects.get(survey=survey, conditions={"A3": "1"}).count == 1

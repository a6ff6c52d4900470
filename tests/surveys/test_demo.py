"""Demo surveys (lantoa.surveys.demo): a finished survey with results and an open poll, made
through the services, once."""

from __future__ import annotations

import pytest

from lantoa.surveys.analysis import question_results
from lantoa.surveys.demo import FINISHED_TITLE, POLL_TITLE, ensure_demo_surveys
from lantoa.surveys.models import QuotaAllocation, Response, Survey
from lantoa.surveys.services import is_collecting

pytestmark = pytest.mark.django_db


def test_demo_surveys_once(tree):
    stored = ensure_demo_surveys()
    finished = Survey.objects.get(title=FINISHED_TITLE)
    poll = Survey.objects.get(title=POLL_TITLE)
    assert finished.status == "closed" and is_collecting(poll)
    assert stored == Response.objects.count() > 200
    # Quotas held: no cell or allocation past its target, and the cells filled.
    for cell in finished.quota_cells.all():
        assert cell.count == Response.objects.filter(quota_cell=cell).count() <= cell.target
        allocations = list(cell.allocations.all())
        assert all(a.count <= a.target for a in allocations)
        assert sum(a.count for a in allocations) == cell.count  # every sheet under one of them
    assert {a.unit.code for a in QuotaAllocation.objects.all()} == {"A-KCN", "A-XA"}
    assert finished.responses.filter(channel="paper").exists()
    results = {r.question.code: r for r in question_results(finished, tree.pa)}
    assert not results["A1"].suppressed and results["A1"].answered > 200
    assert poll.responses.count() == 36
    assert ensure_demo_surveys() == 0
    assert Survey.objects.count() == 2

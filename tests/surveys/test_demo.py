"""Demo surveys (lantoa.surveys.demo): a finished survey with results, an open poll and a
double-keyed paper survey with an imported batch, made through the services, once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lantoa.accounts.models import Role
from lantoa.audit.models import AuditEvent
from lantoa.surveys import paper
from lantoa.surveys.analysis import question_results
from lantoa.surveys.demo import (
    DOUBLE_KEYED,
    FINISHED_TITLE,
    IMPORTED,
    PAPER_TITLE,
    POLL_TITLE,
    ensure_demo_surveys,
)
from lantoa.surveys.models import PaperSheet, QuotaAllocation, Response, SheetStatus, Survey
from lantoa.surveys.services import is_collecting
from tests.conftest import login, make_officer

pytestmark = pytest.mark.django_db


def test_demo_surveys_once(client, tree):
    # The demo's accounts (as lantoa.accounts.demo makes them) key the paper sheets.
    make_officer("tuyengiao", tree.pa, Role.PROPAGANDA)
    make_officer("lanhdao", tree.pa, Role.LEADER)
    clerk = make_officer("truyenthong", tree.a_kcn, Role.COMMUNICATOR)
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
    # The paper survey: keyed twice, one sheet waiting, one mismatch, one imported batch.
    sheets = Survey.objects.get(title=PAPER_TITLE)
    assert sheets.double_entry and is_collecting(sheets) and sheets.unit.code == "A-KCN"
    assert sheets.responses.filter(channel="paper").count() == DOUBLE_KEYED == 6
    assert sheets.responses.filter(channel="import").count() == IMPORTED == 5
    waiting = PaperSheet.objects.get(survey=sheets, status=SheetStatus.WAITING)
    assert waiting.second == {} and waiting.first_by == clerk
    mismatch = PaperSheet.objects.get(survey=sheets, status=SheetStatus.MISMATCH)
    differing = [d.code for d in paper.differences(mismatch) if d.differs]
    assert differing == ["Q2", "Q3"]
    assert sheets.codes.filter(used=True).count() == DOUBLE_KEYED + IMPORTED
    assert not sheets.codes.filter(code__in=[waiting.code, mismatch.code], used=True).exists()
    events = AuditEvent.objects.filter(action__startswith="survey.")
    assert events.filter(action="survey.responses_import").count() == 1
    assert events.filter(action="survey.paper_mismatch").count() == 1
    assert events.filter(action="survey.paper_first").count() == DOUBLE_KEYED + 2
    # The zone's officer sees the mismatch listed and its two keyings side by side.
    login(client, clerk)
    listed = client.get(reverse("surveys:sheets", kwargs={"pk": sheets.pk}) + "?don-vi=A-KCN")
    assert mismatch.code in listed.content.decode() and "2 chỗ lệch" in listed.content.decode()
    page = client.get(
        reverse("surveys:sheet", kwargs={"pk": sheets.pk, "sid": mismatch.pk}) + "?don-vi=A-KCN"
    ).content.decode()
    assert "Hai lần nhập, từng câu" in page and "row-warn" in page
    assert ensure_demo_surveys() == 0
    assert Survey.objects.count() == 3 and PaperSheet.objects.count() == 2
    assert Response.objects.count() == stored

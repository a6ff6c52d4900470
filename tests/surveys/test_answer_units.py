"""Each answer row carries its response's unit (``Answer.unit``), which the cross-tabs by unit
and by sector group on: set by every way sheets arrive (the web form, the phone's queue, paper
keyed once, twice, or settled by a third look, a file), copied by the migration onto answers
written before it, and still right after a unit merge (the tree changes, the records do not).
The cross-tabs agree with a count made by hand from the responses."""

from __future__ import annotations

import importlib
from collections import Counter
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import F
from django.urls import reverse

from lantoa.surveys import analysis, importing, paper
from lantoa.surveys.analysis import shown
from lantoa.surveys.models import Answer, Question, Response, Survey
from lantoa.surveys.services import codes_generate, response_submit
from lantoa.units.models import Unit, UnitClosure, UnitStatus
from lantoa.units.services import unit_merge
from tests.surveys.support import answers, open_survey
from tests.surveys.test_collection import HEADER, KEY, _form, _row, _workbook


def _units_of_answers() -> Counter[str]:
    """Answers per unit code, after checking every answer's unit is its response's."""
    assert Answer.objects.exists()
    assert not Answer.objects.exclude(unit_id=F("response__unit_id")).exists()
    return Counter(Answer.objects.values_list("unit__code", flat=True))


def _per_sheet() -> int:
    """Answer rows of one ``answers()`` sheet (C2 a matrix of 5 rows, D2 two options)."""
    return Answer.objects.filter(response=Response.objects.first()).count()


# --- every way sheets arrive ---------------------------------------------------------------------


@pytest.mark.django_db
def test_web_form_and_the_phones_queue_set_the_unit(client, tree, officers):
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    g1 = reverse("surveys_public:respond", kwargs={"slug": survey.slug, "unit_code": "A-G1"})
    g3 = reverse("surveys_public:respond", kwargs={"slug": survey.slug, "unit_code": "A-G3"})
    assert client.post(g1, _form(answers())).status_code == 302
    queued = client.post(g3, _form(answers(), submission_key=KEY), HTTP_X_SURVEY_QUEUE="1")
    assert queued.status_code == 200 and queued.json()["ok"]
    again = client.post(g3, _form(answers(), submission_key=KEY), HTTP_X_SURVEY_QUEUE="1")
    assert again.json()["ok"] and Response.objects.count() == 2  # the resend wrote nothing
    n = _per_sheet()
    assert _units_of_answers() == {"A-G1": n, "A-G3": n}


@pytest.mark.django_db
def test_paper_keyed_once_sets_the_unit(tree, officers):
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    keyed = paper.paper_sheet_key(
        survey=survey, unit=tree.a_g2, answers=answers(), code="", actor=officers.a_propaganda
    )
    assert keyed.outcome == paper.ACCEPTED and keyed.response.channel == "paper"
    assert _units_of_answers() == {"A-G2": _per_sheet()}


@pytest.mark.django_db
def test_paper_keyed_twice_and_settled_sets_the_accepted_unit(tree, officers):
    survey = open_survey(
        tree.pa, officers.a_propaganda, officers.a_leader, double_entry=True, sample_size=10
    )
    first, second = (
        c.code
        for c in codes_generate(survey=survey, unit=tree.a_kcn, count=2, actor=officers.a_admin)
    )
    # Two keyings that agree: accepted at the second, for their unit.
    for actor in (officers.a_propaganda, officers.a_communicator):
        keyed = paper.paper_sheet_key(
            survey=survey, unit=tree.a_g1, answers=answers(), code=first, actor=actor
        )
    assert keyed.outcome == paper.ACCEPTED
    # Two keyings that name different units: the third look settles on A-G2.
    paper.paper_sheet_key(
        survey=survey, unit=tree.a_g1, answers=answers(), code=second, actor=officers.a_propaganda
    )
    differ = paper.paper_sheet_key(
        survey=survey,
        unit=tree.a_g2,
        answers=answers(),
        code=second,
        actor=officers.a_communicator,
    )
    assert differ.outcome == paper.MISMATCH
    settled = paper.sheet_resolve(
        sheet=differ.sheet, unit=tree.a_g2, answers=answers(), actor=officers.a_admin
    )
    assert settled.unit == tree.a_g2
    n = _per_sheet()
    assert _units_of_answers() == {"A-G1": n, "A-G2": n}


@pytest.mark.django_db
def test_a_file_of_sheets_sets_each_rows_unit(tree, officers):
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    rows = [HEADER, _row("A-G1"), _row("A-G3"), _row("A-G3", D2_3=1), _row("P-A")]
    result = importing.responses_import(
        survey=survey, fileobj=_workbook(rows), filename="phieu.xlsx", actor=officers.a_propaganda
    )
    assert result.ok, [str(e) for e in result.errors]
    per_response = Counter(Answer.objects.values_list("response_id", flat=True))
    expected: Counter[str] = Counter()
    for response in Response.objects.select_related("unit"):
        expected[response.unit.code] += per_response[response.pk]
    assert _units_of_answers() == expected
    assert set(expected) == {"A-G1", "A-G3", "P-A"}


# --- the migration -------------------------------------------------------------------------------


def _migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_the_migration_copies_each_responses_unit_in_batches(tree, officers, monkeypatch):
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    for unit in (tree.a_g1, tree.a_g2, tree.a_g3, tree.a_g1):
        response_submit(survey=survey, unit=unit, answers=answers())
    before = _units_of_answers()
    fill = importlib.import_module("lantoa.surveys.migrations.0005_answer_unit_fill")
    monkeypatch.setattr(fill, "BATCH", 7)  # many ranges, some of them empty
    try:
        _migrate([("surveys", "0004_answer_unit")])
        with connection.cursor() as cur:
            cur.execute("UPDATE surveys_answer SET unit_id = NULL")
            cur.execute("SELECT COUNT(*) FROM surveys_answer WHERE unit_id IS NULL")
            assert cur.fetchone()[0] == sum(before.values())
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert _units_of_answers() == before
    with connection.cursor() as cur:
        index = connection.introspection.get_constraints(cur, "surveys_answer")["answer_unit_cover"]
    assert index["columns"] == ["question_id", "row", "unit_id", "choice", "response_id"]


# --- cross-tabs against a count by hand ----------------------------------------------------------


def _q(survey: Survey, code: str) -> Question:
    return survey.current_version().questions.get(code=code)


def _fill(survey: Survey, tree: Any) -> None:
    """40 sheets, every cell of A1 (sex) × unit with 0 or ≥ 10 answers but some:
    A-G1 10 women, 2 men; A-G2 10 men; A-G3 11 women (D2: 1, 2, 3); the province's own 7."""
    plan = [(tree.a_g1, "2", ["1", "3"])] * 10 + [(tree.a_g1, "1", ["1"])] * 2
    plan += [(tree.a_g2, "1", ["3"])] * 10
    plan += [(tree.a_g3, "2", ["1", "2", "3"])] * 11
    plan += [(tree.pa, "1", ["2"])] * 7
    for unit, sex, channels in plan:
        response_submit(survey=survey, unit=unit, answers=answers(A1=sex, D2=channels))


def _by_hand(survey: Survey, unit: Unit, code: str) -> dict[str, tuple[list[Any], Any]]:
    """The cross-tab by unit counted from the responses, not from the answers' own unit: each
    response's answers to ``code`` placed under the child of ``unit`` above the response's
    unit today (the closure table), or in ``unit``'s own row; each respondent once."""
    question = _q(survey, code)
    values = [c["value"] for c in question.choices()]
    children = {u.pk: u.name for u in Unit.objects.filter(parent=unit)}
    cells: dict[Any, Counter[str]] = {}
    people: dict[Any, set[int]] = {}
    for response in Response.objects.filter(survey=survey):
        above = set(
            UnitClosure.objects.filter(descendant_id=response.unit_id).values_list(
                "ancestor_id", flat=True
            )
        )
        if unit.pk not in above:
            continue
        if response.unit_id == unit.pk:
            key = f"{unit.name} (phiếu của chính đơn vị)"
        else:
            (child,) = above & set(children)
            key = children[child]
        for a in response.answers.filter(question__code=code, row=""):
            cells.setdefault(key, Counter())[a.choice] += 1
            people.setdefault(key, set()).add(response.pk)
    for u in Unit.objects.filter(parent=unit, status=UnitStatus.ACTIVE):
        cells.setdefault(u.name, Counter())
    return {
        key: ([shown(counts[v]) for v in values], shown(len(people.get(key, ()))))
        for key, counts in cells.items()
    }


def _table(crosstab: analysis.CrossTab) -> dict[str, tuple[list[Any], Any]]:
    return {label: (cells, total) for label, cells, total in crosstab.rows}


@pytest.mark.django_db
def test_crosstab_by_unit_agrees_with_a_hand_count(tree, officers):
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    _fill(survey, tree)
    for unit in (tree.pa, tree.a_kcn, tree.a_xa):
        for code in ("A1", "D2"):
            got = _table(analysis.crosstab_by_unit(survey, unit, _q(survey, code)))
            assert got == _by_hand(survey, unit, code), (unit.code, code)
    by_unit = _table(analysis.crosstab_by_unit(survey, tree.pa, _q(survey, "A1")))
    assert by_unit[tree.a_kcn.name] == ([12, 10], 22)  # men: 2 + 10; women 10
    assert by_unit[tree.a_xa.name] == ([0, 11], 11)
    assert by_unit[f"{tree.pa.name} (phiếu của chính đơn vị)"] == ([None, 0], None)
    d2 = _table(analysis.crosstab_by_unit(survey, tree.a_kcn, _q(survey, "D2")))
    assert d2[tree.a_g1.name] == ([12, 0, 10, 0, 0, 0], 12)  # twelve people, 22 ticks
    # Sector: A-G1 and A-G3 "Dệt may", A-G2 none; the province's own sheets have none.
    Unit.objects.filter(pk__in=[tree.a_g1.pk, tree.a_g3.pk]).update(sector="Dệt may")
    by_sector = _table(analysis.crosstab_by_sector(survey, tree.pa, _q(survey, "A1")))
    assert by_sector == {
        "Dệt may": ([None, 21], 23),
        "(chưa ghi ngành nghề)": ([17, 0], 17),
    }


@pytest.mark.django_db
def test_after_a_merge_the_answers_count_under_the_successor(tree, officers):
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    _fill(survey, tree)
    before = _units_of_answers()
    # The commune union (A-G3 below it) into the industrial zones' union; A-G2 into A-G1.
    unit_merge(source=tree.a_xa, target=tree.a_kcn)
    unit_merge(source=tree.a_g2, target=tree.a_g1)
    assert _units_of_answers() == before  # the records keep their unit; the tree moved
    by_unit = _table(analysis.crosstab_by_unit(survey, tree.pa, _q(survey, "A1")))
    assert by_unit[tree.a_kcn.name] == ([12, 21], 33)  # A-G3's eleven women now count here
    assert tree.a_xa.name not in by_unit
    for unit in (tree.pa, tree.a_kcn, tree.a_g1):
        for code in ("A1", "D2"):
            got = _table(analysis.crosstab_by_unit(survey, unit, _q(survey, code)))
            assert got == _by_hand(survey, unit, code), (unit.code, code)
    # The per-question figures of the successor's subtree count them too.
    results = {r.question.code: r for r in analysis.question_results(survey, tree.a_kcn)}
    assert results["A1"].answered == 33

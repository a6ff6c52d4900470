"""Analysis v1: per-question counts and percentages, a cross-tab by unit (the children of the
viewing unit, through the closure table) and by any single-choice question. Questions are
matched by code across versions, so a revised questionnaire keeps adding to the same table.

Cells with 1 to ``MIN_CELL`` - 1 responses are suppressed (``None``, shown "<10") on the
screens, and so is every figure of a question answered by fewer than ``MIN_CELL``; the
response export shows no unit with fewer (``lantoa.surveys.exports``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, FilteredRelation, Max, Min, Q, QuerySet
from django.utils.translation import gettext as _

from lantoa.surveys.models import (
    CHOICE_KINDS,
    ONE_CODE_KINDS,
    Answer,
    Question,
    QuestionKind,
    Response,
    Survey,
)
from lantoa.units.models import Unit
from lantoa.units.selectors import active_children

MIN_CELL = 10


def shown(n: int) -> int | None:
    """A count as it may be shown: None from 1 to ``MIN_CELL`` - 1 (nobody answered is no
    one to recognise)."""
    return n if n == 0 or n >= MIN_CELL else None


def questions_of(survey: Survey) -> list[Question]:
    """The questions of the newest version (their codes name the columns)."""
    return list(survey.current_version().questions.select_related("section"))


def _answers(survey: Survey, unit: Unit) -> QuerySet[Answer]:
    return Answer.objects.filter(
        response__survey=survey, response__unit__ancestor_links__ancestor_id=unit.pk
    )


@dataclass
class ChoiceRow:
    value: str
    label: str
    count: int | None
    share: float | None  # of the respondents who answered the question


@dataclass
class QuestionResult:
    question: Question
    answered: int | None
    rows: list[ChoiceRow]
    matrix: list[tuple[str, list[ChoiceRow]]]
    stats: dict[str, Decimal | None]
    suppressed: bool


def question_results(survey: Survey, unit: Unit) -> list[QuestionResult]:
    """Every question's figures in ``unit``'s subtree, from one grouped query per kind."""
    questions = questions_of(survey)
    base = _answers(survey, unit)
    answered = dict(
        base.values_list("question__code").annotate(n=Count("response", distinct=True)).order_by()
    )
    choice_counts: dict[tuple[str, str, str], int] = {}
    for code, row, choice, n in (
        base.filter(question__kind__in=[*CHOICE_KINDS, QuestionKind.MATRIX])
        .values_list("question__code", "row", "choice")
        .annotate(n=Count("id"))
        .order_by()
    ):
        choice_counts[(code, row, choice)] = n
    stats = {
        row["question__code"]: row
        for row in base.filter(question__kind=QuestionKind.NUMBER)
        .values("question__code")
        .annotate(mean=Avg("number"), low=Min("number"), high=Max("number"))
        .order_by()
    }
    results = []
    for q in questions:
        n = int(answered.get(q.code, 0))
        suppressed = n < MIN_CELL
        rows: list[ChoiceRow] = []
        matrix: list[tuple[str, list[ChoiceRow]]] = []
        if q.kind in CHOICE_KINDS:
            rows = _choice_rows(q, lambda v, c=q.code: choice_counts.get((c, "", v), 0), n)
        elif q.kind == QuestionKind.MATRIX:
            for r in q.rows:
                counts = {v: choice_counts.get((q.code, r["value"], v), 0) for v in _values(q)}
                matrix.append(
                    (r["label"], _choice_rows(q, counts.__getitem__, sum(counts.values())))
                )
        figures: dict[str, Decimal | None] = {}
        if q.kind == QuestionKind.NUMBER and not suppressed and q.code in stats:
            s = stats[q.code]
            figures = {"mean": _round(s["mean"]), "low": s["low"], "high": s["high"]}
        results.append(
            QuestionResult(
                question=q,
                answered=shown(n),
                rows=rows,
                matrix=matrix,
                stats=figures,
                suppressed=suppressed,
            )
        )
    return results


def _round(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"))


def _values(q: Question) -> list[str]:
    return [c["value"] for c in q.choices()]


def _choice_rows(q: Question, count_of: Any, total: int) -> list[ChoiceRow]:
    rows = []
    for c in q.choices():
        n = count_of(c["value"])
        visible = shown(n) if total >= MIN_CELL else None
        rows.append(
            ChoiceRow(
                value=c["value"],
                label=str(c["label"]),
                count=visible,
                share=(n / total) if visible is not None and total else None,
            )
        )
    return rows


@dataclass
class CrossTab:
    title_rows: str
    columns: list[tuple[str, str]]  # (code, label)
    rows: list[tuple[str, list[int | None], int | None]]  # label, cells, total


def crosstab_by_unit(survey: Survey, unit: Unit, question: Question) -> CrossTab:
    """Answers to ``question`` by the child of ``unit`` whose subtree holds the response's
    unit (and ``unit``'s own sheets): one grouped query over the closure table."""
    link = "response__unit__ancestor_links"
    base = Answer.objects.filter(response__survey=survey, question__code=question.code, row="")
    grouped: dict[int | None, dict[str, int]] = {}
    for child_id, choice, n in (
        base.filter(**{f"{link}__ancestor__parent_id": unit.pk})
        .values_list(f"{link}__ancestor_id", "choice")
        .annotate(n=Count("id"))
        .order_by()
    ):
        grouped.setdefault(child_id, {})[choice] = n
    for choice, n in (
        base.filter(response__unit=unit).values_list("choice").annotate(n=Count("id")).order_by()
    ):
        grouped.setdefault(None, {})[choice] = n
    columns = [(c["value"], str(c["label"])) for c in question.choices()]
    children = {c.pk: c for c in active_children(unit)}
    missing = [k for k in grouped if k is not None and k not in children]
    children.update({u.pk: u for u in Unit.objects.filter(pk__in=missing)})
    rows = []
    if None in grouped:
        rows.append((f"{unit.name} ({_('phiếu của chính đơn vị')})", grouped[None]))
    rows += [(c.name, grouped.get(pk, {})) for pk, c in children.items()]
    return CrossTab(
        title_rows=_("Đơn vị"),
        columns=columns,
        rows=[
            (label, [shown(counts.get(v, 0)) for v, _label in columns], shown(sum(counts.values())))
            for label, counts in rows
        ],
    )


def crosstab_by_question(
    survey: Survey, unit: Unit, rows_q: Question, cols_q: Question
) -> CrossTab:
    """Responses by their answer to ``rows_q`` (a single choice) × ``cols_q``: each
    response's two answers joined through two filtered relations, one grouped query."""
    grouped: dict[str, dict[str, int]] = {}
    rows_ids = list(_same_code(survey, rows_q))
    cols_ids = list(_same_code(survey, cols_q))
    qs = (
        Response.objects.filter(survey=survey, unit__ancestor_links__ancestor_id=unit.pk)
        .annotate(
            a=FilteredRelation("answers", condition=Q(answers__question_id__in=rows_ids)),
            b=FilteredRelation(
                "answers", condition=Q(answers__question_id__in=cols_ids, answers__row="")
            ),
        )
        .filter(a__isnull=False, b__isnull=False)
        .values_list("a__choice", "b__choice")
        .annotate(n=Count("id"))
        .order_by()
    )
    for a, b, n in qs:
        grouped.setdefault(a, {})[b] = n
    columns = [(c["value"], str(c["label"])) for c in cols_q.choices()]
    return CrossTab(
        title_rows=rows_q.text,
        columns=columns,
        rows=[
            (
                str(c["label"]),
                [shown(grouped.get(c["value"], {}).get(v, 0)) for v, _label in columns],
                shown(sum(grouped.get(c["value"], {}).values())),
            )
            for c in rows_q.choices()
        ],
    )


def _same_code(survey: Survey, question: Question) -> QuerySet[Question, int]:
    """The ids of ``question`` in every version of the survey (matched by code)."""
    return Question.objects.filter(questionnaire__survey=survey, code=question.code).values_list(
        "pk", flat=True
    )


def crosstab_questions(survey: Survey) -> list[Question]:
    """Questions a cross-tab may use: one code per response (single choice, Likert)."""
    return [q for q in questions_of(survey) if q.kind in ONE_CODE_KINDS]

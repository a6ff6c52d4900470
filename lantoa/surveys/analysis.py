"""Analysis: per-question counts and percentages; cross-tabs by unit (the children of the
viewing unit, through the closure table), by sector (ngành nghề of the response's unit) and
by any single-choice question, of any choice question (a multiple choice counts each ticked
option, its row total each respondent once); trends of a question across the waves of a
series; free-text answers and their most frequent words (``lantoa.surveys.words``).
Questions are matched by code across versions and waves, so a revised questionnaire keeps
adding to the same table.

Cells with 1 to ``MIN_CELL`` - 1 responses are suppressed (``None``, shown "<10") on the
screens, and so is every figure of a question answered by fewer than ``MIN_CELL``; the
response export shows no unit with fewer (``lantoa.surveys.exports``).
"""

from __future__ import annotations

from collections import defaultdict
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
from lantoa.surveys.selectors import PUBLISHED
from lantoa.surveys.words import Word, frequent_words
from lantoa.units.models import Unit, UnitClosure
from lantoa.units.selectors import active_children

MIN_CELL = 10


def shown(n: int) -> int | None:
    """A count as it may be shown: None from 1 to ``MIN_CELL`` - 1 (nobody answered is no
    one to recognise)."""
    return n if n == 0 or n >= MIN_CELL else None


def questions_of(survey: Survey) -> list[Question]:
    """The questions of the newest version (their codes name the columns)."""
    return list(survey.current_version().questions.select_related("section"))


def _question_codes(survey: Survey) -> dict[int, str]:
    """The code of every question of the survey, in every version, by id."""
    return dict(
        Question.objects.filter(questionnaire__survey=survey).order_by().values_list("pk", "code")
    )


def _answers(survey: Survey, unit: Unit, codes: dict[int, str] | None = None) -> QuerySet[Answer]:
    """The survey's answers in ``unit``'s subtree, by the unit each answer carries (its
    response's): no answer is joined to its response. At the survey's own unit, every answer
    of the survey (its sheets were collected for it, as the exports count them): no join to
    the unit tree either, which at 500.000 sheets is most of the work."""
    ids = list(codes if codes is not None else _question_codes(survey))
    answers = Answer.objects.filter(question_id__in=ids)
    if unit.pk != survey.unit_id:
        answers = answers.filter(unit__ancestor_links__ancestor_id=unit.pk)
    return answers


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
    codes = _question_codes(survey)
    kinds = dict(Question.objects.filter(pk__in=list(codes)).order_by().values_list("pk", "kind"))
    base = _answers(survey, unit, codes)
    # Grouped by the question's id (no join to the questions), summed by code: a sheet
    # answers one version, so no respondent is counted twice.
    # One pass over the answers counts every (question, row, choice). A question of one answer
    # row per sheet (all but multiple choices and matrices) has as many respondents as rows;
    # only the others need their sheets counted apart (COUNT DISTINCT was most of the time).
    several = {
        pk for pk, kind in kinds.items() if kind in (QuestionKind.MULTIPLE, QuestionKind.MATRIX)
    }
    answered: dict[str, int] = defaultdict(int)
    choice_counts: dict[tuple[str, str, str], int] = defaultdict(int)
    for question_id, row, choice, n in (
        base.values_list("question_id", "row", "choice").annotate(n=Count("*")).order_by()
    ):
        code = codes[question_id]
        choice_counts[(code, row, choice)] += n
        if question_id not in several:
            answered[code] += n
    if several:
        for question_id, n in (
            base.filter(question_id__in=list(several))
            .values_list("question_id")
            .annotate(n=Count("response", distinct=True))
            .order_by()
        ):
            answered[codes[question_id]] += n
    numbers = [pk for pk, kind in kinds.items() if kind == QuestionKind.NUMBER]
    stats: dict[str, dict[str, Any]] = {}
    for row in (
        base.filter(question_id__in=numbers)
        .values("question_id")
        .annotate(mean=Avg("number"), low=Min("number"), high=Max("number"), n=Count("*"))
        .order_by()
    ):
        code = codes[row["question_id"]]
        if code in stats:  # the same question in two versions: one figure over both
            before = stats[code]
            total = before["n"] + row["n"]
            mean = (
                None
                if before["mean"] is None or row["mean"] is None
                else (before["mean"] * before["n"] + row["mean"] * row["n"]) / total
            )
            row = {
                "mean": mean,
                "low": min(before["low"], row["low"]),
                "high": max(before["high"], row["high"]),
                "n": total,
            }
        stats[code] = row
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


def _crosstab(
    title: str, question: Question, rows: list[tuple[str, dict[str, int], int]]
) -> CrossTab:
    """``rows``: (label, answers per choice code, respondents); every count suppressed."""
    columns = [(c["value"], str(c["label"])) for c in question.choices()]
    return CrossTab(
        title_rows=title,
        columns=columns,
        rows=[
            (label, [shown(counts.get(v, 0)) for v, _label in columns], shown(total))
            for label, counts, total in rows
        ],
    )


def _by_response_unit(
    survey: Survey, unit: Unit, question: Question
) -> tuple[dict[int, dict[str, int]], dict[int, int]]:
    """Answers to ``question`` (matched by code) per (response's unit, choice) in ``unit``'s
    subtree, and respondents per response's unit. Grouped by the unit each answer row carries
    (``Answer.unit``, its response's) — a few thousand groups at most — from the index
    ``answer_unit_cover`` alone: no answer row is joined to its response or to the closure
    table; the roll-up to the units below ``unit`` joins those groups, not the answers. The
    question's ids are the survey's own, so the answers need no filter by survey. For a
    choice with one code per response the respondents are the sums of the cells; for a
    multiple choice, a second grouped query counts each respondent once (a respondent has one
    unit, so the sums over units stay exact)."""
    base = Answer.objects.filter(question_id__in=list(_same_code(survey, question)), row="")
    if unit.pk != survey.unit_id:  # every response lies in the survey's own unit's subtree
        base = base.filter(
            unit_id__in=UnitClosure.objects.filter(ancestor=unit).values("descendant_id")
        )
    cells: dict[int, dict[str, int]] = {}
    # COUNT(*), not COUNT(id): PostgreSQL then needs no column outside the index.
    for uid, choice, n in base.values_list("unit_id", "choice").annotate(n=Count("*")).order_by():
        cells.setdefault(uid, {})[choice] = n
    if question.kind in ONE_CODE_KINDS:
        totals = {uid: sum(counts.values()) for uid, counts in cells.items()}
    else:
        totals = dict(
            base.values_list("unit_id").annotate(n=Count("response_id", distinct=True)).order_by()
        )
    return cells, totals


def _roll_up(
    cells: dict[int, dict[str, int]], totals: dict[int, int], key_of: dict[int, Any]
) -> tuple[dict[Any, dict[str, int]], dict[Any, int]]:
    """The per-unit figures added up by ``key_of[unit id]`` (units without a key left out)."""
    rolled: dict[Any, dict[str, int]] = {}
    rolled_totals: dict[Any, int] = {}
    for uid, counts in cells.items():
        if uid not in key_of:
            continue
        key = key_of[uid]
        into = rolled.setdefault(key, {})
        for choice, n in counts.items():
            into[choice] = into.get(choice, 0) + n
        rolled_totals[key] = rolled_totals.get(key, 0) + totals.get(uid, 0)
    return rolled, rolled_totals


def crosstab_by_unit(survey: Survey, unit: Unit, question: Question) -> CrossTab:
    """Answers to ``question`` by the child of ``unit`` whose subtree holds the response's
    unit (and ``unit``'s own sheets): one grouped query by the answers' unit (their
    response's), rolled up through the closure table rows of those units — so a unit merged
    or moved counts where it stands in the tree today, its answers untouched."""
    cells, totals = _by_response_unit(survey, unit, question)
    key_of: dict[int, Any] = dict(
        UnitClosure.objects.filter(ancestor__parent_id=unit.pk).values_list(
            "descendant_id", "ancestor_id"
        )
    )
    key_of[unit.pk] = None
    grouped, rolled_totals = _roll_up(cells, totals, key_of)
    children = {c.pk: c for c in active_children(unit).only("pk", "name")}
    missing = [k for k in grouped if k is not None and k not in children]
    if missing:  # merged or closed children that still hold answers
        children.update({u.pk: u for u in Unit.objects.filter(pk__in=missing).only("pk", "name")})
    rows = []
    if None in grouped:
        rows.append(
            (
                f"{unit.name} ({_('phiếu của chính đơn vị')})",
                grouped[None],
                rolled_totals.get(None, 0),
            )
        )
    rows += [(c.name, grouped.get(pk, {}), rolled_totals.get(pk, 0)) for pk, c in children.items()]
    return _crosstab(_("Đơn vị"), question, rows)


def crosstab_by_sector(survey: Survey, unit: Unit, question: Question) -> CrossTab:
    """Answers to ``question`` by the sector (ngành nghề) of the response's unit, in
    ``unit``'s subtree; units without a sector in one row, last."""
    cells, totals = _by_response_unit(survey, unit, question)
    key_of = dict(
        Unit.objects.filter(ancestor_links__ancestor_id=unit.pk).values_list("pk", "sector")
    )
    grouped, rolled_totals = _roll_up(cells, totals, {k: v.strip() for k, v in key_of.items()})
    named = sorted((k for k in grouped if k), key=str.casefold)
    rows = [(k, grouped[k], rolled_totals.get(k, 0)) for k in named]
    if "" in grouped:
        rows.append((_("(chưa ghi ngành nghề)"), grouped[""], rolled_totals.get("", 0)))
    return _crosstab(_("Ngành nghề"), question, rows)


def crosstab_by_question(
    survey: Survey, unit: Unit, rows_q: Question, cols_q: Question
) -> CrossTab:
    """Responses by their answer to ``rows_q`` (one code per response) × ``cols_q`` (one or
    several codes): each response's two answers joined through two filtered relations, one
    grouped query for the cells and one for the respondents of each row."""
    grouped: dict[str, dict[str, int]] = {}
    rows_ids = list(_same_code(survey, rows_q))
    cols_ids = list(_same_code(survey, cols_q))
    joined = (
        Response.objects.filter(survey=survey, unit__ancestor_links__ancestor_id=unit.pk)
        .annotate(
            a=FilteredRelation("answers", condition=Q(answers__question_id__in=rows_ids)),
            b=FilteredRelation(
                "answers", condition=Q(answers__question_id__in=cols_ids, answers__row="")
            ),
        )
        .filter(a__isnull=False, b__isnull=False)
    )
    for a, b, n in joined.values_list("a__choice", "b__choice").annotate(n=Count("id")).order_by():
        grouped.setdefault(a, {})[b] = n
    totals = dict(joined.values_list("a__choice").annotate(n=Count("id", distinct=True)).order_by())
    rows = [
        (str(c["label"]), grouped.get(c["value"], {}), totals.get(c["value"], 0))
        for c in rows_q.choices()
    ]
    return _crosstab(rows_q.text, cols_q, rows)


def _same_code(survey: Survey, question: Question) -> QuerySet[Question, int]:
    """The ids of ``question`` in every version of the survey (matched by code); unordered
    (the model's ordering would join the questionnaire and the survey to sort)."""
    return (
        Question.objects.filter(questionnaire__survey=survey, code=question.code)
        .order_by()
        .values_list("pk", flat=True)
    )


def crosstab_questions(survey: Survey) -> list[Question]:
    """Questions a cross-tab may use for its rows: one code per response (single choice,
    Likert)."""
    return [q for q in questions_of(survey) if q.kind in ONE_CODE_KINDS]


def crosstab_columns(survey: Survey) -> list[Question]:
    """Questions a cross-tab may count in its columns: any choice (single, multiple,
    Likert); a multiple choice counts each ticked option."""
    return [q for q in questions_of(survey) if q.kind in CHOICE_KINDS]


# --- waves ----------------------------------------------------------------------------------


def waves_of(survey: Survey) -> list[Survey]:
    """The waves of ``survey``'s series that have results (approved, open or closed), and
    ``survey`` itself, in wave order."""
    first = survey.series_id or survey.pk
    found = Survey.objects.filter(Q(pk=first) | Q(series_id=first)).filter(
        Q(status__in=PUBLISHED) | Q(pk=survey.pk)
    )
    return list(found.order_by("wave", "pk"))


@dataclass
class WaveFigures:
    survey: Survey
    respondents: int | None  # who answered the question; None: 1 to MIN_CELL - 1
    counts: list[int | None]  # per option, suppressed like every count
    shares: list[float | None]  # of the respondents; None where the count is not shown


@dataclass
class Trend:
    question: Question
    options: list[tuple[str, str]]  # (code, label) of the viewed survey's question
    waves: list[WaveFigures]


def trend(survey: Survey, unit: Unit, question: Question) -> Trend:
    """The share of respondents in ``unit``'s subtree choosing each option of ``question``
    (matched by code) in every wave of the series: one grouped query for all waves."""
    waves = waves_of(survey)
    # A question belongs to its wave's survey, and each answer carries its response's unit:
    # no answer is joined to its response.
    base = Answer.objects.filter(
        question__questionnaire__survey__in=[w.pk for w in waves],
        question__code=question.code,
        row="",
        unit__ancestor_links__ancestor_id=unit.pk,
    )
    wave_of = "question__questionnaire__survey_id"
    counts: dict[tuple[int, str], int] = {
        (sid, choice): n
        for sid, choice, n in base.values_list(wave_of, "choice").annotate(n=Count("*")).order_by()
    }
    respondents = dict(
        base.values_list(wave_of).annotate(n=Count("response_id", distinct=True)).order_by()
    )
    options = [(c["value"], str(c["label"])) for c in question.choices()]
    figures = []
    for wave in waves:
        total = int(respondents.get(wave.pk, 0))
        cells = [counts.get((wave.pk, v), 0) for v, _label in options]
        visible = [shown(n) if total >= MIN_CELL else None for n in cells]
        figures.append(
            WaveFigures(
                survey=wave,
                respondents=shown(total),
                counts=visible,
                shares=[
                    n / total if v is not None and total else None
                    for n, v in zip(cells, visible, strict=True)
                ],
            )
        )
    return Trend(question=question, options=options, waves=figures)


# --- free text ------------------------------------------------------------------------------

TEXT_KINDS = (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT)


def text_questions(survey: Survey) -> list[Question]:
    """Questions with words typed by respondents: short and long text, and the "Khác (ghi
    rõ)" of a choice."""
    return [q for q in questions_of(survey) if q.kind in TEXT_KINDS or q.allow_other]


def answer_texts(survey: Survey, unit: Unit, question: Question) -> QuerySet[Answer, str]:
    """The words written to ``question`` (matched by code) in ``unit``'s subtree, oldest
    first."""
    return (
        _answers(survey, unit)
        .filter(question_id__in=_same_code(survey, question))
        .exclude(text="")
        .order_by("pk")
        .values_list("text", flat=True)
    )


@dataclass
class TextSummary:
    question: Question
    answered: int | None  # answers with words; None: 1 to MIN_CELL - 1
    words: list[Word]


def text_summaries(
    survey: Survey, unit: Unit, *, min_count: int = MIN_CELL, limit: int = 15
) -> list[TextSummary]:
    """Per free-text question, its most frequent words (each used in at least ``min_count``
    answers: a word fewer people wrote may point at them)."""
    found = []
    for q in text_questions(survey):
        texts = answer_texts(survey, unit, q)
        words = frequent_words(texts.iterator(chunk_size=2000), limit=limit, min_count=min_count)
        found.append(TextSummary(question=q, answered=shown(texts.count()), words=words))
    return found

"""Exports of a survey's responses in a unit's subtree: one row per response, one column per
question (per option of a multiple choice, per row of a matrix, plus the words of "Khác"),
values as the codes of the codebook. Both files are streamed while the responses are read:
the CSV, and the XLSX (``tabular.xlsx_chunks``) with a second sheet, the codebook (variable,
question, code, label).

Responses are read in chunks of ``CHUNK`` ids, their answers in one query per chunk, so memory
stays flat whatever the number of responses. In an anonymous survey the unit of a response
is shown only for units with at least ``MIN_CELL`` responses in the export.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from lantoa.core import tabular
from lantoa.surveys.analysis import MIN_CELL
from lantoa.surveys.models import (
    OTHER,
    Answer,
    Channel,
    Question,
    QuestionKind,
    Response,
    Survey,
)
from lantoa.units.models import Unit

CHUNK = 2000
K = QuestionKind


@dataclass(frozen=True)
class Column:
    name: str  # the variable: A1, D2_3, C2_1, B4_khac
    question: Question
    part: str = ""  # option (multiple), row (matrix), "other"


def columns_of(questions: list[Question]) -> list[Column]:
    cols: list[Column] = []
    for q in questions:
        if q.kind == K.MULTIPLE:
            cols += [Column(f"{q.code}_{o['value']}", q, o["value"]) for o in q.choices()]
        elif q.kind == K.MATRIX:
            cols += [Column(f"{q.code}_{r['value']}", q, r["value"]) for r in q.rows]
        else:
            cols.append(Column(q.code, q))
        if q.allow_other:
            cols.append(Column(f"{q.code}_khac", q, "text"))
    return cols


def _value(text: str) -> Any:
    return int(text) if text.isdigit() else text


def _fixed_header() -> list[str]:
    return [
        _("Số phiếu"),
        _("Ngày gửi"),
        _("Mã đơn vị"),
        _("Đơn vị"),
        _("Hình thức"),
        _("Phiên bản"),
    ]


def responses_of(survey: Survey, unit: Unit) -> QuerySet[Response]:
    """The survey's responses in ``unit``'s subtree (all of them from the survey's own unit:
    no join to the closure table then)."""
    responses = Response.objects.filter(survey=survey)
    if unit.pk != survey.unit_id:
        responses = responses.filter(unit__ancestor_links__ancestor_id=unit.pk)
    return responses


def response_count(survey: Survey, unit: Unit) -> int:
    return responses_of(survey, unit).count()


def _plan(survey: Survey, cols: list[Column]) -> dict[int, tuple[Any, ...]]:
    """Where each answer row goes, by question id (every version, matched by code): a
    multiple choice by option, a matrix by row, "Khác" words to ``<code>_khac``."""
    index = {c.name: i for i, c in enumerate(cols)}
    by_code: dict[str, tuple[Any, ...]] = {}
    for col in cols:
        q = col.question
        if q.code in by_code:
            continue
        other = index.get(f"{q.code}_khac")
        if q.kind == K.MULTIPLE:
            options = {o["value"]: index[f"{q.code}_{o['value']}"] for o in q.choices()}
            by_code[q.code] = ("m", options, other)
        elif q.kind == K.MATRIX:
            by_code[q.code] = ("x", {r["value"]: index[f"{q.code}_{r['value']}"] for r in q.rows})
        elif q.kind in (K.SINGLE, K.LIKERT, K.UNIT):
            by_code[q.code] = ("c", index[q.code], other)
        elif q.kind == K.NUMBER:
            by_code[q.code] = ("n", index[q.code])
        elif q.kind == K.DATE:
            by_code[q.code] = ("d", index[q.code])
        else:
            by_code[q.code] = ("t", index[q.code])
    return {
        pk: by_code[code]
        for pk, code in Question.objects.filter(questionnaire__survey=survey).values_list(
            "pk", "code"
        )
        if code in by_code  # not a question dropped in a later version
    }


def _number(value: Any) -> Any:
    """A number as the database gave it (SQLite: int or float; PostgreSQL: Decimal)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _day(value: Any, typed: bool) -> Any:
    """A date as the database gave it (SQLite: "2026-03-05"; PostgreSQL: a date)."""
    if isinstance(value, str):
        return (
            dt.date.fromisoformat(value[:10])
            if typed
            else f"{value[8:10]}/{value[5:7]}/{value[:4]}"
        )
    return value if typed else value.strftime("%d/%m/%Y")


def response_table(
    survey: Survey, unit: Unit, *, typed: bool = False
) -> tuple[list[str], Iterator[list[Any]]]:
    """The header and the rows (streamed, ``CHUNK`` responses at a time). ``typed``: dates
    as ``datetime.date`` and the channel as its code (for the SPSS file), rather than text
    written the Vietnamese way.

    The answers of a chunk are read by the range of its response ids, straight from the
    database cursor (the same query the ORM builds, without its per-row converters), and
    put in place through a plan made once per export: at 500.000 responses of 40 questions
    the per-answer work is what the export's time is made of."""
    questions = list(survey.current_version().questions.all())
    cols = columns_of(questions)
    header = _fixed_header() + [c.name for c in cols]
    plan = _plan(survey, cols)
    # Labels as text now, in the request's language: the rows are written later, while the
    # response streams, and a lazy label would cost a translation look-up every row.
    channels = {value: str(label) for value, label in Channel.choices}
    responses = responses_of(survey, unit)
    per_unit = dict(responses.values_list("unit").annotate(n=Count("id")).order_by())
    units = dict(
        (pk, (code, name))
        for pk, code, name in Unit.objects.filter(pk__in=list(per_unit)).values_list(
            "pk", "code", "name"
        )
    )
    hidden_as = ("", _("(đơn vị dưới %(n)s phiếu)") % {"n": MIN_CELL})
    if survey.anonymous:
        units = {pk: (units[pk] if per_unit[pk] >= MIN_CELL else hidden_as) for pk in units}
    multiple = [
        [i for i, c in enumerate(cols) if c.question.code == q.code and c.part != "text"]
        for q in questions
        if q.kind == K.MULTIPLE
    ]
    codes: dict[str, Any] = {}

    def coded(choice: str) -> Any:
        value = codes.get(choice)
        if value is None:
            value = codes[choice] = _value(choice)
        return value

    def rows() -> Iterator[list[Any]]:
        last = 0
        width = len(cols)
        while True:
            chunk = list(
                responses.filter(pk__gt=last)
                .order_by("pk")
                .values_list("pk", "submitted_at", "unit_id", "channel", "version__number")[:CHUNK]
            )
            if not chunk:
                return
            first, last = chunk[0][0], chunk[-1][0]
            cells: dict[int, list[Any]] = {r[0]: [""] * width for r in chunk}
            answers = (
                Answer.objects.filter(response_id__gte=first, response_id__lte=last)
                .order_by()
                .values_list(
                    "response_id", "question_id", "row", "choice", "number", "date", "text"
                )
            )
            sql, params = answers.query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                while batch := cursor.fetchmany(10_000):
                    for rid, qid, row, choice, number, day, text in batch:
                        target = cells.get(rid)
                        step = plan.get(qid)
                        if target is None or step is None:
                            continue  # another survey's response in the id range
                        how = step[0]
                        if how == "c":
                            target[step[1]] = coded(choice)
                            if choice == OTHER and step[2] is not None:
                                target[step[2]] = text
                        elif how == "m":
                            if choice in step[1]:
                                target[step[1][choice]] = 1
                            if choice == OTHER and step[2] is not None:
                                target[step[2]] = text
                        elif how == "x":
                            if row in step[1]:
                                target[step[1][row]] = coded(choice)
                        elif how == "n":
                            if number is not None:
                                target[step[1]] = _number(number)
                        elif how == "d":
                            if day is not None:
                                target[step[1]] = _day(day, typed)
                        else:
                            target[step[1]] = text
            for rid, at, unit_id, channel, version in chunk:
                values = cells[rid]
                for group in multiple:  # answered: the options not ticked are 0, not blank
                    if any(values[i] == 1 for i in group):
                        for i in group:
                            if values[i] == "":
                                values[i] = 0
                day_sent = timezone.localtime(at).date()
                code, name = units.get(unit_id, hidden_as)
                yield [
                    rid,
                    day_sent if typed else day_sent.strftime("%d/%m/%Y"),
                    code,
                    name,
                    channel if typed else channels.get(channel, channel),
                    version,
                    *values,
                ]

    return header, rows()


def codebook(survey: Survey) -> tuple[list[str], list[list[Any]]]:
    header = [_("Biến"), _("Câu hỏi"), _("Loại"), _("Mã"), _("Nhãn")]
    rows: list[list[Any]] = []
    kinds = dict(QuestionKind.choices)
    for col in columns_of(list(survey.current_version().questions.all())):
        q = col.question
        text = q.text
        if q.kind == K.MULTIPLE and col.part != "text":
            text = f"{q.text} — {q.label_of(col.part)}"
            rows.append([col.name, text, str(kinds[q.kind]), 1, _("Có chọn")])
            rows.append([col.name, "", "", 0, _("Không chọn")])
            continue
        if q.kind == K.MATRIX:
            label = next((r["label"] for r in q.rows if r["value"] == col.part), col.part)
            text = f"{q.text} — {label}"
        if col.part == "text":
            rows.append([col.name, f"{q.text} — {_('Khác (ghi rõ)')}", _("Chữ"), "", ""])
            continue
        choices = q.choices() if q.kind in (K.SINGLE, K.LIKERT, K.MATRIX) else []
        first = True
        for c in choices:
            rows.append(
                [
                    col.name if first else "",
                    text if first else "",
                    str(kinds[q.kind]) if first else "",
                    _value(c["value"]),
                    c["label"],
                ]
            )
            first = False
        if not choices:
            rows.append([col.name, text, str(kinds[q.kind]), "", ""])
    return header, rows


def _filename(survey: Survey) -> str:
    return f"khao-sat-{survey.slug}-{timezone.localdate().strftime('%Y%m%d')}"


def csv_response(survey: Survey, unit: Unit) -> StreamingHttpResponse:
    header, rows = response_table(survey, unit)
    response = StreamingHttpResponse(
        tabular.csv_chunks(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(survey)}.csv"'
    return response


def xlsx_response(survey: Survey, unit: Unit) -> StreamingHttpResponse:
    header, rows = response_table(survey, unit)
    book_header, book_rows = codebook(survey)
    chunks = tabular.xlsx_chunks(
        [
            tabular.xlsx_sheet(_("Phiếu trả lời"), header, rows, response_count(survey, unit)),
            tabular.xlsx_sheet(_("Sổ mã"), book_header, book_rows),
        ]
    )
    response = StreamingHttpResponse(chunks, content_type=tabular.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(survey)}.xlsx"'
    return response

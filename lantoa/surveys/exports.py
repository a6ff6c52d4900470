"""Exports of a survey's responses in a unit's subtree: one row per response, one column per
question (per option of a multiple choice, per row of a matrix, plus the words of "Khác"),
values as the codes of the codebook. CSV is streamed; XLSX is written by openpyxl in
write-only mode, with a second sheet, the codebook (variable, question, code, label).

Responses are read in chunks of ``CHUNK`` ids, their answers in one query per chunk, so memory
stays flat whatever the number of responses. In an anonymous survey the unit of a response
is shown only for units with at least ``MIN_CELL`` responses in the export.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.http import FileResponse, StreamingHttpResponse
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


def response_count(survey: Survey, unit: Unit) -> int:
    return Response.objects.filter(survey=survey, unit__ancestor_links__ancestor_id=unit.pk).count()


def response_table(
    survey: Survey, unit: Unit, *, typed: bool = False
) -> tuple[list[str], Iterator[list[Any]]]:
    """The header and the rows (streamed, ``CHUNK`` responses at a time). ``typed``: dates
    as ``datetime.date`` and the channel as its code (for the SPSS file), rather than text
    written the Vietnamese way."""
    questions = list(survey.current_version().questions.all())
    cols = columns_of(questions)
    header = _fixed_header() + [c.name for c in cols]
    code_of = dict(Question.objects.filter(questionnaire__survey=survey).values_list("pk", "code"))
    channels = dict(Channel.choices)
    responses = Response.objects.filter(
        survey=survey, unit__ancestor_links__ancestor_id=unit.pk
    ).order_by("pk")
    shown_units: set[int] | None = None
    if survey.anonymous:
        shown_units = {
            uid
            for uid, n in responses.values_list("unit").annotate(n=Count("id")).order_by()
            if n >= MIN_CELL
        }
    index = {c.name: i for i, c in enumerate(cols)}
    kinds = {q.code: q.kind for q in questions}
    others = {q.code for q in questions if q.allow_other}

    def rows() -> Iterator[list[Any]]:
        last = 0
        while True:
            chunk = list(
                responses.filter(pk__gt=last).values_list(
                    "pk",
                    "submitted_at",
                    "unit_id",
                    "unit__code",
                    "unit__name",
                    "channel",
                    "version__number",
                )[:CHUNK]
            )
            if not chunk:
                return
            last = chunk[-1][0]
            cells: dict[int, list[Any]] = {r[0]: [""] * len(cols) for r in chunk}
            for rid, qid, row, choice, number, day, text in Answer.objects.filter(
                response_id__in=[r[0] for r in chunk]
            ).values_list("response_id", "question_id", "row", "choice", "number", "date", "text"):
                code = code_of.get(qid)
                kind = kinds.get(code or "")
                if code is None or kind is None:
                    continue  # a question dropped in a later version
                target = cells[rid]
                if kind == K.MULTIPLE:
                    target[index[f"{code}_{choice}"]] = 1
                elif kind == K.MATRIX:
                    if f"{code}_{row}" in index:
                        target[index[f"{code}_{row}"]] = _value(choice)
                elif kind in (K.SINGLE, K.LIKERT, K.UNIT):
                    target[index[code]] = _value(choice)
                elif kind == K.NUMBER and number is not None:
                    target[index[code]] = (
                        int(number) if number == number.to_integral_value() else float(number)
                    )
                elif kind == K.DATE:
                    shown_day = day if typed else day.strftime("%d/%m/%Y") if day else ""
                    target[index[code]] = shown_day if day else ""
                else:
                    target[index[code]] = text
                if choice == OTHER and code in others:
                    target[index[f"{code}_khac"]] = text
            for rid, at, unit_id, unit_code, unit_name, channel, version in chunk:
                hidden = shown_units is not None and unit_id not in shown_units
                day_sent = timezone.localtime(at).date()
                yield [
                    rid,
                    day_sent if typed else day_sent.strftime("%d/%m/%Y"),
                    "" if hidden else unit_code,
                    _("(đơn vị dưới %(n)s phiếu)") % {"n": MIN_CELL} if hidden else unit_name,
                    channel if typed else channels.get(channel, channel),
                    version,
                    *_multiple_zeros(cells[rid], cols, index),
                ]

    return header, rows()


def _multiple_zeros(values: list[Any], cols: list[Column], index: dict[str, int]) -> list[Any]:
    """A multiple choice answered: the options not ticked are 0 (not blank)."""
    answered = {
        c.question.code
        for c in cols
        if c.question.kind == K.MULTIPLE and values[index[c.name]] == 1
    }
    for c in cols:
        if c.question.code in answered and c.part != "text" and values[index[c.name]] == "":
            values[index[c.name]] = 0
    return values


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


def xlsx_response(survey: Survey, unit: Unit) -> FileResponse:
    header, rows = response_table(survey, unit)
    book_header, book_rows = codebook(survey)
    spool = tabular.xlsx_spool_sheets(
        [(_("Phiếu trả lời"), header, rows), (_("Sổ mã"), book_header, book_rows)]
    )
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"{_filename(survey)}.xlsx",
        content_type=tabular.XLSX_TYPE,
    )

"""Checking one filled-in questionnaire against its version: required answers, ranges,
choices, and show-if (a question not asked must stay empty). Gives the ``Answer`` rows to
write, or a ``ValidationError`` whose messages name the question.

The raw answers come as ``{question code: value}``: a code (single choice, Likert), a list of
codes (multiple choice), ``{row code: scale code}`` (matrix), text for numbers, dates, text
and unit codes; the words of "Khác (ghi rõ)" under ``"<code>__other"``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lantoa.core.text import format_int
from lantoa.surveys.models import OTHER, Answer, Question, QuestionKind
from lantoa.units.models import Unit, UnitClosure

K = QuestionKind
SHORT_TEXT_MAX = 255
LONG_TEXT_MAX = 5000


def other_key(code: str) -> str:
    return f"{code}__other"


def _empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple, set, dict)):
        return not any(
            not _empty(v) for v in (value.values() if isinstance(value, dict) else value)
        )
    return False


def _codes(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, Iterable) and not isinstance(value, (dict, bytes)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [str(value)]


def given_codes(question: Question, raw: Mapping[str, Any]) -> set[str]:
    """The codes answered to ``question`` (what a show-if or a quota cell looks at)."""
    value = raw.get(question.code)
    if _empty(value) or question.kind == K.MATRIX:
        return set()
    return set(_codes(value))


def is_shown(question: Question, raw: Mapping[str, Any], by_code: Mapping[str, Question]) -> bool:
    """Is ``question`` asked, given the answers so far? (show-if chains are followed: a
    question whose condition question was itself skipped is skipped.)"""
    rule = question.show_if or {}
    source = by_code.get(str(rule.get("question", "")))
    if not rule or source is None:
        return True
    if not is_shown(source, raw, by_code):
        return False
    return bool(given_codes(source, raw) & {str(v) for v in rule.get("values", [])})


def _number(text: Any) -> Decimal:
    cleaned = str(text).strip().replace(" ", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    return Decimal(cleaned)


def _date(text: Any) -> dt.date:
    if isinstance(text, dt.date):
        return text
    value = str(text).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def _shown_number(value: Decimal) -> str:
    if value == value.to_integral_value():
        return format_int(int(value))
    return str(value).replace(".", ",")


def check_answers(
    questions: list[Question], raw: Mapping[str, Any], *, survey_unit: Unit
) -> list[Answer]:
    """The ``Answer`` rows (without response) for ``raw``; every problem at once in a
    ``ValidationError`` keyed by question code."""
    by_code = {q.code: q for q in questions}
    errors: dict[str, str] = {}
    rows: list[Answer] = []
    for q in questions:
        value = raw.get(q.code)
        other_text = str(raw.get(other_key(q.code)) or "").strip()
        if not is_shown(q, raw, by_code):
            if not _empty(value) or other_text:
                errors[q.code] = _(
                    "Câu %(code)s không áp dụng với các câu trả lời trước; vui lòng để trống."
                ) % {"code": q.code}
            continue
        if _empty(value):
            if q.required:
                errors[q.code] = _("Vui lòng trả lời câu %(code)s.") % {"code": q.code}
            continue
        try:
            rows += _answer_rows(q, value, other_text, survey_unit)
        except ValidationError as exc:
            errors[q.code] = exc.messages[0]
    unknown = sorted(
        k for k in raw if k not in by_code and not (k.endswith("__other") and k[:-7] in by_code)
    )
    if unknown:
        errors["__all__"] = _("Phiếu có câu không thuộc bảng hỏi: %(codes)s.") % {
            "codes": ", ".join(unknown[:10])
        }
    if errors:
        raise ValidationError(errors)
    return rows


def _bad(message: str, **params: Any) -> ValidationError:
    return ValidationError(message % params if params else message)


def _answer_rows(q: Question, value: Any, other_text: str, survey_unit: Unit) -> list[Answer]:
    allowed = {c["value"] for c in q.choices()}
    if q.kind in (K.SINGLE, K.LIKERT):
        codes = _codes(value)
        if len(codes) != 1 or codes[0] not in allowed:
            raise _bad(_("Vui lòng chọn một trong các phương án của câu %(code)s."), code=q.code)
        return [_choice_row(q, codes[0], other_text)]
    if q.kind == K.MULTIPLE:
        codes = list(dict.fromkeys(_codes(value)))
        if any(c not in allowed for c in codes):
            raise _bad(_("Vui lòng chỉ chọn các phương án có trong câu %(code)s."), code=q.code)
        return [_choice_row(q, c, other_text) for c in codes]
    if q.kind == K.MATRIX:
        return _matrix_rows(q, value, allowed)
    if q.kind == K.NUMBER:
        return [Answer(question=q, number=_checked_number(q, value))]
    if q.kind == K.DATE:
        try:
            day = _date(value)
        except ValueError as exc:
            raise _bad(
                _("Vui lòng nhập ngày của câu %(code)s theo dạng ngày/tháng/năm."), code=q.code
            ) from exc
        return [Answer(question=q, date=day)]
    if q.kind == K.UNIT:
        unit_code = str(value).strip()
        inside = UnitClosure.objects.filter(
            ancestor=survey_unit, descendant__code=unit_code
        ).exists()
        if not inside:
            raise _bad(
                _("Vui lòng chọn một đơn vị có trong danh sách ở câu %(code)s."), code=q.code
            )
        return [Answer(question=q, choice=unit_code[:40])]
    limit = SHORT_TEXT_MAX if q.kind == K.SHORT_TEXT else LONG_TEXT_MAX
    text = str(value).strip()
    if len(text) > limit:
        raise _bad(
            _("Vui lòng trả lời câu %(code)s trong tối đa %(n)s ký tự."),
            code=q.code,
            n=format_int(limit),
        )
    return [Answer(question=q, text=text)]


def _choice_row(q: Question, code: str, other_text: str) -> Answer:
    if code == OTHER:
        if not other_text:
            raise _bad(_("Vui lòng ghi rõ phương án “Khác” của câu %(code)s."), code=q.code)
        return Answer(question=q, choice=code, text=other_text[:SHORT_TEXT_MAX])
    return Answer(question=q, choice=code)


def _matrix_rows(q: Question, value: Any, allowed: set[str]) -> list[Answer]:
    if not isinstance(value, Mapping):
        raise _bad(_("Vui lòng chọn mức cho từng dòng của câu %(code)s."), code=q.code)
    row_codes = [r["value"] for r in q.rows]
    given = {str(k): str(v).strip() for k, v in value.items() if str(v).strip()}
    if any(k not in row_codes for k in given) or any(v not in allowed for v in given.values()):
        raise _bad(_("Vui lòng chọn mức có trong thang của câu %(code)s."), code=q.code)
    if q.required and len(given) < len(row_codes):
        raise _bad(_("Vui lòng chọn mức cho từng dòng của câu %(code)s."), code=q.code)
    return [Answer(question=q, row=r, choice=given[r]) for r in row_codes if r in given]


def _checked_number(q: Question, value: Any) -> Decimal:
    try:
        number = _number(value)
        if not number.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError) as exc:
        raise _bad(_("Vui lòng nhập một số ở câu %(code)s."), code=q.code) from exc
    low, high = q.min_value, q.max_value
    if (low is not None and number < low) or (high is not None and number > high):
        raise _bad(
            _("Vui lòng nhập một số từ %(low)s đến %(high)s ở câu %(code)s."),
            code=q.code,
            low=_shown_number(low) if low is not None else "—",
            high=_shown_number(high) if high is not None else "—",
        )
    return number.quantize(Decimal("0.01"))

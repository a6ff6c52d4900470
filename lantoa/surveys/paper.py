"""Paper sheets keyed by officers, once or (``Survey.double_entry``) twice.

Keyed once, a sheet is a response at once (``services.response_submit``, channel "paper").

Keyed twice, the two keyings of one sheet are matched by the sheet's code, so a double-keyed
survey asks for the code on every paper sheet. The first keying is checked like a response
(answers, unit, code unused) and waits as a ``PaperSheet``; the second, ideally by another
officer, is compared with it question by question. The same answers: the sheet is accepted,
i.e. becomes a response like any other (the code used, the quota counted once, now). Any
difference: the sheet waits as "lệch" with both keyings, shown side by side per question,
until a third look at the paper settles it (``sheet_resolve``) or it is dropped
(``sheet_discard``). Accepted or dropped, the ``PaperSheet`` row is deleted: in an anonymous
survey nothing then ties the code to the answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lantoa.core.services import acting_user
from lantoa.surveys import services
from lantoa.surveys.answers import check_answers
from lantoa.surveys.models import (
    Answer,
    Channel,
    PaperSheet,
    Question,
    QuestionKind,
    Response,
    SheetStatus,
    Survey,
    SurveyCode,
)
from lantoa.units.models import Unit, UnitClosure

K = QuestionKind
FIRST, ACCEPTED, MISMATCH = "first", "accepted", "mismatch"


@dataclass
class Keyed:
    """What keying a sheet did: ``FIRST`` (waits for the second keying), ``ACCEPTED`` (a
    response now) or ``MISMATCH`` (waits for a third look)."""

    outcome: str
    response: Response | None = None
    sheet: PaperSheet | None = None


def _audit(survey: Survey, action: str, actor: Any, unit: Unit, **data: Any) -> None:
    # The sheet's code is never written to the audit log (anonymous surveys).
    services._audit(survey, action, actor, unit=unit.code, **data)


def _questions(survey: Survey) -> list[Question]:
    return list(survey.current_version().questions.all())


def _check(survey: Survey, unit: Unit, answers: Mapping[str, Any], actor: Any) -> list[Answer]:
    """What ``response_submit`` would check before storing, without storing anything."""
    services._require(actor, "survey.enter", unit)
    if not services.is_collecting(survey) or not survey.current_version().is_published:
        raise ValidationError(_("Cuộc khảo sát hiện không nhận phiếu trả lời."), code="closed")
    if not services.collecting_unit(survey, unit):
        raise ValidationError(
            _("Đơn vị %(unit)s không thuộc phạm vi cuộc khảo sát.") % {"unit": unit.name}
        )
    return check_answers(_questions(survey), answers, survey_unit=survey.unit)


def _check_code(survey: Survey, unit: Unit, code: str) -> str:
    """The normalised code of a sheet to be double-keyed: required, issued to ``unit``'s
    branch of the tree and not used yet (it is used when the sheet is accepted)."""
    code = services.normalise_code(code)
    if not code:
        raise ValidationError(
            {
                "code": _(
                    "Vui lòng nhập mã phiếu: cuộc khảo sát này nhập phiếu giấy hai lần và hai "
                    "lần nhập được ghép với nhau theo mã phiếu."
                )
            }
        )
    found = SurveyCode.objects.filter(survey=survey, code=code).first()
    if found is None:
        raise ValidationError(
            {"code": _("Vui lòng kiểm tra lại mã phiếu: mã “%(code)s” không có.") % {"code": code}}
        )
    if not UnitClosure.objects.filter(ancestor_id=found.unit_id, descendant=unit).exists():
        raise ValidationError(
            {
                "code": _("Vui lòng kiểm tra lại mã phiếu: mã “%(code)s” cấp cho đơn vị khác.")
                % {"code": code}
            }
        )
    if found.used:
        raise ValidationError(
            {
                "code": _("Mã phiếu “%(code)s” đã được dùng; mỗi mã chỉ dùng một lần.")
                % {"code": code}
            },
            code="code_used",
        )
    return code


def canonical(rows: list[Answer]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """The answers of a keying in a form two keyings are compared by: per question code, the
    sorted (row, choice, number, date, text) of its answer rows."""
    found: dict[str, list[tuple[str, ...]]] = {}
    for a in rows:
        found.setdefault(a.question.code, []).append(
            (
                a.row,
                a.choice,
                "" if a.number is None else str(a.number),
                "" if a.date is None else a.date.isoformat(),
                a.text,
            )
        )
    return {code: tuple(sorted(items)) for code, items in found.items()}


def paper_sheet_key(
    *, survey: Survey, unit: Unit, answers: Mapping[str, Any], code: str, actor: Any
) -> Keyed:
    """Key one paper sheet (see the module's docstring). Refusals are ``ValidationError``
    keyed by question code, "code" or "__all__"; a refused keying stores nothing."""
    if not survey.double_entry:
        response = services.response_submit(
            survey=survey, unit=unit, answers=answers, channel=Channel.PAPER, code=code, actor=actor
        )
        return Keyed(ACCEPTED, response=response)
    rows = _check(survey, unit, answers, actor)
    code = _check_code(survey, unit, code)
    for _attempt in range(2):
        try:
            with transaction.atomic():
                sheet = (
                    PaperSheet.objects.select_for_update().filter(survey=survey, code=code).first()
                )
                if sheet is None:
                    sheet = PaperSheet.objects.create(
                        survey=survey,
                        unit=unit,
                        code=code,
                        first=dict(answers),
                        first_by=acting_user(actor),
                    )
                    _audit(survey, "paper_first", actor, unit)
                    return Keyed(FIRST, sheet=sheet)
                if sheet.status == SheetStatus.MISMATCH:
                    raise ValidationError(
                        {
                            "code": _(
                                "Phiếu mã “%(code)s” đã được nhập hai lần và đang chờ đối chiếu "
                                "những chỗ lệch; vui lòng xem ở mục “Phiếu lệch”."
                            )
                            % {"code": code}
                        },
                        code="mismatch_waiting",
                    )
                first = check_answers(_questions(survey), sheet.first, survey_unit=survey.unit)
                if sheet.unit_id == unit.pk and canonical(first) == canonical(rows):
                    break  # the two keyings agree: accepted below, outside this lock
                sheet.status = SheetStatus.MISMATCH
                sheet.second = dict(answers)
                sheet.second_unit = unit
                sheet.second_by = acting_user(actor)
                sheet.save()
                differ = len(differences(sheet))
                _audit(survey, "paper_mismatch", actor, unit, differences=differ)
                return Keyed(MISMATCH, sheet=sheet)
        except IntegrityError:
            continue  # another officer keyed the same code first a moment ago: compare
    else:
        raise ValidationError(_("Vui lòng lưu lại phiếu: hệ thống đang bận."), code="busy")
    return Keyed(ACCEPTED, response=_accept(sheet, unit, sheet.first, actor), sheet=None)


def _accept(sheet: PaperSheet, unit: Unit, answers: Mapping[str, Any], actor: Any) -> Response:
    """The sheet becomes a response (the code used, the quota counted), then its keyings go.
    ``response_submit`` runs in its own transactions (in an anonymous survey the code is used
    apart from the response), so a refusal there (quota full) keeps the sheet waiting."""
    response = services.response_submit(
        survey=sheet.survey,
        unit=unit,
        answers=answers,
        channel=Channel.PAPER,
        code=sheet.code,
        actor=actor,
    )
    PaperSheet.objects.filter(pk=sheet.pk).delete()
    return response


def sheet_resolve(
    *, sheet: PaperSheet, unit: Unit, answers: Mapping[str, Any], actor: Any
) -> Response:
    """The third look: the answers as read again on the paper, for a sheet whose keyings
    differ; accepted as a response at once."""
    survey = sheet.survey
    if sheet.status != SheetStatus.MISMATCH:
        raise ValidationError(_("Phiếu này chưa được nhập lần hai nên chưa có gì để đối chiếu."))
    services._require(actor, "survey.enter", sheet.unit)
    differ = len(differences(sheet))
    response = _accept(sheet, unit, answers, actor)
    _audit(survey, "paper_resolved", actor, unit, differences=differ)
    return response


def sheet_discard(*, sheet: PaperSheet, actor: Any) -> None:
    """Drop a waiting sheet (keyed under a wrong code, say); its code stays unused."""
    services._require(actor, "survey.enter", sheet.unit)
    with transaction.atomic():
        PaperSheet.objects.filter(pk=sheet.pk).delete()
        _audit(sheet.survey, "paper_discarded", actor, sheet.unit)


# --- side by side ---------------------------------------------------------------------------


@dataclass
class Difference:
    code: str
    text: str
    first: str
    second: str
    differs: bool


def shown_value(q: Question, raw: Mapping[str, Any]) -> str:
    """One question's answer in a keying, as the officer reads it: labels with their codes."""
    value = raw.get(q.code)
    other = str(raw.get(f"{q.code}__other") or "").strip()
    if value in (None, "", [], {}):
        return "—"
    if q.kind == K.MATRIX and isinstance(value, Mapping):
        rows = {r["value"]: r["label"] for r in q.rows}
        return "; ".join(
            f"{rows.get(str(k), k)}: {v}. {q.label_of(str(v))}"
            for k, v in value.items()
            if str(v).strip()
        )
    if isinstance(value, list):
        text = "; ".join(f"{v}. {q.label_of(str(v))}" for v in value)
    elif q.kind in (K.SINGLE, K.LIKERT, K.MULTIPLE):
        text = f"{value}. {q.label_of(str(value))}"
    else:
        text = str(value)
    return f"{text} ({other})" if other else text


def differences(sheet: PaperSheet) -> list[Difference]:
    """Every question of the questionnaire with both keyings, those that differ marked (and
    the sheet's unit first when the two keyings name different units)."""
    found: list[Difference] = []
    if sheet.second_unit_id and sheet.second_unit_id != sheet.unit_id:
        second_unit = sheet.second_unit
        assert second_unit is not None
        found.append(Difference("", _("Đơn vị của phiếu"), sheet.unit.name, second_unit.name, True))
    for q in _questions(sheet.survey):
        first, second = shown_value(q, sheet.first), shown_value(q, sheet.second)
        found.append(Difference(q.code, q.text, first, second, _same(q, sheet) is False))
    return found


def _same(q: Question, sheet: PaperSheet) -> bool:
    """Do the two keyings give ``q`` the same answer (compared as stored, so "29" and "29,0"
    agree)?"""

    def rows(raw: Mapping[str, Any]) -> tuple[tuple[str, ...], ...]:
        part = {k: v for k, v in raw.items() if k in (q.code, f"{q.code}__other")}
        try:
            return canonical(check_answers([q], part, survey_unit=sheet.survey.unit)).get(
                q.code, ()
            )
        except ValidationError:
            return (("?", repr(sorted(part.items(), key=str))),)

    return rows(sheet.first) == rows(sheet.second)

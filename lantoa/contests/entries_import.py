"""Paper and offline answer sheets: ``lantoa contests import-entries CONTEST FILE``.

One row per sheet: the round's number, the entrant's name, phone and unit code, the answers,
the prediction, when the sheet was handed in and how long it took. The answers name each
question by its number in the contest's question bank (the order of the bank's export) and
the options chosen by letter, in the bank's order: ``1=B; 7=A,C; 12=D`` (``12=`` for a
question left blank); a sheet has as many questions as the round's attempts.

Every row is checked first (``Dòng N, cột “…”: …``); one bad row and nothing is written. The
sheets then go through the same scoring and flags as the online attempts
(``entry.paper_attempt_record``); an entrant is found again by phone (the same name) or
registered as verified by the organisers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lantoa import access
from lantoa.audit.services import audit_record
from lantoa.contests import entry
from lantoa.contests.importing import LETTERS
from lantoa.contests.models import Attempt, Contest, Entrant, Option, Question, Round
from lantoa.core import tabular
from lantoa.core.phone import normalise_phone
from lantoa.core.tabular import RowError, Sheet
from lantoa.core.text import fold, format_int
from lantoa.units.models import Unit

COLUMNS = (
    "round",
    "full_name",
    "phone",
    "unit_code",
    "answers",
    "prediction",
    "submitted_at",
    "duration",
)
REQUIRED = ("round", "full_name", "phone", "unit_code", "answers", "submitted_at", "duration")
LABELS = {
    "round": "Đợt thi",
    "full_name": "Họ và tên",
    "phone": "Số điện thoại",
    "unit_code": "Mã đơn vị",
    "answers": "Câu trả lời",
    "prediction": "Dự đoán",
    "submitted_at": "Nộp lúc",
    "duration": "Thời gian làm bài",
}
SHEET = Sheet(
    columns=COLUMNS,
    required=REQUIRED,
    labels=LABELS,
    header_hint="Đợt thi, Họ và tên, Số điện thoại, Mã đơn vị, Câu trả lời, Nộp lúc, …",
    extra_aliases={
        "dot": "round",
        "so dot": "round",
        "ten": "full_name",
        "ho ten": "full_name",
        "dien thoai": "phone",
        "sdt": "phone",
        "don vi": "unit_code",
        "dap an": "answers",
        "bai lam": "answers",
        "cau du doan": "prediction",
        "thoi gian nop": "submitted_at",
        "thoi gian": "duration",
    },
)
_ITEM = re.compile(r"^\s*(\d+)\s*[=:]\s*([A-Fa-f\s,]*)$")
_DATETIME_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")


@dataclass
class EntriesImportResult(tabular.ImportResult):
    created: int = 0
    entrants: int = 0

    def summary_text(self) -> str:
        return _("Đã nhập %(created)s phiếu dự thi của %(entrants)s người dự thi mới.") % {
            "created": format_int(self.created),
            "entrants": format_int(self.entrants),
        }


def template() -> tabular.Template:
    """The blank file of ``lantoa contests template --entries``."""
    return tabular.Template(
        sheet=SHEET,
        title="Phiếu dự thi",
        example={
            "round": "1",
            "full_name": "Nguyễn Thị Lan",
            "phone": "0912345678",
            "unit_code": "MÃ-ĐƠN-VỊ",
            "answers": "1=B; 2=A,C; 3=D; 4=",
            "prediction": "120",
            "submitted_at": "05/05/2026 09:30",
            "duration": "18:40",
        },
    )


def _datetime(raw: str) -> dt.datetime:
    text = " ".join(raw.split())
    for fmt in _DATETIME_FORMATS:
        try:
            return timezone.make_aware(dt.datetime.strptime(text, fmt))
        except ValueError:
            continue
    raise ValueError(
        _(
            "“%(raw)s” không phải ngày giờ hợp lệ; vui lòng ghi dd/mm/yyyy hh:mm (ví dụ "
            "05/05/2026 09:30)."
        )
        % {"raw": raw}
    )


def _duration(raw: str) -> dt.timedelta:
    """Seconds ("1120"), mm:ss ("18:40") or hh:mm:ss ("1:02:05")."""
    text = raw.strip()
    parts = text.split(":")
    if not 1 <= len(parts) <= 3 or not all(p.strip().isdecimal() for p in parts):
        raise ValueError(
            _("“%(raw)s” không phải thời gian hợp lệ; vui lòng ghi số giây hoặc phút:giây (18:40).")
            % {"raw": raw}
        )
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + int(part)
    return dt.timedelta(seconds=seconds)


@dataclass
class _Sheet:
    row: int
    round: Round
    name: str
    phone: str
    unit: Unit
    answers: list[tuple[int, list[int]]]
    prediction: int | None
    submitted_at: dt.datetime
    duration: dt.timedelta


class _Context:
    """What every row is checked against, read once."""

    def __init__(self, contest: Contest) -> None:
        self.rounds = {r.number: r for r in contest.rounds.all()}
        self.units = {u.code.casefold(): u for u in entry.entrant_units(contest)}
        self.questions = dict(
            Question.objects.filter(contest=contest).values_list("position", "pk")
        )
        self.kinds = dict(Question.objects.filter(contest=contest).values_list("pk", "kind"))
        self.options: dict[int, list[int]] = {}
        for question_id, option_id in (
            Option.objects.filter(question__contest=contest)
            .order_by("question_id", "position")
            .values_list("question_id", "pk")
        ):
            self.options.setdefault(question_id, []).append(option_id)
        self.entrants = {
            e.phone: e for e in Entrant.objects.filter(contest=contest).select_related("unit")
        }


def _answers(raw: str, ctx: _Context, error: Any) -> list[tuple[int, list[int]]] | None:
    items = [i for i in re.split(r"[;\n]+", raw) if i.strip()]
    out: list[tuple[int, list[int]]] = []
    seen: set[int] = set()
    for item in items:
        match = _ITEM.match(item)
        if match is None:
            error(
                "answers",
                _(
                    "“%(item)s” không đúng dạng; vui lòng ghi số câu hỏi trong kho, dấu = và "
                    "chữ cái phương án, ví dụ 7=A,C."
                )
                % {"item": item.strip()},
            )
            return None
        number = int(match.group(1))
        question_id = ctx.questions.get(number)
        if question_id is None:
            error(
                "answers",
                _("kho câu hỏi không có câu số %(number)s.") % {"number": number},
            )
            return None
        if question_id in seen:
            error("answers", _("câu số %(number)s ghi hai lần.") % {"number": number})
            return None
        seen.add(question_id)
        letters = [c for c in match.group(2).upper() if c in LETTERS]
        options = ctx.options.get(question_id, [])
        chosen: list[int] = []
        for letter in letters:
            index = LETTERS.index(letter)
            if index >= len(options):
                error(
                    "answers",
                    _("câu số %(number)s không có phương án %(letter)s.")
                    % {"number": number, "letter": letter},
                )
                return None
            chosen.append(options[index])
        if ctx.kinds.get(question_id) == "single" and len(set(chosen)) > 1:
            error(
                "answers",
                _("câu số %(number)s chỉ chọn một phương án.") % {"number": number},
            )
            return None
        out.append((question_id, chosen))
    return out


def _check_row(number: int, record: dict[str, str], ctx: _Context) -> tuple[_Sheet | None, list]:
    errors: list[RowError] = []

    def error(column: str, message: str) -> None:
        errors.append(SHEET.error(number, column, message))

    rnd = None
    if not record["round"].strip().isdecimal():
        error("round", _("vui lòng ghi số thứ tự của đợt thi (1, 2, …)."))
    else:
        rnd = ctx.rounds.get(int(record["round"]))
        if rnd is None:
            error("round", _("cuộc thi không có đợt thi số %(n)s.") % {"n": record["round"]})
    name = " ".join(record["full_name"].split())
    if len(name) > 150:
        error("full_name", _("họ và tên dài quá 150 ký tự."))
    phone = normalise_phone(record["phone"])
    if not phone:
        error("phone", _("vui lòng ghi số điện thoại Việt Nam gồm 10 chữ số bắt đầu bằng 0."))
    else:
        known = ctx.entrants.get(phone)
        if known is not None and fold(known.full_name) != fold(name):
            error(
                "phone",
                _("số này đã đăng ký dự thi với tên “%(name)s”.") % {"name": known.full_name},
            )
    unit = ctx.units.get(record["unit_code"].strip().casefold())
    if unit is None:
        error(
            "unit_code",
            _("không có đơn vị đang hoạt động mã “%(code)s” trong phạm vi cuộc thi.")
            % {"code": record["unit_code"]},
        )
    answers = _answers(record["answers"], ctx, error)
    if answers is not None and rnd is not None and len(answers) != rnd.questions_per_attempt:
        error(
            "answers",
            _("phiếu có %(count)s câu, đợt thi có %(per)s câu mỗi bài.")
            % {"count": len(answers), "per": rnd.questions_per_attempt},
        )
    prediction = None
    if record["prediction"].strip():
        try:
            prediction = tabular.parse_count(record["prediction"])
        except ValueError as exc:
            error("prediction", str(exc))
    submitted_at = duration = None
    try:
        submitted_at = _datetime(record["submitted_at"])
    except ValueError as exc:
        error("submitted_at", str(exc))
    try:
        duration = _duration(record["duration"])
    except ValueError as exc:
        error("duration", str(exc))
    if (
        rnd is not None
        and submitted_at is not None
        and not rnd.opens_at <= submitted_at <= rnd.closes_at
    ):
        error(
            "submitted_at",
            _("ngoài thời gian của đợt thi (%(start)s – %(end)s).")
            % {
                "start": timezone.localtime(rnd.opens_at).strftime("%d/%m/%Y %H:%M"),
                "end": timezone.localtime(rnd.closes_at).strftime("%d/%m/%Y %H:%M"),
            },
        )
    if rnd is not None and duration is not None:
        if duration.total_seconds() <= 0:
            error("duration", _("thời gian làm bài phải lớn hơn 0."))
        elif duration > dt.timedelta(minutes=rnd.time_limit_minutes) + entry.GRACE:
            error(
                "duration",
                _("dài hơn thời gian làm bài của đợt thi (%(m)s phút).")
                % {"m": rnd.time_limit_minutes},
            )
    if errors or rnd is None or unit is None or answers is None:
        return None, errors
    assert submitted_at is not None and duration is not None
    return (
        _Sheet(number, rnd, name, phone, unit, answers, prediction, submitted_at, duration),
        [],
    )


def entries_import(
    *,
    contest: Contest,
    fileobj: IO[bytes],
    filename: str,
    actor: Any = None,
    size: int | None = None,
) -> EntriesImportResult:
    """Check every sheet, then record them all in one transaction, or none."""
    if actor is not None and not access.can(actor, "contest.manage", contest.unit):
        raise PermissionDenied(_("Anh/chị không có quyền với cuộc thi của đơn vị này."))
    result = EntriesImportResult()
    if not contest.is_approved or contest.results_published_at is not None:
        result.errors = [
            RowError(
                0,
                "",
                _("chỉ nhập được phiếu dự thi của cuộc thi đã duyệt, chưa công bố kết quả."),
            )
        ]
        return result
    table = SHEET.read_into(result, fileobj, filename, size)
    if table is None:
        return result
    ctx = _Context(contest)
    sheets: list[_Sheet] = []
    for number, record in table.rows:
        sheet, errors = _check_row(number, record, ctx)
        result.errors.extend(errors)
        if sheet is not None:
            sheets.append(sheet)
    # Attempts allowed per entrant and round: those already taken and this file's together;
    # a sheet already recorded (same phone, round and time) is not taken twice.
    taken = Counter(
        (phone, round_id)
        for phone, round_id in Attempt.objects.filter(round__contest=contest).values_list(
            "entrant__phone", "round_id"
        )
    )
    recorded = set(
        Attempt.objects.filter(round__contest=contest, source="paper").values_list(
            "entrant__phone", "round_id", "submitted_at"
        )
    )
    for sheet in sheets:
        key = (sheet.phone, sheet.round.pk)
        if (sheet.phone, sheet.round.pk, sheet.submitted_at) in recorded:
            result.errors.append(
                SHEET.error(
                    sheet.row, "", _("phiếu này (cùng số điện thoại, đợt thi, giờ nộp) đã nhập.")
                )
            )
            continue
        recorded.add((sheet.phone, sheet.round.pk, sheet.submitted_at))
        taken[key] += 1
        if taken[key] > sheet.round.attempts_allowed:
            result.errors.append(
                SHEET.error(
                    sheet.row,
                    "",
                    _("số %(phone)s đã thi đủ %(allowed)s lần cho phép của đợt thi này.")
                    % {"phone": sheet.phone, "allowed": sheet.round.attempts_allowed},
                )
            )
    if result.errors:
        result.errors = SHEET.sorted_errors(result.errors)
        return result
    now = timezone.now()
    try:
        with transaction.atomic():
            for sheet in sheets:
                person = ctx.entrants.get(sheet.phone)
                if person is None:
                    person = Entrant.objects.create(
                        contest=contest,
                        full_name=sheet.name,
                        phone=sheet.phone,
                        unit=sheet.unit,
                        verified_at=now,
                    )
                    ctx.entrants[sheet.phone] = person
                    result.entrants += 1
                entry.paper_attempt_record(
                    entrant=person,
                    round=sheet.round,
                    answers=sheet.answers,
                    submitted_at=sheet.submitted_at,
                    duration=sheet.duration,
                    prediction=sheet.prediction,
                )
                result.created += 1
            audit_record(
                action="contest.entries_import",
                actor=actor,
                unit=contest.unit,
                target=f"{contest.pk}: {filename}"[:255],
                data={"rows": result.rows, "created": result.created},
                actor_label="" if actor is not None else "lantoa contests import-entries",
            )
    except ValidationError as exc:  # a sheet raced with an online attempt over the limit
        result.created = result.entrants = 0
        result.errors = [RowError(0, "", " ".join(exc.messages))]
    return result

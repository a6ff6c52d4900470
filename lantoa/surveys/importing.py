"""Importing a survey's responses from XLSX or CSV (``lantoa surveys import-responses FILE
--survey …``, and the "Nhập từ tệp" screen): sheets keyed elsewhere (a tablet offline, a
partner's spreadsheet), or a file exported here and sent back.

Columns: "Mã đơn vị" (required), "Mã phiếu" (the sheet's single-use code, when it has one),
then one column per question or sub-item named like the export and its codebook: ``A1`` (a
code of the codebook; the option's wording is read too), ``D2_1`` … for each option of a
multiple choice (1 ticked, 0 or empty not), ``C2_1`` … for each row of a matrix, ``B4_khac``
for the words of "Khác". Other columns (an export's "Số phiếu", "Đơn vị"…) are ignored.

The same framework as every import (``lantoa.core.tabular``): every row is checked first with
the rules of the response form (``answers.check_answers``), its unit (inside the survey and
the officer's scope), its code (issued to the unit's branch, unused, once in the file) and
the quotas (the file's rows added to what is already counted may not pass a cell's target or
an allocation); one problem and nothing is written, every problem named by row and column in
Vietnamese. A good file is written in one transaction: quota counts raised by one
conditional ``UPDATE`` per cell and allocation (a web sheet arriving meanwhile that fills a
cell makes the whole file refused, never over target), codes marked used in one statement
(in an anonymous survey nothing ties a code to its row), responses and answers in bulk.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from lantoa import access
from lantoa.core import tabular
from lantoa.core.services import acting_user
from lantoa.core.tabular import RowError, Sheet
from lantoa.core.text import fold, format_int
from lantoa.surveys import services
from lantoa.surveys.answers import check_answers, given_codes, other_key
from lantoa.surveys.exports import Column, columns_of
from lantoa.surveys.models import (
    OTHER,
    Answer,
    Channel,
    PaperSheet,
    Question,
    QuestionKind,
    QuotaAllocation,
    QuotaCell,
    Response,
    Survey,
    SurveyCode,
)
from lantoa.surveys.quotas import cell_for
from lantoa.units.models import Unit, UnitClosure
from lantoa.units.selectors import units_by_code

K = QuestionKind
UNIT, CODE = "__unit", "__code"
TICKED = {"1", "x", "co", "yes", "true", "dung"}
UNTICKED = {"", "0", "khong", "no", "false"}
BATCH_SIZE = 2000


@dataclass
class ImportResult(tabular.ImportResult):
    created: int = 0
    per_unit: dict[str, int] = field(default_factory=dict)

    def summary_text(self) -> str:
        return _("Đã nhập %(n)s phiếu trả lời.") % {"n": format_int(self.created)}


def sheet_of(survey: Survey) -> tuple[Sheet, list[Column]]:
    """The file's columns for the survey's current questionnaire."""
    columns = columns_of(list(survey.current_version().questions.all()))
    labels = {UNIT: _("Mã đơn vị"), CODE: _("Mã phiếu"), **{c.name: c.name for c in columns}}
    sheet = Sheet(
        columns=(UNIT, CODE, *(c.name for c in columns)),
        required=(UNIT,),
        labels=labels,
        header_hint=_("Mã đơn vị, Mã phiếu, rồi một cột cho mỗi câu hỏi: %(example)s, …")
        % {"example": ", ".join(c.name for c in columns[:3])},
        extra_aliases={
            "ma don vi": UNIT,
            "unit code": UNIT,
            "unit_code": UNIT,
            "ma phieu": CODE,
            "code": CODE,
        },
    )
    return sheet, columns


def _choice(question: Question, raw: str, choices: list[dict[str, Any]]) -> str | None:
    """The code of ``raw`` among ``choices``: the code itself, or its wording (folded)."""
    for c in choices:
        if raw == c["value"]:
            return str(c["value"])
    wanted = fold(raw)
    for c in choices:
        if wanted in (fold(str(c["label"])), fold(str(c.get("label_en") or ""))):
            return str(c["value"])
    return None


def _accepted(choices: list[dict[str, Any]]) -> str:
    return "; ".join(f"{c['value']} = {c['label']}" for c in choices)


def _read_answers(
    number: int, record: Mapping[str, str], sheet: Sheet, columns: list[Column]
) -> tuple[dict[str, Any], list[RowError]]:
    """The row as ``check_answers`` takes it (see ``answers``), and the cells it cannot read."""
    raw: dict[str, Any] = {}
    errors: list[RowError] = []
    for col in columns:
        q, text = col.question, record.get(col.name, "").strip()
        if col.part == "text":  # the words of "Khác"
            if text:
                raw[other_key(q.code)] = text
            continue
        if q.kind == K.MULTIPLE:
            folded = fold(text)
            if folded in TICKED:
                raw.setdefault(q.code, []).append(col.part)
            elif folded not in UNTICKED:
                errors.append(
                    sheet.error(
                        number,
                        col.name,
                        _(
                            "“%(value)s” không đọc được: ghi 1 nếu chọn phương án này, 0 hoặc để "
                            "trống nếu không."
                        )
                        % {"value": text},
                    )
                )
            continue
        if not text:
            continue
        if q.kind == K.MATRIX:
            code = _choice(q, text, q.choices())
            if code is None:
                errors.append(
                    sheet.error(
                        number,
                        col.name,
                        _(
                            "“%(value)s” không có trong sổ mã của câu %(code)s (chấp nhận: "
                            "%(accepted)s)."
                        )
                        % {"value": text, "code": q.code, "accepted": _accepted(q.choices())},
                    )
                )
            else:
                raw.setdefault(q.code, {})[col.part] = code
        elif q.kind in (K.SINGLE, K.LIKERT):
            code = _choice(q, text, q.choices())
            if code is None:
                errors.append(
                    sheet.error(
                        number,
                        col.name,
                        _(
                            "“%(value)s” không có trong sổ mã của câu %(code)s (chấp nhận: "
                            "%(accepted)s)."
                        )
                        % {"value": text, "code": q.code, "accepted": _accepted(q.choices())},
                    )
                )
            else:
                raw[q.code] = code
        else:
            raw[q.code] = text
    return raw, errors


@dataclass
class _Row:
    number: int
    unit: Unit
    code: SurveyCode | None
    rows: list[Answer]
    cell: QuotaCell | None


def responses_import(
    *,
    survey: Survey,
    fileobj: IO[bytes],
    filename: str,
    actor: Any = None,
    size: int | None = None,
) -> ImportResult:
    """Check the whole file, then write every sheet in one transaction, or nothing.
    ``actor`` None is the server's command line (every unit of the survey); an officer imports
    sheets of units where they hold "survey.enter"."""
    result = ImportResult()
    if not services.is_collecting(survey) or not survey.current_version().is_published:
        result.errors = [RowError(0, "", _("cuộc khảo sát hiện không nhận phiếu trả lời."))]
        return result
    sheet, columns = sheet_of(survey)
    table = sheet.read_into(result, fileobj, filename, size)
    if table is None:
        return result
    questions = list(survey.current_version().questions.all())
    first_column: dict[str, str] = {}
    for col in columns:
        first_column.setdefault(col.question.code, col.name)
    units = units_by_code(record[UNIT] for _n, record in table.rows)
    inside = set(
        UnitClosure.objects.filter(
            ancestor=survey.unit, descendant_id__in=[u.pk for u in units.values()]
        ).values_list("descendant_id", flat=True)
    )
    allowed = access.permitted_unit_ids(actor, units.values(), "survey.enter")
    units = {c: u for c, u in units.items() if u.pk in inside and u.pk in allowed}
    wanted_codes = {services.normalise_code(r[CODE]) for _n, r in table.rows if r[CODE]}
    codes = {c.code: c for c in SurveyCode.objects.filter(survey=survey, code__in=wanted_codes)}
    waiting = set(
        PaperSheet.objects.filter(survey=survey, code__in=wanted_codes).values_list(
            "code", flat=True
        )
    )
    branches: dict[int, set[int]] = {}
    for descendant, ancestor in UnitClosure.objects.filter(
        descendant_id__in=[u.pk for u in units.values()]
    ).values_list("descendant_id", "ancestor_id"):
        branches.setdefault(descendant, set()).add(ancestor)
    cells = list(survey.quota_cells.all())
    left = {c.pk: c.target - c.count for c in cells}
    allocations = list(QuotaAllocation.objects.filter(cell__survey=survey).select_related("unit"))
    alloc_left = {a.pk: a.target - a.count for a in allocations}
    seen_codes: dict[str, int] = {}
    good: list[_Row] = []
    for number, record in table.rows:
        errors: list[RowError] = []
        unit = units.get(record[UNIT])
        if unit is None:
            errors.append(
                sheet.error(
                    number,
                    UNIT,
                    _("không được để trống.")
                    if not record[UNIT]
                    else _(
                        "không có đơn vị mã “%(code)s” trong phạm vi cuộc khảo sát mà anh/chị "
                        "được nhập phiếu."
                    )
                    % {"code": record[UNIT]},
                )
            )
        code = _read_code(
            number, record[CODE], survey, unit, codes, waiting, seen_codes, sheet, branches
        )
        if isinstance(code, RowError):
            errors.append(code)
            code = None
        raw, cell_errors = _read_answers(number, record, sheet, columns)
        errors += cell_errors
        rows: list[Answer] = []
        if not cell_errors:
            try:
                rows = check_answers(questions, raw, survey_unit=survey.unit)
            except ValidationError as exc:
                for key, messages in exc.message_dict.items():
                    errors.append(sheet.error(number, first_column.get(key, ""), messages[0]))
        if errors or unit is None:
            result.errors += errors
            continue
        given = {q.code: given_codes(q, raw) for q in questions}
        cell = cell_for(survey, given, cells)
        if cell is not None:
            full = _take_quota(cell, unit, branches, allocations, left, alloc_left)
            if full:
                result.errors.append(sheet.error(number, "", full))
                continue
        good.append(_Row(number, unit, code, rows, cell))
    if result.errors:
        result.errors = sheet.sorted_errors(result.errors)
        return result
    try:
        _write(survey, good, actor, filename, result)
    except ValidationError as exc:  # a cell filled by web sheets since the check
        result.errors = [RowError(0, "", str(exc.messages[0]))]
        result.created = 0
    return result


def _read_code(
    number: int,
    text: str,
    survey: Survey,
    unit: Unit | None,
    codes: Mapping[str, SurveyCode],
    waiting: set[str],
    seen: dict[str, int],
    sheet: Sheet,
    branches: Mapping[int, set[int]],
) -> SurveyCode | RowError | None:
    if not text:
        if survey.codes_required:
            return sheet.error(number, CODE, _("không được để trống: phiếu cần mã phiếu."))
        return None
    code = services.normalise_code(text)
    found = codes.get(code)
    if found is None:
        return sheet.error(number, CODE, _("mã “%(code)s” không có.") % {"code": code})
    if code in seen:
        return sheet.error(
            number,
            CODE,
            _("mã “%(code)s” đã có ở dòng %(row)s; mỗi mã chỉ dùng một lần.")
            % {"code": code, "row": seen[code]},
        )
    seen[code] = number
    if found.used:
        return sheet.error(
            number,
            CODE,
            _("mã phiếu “%(code)s” đã được dùng; mỗi mã chỉ dùng một lần.") % {"code": code},
        )
    if code in waiting:
        return sheet.error(
            number,
            CODE,
            _("phiếu mã “%(code)s” đang được nhập hai lần trên màn hình nhập phiếu giấy.")
            % {"code": code},
        )
    if unit is not None and found.unit_id not in branches.get(unit.pk, set()):
        return sheet.error(number, CODE, _("mã “%(code)s” cấp cho đơn vị khác.") % {"code": code})
    return found


def _take_quota(
    cell: QuotaCell,
    unit: Unit,
    branches: Mapping[int, set[int]],
    allocations: list[QuotaAllocation],
    left: dict[int, int],
    alloc_left: dict[int, int],
) -> str:
    """Count the row in its cell and the allocations up its branch; the refusal, or ""."""
    if left[cell.pk] <= 0:
        return _(
            "nhóm “%(cell)s” đã đủ số phiếu cần thu (tính cả các dòng trên của tệp) nên không "
            "nhận thêm phiếu này."
        ) % {"cell": cell.label}
    mine = [
        a for a in allocations if a.cell_id == cell.pk and a.unit_id in branches.get(unit.pk, ())
    ]
    for a in mine:
        if alloc_left[a.pk] <= 0:
            return _(
                "nhóm “%(cell)s” của %(unit)s đã đủ số phiếu được phân bổ (tính cả các dòng "
                "trên của tệp) nên không nhận thêm phiếu này."
            ) % {"cell": cell.label, "unit": a.unit.name}
    left[cell.pk] -= 1
    for a in mine:
        alloc_left[a.pk] -= 1
    return ""


def _write(survey: Survey, good: list[_Row], actor: Any, filename: str, result: Any) -> None:
    version = survey.current_version()
    now = timezone.now()
    keyed_by = None if survey.anonymous else acting_user(actor)
    with transaction.atomic():
        per_cell = Counter(r.cell.pk for r in good if r.cell is not None)
        for cell_id, n in per_cell.items():
            if not QuotaCell.objects.filter(pk=cell_id, count__lte=F("target") - n).update(
                count=F("count") + n
            ):
                cell = QuotaCell.objects.get(pk=cell_id)
                raise ValidationError(
                    _(
                        "nhóm “%(cell)s” vừa nhận thêm phiếu trực tuyến nên không còn đủ chỗ cho "
                        "%(n)s phiếu của tệp; chưa có phiếu nào được ghi."
                    )
                    % {"cell": cell.label, "n": format_int(n)}
                )
        per_allocation: Counter[int] = Counter()
        ancestors: dict[int, set[int]] = {}
        for descendant, ancestor in UnitClosure.objects.filter(
            descendant_id__in={r.unit.pk for r in good}
        ).values_list("descendant_id", "ancestor_id"):
            ancestors.setdefault(descendant, set()).add(ancestor)
        allocations = list(QuotaAllocation.objects.filter(cell__survey=survey))
        for r in good:
            if r.cell is None:
                continue
            for a in allocations:
                if a.cell_id == r.cell.pk and a.unit_id in ancestors.get(r.unit.pk, ()):
                    per_allocation[a.pk] += 1
        for allocation_id, n in per_allocation.items():
            if not QuotaAllocation.objects.filter(
                pk=allocation_id, count__lte=F("target") - n
            ).update(count=F("count") + n):
                raise ValidationError(
                    _(
                        "một đơn vị vừa nhận thêm phiếu trực tuyến nên phân bổ không còn đủ chỗ "
                        "cho các phiếu của tệp; chưa có phiếu nào được ghi."
                    )
                )
        used = [r.code.pk for r in good if r.code is not None]
        if used and SurveyCode.objects.filter(pk__in=used, used=False).update(used=True) != len(
            used
        ):
            raise ValidationError(
                _("một mã phiếu của tệp vừa được dùng ở nơi khác; chưa có phiếu nào được ghi.")
            )
        responses = [
            Response(
                survey=survey,
                version=version,
                unit=r.unit,
                channel=Channel.IMPORT,
                submitted_at=now,
                code=None if survey.anonymous else r.code,
                quota_cell=r.cell,
                keyed_by=keyed_by,
            )
            for r in good
        ]
        Response.objects.bulk_create(responses, batch_size=BATCH_SIZE)
        answers: list[Answer] = []
        for response, r in zip(responses, good, strict=True):
            for answer in r.rows:
                answer.response = response
                answer.unit = r.unit  # the response's unit (Answer.unit)
            answers += r.rows
        Answer.objects.bulk_create(answers, batch_size=BATCH_SIZE)
        result.created = len(responses)
        result.per_unit = dict(Counter(r.unit.code for r in good))
        services._audit(
            survey,
            "responses_import",
            actor,
            file=filename[:255],
            rows=result.rows,
            created=result.created,
        )


# --- the blank file -------------------------------------------------------------------------


def codebook_rows(columns: list[Column]) -> list[list[Any]]:
    """(variable, question, code, label) for every code a column takes."""
    rows: list[list[Any]] = []
    for col in columns:
        q = col.question
        if col.part == "text":
            rows.append(
                [col.name, _("%(code)s: ghi rõ phương án “Khác”") % {"code": q.code}, "", ""]
            )
        elif q.kind == K.MULTIPLE:
            rows.append([col.name, f"{q.code}. {q.text} — {q.label_of(col.part)}", 1, _("Có chọn")])
            rows.append([col.name, "", 0, _("Không chọn")])
        elif q.kind == K.MATRIX:
            row_label = next((r["label"] for r in q.rows if r["value"] == col.part), col.part)
            for c in q.choices():
                rows.append([col.name, f"{q.code}. {row_label}", c["value"], c["label"]])
        elif q.kind in (K.SINGLE, K.LIKERT):
            for c in q.choices():
                if c["value"] != OTHER or q.allow_other:
                    rows.append([col.name, f"{q.code}. {q.text}", c["value"], c["label"]])
        else:
            rows.append([col.name, f"{q.code}. {q.text}", "", q.get_kind_display()])
    return rows


def template_bytes(survey: Survey) -> bytes:
    """The blank workbook: the data sheet (header only: a sample row would be imported as a
    sheet), drop-down lists of the codes on the choice columns, the codebook and a note."""
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    sheet, columns = sheet_of(survey)
    workbook = tabular.xlsx_workbook()
    data = workbook.active
    data.title = _("Phiếu trả lời")
    data.append([sheet.labels[k] + ("*" if k in sheet.required else "") for k in sheet.columns])
    for cell in data[1]:
        cell.font = Font(bold=True)
    data.freeze_panes = "C2"
    for index, col in enumerate(columns, start=3):
        q = col.question
        letter = tabular._column_letter(index)
        data.column_dimensions[letter].width = max(8, len(col.name) + 3)
        if col.part == "text" or q.kind not in (K.SINGLE, K.LIKERT, K.MATRIX, K.MULTIPLE):
            continue
        values = ["1", "0"] if q.kind == K.MULTIPLE else [str(c["value"]) for c in q.choices()]
        formula = '"' + ",".join(values) + '"'
        if len(formula) > 255:
            continue
        validation = DataValidation(type="list", formula1=formula, allow_blank=True)
        validation.errorStyle = "warning"
        validation.add(f"{letter}2:{letter}{tabular.TEMPLATE_ROWS + 1}")
        data.add_data_validation(validation)
    data.column_dimensions["A"].width = 14
    data.column_dimensions["B"].width = 12
    book = workbook.create_sheet(_("Sổ mã"))
    book.append([_("Biến"), _("Câu hỏi"), _("Mã"), _("Nhãn")])
    for row in codebook_rows(columns):
        book.append(row)
    note = workbook.create_sheet(_("Hướng dẫn"))
    for line in (
        _("Mỗi dòng của trang “Phiếu trả lời” là một phiếu; dòng 1 là dòng tiêu đề."),
        _(
            "Mã đơn vị: đơn vị của phiếu, thuộc phạm vi cuộc khảo sát. Mã phiếu: mã in trên phiếu "
            "giấy, nếu có (bắt buộc khi cuộc khảo sát chỉ nhận phiếu có mã)."
        ),
        _(
            "Câu chọn một, thang đánh giá, mỗi dòng của bảng: ghi mã trong trang “Sổ mã”. Câu chọn "
            "nhiều: mỗi phương án một cột, ghi 1 nếu chọn. Số: 1200 hoặc 12,5. Ngày: dd/mm/yyyy."
        ),
        _("Câu không áp dụng (theo điều kiện hiện của bảng hỏi) để trống."),
        _("Nếu có dòng sai, không phiếu nào được nhập và mọi lỗi được liệt kê theo dòng, cột."),
    ):
        note.append([line])
    note.column_dimensions["A"].width = 120
    return tabular.xlsx_bytes(workbook)

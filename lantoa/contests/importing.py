"""Importing and exporting a contest's question bank (CSV or XLSX).

``lantoa contests import-bank CONTEST FILE``, the bank page's upload and its export use the
same columns: the question, its kind, options A–F, the correct ones ("A" or "A, C"), topic,
difficulty, explanation, legal reference and the slug of a legal Q&A article. Every row is
checked first with the rules of ``question_check``; one bad row and nothing is written, each
problem named "Dòng N, cột “…”: …".
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.utils import translation
from django.utils.translation import gettext as _

from lantoa import access
from lantoa.audit.services import audit_record
from lantoa.contests.models import Contest, ContestStatus, Difficulty, Question, QuestionKind
from lantoa.contests.services import (
    MAX_OPTIONS,
    article_unknown,
    articles_by_slug,
    question_check,
    questions_add,
)
from lantoa.core import tabular
from lantoa.core.tabular import RowError, Sheet
from lantoa.core.text import fold, format_int
from lantoa.kb.models import Article

LETTERS = "ABCDEF"
OPTION_COLUMNS = tuple(f"option_{letter.lower()}" for letter in LETTERS)
COLUMNS = (
    "text",
    "kind",
    *OPTION_COLUMNS,
    "correct",
    "topic",
    "difficulty",
    "explanation",
    "legal_reference",
    "article",
)
REQUIRED_COLUMNS = ("text", "option_a", "option_b", "correct")
FIELD_LABELS = {
    "text": "Câu hỏi",
    "kind": "Loại câu hỏi",
    **{f"option_{letter.lower()}": f"Phương án {letter}" for letter in LETTERS},
    "correct": "Đáp án đúng",
    "topic": "Chủ đề",
    "difficulty": "Mức độ",
    "explanation": "Giải thích",
    "legal_reference": "Căn cứ pháp lý",
    "article": "Bài hỏi đáp pháp luật",
}
SHEET = Sheet(
    columns=COLUMNS,
    required=REQUIRED_COLUMNS,
    labels=FIELD_LABELS,
    header_hint="Câu hỏi, Phương án A, Phương án B, …, Đáp án đúng",
    extra_aliases={
        "noi dung cau hoi": "text",
        "loai": "kind",
        **{f"{letter.lower()}": f"option_{letter.lower()}" for letter in LETTERS},
        **{f"dap an {letter.lower()}": f"option_{letter.lower()}" for letter in LETTERS},
        "dap an": "correct",
        "dap an dung": "correct",
        "linh vuc": "topic",
        "do kho": "difficulty",
        "can cu": "legal_reference",
        "bai hoi dap": "article",
    },
)
# The service's field names → the file's columns.
_FIELD_TO_COLUMN = {
    "text": "text",
    "kind": "kind",
    "options": "option_a",
    "correct": "correct",
    "topic": "topic",
    "difficulty": "difficulty",
    "explanation": "explanation",
    "legal_reference": "legal_reference",
}
_KIND_ALIASES = {
    "mot dap an": QuestionKind.SINGLE,
    "mot dap an dung": QuestionKind.SINGLE,
    "mot": QuestionKind.SINGLE,
    "single": QuestionKind.SINGLE,
    "nhieu dap an": QuestionKind.MULTIPLE,
    "nhieu dap an dung": QuestionKind.MULTIPLE,
    "nhieu": QuestionKind.MULTIPLE,
    "multiple": QuestionKind.MULTIPLE,
}
_DIFFICULTY_ALIASES = {
    "de": Difficulty.EASY,
    "easy": Difficulty.EASY,
    "trung binh": Difficulty.MEDIUM,
    "medium": Difficulty.MEDIUM,
    "kho": Difficulty.HARD,
    "hard": Difficulty.HARD,
}
_SEPARATORS = re.compile(r"[\s,;/]+")


@dataclass
class BankImportResult(tabular.ImportResult):
    created: int = 0

    def summary_text(self) -> str:
        return _("Đã nhập %(created)s câu hỏi vào kho câu hỏi.") % {
            "created": format_int(self.created)
        }


def template() -> tabular.Template:
    """The blank file of ``lantoa contests template``: one single-answer question."""
    with translation.override("vi"):
        kinds = [str(label) for _value, label in QuestionKind.choices]
        levels = [str(label) for _value, label in Difficulty.choices]
        example = {
            "text": "Theo Bộ luật Lao động 2019, thời gian thử việc tối đa đối với công việc "
            "cần trình độ cao đẳng trở lên là bao nhiêu ngày?",
            "kind": str(QuestionKind.SINGLE.label),
            "option_a": "30 ngày",
            "option_b": "60 ngày",
            "option_c": "90 ngày",
            "option_d": "180 ngày",
            "correct": "B",
            "topic": "Hợp đồng lao động",
            "difficulty": str(Difficulty.EASY.label),
            "explanation": "Điều 25 Bộ luật Lao động 2019: không quá 60 ngày.",
            "legal_reference": "Điều 25 Bộ luật Lao động 2019",
        }
    return tabular.Template(
        sheet=SHEET,
        title="Câu hỏi",
        example=example,
        choices={"kind": kinds, "difficulty": levels},
    )


def _lookup(aliases: Mapping[str, str], choices: Any) -> dict[str, str]:
    table = {fold(k): v for k, v in aliases.items()}
    with translation.override("vi"):
        for value, label in choices:
            table[fold(value)] = value
            table[fold(str(label))] = value
    return table


def _parse_row(
    number: int,
    record: dict[str, str],
    kinds: dict[str, str],
    levels: dict[str, str],
    articles: dict[str, Article],
) -> tuple[dict[str, Any] | None, list[RowError]]:
    errors: list[RowError] = []

    def error(column: str, message: str) -> None:
        errors.append(SHEET.error(number, column, message))

    letters_given = [
        letter for letter, column in zip(LETTERS, OPTION_COLUMNS, strict=True) if record[column]
    ]
    correct_letters: list[str] = []
    for token in _SEPARATORS.split(record["correct"].upper()):
        if token:
            correct_letters.append(token)
    bad = [t for t in correct_letters if t not in LETTERS[:MAX_OPTIONS]]
    if not record["correct"]:
        error("correct", _("không được để trống (ghi chữ cái của phương án đúng, ví dụ B)."))
    elif bad:
        error(
            "correct",
            _("“%(value)s” không phải chữ cái phương án (A đến F).") % {"value": record["correct"]},
        )
    else:
        missing = [t for t in correct_letters if t not in letters_given]
        if missing:
            error(
                "correct",
                _("phương án %(letters)s được ghi là đúng nhưng còn trống.")
                % {"letters": ", ".join(missing)},
            )
    kind = ""
    if record["kind"]:
        kind = kinds.get(fold(record["kind"]), "")
        if not kind:
            error(
                "kind",
                _("“%(value)s” không hợp lệ (một đáp án đúng, nhiều đáp án đúng).")
                % {"value": record["kind"]},
            )
    else:
        kind = QuestionKind.MULTIPLE if len(set(correct_letters)) > 1 else QuestionKind.SINGLE
    level: str = Difficulty.MEDIUM
    if record["difficulty"]:
        level = levels.get(fold(record["difficulty"]), "")
        if not level:
            error(
                "difficulty",
                _("“%(value)s” không hợp lệ (dễ, trung bình, khó).")
                % {"value": record["difficulty"]},
            )
    article = None
    if record["article"]:
        article = articles.get(record["article"].strip().lower())
        if article is None:
            error("article", article_unknown(record["article"]))
    # A gap between options ("A, B, D") would renumber D as C: refuse it.
    if letters_given and letters_given != list(LETTERS[: len(letters_given)]):
        error("option_a", _("các phương án phải điền liền nhau từ A (không bỏ trống ở giữa)."))
    if errors:
        return None, errors
    options = [
        (record[column], letter in correct_letters)
        for letter, column in zip(LETTERS, OPTION_COLUMNS, strict=True)
        if record[column]
    ]
    values, problems = question_check(
        text=record["text"],
        kind=kind,
        options=options,
        topic=record["topic"],
        difficulty=level,
        explanation=record["explanation"],
        legal_reference=record["legal_reference"],
    )
    for key, message in problems.items():
        error(_FIELD_TO_COLUMN.get(key, ""), message)
    if errors:
        return None, errors
    values["article"] = article
    return values, []


def bank_import(
    *,
    contest: Contest,
    fileobj: IO[bytes],
    filename: str,
    actor: Any = None,
    size: int | None = None,
) -> BankImportResult:
    """Check the whole file, then add every question in one transaction, or nothing."""
    if actor is not None and not access.can(actor, "contest.manage", contest.unit):
        raise PermissionDenied(_("Anh/chị không có quyền với cuộc thi của đơn vị này."))
    result = BankImportResult()
    if contest.status != ContestStatus.DRAFT:
        result.errors = [
            RowError(
                0,
                "",
                _("cuộc thi đã gửi duyệt hoặc đã duyệt nên không nhập thêm câu hỏi được."),
            )
        ]
        return result
    table = SHEET.read_into(result, fileobj, filename, size)
    if table is None:
        return result
    kinds = _lookup(_KIND_ALIASES, QuestionKind.choices)
    levels = _lookup(_DIFFICULTY_ALIASES, Difficulty.choices)
    articles = articles_by_slug(r["article"] for _n, r in table.rows)
    questions: list[dict[str, Any]] = []
    for number, record in table.rows:
        values, errors = _parse_row(number, record, kinds, levels, articles)
        result.errors.extend(errors)
        if values is not None:
            questions.append(values)
    if result.errors:
        result.errors = SHEET.sorted_errors(result.errors)
        return result
    questions_add(contest=contest, questions=questions, actor=actor)
    result.created = len(questions)
    audit_record(
        action="contest.bank_import",
        actor=actor,
        unit=contest.unit,
        target=f"{contest.pk}: {filename}"[:255],
        data={"rows": result.rows, "created": result.created},
        actor_label="" if actor is not None else "lantoa contests import-bank",
    )
    return result


def bank_rows(contest: Contest) -> Iterator[list[Any]]:
    """The bank as rows of ``COLUMNS`` (what ``bank_import`` reads back)."""
    with translation.override("vi"):
        for question in (
            Question.objects.filter(contest=contest)
            .select_related("article")
            .prefetch_related("options")
            .order_by("position")
        ):
            options = list(question.options.all())
            cells = [o.text for o in options] + [""] * (len(LETTERS) - len(options))
            yield [
                question.text,
                str(question.get_kind_display()),
                *cells,
                ", ".join(LETTERS[i] for i, o in enumerate(options) if o.correct),
                question.topic,
                str(question.get_difficulty_display()),
                question.explanation,
                question.legal_reference,
                question.article.slug if question.article else "",
            ]


def bank_header() -> list[str]:
    return [FIELD_LABELS[c] for c in COLUMNS]

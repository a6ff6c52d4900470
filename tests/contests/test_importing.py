"""The question bank: import from CSV/XLSX (all or nothing, errors by row and column), the
template and the export read back, and `lantoa contests import-bank`."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lantoa.contests import services
from lantoa.contests.importing import bank_header, bank_import, bank_rows, template
from lantoa.contests.models import Option, Question
from lantoa.core.tabular import csv_text, xlsx_template
from tests.conftest import Officers, Tree

HEADER = "Câu hỏi,Loại câu hỏi,Phương án A,Phương án B,Phương án C,Đáp án đúng,Chủ đề,Mức độ\n"


def _csv(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode("utf-8"))


def _contest(tree: Tree):
    return services.contest_create(unit=tree.pa, title="Thi pháp luật", rules="Thể lệ.")


def test_a_good_file_adds_every_question(tree: Tree) -> None:
    contest = _contest(tree)
    data = HEADER + (
        "Thử việc tối đa bao nhiêu ngày?,Một đáp án đúng,30,60,90,B,Hợp đồng,Dễ\n"
        'Những khoản nào là tiền lương?,,Mức lương,Phụ cấp,Tiền thưởng,"A, B",Tiền lương,khó\n'
    )
    result = bank_import(contest=contest, fileobj=_csv(data), filename="cau-hoi.csv")
    assert result.ok, [str(e) for e in result.errors]
    assert result.created == 2
    first, second = Question.objects.filter(contest=contest).order_by("position")
    assert (first.kind, first.difficulty, first.topic) == ("single", "easy", "Hợp đồng")
    assert list(first.options.values_list("text", "correct")) == [
        ("30", False),
        ("60", True),
        ("90", False),
    ]
    assert second.kind == "multiple" and second.difficulty == "hard"
    assert list(second.options.filter(correct=True).values_list("text", flat=True)) == [
        "Mức lương",
        "Phụ cấp",
    ]


def test_one_bad_row_and_nothing_is_written(tree: Tree) -> None:
    contest = _contest(tree)
    data = HEADER + (
        "Câu đúng?,,Có,Không,,A,,\n"
        ",,Có,Không,,A,,\n"  # row 3: no question
        'Câu ba?,Một đáp án đúng,Có,Không,Có thể,"A, B",,\n'  # row 4: two correct
        "Câu bốn?,,Có,,,C,,rất khó\n"  # row 5: C empty, bad difficulty, one option
    )
    result = bank_import(contest=contest, fileobj=_csv(data), filename="cau-hoi.csv")
    assert not result.ok
    texts = [str(e) for e in result.errors]
    assert texts[0] == "Dòng 3, cột “Câu hỏi”: Vui lòng nhập nội dung câu hỏi."
    assert texts[1].startswith("Dòng 4, cột “Đáp án đúng”: Câu hỏi một đáp án đúng")
    assert any(t.startswith("Dòng 5, cột “Đáp án đúng”: phương án C") for t in texts)
    assert any(t.startswith("Dòng 5, cột “Mức độ”") for t in texts)
    assert Question.objects.count() == 0 and Option.objects.count() == 0


def test_missing_columns_and_locked_contests_are_refused(tree: Tree) -> None:
    contest = _contest(tree)
    result = bank_import(
        contest=contest, fileobj=_csv("Câu hỏi,Phương án A\nx,y\n"), filename="a.csv"
    )
    assert "thiếu cột" in str(result.errors[0])
    result = bank_import(contest=contest, fileobj=_csv("x"), filename="a.txt")
    assert "không đúng loại" in str(result.errors[0])


def test_template_and_export_read_back(tree: Tree) -> None:
    contest = _contest(tree)
    book = xlsx_template(template())
    result = bank_import(contest=contest, fileobj=io.BytesIO(book), filename="mau.xlsx")
    assert result.ok and result.created == 1, [str(e) for e in result.errors]
    exported = csv_text(bank_header(), bank_rows(contest))
    other = services.contest_create(unit=tree.pa, title="Thi khác", rules="Thể lệ.")
    again = bank_import(contest=other, fileobj=_csv(exported), filename="kho.csv")
    assert again.ok and again.created == 1, [str(e) for e in again.errors]
    a, b = Question.objects.order_by("pk")
    assert (a.text, a.kind, a.difficulty, a.legal_reference) == (
        b.text,
        b.kind,
        b.difficulty,
        b.legal_reference,
    )
    assert list(a.options.values_list("text", "correct")) == list(
        b.options.values_list("text", "correct")
    )
    sheet = openpyxl.load_workbook(io.BytesIO(book)).worksheets[0]
    assert sheet["A1"].value == "Câu hỏi*"


def test_import_bank_command(tree: Tree, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    contest = _contest(tree)
    good = tmp_path / "kho.csv"
    good.write_text(HEADER + "Câu?,,Có,Không,,A,,\n", encoding="utf-8")
    call_command("contests", "import-bank", str(contest.pk), str(good))
    assert "Đã nhập 1 câu hỏi" in capsys.readouterr().out
    bad = tmp_path / "hong.csv"
    bad.write_text(HEADER + "Câu?,,Có,,,A,,\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("contests", "import-bank", f"P-A/{contest.slug}", str(bad))
    assert "Dòng 2" in capsys.readouterr().err
    with pytest.raises(CommandError):
        call_command("contests", "import-bank", "999", str(good))
    out = tmp_path / "mau.xlsx"
    call_command("contests", "template", str(out))
    assert out.stat().st_size > 0
    assert Question.objects.filter(contest=contest).count() == 1


def test_officer_import_needs_the_right(tree: Tree, officers: Officers) -> None:
    from django.core.exceptions import PermissionDenied

    contest = _contest(tree)
    with pytest.raises(PermissionDenied):
        bank_import(
            contest=contest,
            fileobj=_csv(HEADER + "Câu?,,Có,Không,,A,,\n"),
            filename="a.csv",
            actor=officers.b_admin,
        )

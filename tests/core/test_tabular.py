"""Writing CSV/XLSX downloads: text that would run as a formula is guarded, and an import of
the downloaded file reads it back as it was."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from django.core.management.base import CommandError

from lantoa.core import tabular


def test_formulas_are_guarded_and_read_back_unchanged() -> None:
    names = ['=HYPERLINK("http://x")', "+84 912", "-A1+1", "@SUM(A1)", "\t=1", "\r=1", " =1"]
    names += ["\uff1dSUM(A1)", "\uff0b1", "\uff20x"]  # full-width ＝ ＋ ＠
    plain = ["CĐCS May 10", "'trích", "-1", "-1.234,5", "-12,5%", "Công ty 3-2"]
    guarded = [tabular.safe_cell(n) for n in names + plain]
    assert guarded[: len(names)] == ["'" + n for n in names]
    # Ordinary text, a plain apostrophe and negative numbers written as text are untouched.
    assert guarded[len(names) :] == plain
    assert [tabular.cell_text(g) for g in guarded] == [n.strip() for n in names + plain]
    assert tabular.safe_cell(12) == 12 and tabular.safe_cell(-5) == -5
    assert tabular.safe_cell(-2.5) == -2.5


def test_csv_and_xlsx_writers_guard_every_cell() -> None:
    rows = [["=1+1", 5], ["Bình thường", 0], ["@x", -3], ["-7", -2.5]]
    text = "".join(tabular.csv_chunks(["Tên", "Số"], rows))
    assert text.startswith("\ufeffTên,Số")
    assert list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))[1:] == [
        ["'=1+1", "5"],
        ["Bình thường", "0"],
        ["'@x", "-3"],
        ["-7", "-2.5"],
    ]
    book = openpyxl.load_workbook(tabular.xlsx_spool("Trang tính", ["Tên", "Số"], rows))
    sheet = book.active
    assert sheet is not None and sheet.title == "Trang tính"
    cells = list(sheet.iter_rows(min_row=2))
    # Text stays the officer's text, stored as text and marked "typed with an apostrophe"
    # (Excel shows no apostrophe and never runs it); numbers stay numbers, negative ones too.
    assert [[c.value for c in r] for r in cells] == rows
    assert [(r[0].data_type, r[0].quotePrefix) for r in cells] == [
        ("s", True),
        ("s", False),
        ("s", True),
        ("s", False),
    ]
    assert [r[1].data_type for r in cells] == ["n", "n", "n", "n"]


def test_a_report_workbook_is_guarded_whatever_filled_it() -> None:
    book = tabular.xlsx_workbook()
    sheet = book.active
    sheet["A1"] = '=HYPERLINK("http://x","bấm")'  # openpyxl would store a live formula
    sheet["A2"] = "+1"
    sheet["B2"] = -4
    sheet.merge_cells("A3:B3")
    sheet["A3"] = "Bình thường"
    again = openpyxl.load_workbook(io.BytesIO(tabular.xlsx_bytes(book))).active
    assert again is not None
    assert (again["A1"].value, again["A1"].data_type) == ('=HYPERLINK("http://x","bấm")', "s")
    assert again["A1"].quotePrefix and again["A2"].quotePrefix
    assert (again["B2"].value, again["B2"].data_type) == (-4, "n")
    assert again["A3"].value == "Bình thường" and not again["A3"].quotePrefix


SHEET = tabular.Sheet(
    columns=("code", "name"),
    required=("code",),
    labels={"code": "Mã", "name": "Tên"},
    header_hint="Mã, Tên",
    extra_aliases={"ky hieu": "code"},
)


def test_sheet_names_errors_by_row_and_column_label_and_sorts_them() -> None:
    errors = [SHEET.error(3, "name", "x."), SHEET.error(2, "name", "y."), SHEET.error(3, "", "z.")]
    assert [str(e) for e in SHEET.sorted_errors(errors)] == [
        "Dòng 2, cột “Tên”: y.",
        "Dòng 3: z.",
        "Dòng 3, cột “Tên”: x.",
    ]
    assert tabular.RowError(0, "", "tệp rỗng.").as_dict()["text"] == "Tệp rỗng."


def test_sheet_reads_into_a_result_or_says_why_not() -> None:
    result = tabular.ImportResult()
    table = SHEET.read_into(result, io.BytesIO("Ký hiệu;Tên\nA;Một\n".encode()), "a.csv")
    assert table is not None and table.rows == [(2, {"code": "A", "name": "Một"})]
    assert result.rows == 1 and result.ok
    empty = tabular.ImportResult()
    assert SHEET.read_into(empty, io.BytesIO(b"code,name\n"), "a.csv") is None
    assert [str(e) for e in empty.errors] == ["Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."]
    wrong = tabular.ImportResult()
    assert SHEET.read_into(wrong, io.BytesIO(b"x"), "a.txt") is None and not wrong.ok


@pytest.mark.django_db
def test_import_commands_name_the_missing_account_and_file(tmp_path: Path) -> None:
    assert tabular.command_user(None) is None
    with pytest.raises(CommandError, match="Không có tài khoản “ai”"):
        tabular.command_user("ai")
    with pytest.raises(CommandError, match="Không có tệp"):
        tabular.import_command(
            tmp_path / "x.csv", lambda **kw: tabular.ImportResult(), out=print, err=print, what="x"
        )

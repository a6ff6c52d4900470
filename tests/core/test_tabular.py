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
    names = ['=HYPERLINK("http://x")', "+84 912", "-1", "@SUM(A1)", "CĐCS May 10", "'trích"]
    guarded = [tabular.safe_cell(n) for n in names]
    assert guarded[:4] == ["'" + n for n in names[:4]]
    assert guarded[4:] == names[4:]  # ordinary text (and a plain apostrophe) untouched
    assert [tabular.cell_text(g) for g in guarded] == names
    assert tabular.safe_cell(12) == 12


def test_csv_and_xlsx_writers_guard_every_cell() -> None:
    rows = [["=1+1", 5], ["Bình thường", 0]]
    text = "".join(tabular.csv_chunks(["Tên", "Số"], rows))
    assert text.startswith("\ufeffTên,Số")
    assert list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))[1] == ["'=1+1", "5"]
    book = openpyxl.load_workbook(tabular.xlsx_spool("Trang tính", ["Tên", "Số"], rows))
    sheet = book.active
    assert sheet is not None and sheet.title == "Trang tính"
    assert [[c.value for c in r] for r in sheet.iter_rows()][1] == ["'=1+1", 5]


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

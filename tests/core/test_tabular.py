"""Writing CSV/XLSX downloads: text that would run as a formula is guarded, and an import of
the downloaded file reads it back as it was."""

from __future__ import annotations

import csv
import io

import openpyxl

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

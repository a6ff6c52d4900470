"""The report's figures as an Excel workbook: a summary sheet with the narrative's key
figures and one sheet per appended table. Numbers are real numbers (formatted with
thousands separators), ratios real percentages, so the figures can be worked on. Built and
written through ``lantoa.core.tabular`` (``xlsx_workbook``, ``xlsx_bytes``), which makes every
cell inert: an outlet named ``=HYPERLINK(…)`` stays text."""

from __future__ import annotations

from typing import Any

from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from lantoa.core import tabular
from lantoa.core.extensions import ReportSection
from lantoa.reports.data import ReportData
from lantoa.reports.narrative import ranked, write
from lantoa.reports.tables import Cell, Ratio, ReportTable, report_tables

INT_FORMAT = "#,##0"
PCT_FORMAT = "0.0%"
_THIN = Side(style="thin", color="999999")
_GRID = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_BOLD = Font(bold=True)


def _put(sheet: Worksheet, row: int, col: int, value: Cell, *, bold: bool = False) -> None:
    cell = sheet.cell(row=row, column=col)
    if isinstance(value, Ratio):
        cell.value = value.value
        cell.number_format = PCT_FORMAT
    else:
        cell.value = value
        if isinstance(value, int):
            cell.number_format = INT_FORMAT
    cell.border = _GRID
    if bold:
        cell.font = _BOLD
    cell.alignment = Alignment(vertical="top", wrap_text=isinstance(value, str))


def _sheet_for(workbook: Any, spec: ReportTable, data: ReportData) -> None:
    title = spec.title.split(".")[0]  # "Biểu 1"
    sheet = workbook.create_sheet(title)
    sheet["A1"] = spec.title
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = f"{data.unit.name} — {data.period.label}"
    for col, name in enumerate(spec.columns, start=1):
        _put(sheet, 4, col, name, bold=True)
        sheet.cell(row=4, column=col).alignment = Alignment(wrap_text=True, vertical="center")
    rows = list(spec.rows) + ([spec.total] if spec.total else [])
    for r, values in enumerate(rows, start=5):
        is_total = spec.total is not None and r == 4 + len(rows)
        for col, value in enumerate(values, start=1):
            _put(sheet, r, col, value, bold=is_total)
    for col, width in enumerate(spec.widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = max(6.0, width * 9)
    sheet.freeze_panes = "C5"


def _summary(section: ReportSection, data: ReportData) -> list[tuple[int, tuple[str, Cell]]]:
    return section.summary(data)


def render_xlsx(data: ReportData) -> bytes:
    workbook = tabular.xlsx_workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = "Tổng hợp"
    counts = data.counts
    head: list[tuple[str, Cell]] = [
        ("Đơn vị", data.unit.name),
        ("Mã đơn vị", data.unit.code),
        ("Kỳ báo cáo", f"{data.period.label} ({data.period.code})"),
        ("Từ ngày", data.period.start.strftime("%d/%m/%Y")),
        ("Đến ngày", data.last_day.strftime("%d/%m/%Y")),
        ("Ngày lập", data.issued_on.strftime("%d/%m/%Y")),
    ]
    tail: list[tuple[str, Cell]] = [
        ("Số tin, bài đăng trên các kênh truyền thông", counts.posts.total),
        ("Số lượt đơn vị nhận triển khai văn bản của cấp trên", counts.cascades.recipients),
        ("Số lượt triển khai đã thực hiện", counts.cascades.done),
        ("Số câu hỏi, phản ánh, kiến nghị tiếp nhận", counts.inquiries.received),
        ("Số câu hỏi, phản ánh, kiến nghị đã trả lời", counts.inquiries.answered),
        ("Tỷ lệ trả lời đúng hạn", Ratio(counts.inquiries.on_time_ratio)),
    ]
    rows: list[tuple[str, Cell]] = ranked(
        [(0, row) for row in head] + [(20, row) for row in tail], data, _summary
    )
    summary["A1"] = f"Báo cáo {data.subject[:1].lower()}{data.subject[1:]}"
    summary["A1"].font = Font(bold=True, size=13)
    for r, (label, value) in enumerate(rows, start=3):
        _put(summary, r, 1, label, bold=True)
        _put(summary, r, 2, value)
    row = 4 + len(rows)
    summary.cell(row=row, column=1, value="Nội dung báo cáo").font = _BOLD
    narrative = write(data)
    for section in narrative.sections[:2]:
        row += 1
        summary.cell(row=row, column=1, value=section.heading).font = _BOLD
        for part in section.parts:
            for text in ([part.heading] if part.heading else []) + part.paragraphs:
                row += 1
                cell = summary.cell(row=row, column=1, value=text)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                summary.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    summary.column_dimensions["A"].width = 42
    summary.column_dimensions["B"].width = 70
    for spec in report_tables(data):
        _sheet_for(workbook, spec, data)
    return tabular.xlsx_bytes(workbook)

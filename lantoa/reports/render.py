"""One entry point for the three report formats."""

from __future__ import annotations

from collections.abc import Callable

from lantoa.reports.data import ReportData
from lantoa.reports.render_md import render_md


# python-docx and openpyxl are imported when a report is made, not when a process starts.
def render_docx(data: ReportData) -> bytes:
    from lantoa.reports.render_docx import render_docx as render

    return render(data)


def render_xlsx(data: ReportData) -> bytes:
    from lantoa.reports.render_xlsx import render_xlsx as render

    return render(data)


FORMATS: dict[str, tuple[str, str, Callable[[ReportData], bytes]]] = {
    # format → (label, content type, renderer)
    "docx": (
        "Word (.docx) — văn bản báo cáo đúng thể thức",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        render_docx,
    ),
    "xlsx": (
        "Excel (.xlsx) — bảng số liệu",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        render_xlsx,
    ),
    "md": ("Markdown (.md) — đọc nhanh", "text/markdown; charset=utf-8", render_md),
}


def render(data: ReportData, fmt: str) -> bytes:
    return FORMATS[fmt][2](data)


def content_type(fmt: str) -> str:
    return FORMATS[fmt][1]

"""A new app writes into the period report through ``ReportSection`` without an edit of the
reports app: its parts are numbered among the others, its tables among the appended ones,
its sentences and summary rows put in by rank."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from openpyxl import load_workbook

from lantoa.core.extensions import ReportSection, report_sections
from lantoa.core.reporting import Part, ReportTable
from lantoa.reports.narrative import write
from lantoa.reports.render_md import render_md
from lantoa.reports.render_xlsx import render_xlsx
from lantoa.reports.tables import report_tables
from lantoa.units.models import UnitKind
from tests.reports.test_reports import data_with


def _section(key: str) -> ReportSection:
    return ReportSection(
        key,
        lambda unit, period, progress: {},
        results=lambda data: [(50, Part("Hội thi ảnh", ["Có 3 bức ảnh dự thi."]))],
        changes=lambda data, up: [(50, "ảnh dự thi (tăng 50,0%)")] if up else [],
        strengths=lambda data: [(5, "Ảnh dự thi phong phú.")],
        weaknesses=lambda data: [(15, "Ảnh dự thi còn ít.")],
        tasks=lambda data: [(25, "Phát động hội thi ảnh.")],
        tables=lambda data: [(15, ReportTable("Ảnh dự thi", ["TT", "Ảnh"], [[1, "Ảnh 1"]]))],
        summary=lambda data: [(15, ("Số ảnh dự thi", 3))],
        order=200,
    )


@pytest.fixture
def photos() -> Iterator[None]:
    report_sections.register(_section("test.photos"))
    yield
    report_sections.unregister("test.photos")


def test_a_registered_section_is_written_in_its_place(photos: Any) -> None:
    data = data_with({}, kind=UnitKind.GRASSROOTS)
    results, assessment, tasks, _ = write(data).sections
    headings = [part.heading for part in results.parts]
    assert headings[5:] == [
        "6. Phong trào thi đua, sáng kiến và khen thưởng",
        "7. Hội thi ảnh",
        "8. Tuyên truyền trên không gian mạng và các kênh thông tin của công đoàn",
        "9. Triển khai văn bản của cấp trên và giải đáp chính sách, pháp luật",
    ]
    strengths, weaknesses = assessment.parts
    assert strengths.paragraphs == [
        "Ảnh dự thi phong phú.",
        "So với cùng kỳ năm trước, các kết quả sau tăng: ảnh dự thi (tăng 50,0%).",
    ]
    assert weaknesses.paragraphs == ["Ảnh dự thi còn ít."]
    assert tasks.parts[0].paragraphs[3] == "- Phát động hội thi ảnh."
    titles = [table.title for table in report_tables(data)]
    assert titles == ["Biểu 1. Kết quả theo loại hoạt động", "Biểu 2. Ảnh dự thi"]
    assert "Biểu 2. Ảnh dự thi" in render_md(data).decode()
    summary = load_workbook(io.BytesIO(render_xlsx(data)))["Tổng hợp"]
    labels = [row[0] for row in summary.iter_rows(min_row=3, max_col=1, values_only=True)]
    at = labels.index("Số ảnh dự thi")
    assert labels[at - 1 : at + 2] == [
        "Tỷ lệ CĐCS có tổ chức tuyên truyền",
        "Số ảnh dự thi",
        "Số tin, bài đăng trên các kênh truyền thông",
    ]
    assert "Biểu 2" in load_workbook(io.BytesIO(render_xlsx(data))).sheetnames


def test_without_it_the_report_is_as_before() -> None:
    data = data_with({}, kind=UnitKind.GRASSROOTS)
    headings = [part.heading for part in write(data).sections[0].parts]
    assert headings[-1] == "8. Triển khai văn bản của cấp trên và giải đáp chính sách, pháp luật"
    assert "test.photos" not in report_sections

"""The tables appended to a report (by kind of activity, by child unit, by press outlet), as
plain rows that the DOCX, XLSX and Markdown renderers all print: numbers stay numbers here
and each renderer formats them its own way."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils import translation

from lantoa.activities.models import ActivityKind
from lantoa.activities.selectors import KINDS, Figures
from lantoa.core.text import format_int, format_percent
from lantoa.reports.data import ReportData


@dataclass(frozen=True)
class Ratio:
    """This period over the same period last year (1.125 is printed 112,5%)."""

    value: float | None


Cell = int | str | Ratio | None


@dataclass
class ReportTable:
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    total: list[Cell] | None = None
    widths: list[float] = field(default_factory=list)  # relative column widths for DOCX


def cell_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Ratio):
        return format_percent(cell.value) if cell.value is not None else "—"
    if isinstance(cell, int):
        return format_int(cell)
    return cell


def _ratio(now: int, before: int) -> Ratio:
    return Ratio(now / before if before else None)


def kind_label(kind: str) -> str:
    with translation.override("vi"):
        return str(ActivityKind(kind).label)


def kind_table(data: ReportData) -> ReportTable:
    year_before = data.period.year - 1
    table = ReportTable(
        title="Kết quả theo loại hoạt động",
        columns=[
            "TT",
            "Loại hoạt động",
            "Số lượng",
            "Số lượt người tham gia",
            "Số CĐCS có hoạt động",
            "Số hoạt động đã ghi",
            f"Số lượng cùng kỳ năm {year_before}",
            "So với cùng kỳ",
        ],
        widths=[0.9, 3.3, 1.3, 1.5, 1.3, 1.3, 1.4, 1.3],
    )
    for number, kind in enumerate(KINDS, start=1):
        now, before = data.current.kind(kind), data.previous.kind(kind)
        table.rows.append(
            [
                number,
                kind_label(kind),
                now.quantity,
                now.participants,
                now.grassroots,
                now.records,
                before.quantity,
                _ratio(now.quantity, before.quantity),
            ]
        )
    table.total = [
        None,
        "Tổng cộng",
        None,
        data.current.participants,
        None,
        data.current.records,
        None,
        None,
    ]
    return table


def child_table(data: ReportData) -> ReportTable:
    k = ActivityKind
    table = ReportTable(
        title="Kết quả theo đơn vị trực thuộc",
        columns=[
            "TT",
            "Đơn vị",
            "Số buổi tuyên truyền",
            "Số lượt người tham gia tuyên truyền",
            "Số CĐCS có tuyên truyền",
            "Số tin, bài",
            "Số sáng kiến",
            "Tổng số hoạt động đã ghi",
        ],
        widths=[0.9, 4.0, 1.3, 1.5, 1.3, 1.1, 1.1, 1.3],
    )

    def row(number: int | None, name: str, by_kind: Mapping[str, Figures]) -> list[Cell]:
        outreach = by_kind[k.OUTREACH]
        return [
            number,
            name,
            outreach.quantity,
            outreach.participants,
            outreach.grassroots,
            by_kind[k.PRESS].quantity,
            by_kind[k.INITIATIVE].quantity,
            sum(by_kind[kind].records for kind in KINDS),
        ]

    number = 0
    own = data.current.own
    if any(f.records for f in own.values()):
        number += 1
        unit = data.unit
        table.rows.append(row(number, f"Cơ quan {unit.short_name or unit.name}", own))
    for child in data.current.children:
        number += 1
        name = child.unit.name if child.unit.is_active else f"{child.unit.name} (đã hợp nhất)"
        table.rows.append(row(number, name, child.by_kind))
    table.total = row(None, "Tổng cộng", data.current.by_kind)
    return table


def outlet_table(data: ReportData) -> ReportTable | None:
    if not data.outlets:
        return None
    table = ReportTable(
        title="Tin, bài, chương trình theo cơ quan báo chí, đài",
        columns=["TT", "Cơ quan báo chí, đài", "Loại", "Số lượng"],
        widths=[0.9, 6.0, 4.0, 1.6],
    )
    for number, (kind, outlet, items) in enumerate(data.outlets, start=1):
        table.rows.append([number, outlet, kind_label(kind), items])
    return table


def report_tables(data: ReportData) -> list[ReportTable]:
    """By kind always; by child unit where the unit has children; by outlet where outlets
    were named. Numbered in order: "Biểu 1. …", "Biểu 2. …"."""
    tables = [kind_table(data)]
    if data.current.children:
        tables.append(child_table(data))
    outlets = outlet_table(data)
    if outlets is not None:
        tables.append(outlets)
    for number, table in enumerate(tables, start=1):
        table.title = f"Biểu {number}. {table.title}"
    return tables

"""The tables appended to a report (by kind of activity; posts, cascades and inquiries; by
child unit; by press outlet), as plain rows that the DOCX, XLSX and Markdown renderers all
print: numbers stay numbers here and each renderer formats them its own way."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils import translation

from lantoa.activities.models import ActivityKind
from lantoa.activities.selectors import KINDS, Figures
from lantoa.core.text import format_int, format_percent
from lantoa.reports.counts import duration_text
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


def counts_table(data: ReportData) -> ReportTable | None:
    """Posts on channels (by kind of channel), cascades carried out and inquiries answered:
    this period, the same period last year and their ratio. None when both are empty."""
    now, before = data.counts, data.counts_before
    if now.empty and before.empty:
        return None
    year_before = data.period.year - 1
    table = ReportTable(
        title="Tin, bài trên các kênh truyền thông, triển khai văn bản và giải đáp chính "
        "sách, pháp luật",
        columns=["TT", "Nội dung", "Kỳ này", f"Cùng kỳ năm {year_before}", "So với cùng kỳ"],
        widths=[0.9, 6.2, 1.6, 1.6, 1.5],
    )

    def count(number: str, what: str, current: int, previous: int) -> None:
        table.rows.append([number, what, current, previous, _ratio(current, previous)])

    def share(number: str, what: str, part: tuple[int, int], whole: tuple[int, int]) -> None:
        cells: list[Cell] = [Ratio(p / w) if w else None for p, w in zip(part, whole, strict=True)]
        table.rows.append([number, what, *cells, None])

    posts, posts_before = now.posts, before.posts
    count("1", "Tin, bài đăng trên các kênh truyền thông", posts.total, posts_before.total)
    kinds = [k for k, _ in posts.channels()]
    kinds += [k for k, _ in posts_before.channels() if k not in kinds]
    for n, kind in enumerate(kinds, start=1):
        name = posts.channel_name(kind)
        count(
            f"1.{n}",
            f"Trên {name}" if n > 1 else f"Trong đó: trên {name}",
            posts.by_channel.get(kind, 0),
            posts_before.by_channel.get(kind, 0),
        )
    c, cb = now.cascades, before.cascades
    count("2", "Văn bản, nội dung của cấp trên có hạn hoàn thành trong kỳ", c.cascades, cb.cascades)
    count("2.1", "Lượt đơn vị nhận triển khai", c.recipients, cb.recipients)
    count("2.2", "Lượt đã thực hiện", c.done, cb.done)
    share("2.3", "Tỷ lệ đã thực hiện", (c.done, cb.done), (c.recipients, cb.recipients))
    q, qb = now.inquiries, before.inquiries
    count("3", "Câu hỏi, phản ánh, kiến nghị tiếp nhận", q.received, qb.received)
    count("3.1", "Đã trả lời", q.answered, qb.answered)
    count("3.2", "Trả lời đúng thời hạn đã hẹn", q.on_time, qb.on_time)
    share(
        "3.3",
        "Tỷ lệ trả lời đúng hạn (trên số câu đã đến hạn)",
        (q.on_time, qb.on_time),
        (q.due, qb.due),
    )
    table.rows.append(
        [
            "3.4",
            "Thời gian trả lời lần đầu (trung vị)",
            *(
                duration_text(f.median_first_response) if f.median_first_response else None
                for f in (q, qb)
            ),
            None,
        ]
    )
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
    """By kind always; posts, cascades and inquiries where there are any (this period or
    last year's); by child unit where the unit has children; by outlet where outlets were
    named. Numbered in order: "Biểu 1. …", "Biểu 2. …"."""
    tables = [kind_table(data)]
    counts = counts_table(data)
    if counts is not None:
        tables.append(counts)
    if data.current.children:
        tables.append(child_table(data))
    outlets = outlet_table(data)
    if outlets is not None:
        tables.append(outlets)
    for number, table in enumerate(tables, start=1):
        table.title = f"Biểu {number}. {table.title}"
    return tables

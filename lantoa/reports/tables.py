"""The tables appended to a report (by kind of activity; posts, cascades and inquiries; by
child unit; by press outlet: the activity tables come from the report section of
``lantoa.activities``), as plain rows that the DOCX, XLSX and Markdown renderers all print:
numbers stay numbers here and each renderer formats them its own way."""

from __future__ import annotations

from lantoa.core.extensions import ReportSection
from lantoa.core.reporting import Cell, Ratio, ReportTable, cell_text, duration_text, ratio
from lantoa.reports.data import ReportData
from lantoa.reports.narrative import ranked


def kind_table(data: ReportData) -> ReportTable:
    """The table by kind of activity (``lantoa.activities``), as the report appends it."""
    return next(
        table for table in ranked([], data, _tables) if table.title.endswith("loại hoạt động")
    )


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
        table.rows.append([number, what, current, previous, ratio(current, previous)])

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
            "Thời gian trả lời lần đầu (trung vị: một nửa số câu nhanh hơn)",
            *(
                duration_text(f.median_first_response) if f.median_first_response else None
                for f in (q, qb)
            ),
            None,
        ]
    )
    return table


def _tables(section: ReportSection, data: ReportData) -> list[tuple[int, ReportTable]]:
    return section.tables(data)


def report_tables(data: ReportData) -> list[ReportTable]:
    """Those of the registered report sections (by kind of activity always, by child unit
    where the unit has children, by outlet where outlets were named) and posts, cascades and
    inquiries where there are any (this period or last year's), by rank. Numbered in order:
    "Biểu 1. …", "Biểu 2. …"."""
    counts = counts_table(data)
    tables = ranked([(10, counts)] if counts is not None else [], data, _tables)
    for number, table in enumerate(tables, start=1):
        table.title = f"Biểu {number}. {table.title}"
    return tables


__all__ = [
    "Cell",
    "Ratio",
    "ReportTable",
    "cell_text",
    "counts_table",
    "kind_table",
    "report_tables",
]


def issue_date_text(place: str, day: object) -> str:
    """ "Thái Nguyên, ngày 05 tháng 7 năm 2022": days below 10 and months 1 and 2 get a
    leading zero (Nghị định 30/2020, phụ lục I)."""
    d = getattr(day, "day", 1)
    m = getattr(day, "month", 1)
    y = getattr(day, "year", 2000)
    month = f"{m:02d}" if m <= 2 else str(m)
    return f"{place}, ngày {d:02d} tháng {month} năm {y}"

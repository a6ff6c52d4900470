"""The report's text, written from the figures in the voice of the union's review reports.

Pure functions of a ``ReportData``: no database, so every sentence can be tested with
figures made up in the test. Numbers are written the Vietnamese way (1.174; 220,6%).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lantoa.core.extensions import ReportSection, report_sections
from lantoa.core.reporting import (
    Part,
    capital,
    change_item,
    change_phrase,
    compare_clause,
    duration_text,
    share_phrase,
    target_phrase,
)
from lantoa.core.text import format_int
from lantoa.reports.data import ReportData
from lantoa.units.models import UnitKind

__all__ = [
    "Narrative",
    "Part",
    "Section",
    "change_phrase",
    "compare_clause",
    "ranked",
    "target_phrase",
    "write",
]


@dataclass
class Section:
    heading: str  # "I. KẾT QUẢ THỰC HIỆN"
    parts: list[Part] = field(default_factory=list)


@dataclass
class Narrative:
    opening: str
    sections: list[Section]


def ranked(
    own: list[tuple[int, Any]],
    data: ReportData,
    hook: Callable[[ReportSection, ReportData], list[tuple[int, Any]]],
) -> list[Any]:
    """The report's own ``(rank, item)`` pairs and those ``hook(section, data)`` answers for
    each registered report section, by rank, then section order (the report's own first among
    equals), each list in its own order."""
    items = [(rank, -1, n, item) for n, (rank, item) in enumerate(own)]
    for index, section in enumerate(report_sections):
        items += [(rank, index, n, item) for n, (rank, item) in enumerate(hook(section, data))]
    return [item for *_, item in sorted(items, key=lambda entry: entry[:3])]


class _Writer:
    def __init__(self, data: ReportData) -> None:
        self.data = data
        self.counts = data.counts
        self.counts_before = data.counts_before
        self.year_before = data.period.year - 1
        self.label = data.period.label
        self.is_grassroots = data.unit.kind == UnitKind.GRASSROOTS
        # Who did it: a grassroots union reports its own work, an upper level its subtree's.
        self.organisers = "công đoàn cơ sở" if self.is_grassroots else "các cấp công đoàn"

    # -- I. results --------------------------------------------------------------------------

    def posts(self) -> Part:
        part = Part("Tuyên truyền trên không gian mạng và các kênh thông tin của công đoàn")
        posts, before = self.counts.posts, self.counts_before.posts
        if not posts.total:
            part.paragraphs.append(
                f"Trong {self.label}, {self.organisers} chưa đăng tin, bài nào trên các kênh "
                "truyền thông của công đoàn."
            )
            return part
        channels = posts.channels()
        if len(channels) == 1:
            where = f"trên {posts.channel_name(channels[0][0])}"
        else:
            shown = ", ".join(f"{posts.channel_name(k)} {format_int(n)}" for k, n in channels)
            where = f"trên các kênh truyền thông ({shown})"
        change = change_phrase(posts.total, before.total, self.year_before)
        part.paragraphs.append(
            f"Trong {self.label}, {self.organisers} đã đăng {format_int(posts.total)} tin, bài "
            f"{where}" + (f", {change}" if change else "") + "."
        )
        return part

    def desk(self) -> Part:
        part = Part("Triển khai văn bản của cấp trên và giải đáp chính sách, pháp luật")
        cascades, cascades_before = self.counts.cascades, self.counts_before.cascades
        if cascades.recipients:
            text = (
                f"Cấp trên đã giao {format_int(cascades.cascades)} văn bản, nội dung có hạn "
                f"hoàn thành trong {self.label} tới {format_int(cascades.recipients)} lượt đơn "
                "vị; các đơn vị đã thực hiện "
                f"{format_int(cascades.done)}/{format_int(cascades.recipients)} lượt "
                f"({share_phrase(cascades.done, cascades.recipients)})"
            )
            if cascades_before.recipients:
                text += (
                    f", cùng kỳ năm {self.year_before} là "
                    f"{share_phrase(cascades_before.done, cascades_before.recipients)}"
                )
            part.paragraphs.append(text + ".")
        else:
            part.paragraphs.append(
                f"Trong {self.label}, cấp trên chưa giao văn bản, nội dung nào có hạn triển khai."
            )
        asked, asked_before = self.counts.inquiries, self.counts_before.inquiries
        if not asked.received:
            part.paragraphs.append(
                f"Trong {self.label}, {self.organisers} chưa nhận được câu hỏi, phản ánh, kiến "
                "nghị nào của đoàn viên, người lao động."
            )
            return part
        text = (
            f"{capital(self.organisers)} đã tiếp nhận {format_int(asked.received)} câu hỏi, "
            "phản ánh, kiến nghị của đoàn viên, người lao động; "
        )
        if not asked.answered:
            text += "chưa trả lời câu nào"
        else:
            text += (
                f"đã trả lời {format_int(asked.answered)} "
                f"({share_phrase(asked.answered, asked.received)})"
            )
            if asked.due:
                text += (
                    f", trong đó {format_int(asked.on_time)} câu được trả lời đúng thời hạn đã hẹn "
                    f"({share_phrase(asked.on_time, asked.due)} số câu đã đến hạn trả lời)"
                )
            if asked.median_first_response is not None:
                # The median, said the way a reader understands it.
                text += (
                    "; một nửa số câu hỏi được trả lời lần đầu trong vòng "
                    f"{duration_text(asked.median_first_response)}"
                )
        clause = compare_clause(
            [
                ("số câu hỏi tiếp nhận", asked.received, asked_before.received),
                ("số câu đã trả lời", asked.answered, asked_before.answered),
            ],
            self.year_before,
        )
        part.paragraphs.append(text + (f"; {clause}" if clause else "") + ".")
        return part

    def results(self) -> Section:
        parts = ranked([(100, self.posts()), (100, self.desk())], self.data, _results)
        for number, part in enumerate(parts, start=1):
            part.heading = f"{number}. {part.heading}"
        return Section("I. KẾT QUẢ THỰC HIỆN", parts)

    # -- II. assessment ----------------------------------------------------------------------

    def changed(self, up: bool) -> list[str]:
        posts = change_item(
            "tin, bài trên các kênh truyền thông",
            self.counts.posts.total,
            self.counts_before.posts.total,
            self.year_before,
            up=up,
        )
        own = [(100, posts)] if posts else []
        return ranked(own, self.data, lambda section, data: section.changes(data, up))

    def strengths(self) -> Part:
        # Only what the figures show: growth, targets met (the sections' own), answers on time.
        own: list[tuple[int, str]] = []
        grown = self.changed(up=True)
        if grown:
            many = "nhiều kết quả tăng" if len(grown) >= 3 else "các kết quả sau tăng"
            own.append((10, f"So với cùng kỳ năm trước, {many}: " + ", ".join(grown) + "."))
        asked = self.counts.inquiries
        if asked.due and asked.on_time == asked.due:
            own.append(
                (
                    20,
                    f"Toàn bộ {format_int(asked.due)} câu hỏi, phản ánh, kiến nghị đã đến hạn "
                    "của đoàn viên, người lao động được trả lời đúng thời hạn đã hẹn.",
                )
            )
        paragraphs = ranked(own, self.data, _strengths)
        if not paragraphs:
            paragraphs.append(
                "Số liệu của kỳ chưa cho thấy kết quả nào tăng so với cùng kỳ năm trước hoặc "
                "đạt chỉ tiêu được giao."
            )
        return Part("1. Ưu điểm", paragraphs)

    def weaknesses(self) -> Part:
        own: list[tuple[int, str]] = []
        fallen = self.changed(up=False)
        if fallen:
            own.append(
                (20, "Một số kết quả giảm so với cùng kỳ năm trước: " + ", ".join(fallen) + ".")
            )
        asked = self.counts.inquiries
        if asked.due > asked.on_time:
            late = asked.due - asked.on_time
            own.append(
                (
                    30,
                    f"Còn {format_int(late)} câu hỏi, phản ánh, kiến nghị của đoàn viên, người "
                    f"lao động (chiếm {share_phrase(late, asked.due)} số câu đã đến hạn) chưa "
                    "được trả lời đúng thời hạn đã hẹn.",
                )
            )
        cascades = self.counts.cascades
        if cascades.not_done > 0:
            own.append(
                (
                    40,
                    f"Còn {format_int(cascades.not_done)} lượt triển khai văn bản, nội dung của "
                    f"cấp trên (chiếm {share_phrase(cascades.not_done, cascades.recipients)}) "
                    "chưa báo cáo hoàn thành.",
                )
            )
        paragraphs = ranked(own, self.data, _weaknesses)
        if not paragraphs:
            paragraphs.append(
                "Số liệu của kỳ chưa cho thấy kết quả nào giảm so với cùng kỳ năm trước, chưa "
                "đạt chỉ tiêu hoặc chậm so với thời hạn."
            )
        return Part("2. Hạn chế", paragraphs)

    def assessment(self) -> Section:
        return Section("II. ĐÁNH GIÁ CHUNG", [self.strengths(), self.weaknesses()])

    # -- III, IV -----------------------------------------------------------------------------

    def tasks(self) -> Section:
        upcoming = self.data.period.next().label
        own = [
            "Tiếp tục đổi mới nội dung, hình thức tuyên truyền; tăng cường tuyên truyền trực "
            "tiếp tại cơ sở gắn với đối thoại, nắm bắt tâm tư, nguyện vọng của đoàn viên, "
            "người lao động.",
            "Đẩy mạnh tuyên truyền trên không gian mạng; nâng cao chất lượng trang, nhóm của "
            "công đoàn các cấp; kịp thời định hướng thông tin, đấu tranh với thông tin sai lệch.",
            f"Tổ chức các hoạt động hưởng ứng các chiến dịch truyền thông của tổ chức Công đoàn "
            f"trong {upcoming}.",
        ]
        own.append(
            "Các cấp công đoàn báo cáo đầy đủ, kịp thời kết quả hoạt động tuyên truyền sau mỗi "
            "đợt triển khai."
        )
        paragraphs = ranked(
            [(rank, text) for rank, text in zip((0, 10, 20, 100), own, strict=True)],
            self.data,
            _tasks,
        )
        return Section(
            "III. NHIỆM VỤ TRỌNG TÂM THỜI GIAN TỚI",
            [Part("", [f"- {p}" for p in paragraphs])],
        )

    def proposals(self) -> Section:
        superior = self.data.letterhead.superior or "cấp trên"
        return Section(
            "IV. ĐỀ XUẤT, KIẾN NGHỊ",
            [
                Part(
                    "",
                    [
                        f"- Đề nghị {superior} tiếp tục cung cấp kịp thời tài liệu định hướng "
                        "tuyên truyền; tổ chức tập huấn nâng cao kỹ năng truyền thông cho cán "
                        "bộ công đoàn cơ sở.",
                        "- Quan tâm bố trí kinh phí, trang thiết bị phục vụ công tác tuyên "
                        "truyền tại cơ sở.",
                    ],
                )
            ],
        )

    def opening(self) -> str:
        text = (
            f"{capital(self.data.letterhead.issuer)} báo cáo kết quả công tác tuyên truyền "
            f"{self.label} như sau"
        )
        last = min(self.data.last_day, self.data.issued_on)
        if last < self.data.period.end:
            text += f" (số liệu tính đến hết ngày {last:%d/%m/%Y})"
        return text + ":"


def _results(section: ReportSection, data: ReportData) -> list[tuple[int, Any]]:
    return section.results(data)


def _strengths(section: ReportSection, data: ReportData) -> list[tuple[int, Any]]:
    return section.strengths(data)


def _weaknesses(section: ReportSection, data: ReportData) -> list[tuple[int, Any]]:
    return section.weaknesses(data)


def _tasks(section: ReportSection, data: ReportData) -> list[tuple[int, Any]]:
    return section.tasks(data)


def write(data: ReportData) -> Narrative:
    writer = _Writer(data)
    return Narrative(
        opening=writer.opening(),
        sections=[writer.results(), writer.assessment(), writer.tasks(), writer.proposals()],
    )

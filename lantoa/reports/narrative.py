"""The report's text, written from the figures in the voice of the union's review reports.

Pure functions of a ``ReportData``: no database, so every sentence can be tested with
figures made up in the test. Numbers are written the Vietnamese way (1.174; 220,6%).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lantoa.activities.models import ActivityKind
from lantoa.activities.selectors import Figures
from lantoa.core.text import format_int, format_percent
from lantoa.reports.counts import duration_text
from lantoa.reports.data import ReportData
from lantoa.units.models import UnitKind

PEOPLE = "lượt đoàn viên, công nhân, viên chức, lao động"
MAX_NAMED = 5  # units named in one sentence before "…"


@dataclass
class Part:
    """A numbered part of a section ("1. Công tác tuyên truyền trực tiếp") and its paragraphs;
    an empty heading for paragraphs straight under the section."""

    heading: str
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class Section:
    heading: str  # "I. KẾT QUẢ THỰC HIỆN"
    parts: list[Part] = field(default_factory=list)


@dataclass
class Narrative:
    opening: str
    sections: list[Section]


# --- phrases ---------------------------------------------------------------------------------


def change_phrase(current: int, previous: int, previous_year: int) -> str:
    """ "tăng 12,5% so với cùng kỳ năm 2021" / "giảm …" / "bằng cùng kỳ năm 2021"; "" when
    there is nothing to compare with."""
    if previous <= 0:
        return ""
    ratio = current / previous - 1
    if abs(ratio) < 0.0005:
        return f"bằng cùng kỳ năm {previous_year}"
    verb = "tăng" if ratio > 0 else "giảm"
    return f"{verb} {format_percent(abs(ratio))} so với cùng kỳ năm {previous_year}"


def compare_clause(items: list[tuple[str, int, int]], previous_year: int) -> str:
    """(what, this period, same period last year) → "số buổi tuyên truyền tăng 8,7%, số lượt
    người tham gia giảm 2,0% so với cùng kỳ năm 2025"; items without a base are left out."""
    moved, same = [], []
    for what, current, previous in items:
        if previous <= 0:
            continue
        ratio = current / previous - 1
        if abs(ratio) < 0.0005:
            same.append(what)
        else:
            verb = "tăng" if ratio > 0 else "giảm"
            moved.append(f"{what} {verb} {format_percent(abs(ratio))}")
    parts = []
    if moved:
        parts.append(", ".join(moved) + f" so với cùng kỳ năm {previous_year}")
    if same:
        tail = " bằng cùng kỳ" if moved else f" bằng cùng kỳ năm {previous_year}"
        parts.append(", ".join(same) + tail)
    return "; ".join(parts)


def target_phrase(value: int, target: int | None) -> str:
    """ "đạt 220,6% so với chỉ tiêu"; "" without a target."""
    if not target:
        return ""
    return f"đạt {format_percent(value / target)} so với chỉ tiêu"


def share_phrase(part: int, whole: int) -> str:
    """ "45,2%" of a whole; "" when the whole is zero."""
    return format_percent(part / whole) if whole else ""


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:MAX_NAMED])
    return shown + (", …" if len(names) > MAX_NAMED else "")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


class _Writer:
    def __init__(self, data: ReportData) -> None:
        self.data = data
        self.now = data.current
        self.before = data.previous
        self.counts = data.counts
        self.counts_before = data.counts_before
        self.year_before = data.period.year - 1
        self.label = data.period.label
        self.is_grassroots = data.unit.kind == UnitKind.GRASSROOTS
        # Who did it: a grassroots union reports its own work, an upper level its subtree's.
        self.organisers = "công đoàn cơ sở" if self.is_grassroots else "các cấp công đoàn"

    def cur(self, kind: str) -> Figures:
        return self.now.kind(kind)

    def prev(self, kind: str) -> Figures:
        return self.before.kind(kind)

    def items(self, kind: str, noun: str) -> str:
        """ "1.747 buổi tuyên truyền (đạt 220,6% so với chỉ tiêu)"."""
        value = self.cur(kind).quantity
        text = f"{format_int(value)} {noun}"
        target = target_phrase(value, self.data.targets.get(kind))
        return f"{text} ({target})" if target else text

    def compare(self, *items: tuple[str, str, str]) -> str:
        """ "; số buổi tuyên truyền tăng 8,7%, số lượt người tham gia tăng 6,6% so với cùng kỳ
        năm 2025" for (kind, what, figure) items; "" when last year has nothing to compare."""
        clause = compare_clause(
            [
                (what, getattr(self.cur(kind), attr), getattr(self.prev(kind), attr))
                for kind, what, attr in items
            ],
            self.year_before,
        )
        return f"; {clause}" if clause else ""

    # -- I. results --------------------------------------------------------------------------

    def outreach(self) -> Part:
        part = Part("1. Công tác tuyên truyền trực tiếp")
        kind = ActivityKind.OUTREACH
        figures = self.cur(kind)
        if not figures.quantity:
            part.paragraphs.append(
                f"Trong {self.label}, chưa ghi nhận buổi tuyên truyền trực tiếp nào trên hệ thống."
            )
            return part
        sessions = self.items(kind, "buổi tuyên truyền")
        people = f"{format_int(figures.participants)} {PEOPLE}"
        groups = self.now.grassroots_with_outreach
        if self.is_grassroots or not groups:
            who = "đã tổ chức"
        else:
            who = f"đã có {format_int(groups)} công đoàn cơ sở tổ chức"
        part.paragraphs.append(
            f"Trong {self.label}, {who} {sessions}, thu hút {people} tham gia"
            + self.compare(
                (kind, "số buổi tuyên truyền", "quantity"),
                (kind, "số lượt người tham gia", "participants"),
            )
            + "."
        )
        if figures.online:
            part.paragraphs.append(
                f"Trong đó, {format_int(figures.direct)} buổi tổ chức trực tiếp, "
                f"{format_int(figures.online)} buổi tổ chức trực tuyến (chiếm "
                f"{share_phrase(figures.online, figures.quantity)})."
            )
        total = self.data.grassroots_total
        if not self.is_grassroots and total and groups:
            part.paragraphs.append(
                f"Số công đoàn cơ sở có tổ chức tuyên truyền chiếm {share_phrase(groups, total)} "
                f"trong tổng số {format_int(total)} công đoàn cơ sở."
            )
        return part

    def simple(self, heading: str, kind: str, noun: str, people_noun: str, none_text: str) -> Part:
        part = Part(heading)
        figures = self.cur(kind)
        if not figures.quantity:
            part.paragraphs.append(none_text)
            return part
        people = (
            f" với {format_int(figures.participants)} {people_noun}" if figures.participants else ""
        )
        part.paragraphs.append(
            f"Trong {self.label}, {self.organisers} đã tổ chức {self.items(kind, noun)}"
            + people
            + self.compare((kind, f"số {noun}", "quantity"))
            + "."
        )
        return part

    def media(self) -> Part:
        part = Part("5. Thông tin trên báo chí, phát thanh, truyền hình")
        press, broadcast = self.cur(ActivityKind.PRESS), self.cur(ActivityKind.BROADCAST)
        if not press.quantity and not broadcast.quantity:
            part.paragraphs.append(
                "Chưa ghi nhận tin, bài, chương trình phát thanh, truyền hình nào trên hệ thống."
            )
            return part
        done = []
        if press.quantity:
            done.append(
                f"đăng {self.items(ActivityKind.PRESS, 'tin, bài')} trên các cơ quan báo chí"
            )
        if broadcast.quantity:
            noun = "chương trình phát thanh, truyền hình"
            done.append(f"phát {self.items(ActivityKind.BROADCAST, noun)}")
        part.paragraphs.append(
            f"Trong {self.label}, đã phối hợp "
            + " và ".join(done)
            + self.compare(
                (ActivityKind.PRESS, "số tin, bài", "quantity"),
                (ActivityKind.BROADCAST, "số chương trình", "quantity"),
            )
            + "."
        )
        if self.data.outlets:
            top = [
                f"{outlet} ({format_int(items)} "
                + ("tin, bài" if kind == ActivityKind.PRESS else "chương trình")
                + ")"
                for kind, outlet, items in self.data.outlets[:MAX_NAMED]
            ]
            part.paragraphs.append("Các cơ quan đăng, phát nhiều nhất: " + ", ".join(top) + ".")
        return part

    def emulation(self) -> Part:
        part = Part("6. Phong trào thi đua, sáng kiến và khen thưởng")
        ideas = self.cur(ActivityKind.INITIATIVE)
        honours = self.cur(ActivityKind.COMMENDATION)
        sentences = []
        if ideas.quantity:
            sentences.append(
                f"Đoàn viên, người lao động đã đăng ký "
                f"{self.items(ActivityKind.INITIATIVE, 'sáng kiến')}"
                + self.compare((ActivityKind.INITIATIVE, "số sáng kiến", "quantity"))
                + "."
            )
        if honours.quantity:
            sentences.append(
                f"Có {self.items(ActivityKind.COMMENDATION, 'đoàn viên')} được khen thưởng"
                + self.compare(
                    (ActivityKind.COMMENDATION, "số đoàn viên được khen thưởng", "quantity")
                )
                + "."
            )
        part.paragraphs.append(
            " ".join(sentences)
            if sentences
            else "Chưa ghi nhận sáng kiến, khen thưởng nào trên hệ thống trong kỳ."
        )
        return part

    def posts(self) -> Part:
        part = Part("7. Tuyên truyền trên không gian mạng và các kênh thông tin của công đoàn")
        posts, before = self.counts.posts, self.counts_before.posts
        if not posts.total:
            part.paragraphs.append(
                "Chưa ghi nhận tin, bài nào được đăng trên các kênh truyền thông của công đoàn "
                "trong kỳ."
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
        part = Part("8. Triển khai văn bản của cấp trên và giải đáp chính sách, pháp luật")
        cascades, cascades_before = self.counts.cascades, self.counts_before.cascades
        if cascades.recipients:
            text = (
                f"Có {format_int(cascades.cascades)} văn bản, nội dung của cấp trên có hạn hoàn "
                f"thành trong {self.label} được triển khai tới "
                f"{format_int(cascades.recipients)} lượt đơn vị nhận; "
                f"{format_int(cascades.done)}/{format_int(cascades.recipients)} lượt đã được "
                f"thực hiện ({share_phrase(cascades.done, cascades.recipients)})"
            )
            if cascades_before.recipients:
                text += (
                    f", cùng kỳ năm {self.year_before} là "
                    f"{share_phrase(cascades_before.done, cascades_before.recipients)}"
                )
            part.paragraphs.append(text + ".")
        else:
            part.paragraphs.append(
                "Chưa có văn bản, nội dung nào của cấp trên có hạn triển khai trong kỳ."
            )
        asked, asked_before = self.counts.inquiries, self.counts_before.inquiries
        if not asked.received:
            part.paragraphs.append(
                "Chưa ghi nhận câu hỏi, phản ánh, kiến nghị nào của đoàn viên, người lao động "
                "gửi đến trong kỳ."
            )
            return part
        text = (
            f"{_capital(self.organisers)} đã tiếp nhận {format_int(asked.received)} câu hỏi, "
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
                text += (
                    "; thời gian trả lời lần đầu trung vị là "
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
        k = ActivityKind
        return Section(
            "I. KẾT QUẢ THỰC HIỆN",
            [
                self.outreach(),
                self.simple(
                    "2. Hoạt động hưởng ứng các chiến dịch truyền thông",
                    k.CAMPAIGN_EVENT,
                    "hoạt động hưởng ứng các chiến dịch truyền thông",
                    "lượt người tham gia",
                    "Chưa ghi nhận hoạt động hưởng ứng chiến dịch nào trên hệ thống trong kỳ.",
                ),
                self.simple(
                    "3. Tập huấn, bồi dưỡng nghiệp vụ",
                    k.TRAINING,
                    "lớp tập huấn, bồi dưỡng",
                    "lượt học viên",
                    "Chưa ghi nhận lớp tập huấn, bồi dưỡng nào trên hệ thống trong kỳ.",
                ),
                self.simple(
                    "4. Hội thi, cuộc thi",
                    k.CONTEST,
                    "hội thi, cuộc thi",
                    "lượt người tham gia",
                    "Chưa ghi nhận hội thi, cuộc thi nào trên hệ thống trong kỳ.",
                ),
                self.media(),
                self.emulation(),
                self.posts(),
                self.desk(),
            ],
        )

    # -- II. assessment ----------------------------------------------------------------------

    def kinds_changed(self, up: bool) -> list[str]:
        out = []
        for kind, label in _KIND_NOUNS.items():
            now, before = self.cur(kind).quantity, self.prev(kind).quantity
            if before and ((now > before) if up else (now < before)):
                phrase = change_phrase(now, before, self.year_before)
                out.append(f"{label} ({phrase.split(' so với')[0]})")
        now, before = self.counts.posts.total, self.counts_before.posts.total
        if before and ((now > before) if up else (now < before)):
            phrase = change_phrase(now, before, self.year_before)
            out.append(f"tin, bài trên các kênh truyền thông ({phrase.split(' so với')[0]})")
        return out

    def strengths(self) -> Part:
        part = Part("1. Ưu điểm")
        part.paragraphs.append(
            "Công tác tuyên truyền được các cấp công đoàn quan tâm triển khai; nội dung bám sát "
            "nhiệm vụ chính trị của địa phương, đơn vị và tâm tư, nguyện vọng của đoàn viên, "
            "người lao động; hình thức ngày càng đa dạng, kết hợp tuyên truyền trực tiếp với "
            "tuyên truyền trên không gian mạng."
        )
        grown = self.kinds_changed(up=True)
        if grown:
            part.paragraphs.append(
                "So với cùng kỳ năm trước, nhiều kết quả tăng: " + ", ".join(grown) + "."
            )
        asked = self.counts.inquiries
        if asked.due and asked.on_time == asked.due:
            part.paragraphs.append(
                f"Toàn bộ {format_int(asked.due)} câu hỏi, phản ánh, kiến nghị đã đến hạn của "
                "đoàn viên, người lao động được trả lời đúng thời hạn đã hẹn."
            )
        leaders = sorted(
            (c for c in self.now.children if c.kind(ActivityKind.OUTREACH).quantity),
            key=lambda c: (-c.kind(ActivityKind.OUTREACH).quantity, c.unit.name),
        )
        if len(leaders) >= 2:
            named = [
                f"{c.unit.name} ({format_int(c.kind(ActivityKind.OUTREACH).quantity)} buổi)"
                for c in leaders[:3]
            ]
            part.paragraphs.append(
                "Một số đơn vị tổ chức nhiều buổi tuyên truyền: " + ", ".join(named) + "."
            )
        return part

    def weaknesses(self) -> Part:
        part = Part("2. Hạn chế")
        groups = self.now.grassroots_with_outreach
        total = self.data.grassroots_total
        if not self.is_grassroots and total > groups:
            missing = total - groups
            part.paragraphs.append(
                f"Vẫn còn {format_int(missing)} công đoàn cơ sở (chiếm "
                f"{share_phrase(missing, total)}) chưa tổ chức buổi tuyên truyền nào trong kỳ."
            )
        silent = [c.unit.name for c in self.now.children if c.unit.is_active and not c.records]
        if silent:
            part.paragraphs.append(
                f"Có {format_int(len(silent))} đơn vị trực thuộc chưa ghi nhận hoạt động nào "
                f"trên hệ thống: {_names(silent)}."
            )
        fallen = self.kinds_changed(up=False)
        if fallen:
            part.paragraphs.append(
                "Một số kết quả giảm so với cùng kỳ năm trước: " + ", ".join(fallen) + "."
            )
        asked = self.counts.inquiries
        if asked.due > asked.on_time:
            late = asked.due - asked.on_time
            part.paragraphs.append(
                f"Còn {format_int(late)} câu hỏi, phản ánh, kiến nghị của đoàn viên, người lao "
                f"động (chiếm {share_phrase(late, asked.due)} số câu đã đến hạn) chưa được trả "
                "lời đúng thời hạn đã hẹn."
            )
        cascades = self.counts.cascades
        if cascades.not_done > 0:
            part.paragraphs.append(
                f"Còn {format_int(cascades.not_done)} lượt triển khai văn bản, nội dung của cấp "
                f"trên (chiếm {share_phrase(cascades.not_done, cascades.recipients)}) chưa báo "
                "cáo hoàn thành."
            )
        if not part.paragraphs:
            part.paragraphs.append(
                "Việc cập nhật kết quả hoạt động lên hệ thống ở một số đơn vị còn chậm, chưa "
                "đầy đủ; tuyên truyền trên không gian mạng chưa đồng đều giữa các đơn vị."
            )
        return part

    def assessment(self) -> Section:
        return Section("II. ĐÁNH GIÁ CHUNG", [self.strengths(), self.weaknesses()])

    # -- III, IV -----------------------------------------------------------------------------

    def tasks(self) -> Section:
        upcoming = self.data.period.next().label
        paragraphs = [
            "Tiếp tục đổi mới nội dung, hình thức tuyên truyền; tăng cường tuyên truyền trực "
            "tiếp tại cơ sở gắn với đối thoại, nắm bắt tâm tư, nguyện vọng của đoàn viên, "
            "người lao động.",
            "Đẩy mạnh tuyên truyền trên không gian mạng; nâng cao chất lượng trang, nhóm của "
            "công đoàn các cấp; kịp thời định hướng thông tin, đấu tranh với thông tin sai lệch.",
            f"Tổ chức các hoạt động hưởng ứng các chiến dịch truyền thông của tổ chức Công đoàn "
            f"trong {upcoming}.",
        ]
        missing = self.data.grassroots_total - self.now.grassroots_with_outreach
        if not self.is_grassroots and missing > 0:
            paragraphs.append(
                f"Hướng dẫn, đôn đốc {format_int(missing)} công đoàn cơ sở chưa tổ chức tuyên "
                "truyền trong kỳ xây dựng kế hoạch và tổ chức ít nhất một buổi tuyên truyền."
            )
        paragraphs.append("Cập nhật đầy đủ, kịp thời kết quả hoạt động lên hệ thống Lan Tỏa.")
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
            f"{_capital(self.data.letterhead.issuer)} báo cáo kết quả công tác tuyên truyền "
            f"{self.label} như sau"
        )
        last = min(self.data.last_day, self.data.issued_on)
        if last < self.data.period.end:
            text += f" (số liệu tính đến hết ngày {last:%d/%m/%Y})"
        return text + ":"


_KIND_NOUNS = {
    ActivityKind.OUTREACH: "buổi tuyên truyền",
    ActivityKind.CAMPAIGN_EVENT: "hoạt động hưởng ứng chiến dịch",
    ActivityKind.TRAINING: "lớp tập huấn",
    ActivityKind.CONTEST: "hội thi, cuộc thi",
    ActivityKind.PRESS: "tin, bài trên báo chí",
    ActivityKind.BROADCAST: "chương trình phát thanh, truyền hình",
    ActivityKind.INITIATIVE: "sáng kiến",
    ActivityKind.COMMENDATION: "đoàn viên được khen thưởng",
}


def write(data: ReportData) -> Narrative:
    writer = _Writer(data)
    return Narrative(
        opening=writer.opening(),
        sections=[writer.results(), writer.assessment(), writer.tasks(), writer.proposals()],
    )

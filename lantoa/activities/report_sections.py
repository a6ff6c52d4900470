"""What the activity records write into the period report (sơ kết, tổng kết): the figures of
each kind this period and the same period a year earlier, the parts "1." to "6." of its
results, its sentences on strengths, weaknesses and tasks, the tables by kind, by child unit
and by press outlet, and the key figures of the XLSX summary. Registered as the
``ReportSection`` "activities" (``lantoa.activities.contributions``).

Everything but ``gather`` is a pure function of the report's data (``data.current`` and
``data.previous`` are ``Rollup``s, ``data.outlets`` the press outlets, ``data.targets`` the
targets by kind, ``data.grassroots_total`` the grassroots units of the subtree).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils import translation

from lantoa.activities.metrics import activity_metric_key
from lantoa.activities.models import ActivityKind
from lantoa.activities.selectors import (
    KINDS,
    Figures,
    activity_outlets,
    activity_rollup,
    grassroots_count,
)
from lantoa.core.reporting import (
    MAX_NAMED,
    PEOPLE,
    Cell,
    Part,
    Ratio,
    ReportTable,
    change_item,
    compare_clause,
    names,
    ratio,
    share_phrase,
    target_phrase,
)
from lantoa.core.text import format_int
from lantoa.units.history import rollup_window
from lantoa.units.models import UnitEvent, UnitEventKind, UnitKind, UnitStatus

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


def gather(unit: Any, period: Any, progress: Callable[[int, str], None]) -> dict[str, Any]:
    progress(10, "Đang tổng hợp số liệu trong kỳ")
    current = activity_rollup(unit, period.start, period.end)
    progress(40, "Đang tổng hợp số liệu cùng kỳ năm trước")
    last_year = period.same_period_last_year()
    previous = activity_rollup(unit, last_year.start, last_year.end)
    progress(60, "Đang tổng hợp tin, bài theo cơ quan báo chí")
    outlets = activity_outlets(unit, period.start, period.end)
    _, day = rollup_window(unit, period.start, period.end)
    return {
        "current": current,
        "previous": previous,
        "outlets": outlets,
        "grassroots_total": grassroots_count(unit, day),
    }


def targets() -> dict[str, str]:
    return {kind: activity_metric_key(kind) for kind in KINDS}


class _Writer:
    def __init__(self, data: Any) -> None:
        self.data = data
        self.now = data.current
        self.before = data.previous
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
        part = Part("Công tác tuyên truyền trực tiếp")
        kind = ActivityKind.OUTREACH
        figures = self.cur(kind)
        if not figures.quantity:
            part.paragraphs.append(
                f"Trong {self.label}, {self.organisers} chưa tổ chức buổi tuyên truyền trực tiếp "
                "nào."
            )
            return part
        sessions = self.items(kind, "buổi tuyên truyền")
        people = f"{format_int(figures.participants)} {PEOPLE}"
        groups = self.now.grassroots_with_outreach
        if self.is_grassroots or not groups:
            who = f"{self.organisers} đã tổ chức"
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

    def simple(self, heading: str, kind: str, noun: str, people_noun: str) -> Part:
        part = Part(heading)
        figures = self.cur(kind)
        if not figures.quantity:
            part.paragraphs.append(
                f"Trong {self.label}, {self.organisers} chưa tổ chức {noun} nào."
            )
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
        part = Part("Thông tin trên báo chí, phát thanh, truyền hình")
        press, broadcast = self.cur(ActivityKind.PRESS), self.cur(ActivityKind.BROADCAST)
        if not press.quantity and not broadcast.quantity:
            part.paragraphs.append(
                f"Trong {self.label}, {self.organisers} chưa phối hợp đăng tin, bài trên báo chí "
                "hay phát chương trình phát thanh, truyền hình nào."
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
            f"Trong {self.label}, {self.organisers} đã phối hợp "
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
        part = Part("Phong trào thi đua, sáng kiến và khen thưởng")
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
            else f"Trong {self.label}, chưa có sáng kiến được đăng ký hay đoàn viên được khen "
            "thưởng."
        )
        return part

    def results(self) -> list[Part]:
        k = ActivityKind
        return [
            self.outreach(),
            self.simple(
                "Hoạt động hưởng ứng các chiến dịch truyền thông",
                k.CAMPAIGN_EVENT,
                "hoạt động hưởng ứng các chiến dịch truyền thông",
                "lượt người tham gia",
            ),
            self.simple(
                "Tập huấn, bồi dưỡng nghiệp vụ",
                k.TRAINING,
                "lớp tập huấn, bồi dưỡng",
                "lượt học viên",
            ),
            self.simple(
                "Hội thi, cuộc thi",
                k.CONTEST,
                "hội thi, cuộc thi",
                "lượt người tham gia",
            ),
            self.media(),
            self.emulation(),
        ]

    # -- II. assessment ----------------------------------------------------------------------

    def changes(self, up: bool) -> list[str]:
        out = []
        for kind, label in _KIND_NOUNS.items():
            item = change_item(
                label, self.cur(kind).quantity, self.prev(kind).quantity, self.year_before, up=up
            )
            if item:
                out.append(item)
        return out

    def leaders(self) -> list[str]:
        leaders = sorted(
            (c for c in self.now.children if c.kind(ActivityKind.OUTREACH).quantity),
            key=lambda c: (-c.kind(ActivityKind.OUTREACH).quantity, c.unit.name),
        )
        if len(leaders) < 2:
            return []
        named = [
            f"{c.unit.name} ({format_int(c.kind(ActivityKind.OUTREACH).quantity)} buổi)"
            for c in leaders[:3]
        ]
        return ["Một số đơn vị tổ chức nhiều buổi tuyên truyền: " + ", ".join(named) + "."]

    def not_reached(self) -> list[str]:
        groups = self.now.grassroots_with_outreach
        total = self.data.grassroots_total
        if self.is_grassroots or total <= groups:
            return []
        missing = total - groups
        return [
            f"Vẫn còn {format_int(missing)} công đoàn cơ sở (chiếm "
            f"{share_phrase(missing, total)}) chưa tổ chức buổi tuyên truyền nào trong kỳ."
        ]

    def silent(self) -> list[str]:
        silent = [c.unit.name for c in self.now.children if c.unit.is_active and not c.records]
        if not silent:
            return []
        return [
            f"Có {format_int(len(silent))} đơn vị trực thuộc chưa báo cáo hoạt động nào trong "
            f"kỳ: {names(silent)}."
        ]

    def targets(self) -> tuple[list[str], list[str]]:
        """Targets met ("vượt" only above 100%, "đạt" at exactly 100%) and targets missed."""
        met, missed = [], []
        for kind, noun in _KIND_NOUNS.items():
            target = self.data.targets.get(kind)
            if not target:
                continue
            value = self.cur(kind).quantity
            reached = f"{format_int(value)}, {target_phrase(value, target)}"
            if value > target:
                met.append(f"Vượt chỉ tiêu về {noun}: {reached}.")
            elif value == target:
                met.append(f"Hoàn thành chỉ tiêu về {noun}: {reached}.")
            else:
                missed.append(
                    f"Chưa hoàn thành chỉ tiêu về {noun}: {format_int(value)}, "
                    f"mới {target_phrase(value, target)}."
                )
        return met, missed

    # -- III. tasks --------------------------------------------------------------------------

    def tasks(self) -> list[str]:
        missing = self.data.grassroots_total - self.now.grassroots_with_outreach
        if self.is_grassroots or missing <= 0:
            return []
        return [
            f"Hướng dẫn, đôn đốc {format_int(missing)} công đoàn cơ sở chưa tổ chức tuyên "
            "truyền trong kỳ xây dựng kế hoạch và tổ chức ít nhất một buổi tuyên truyền."
        ]


def results(data: Any) -> list[tuple[int, Any]]:
    return [(0, part) for part in _Writer(data).results()]


def changes(data: Any, up: bool) -> list[tuple[int, str]]:
    return [(0, item) for item in _Writer(data).changes(up)]


def strengths(data: Any) -> list[tuple[int, str]]:
    writer = _Writer(data)
    met, _missed = writer.targets()
    return [(15, text) for text in met] + [(30, text) for text in writer.leaders()]


def weaknesses(data: Any) -> list[tuple[int, str]]:
    writer = _Writer(data)
    _met, missed = writer.targets()
    return (
        [(0, text) for text in writer.not_reached()]
        + [(5, text) for text in missed]
        + [(10, text) for text in writer.silent()]
    )


def tasks(data: Any) -> list[tuple[int, str]]:
    return [(30, text) for text in _Writer(data).tasks()]


# --- tables ----------------------------------------------------------------------------------


def kind_label(kind: str) -> str:
    with translation.override("vi"):
        return str(ActivityKind(kind).label)


def kind_table(data: Any) -> ReportTable:
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
                ratio(now.quantity, before.quantity),
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


def child_table(data: Any) -> ReportTable:
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
    former = former_units(data.unit, [c.unit for c in data.current.children])
    groups: dict[int, list[Any]] = {}
    for child in data.current.children:
        origin = former.get(child.unit.pk)
        if origin is not None:
            groups.setdefault(origin.pk, []).append(child)
    shown: set[int] = set()
    for child in data.current.children:
        origin = former.get(child.unit.pk)
        if origin is None:
            number += 1
            name = child.unit.name if child.unit.is_active else f"{child.unit.name} (đã hợp nhất)"
            table.rows.append(row(number, name, child.by_kind))
        elif origin.pk not in shown:
            # The units that came with a merger: one subtotal row under the former unit's
            # name, not hundreds of former grassroots unions one by one.
            shown.add(origin.pk)
            members = groups[origin.pk]
            by_kind = _by_kind_sum(members)
            number += 1
            table.rows.append(
                row(
                    number,
                    f"{format_int(len(members))} CĐCS nguyên thuộc {origin.name} "
                    "(chuyển về khi hợp nhất)",
                    by_kind,
                )
            )
    table.total = row(None, "Tổng cộng", data.current.by_kind)
    return table


def _by_kind_sum(children: list[Any]) -> dict[str, Figures]:
    total = {kind: Figures() for kind in KINDS}
    for child in children:
        for kind in KINDS:
            total[kind].add(child.by_kind[kind])
    return total


def former_units(unit: Any, children: list[Any]) -> dict[int, Any]:
    """Grassroots child id → the merged unit it came from, for the grassroots unions moved
    under ``unit`` when a unit merged into it (a province merger brings hundreds)."""
    ids = [c.pk for c in children if c.kind == UnitKind.GRASSROOTS]
    found: dict[int, Any] = {}
    for event in UnitEvent.objects.filter(
        kind=UnitEventKind.MOVED,
        unit_id__in=ids,
        new_parent_id=unit.pk,
        old_parent__status=UnitStatus.MERGED,
        old_parent__successor_id=unit.pk,
    ).select_related("old_parent"):
        if event.old_parent is not None:
            found[event.unit_id] = event.old_parent
    return found


def outlet_table(data: Any) -> ReportTable | None:
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


def tables(data: Any) -> list[tuple[int, Any]]:
    """By kind always; by child unit where the unit has children; by outlet where outlets
    were named."""
    out: list[tuple[int, Any]] = [(0, kind_table(data))]
    if data.current.children:
        out.append((20, child_table(data)))
    outlets = outlet_table(data)
    if outlets is not None:
        out.append((30, outlets))
    return out


def summary(data: Any) -> list[tuple[int, tuple[str, Any]]]:
    outreach = data.current.kind(ActivityKind.OUTREACH)
    reached = data.current.grassroots_with_outreach
    rows: list[tuple[str, Cell]] = [
        ("Số hoạt động đã ghi", data.current.records),
        ("Số buổi tuyên truyền", outreach.quantity),
        ("Số lượt người tham gia tuyên truyền", outreach.participants),
        ("Số CĐCS có tổ chức tuyên truyền", reached),
        ("Tổng số CĐCS", data.grassroots_total),
        (
            "Tỷ lệ CĐCS có tổ chức tuyên truyền",
            Ratio(reached / data.grassroots_total if data.grassroots_total else None),
        ),
    ]
    return [(10, row) for row in rows]

"""Deterministic sample activity records for the demo federation (``lantoa seed --size demo``).

From the January two years before the seed's last day (yesterday, ``DemoContext.as_of``) to
that day: grassroots unions hold outreach
sessions now and then (a fifth never record anything, so the reports have gaps to show),
register initiatives and commend members; upper-level unions hold sessions, trainings and
contests; the provincial federations run the campaigns, the briefers' conferences and the
press and broadcast work. Volumes grow year on year and peak in May (Tháng Công nhân).
Bắc Kạn's own records stop the day it merged into Thái Nguyên; its former unions carry on
under Thái Nguyên.

Like the rest of the seed, rows are written in bulk (``core.bulk.insert_rows``, no audit
rows): the same seed always gives the same records.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from lantoa.activities.models import Activity, ActivityFormat, ActivityKind
from lantoa.core.bulk import insert_rows
from lantoa.core.periods import ROMAN
from lantoa.units.models import Unit, UnitKind

# Volumes grow year on year: by this factor for each year after the first of the history.
GROWTH_PER_YEAR = 0.11
# Outreach by month: Tết in February is quiet, May (Tháng Công nhân) busy.
SEASON = (0.9, 0.6, 1.0, 1.1, 1.6, 1.1, 1.0, 0.9, 1.0, 1.1, 1.2, 1.0)
TOPICS = (
    "Tuyên truyền Bộ luật Lao động năm 2019 và các văn bản hướng dẫn",
    "Phổ biến Luật Công đoàn năm 2024",
    "Tuyên truyền chính sách bảo hiểm xã hội, bảo hiểm y tế",
    "Phổ biến Luật Bảo hiểm xã hội năm 2024",
    "Tuyên truyền an toàn, vệ sinh lao động tại nơi làm việc",
    "Phòng cháy, chữa cháy và cứu nạn, cứu hộ tại doanh nghiệp",
    "Phòng, chống tác hại của rượu, bia và ma túy",
    "Nhận diện và phòng, chống lừa đảo trên không gian mạng",
    "Tuyên truyền Nghị quyết Đại hội XIII Công đoàn Việt Nam",
    "Thương lượng, ký kết thỏa ước lao động tập thể",
    "Quy định về lương tối thiểu vùng và chế độ tiền lương",
    "Bình đẳng giới, phòng, chống quấy rối tình dục tại nơi làm việc",
    "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "Văn hóa giao thông, đội mũ bảo hiểm khi đi xe máy",
    "Phòng, chống sốt xuất huyết và dịch bệnh mùa hè",
    "Quyền và nghĩa vụ của đoàn viên công đoàn",
)
TOPICS_2025 = ("Tuyên truyền việc sắp xếp đơn vị hành chính, chính quyền địa phương hai cấp",)
PLACES = ("tại hội trường", "tại nhà ăn ca", "giờ nghỉ giữa ca", "tại phân xưởng", "")
TRAININGS = (
    "Tập huấn kỹ năng truyền thông trên mạng xã hội cho cán bộ công đoàn",
    "Tập huấn nghiệp vụ công tác tuyên giáo công đoàn",
    "Bồi dưỡng kỹ năng cho báo cáo viên, tuyên truyền viên",
    "Tập huấn nghiệp vụ cho cán bộ công đoàn cơ sở mới",
)
CONTESTS = (
    "Hội thi An toàn, vệ sinh viên giỏi",
    "Cuộc thi trực tuyến tìm hiểu pháp luật lao động",
    "Hội thi Cán bộ công đoàn cơ sở giỏi",
    "Hội diễn văn nghệ chào mừng Tháng Công nhân",
)
PRESS = ("Báo {place}", "Báo Lao Động", "Báo Người Lao Động", "Tạp chí Lao động và Công đoàn")
BROADCAST = "Đài Phát thanh – Truyền hình {place}"
MERGER = dt.date(2025, 7, 1)

Add = Callable[..., None]


@dataclass(frozen=True)
class History:
    """The days the sample covers: from 1 January two years before ``end`` to ``end``."""

    end: dt.date

    @property
    def start(self) -> dt.date:
        return dt.date(self.end.year - 2, 1, 1)

    def months(self) -> Iterator[tuple[int, int]]:
        year, month = self.start.year, self.start.month
        while dt.date(year, month, 1) <= self.end:
            yield year, month
            year, month = (year, month + 1) if month < 12 else (year + 1, 1)

    def years(self) -> range:
        return range(self.start.year, self.end.year + 1)

    def growth(self, year: int) -> float:
        return 1.0 + GROWTH_PER_YEAR * (year - self.start.year)


def _day(rng: random.Random, year: int, month: int, lo: int = 1, hi: int = 28) -> dt.date:
    return dt.date(year, month, rng.randint(lo, hi))


def _topic(rng: random.Random, year: int) -> str:
    pool = TOPICS + (TOPICS_2025 if year >= 2025 else ())
    return rng.choice(pool)


def _grassroots(rng: random.Random, unit: Unit, add: Add, history: History) -> None:
    members = max(unit.member_count, 5)
    if rng.random() < 0.2:
        return  # never records anything: the reports' "chưa tổ chức" list
    rate = rng.uniform(0.02, 0.09) * (1 + math.log10(members) / 3)
    for year, month in history.months():
        chance = rate * SEASON[month - 1] * history.growth(year)
        sessions = (1 if rng.random() < chance else 0) + (1 if rng.random() < chance / 8 else 0)
        for _ in range(sessions):
            online = rng.random() < (0.1 if year == history.start.year else 0.2)
            share = rng.uniform(0.2, 0.8) if online else rng.uniform(0.1, 0.5)
            # A hall or a canteen holds a few hundred people at most.
            room = rng.randint(400, 1500) if online else rng.randint(120, 400)
            place = "" if online else rng.choice(PLACES)
            add(
                kind=ActivityKind.OUTREACH,
                held_on=_day(rng, year, month),
                title=f"{_topic(rng, year)} {place}".strip(),
                format=ActivityFormat.ONLINE if online else ActivityFormat.DIRECT,
                participants=max(5, min(room, round(members * share))),
            )
    for year in history.years():
        if members >= 150 and rng.random() < 0.35:
            add(
                kind=ActivityKind.INITIATIVE,
                held_on=_day(rng, year, rng.randint(3, 5)),
                title=f"Đăng ký sáng kiến, cải tiến kỹ thuật năm {year}",
                quantity=rng.randint(1, 6),
            )
        if rng.random() < 0.15:
            add(
                kind=ActivityKind.COMMENDATION,
                held_on=_day(rng, year, 5, 15, 31),
                title=f"Khen thưởng đoàn viên tiêu biểu nhân Tháng Công nhân năm {year}",
                quantity=max(1, round(members * rng.uniform(0.01, 0.05))),
            )
        if year < history.end.year and rng.random() < 0.15:
            add(
                kind=ActivityKind.COMMENDATION,
                held_on=_day(rng, year, 12, 15, 30),
                title=f"Khen thưởng đoàn viên xuất sắc năm {year}",
                quantity=max(1, round(members * rng.uniform(0.01, 0.04))),
            )


def _upper(rng: random.Random, unit: Unit, add: Add, history: History) -> None:
    for year, month in history.months():
        if rng.random() < 0.45 * SEASON[month - 1] * history.growth(year):
            topic = _topic(rng, year)
            add(
                kind=ActivityKind.OUTREACH,
                held_on=_day(rng, year, month),
                title=f"Hội nghị {topic[:1].lower()}{topic[1:]}",
                format=ActivityFormat.DIRECT,
                participants=rng.randint(40, 260),
            )
        if month in (3, 9) and rng.random() < 0.6:
            add(
                kind=ActivityKind.TRAINING,
                held_on=_day(rng, year, month),
                title=rng.choice(TRAININGS),
                format=ActivityFormat.DIRECT,
                participants=rng.randint(25, 90),
            )
        if month == 10 and rng.random() < 0.5:
            add(
                kind=ActivityKind.CONTEST,
                held_on=_day(rng, year, month),
                title=f"{rng.choice(CONTESTS)} năm {year}",
                format=rng.choice((ActivityFormat.DIRECT, ActivityFormat.ONLINE)),
                participants=rng.randint(60, 400),
            )
        if month == 5:
            add(
                kind=ActivityKind.CAMPAIGN_EVENT,
                held_on=_day(rng, year, month),
                title=f"Hưởng ứng Tháng Công nhân năm {year}",
                format=ActivityFormat.DIRECT,
                participants=rng.randint(80, 500),
            )


def _province(rng: random.Random, unit: Unit, add: Add, until: dt.date, history: History) -> None:
    campaigns = {
        1: "Chương trình “Tết Sum vầy” năm {y}",
        5: "Lễ phát động Tháng Công nhân, Tháng hành động về an toàn, vệ sinh lao động năm {y}",
        7: "Kỷ niệm Ngày thành lập Công đoàn Việt Nam (28/7/1929 – 28/7/{y})",
        10: "Hưởng ứng Ngày Phụ nữ Việt Nam 20/10 năm {y}",
    }
    place = unit.name.rsplit("tỉnh ", 1)[-1]
    for year, month in history.months():
        if dt.date(year, month, 1) >= until:
            break
        growth = history.growth(year)
        if month in campaigns:
            add(
                kind=ActivityKind.CAMPAIGN_EVENT,
                held_on=_day(rng, year, month, 5, 25),
                title=campaigns[month].format(y=year),
                format=ActivityFormat.DIRECT,
                participants=rng.randint(300, 1500),
            )
        if month in (3, 6, 9, 12):
            quarter = ROMAN[(month + 2) // 3]
            add(
                kind=ActivityKind.OUTREACH,
                held_on=_day(rng, year, month, 10, 25),
                title=f"Hội nghị báo cáo viên quý {quarter} năm {year}",
                format=ActivityFormat.DIRECT if rng.random() < 0.7 else ActivityFormat.ONLINE,
                participants=rng.randint(150, 400),
            )
        if month in (4, 8):
            add(
                kind=ActivityKind.TRAINING,
                held_on=_day(rng, year, month),
                title=rng.choice(TRAININGS),
                format=ActivityFormat.DIRECT,
                participants=rng.randint(60, 150),
            )
        if month == 11:
            add(
                kind=ActivityKind.CONTEST,
                held_on=_day(rng, year, month),
                title=f"{rng.choice(CONTESTS)} năm {year}",
                format=ActivityFormat.ONLINE,
                participants=rng.randint(1500, 6000),
            )
        for outlet in PRESS[: 2 + (year >= 2025)]:
            add(
                kind=ActivityKind.PRESS,
                held_on=dt.date(year, month, 28),
                title=f"Tin, bài về hoạt động công đoàn tháng {month}/{year}",
                outlet=outlet.format(place=place),
                quantity=max(1, round(rng.randint(2, 9) * growth)),
            )
        add(
            kind=ActivityKind.BROADCAST,
            held_on=dt.date(year, month, 20),
            title=f"Chuyên mục “Công đoàn với người lao động” tháng {month}/{year}",
            outlet=BROADCAST.format(place=place),
            quantity=rng.randint(1, 3),
        )


def seed_demo_activities(*, seed: int, as_of: dt.date, root_code: str = "TN") -> int:
    """Write the demo's activity records for the subtree of ``root_code``, up to ``as_of``;
    returns how many."""
    history = History(end=as_of)
    root = Unit.objects.get(code=root_code)
    rows: list[Activity] = []
    units = Unit.objects.filter(ancestor_links__ancestor=root).order_by("code")
    for unit in units:
        rng = random.Random(f"{seed}:activities:{unit.code}")  # noqa: S311 - demo data

        def add(unit: Unit = unit, **values: Any) -> None:
            if values["held_on"] <= history.end:
                rows.append(Activity(unit=unit, **values))

        if unit.kind == UnitKind.GRASSROOTS:
            _grassroots(rng, unit, add, history)
        elif unit.kind == UnitKind.PROVINCE:
            until = unit.ended_on or history.end + dt.timedelta(days=1)
            _province(rng, unit, add, until, history)
        else:
            _upper(rng, unit, add, history)
    insert_rows(rows)
    return len(rows)

"""The moments of the union year: Tết dates and the shipped list of recurring moments.

Tết dates are a table, not a lunar calendar computation: the Vietnamese calendar is reckoned
at UTC+7 and differs from the Chinese one in some years (2030: Vietnam 02/02, China 03/02),
and a table is easy to check against the official calendar. Extend it before 2035 ends.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lantoa.campaigns.models import RecurringMoment

# First day of Tết Nguyên đán (mùng 1 tháng Giêng), Vietnamese calendar (UTC+7).
TET_DATES: dict[int, dt.date] = {
    2024: dt.date(2024, 2, 10),
    2025: dt.date(2025, 1, 29),
    2026: dt.date(2026, 2, 17),
    2027: dt.date(2027, 2, 6),
    2028: dt.date(2028, 1, 26),
    2029: dt.date(2029, 2, 13),
    2030: dt.date(2030, 2, 2),
    2031: dt.date(2031, 1, 23),
    2032: dt.date(2032, 2, 11),
    2033: dt.date(2033, 1, 31),
    2034: dt.date(2034, 2, 19),
    2035: dt.date(2035, 2, 8),
}
CALENDAR_YEARS = range(min(TET_DATES), max(TET_DATES) + 1)


def tet_date(year: int) -> dt.date | None:
    return TET_DATES.get(year)


# The shipped list, copied to the national root by ``moment_seed_defaults`` and used as the
# fallback where no unit up the tree has a row for a key. Keys are stable identifiers.
DEFAULT_MOMENTS: tuple[dict[str, Any], ...] = (
    {
        "key": "tet-sum-vay",
        "name": "Chương trình “Tết Sum vầy”",
        "description": "Chăm lo Tết cho đoàn viên, người lao động: chợ Tết, vé xe, quà Tết.",
        "rule": "lunar_new_year",
        "offset_start": -30,
        "offset_end": -1,
    },
    {
        "key": "tet-nguyen-dan",
        "name": "Tết Nguyên đán",
        "description": "Mùng 1 đến mùng 3 tháng Giêng.",
        "rule": "lunar_new_year",
        "offset_start": 0,
        "offset_end": 2,
    },
    {
        "key": "quoc-te-phu-nu",
        "name": "Ngày Quốc tế Phụ nữ 8/3",
        "rule": "fixed",
        "month": 3,
        "day": 8,
        "since_year": 1910,
    },
    {
        "key": "quoc-te-lao-dong",
        "name": "Ngày Quốc tế Lao động 1/5",
        "rule": "fixed",
        "month": 5,
        "day": 1,
        "since_year": 1886,
    },
    {
        "key": "thang-cong-nhan",
        "name": "Tháng Công nhân",
        "description": "Cả tháng 5: các hoạt động chăm lo, bảo vệ quyền lợi người lao động.",
        "rule": "fixed",
        "month": 5,
        "day": 1,
        "end_month": 5,
        "end_day": 31,
    },
    {
        "key": "thang-atvsld",
        "name": "Tháng hành động về An toàn, vệ sinh lao động",
        "rule": "fixed",
        "month": 5,
        "day": 1,
        "end_month": 5,
        "end_day": 31,
    },
    {
        "key": "sinh-nhat-bac-ho",
        "name": "Ngày sinh Chủ tịch Hồ Chí Minh 19/5",
        "rule": "fixed",
        "month": 5,
        "day": 19,
        "since_year": 1890,
    },
    {
        "key": "thanh-lap-cong-doan",
        "name": "Ngày thành lập Công đoàn Việt Nam 28/7",
        "description": "Kỷ niệm ngày thành lập Công đoàn Việt Nam (28/7/1929).",
        "rule": "fixed",
        "month": 7,
        "day": 28,
        "since_year": 1929,
    },
    {
        "key": "quoc-khanh",
        "name": "Quốc khánh 2/9",
        "rule": "fixed",
        "month": 9,
        "day": 2,
        "since_year": 1945,
    },
    {
        "key": "phu-nu-viet-nam",
        "name": "Ngày Phụ nữ Việt Nam 20/10",
        "rule": "fixed",
        "month": 10,
        "day": 20,
        "since_year": 1930,
    },
    {
        "key": "dai-hoi-cong-doan",
        "name": "Đại hội Công đoàn",
        "description": "Đại hội công đoàn các cấp: đơn vị đặt ngày cụ thể của mình.",
        "rule": "one_off",
    },
)


@dataclass(frozen=True)
class Occurrence:
    """A moment in one year: its days and what it is called that year."""

    key: str
    name: str
    start: dt.date
    end: dt.date
    description: str = ""
    anniversary: int | None = None  # "kỷ niệm N năm"
    unit_id: int | None = None  # the unit whose row defines it (None: shipped default)

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def is_span(self) -> bool:
        return self.start != self.end


def _safe_date(year: int, month: int, day: int) -> dt.date:
    # 29/2 in a common year falls on 28/2 rather than failing.
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def occurrence(moment: RecurringMoment, year: int) -> Occurrence | None:
    """Where ``moment`` falls in ``year`` (None when it does not: an undated congress, a
    one-off of another year, a Tết outside the table)."""
    start: dt.date | None
    end: dt.date | None
    if moment.rule == "fixed":
        if not moment.month or not moment.day:
            return None
        start = _safe_date(year, moment.month, moment.day)
        end = (
            _safe_date(year, moment.end_month, moment.end_day)
            if moment.end_month and moment.end_day
            else start
        )
        end = max(end, start)
    elif moment.rule == "lunar_new_year":
        tet = tet_date(year)
        if tet is None:
            return None
        start = tet + dt.timedelta(days=moment.offset_start)
        end = max(start, tet + dt.timedelta(days=moment.offset_end))
    else:
        start = moment.start_date
        end = moment.end_date or start
        if start is None or end is None or not (start.year <= year <= end.year):
            return None
    anniversary = year - moment.since_year if moment.since_year else None
    return Occurrence(
        key=moment.key,
        name=moment.name,
        start=start,
        end=end,
        description=moment.description,
        anniversary=anniversary if anniversary and anniversary > 0 else None,
        unit_id=moment.unit_id,
    )

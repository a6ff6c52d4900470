"""Reporting periods: a month (2022-07), a quarter (2022-Q3), a half-year (2022-H1) or a year
(2022), with the Vietnamese words reports use for them ("6 tháng đầu năm 2022")."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from lantoa.core.text import fold

PeriodKind = Literal["month", "quarter", "half", "year"]

MIN_YEAR, MAX_YEAR = 2000, 2100
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_PATTERN = re.compile(
    r"(?P<year>\d{4})(?:-(?:(?P<month>\d{1,2})|[Qq](?P<quarter>\d)|[Hh](?P<half>\d)))?"
)
FORMAT_HELP = gettext_lazy(
    "YYYY-MM (2022-07), YYYY-Qn (2022-Q3), YYYY-H1 hoặc YYYY-H2 (2022-H1), YYYY (2022)"
)


class PeriodError(ValueError):
    """A period that cannot be read; the message is Vietnamese and says what is accepted."""


@dataclass(frozen=True, order=True)
class Period:
    year: int
    kind: PeriodKind
    index: int = 0  # month 1–12, quarter 1–4, half 1–2; 0 for a year

    @property
    def start(self) -> dt.date:
        first_month = {
            "month": self.index,
            "quarter": 3 * self.index - 2,
            "half": 6 * self.index - 5,
            "year": 1,
        }[self.kind]
        return dt.date(self.year, first_month, 1)

    @property
    def end(self) -> dt.date:
        last_month = {
            "month": self.index,
            "quarter": 3 * self.index,
            "half": 6 * self.index,
            "year": 12,
        }[self.kind]
        return dt.date(self.year, last_month, calendar.monthrange(self.year, last_month)[1])

    @property
    def code(self) -> str:
        suffix = {
            "month": f"-{self.index:02d}",
            "quarter": f"-Q{self.index}",
            "half": f"-H{self.index}",
            "year": "",
        }[self.kind]
        return f"{self.year}{suffix}"

    @property
    def label(self) -> str:
        """The period as reports name it: "6 tháng đầu năm 2022", "quý III năm 2022"."""
        if self.kind == "month":
            return f"tháng {self.index} năm {self.year}"
        if self.kind == "quarter":
            return f"quý {ROMAN[self.index]} năm {self.year}"
        if self.kind == "half":
            return f"6 tháng {'đầu' if self.index == 1 else 'cuối'} năm {self.year}"
        return f"năm {self.year}"

    @property
    def title(self) -> str:
        """The label with a capital letter, for headings and lists: "Quý III năm 2022"."""
        return self.label[:1].upper() + self.label[1:]

    @property
    def name(self) -> str:
        """The period in the reader's language, for screens ("6 tháng đầu năm 2026", "first
        half of 2026"); ``label`` stays Vietnamese for the official documents."""
        if self.kind == "month":
            if not (get_language() or "vi").startswith("vi"):
                return f"{calendar.month_name[self.index]} {self.year}"  # "May 2026"
            return _("tháng %(month)s năm %(year)s") % {"month": self.index, "year": self.year}
        if self.kind == "quarter":
            return _("quý %(quarter)s năm %(year)s") % {
                "quarter": ROMAN[self.index],
                "year": self.year,
            }
        if self.kind == "half":
            if self.index == 1:
                return _("6 tháng đầu năm %(year)s") % {"year": self.year}
            return _("6 tháng cuối năm %(year)s") % {"year": self.year}
        return _("năm %(year)s") % {"year": self.year}

    @property
    def name_title(self) -> str:
        """``name`` with a capital letter, for headings and lists."""
        return self.name[:1].upper() + self.name[1:]

    @property
    def review_name(self) -> str:
        """How the union calls the report of this period (sơ kết, tổng kết)."""
        if self.kind == "year":
            return "tổng kết"
        if self.kind == "half":
            return "sơ kết"
        return "báo cáo"

    def same_period_last_year(self) -> Period:
        return Period(self.year - 1, self.kind, self.index)

    def next(self) -> Period:
        size = {"month": 12, "quarter": 4, "half": 2, "year": 1}[self.kind]
        if self.kind == "year" or self.index == size:
            return Period(self.year + 1, self.kind, 1 if self.kind != "year" else 0)
        return Period(self.year, self.kind, self.index + 1)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return self.code


def parse_period(text: str) -> Period:
    """ "2022-07", "2022-Q3", "2022-H1", "2022" (spaces and case do not matter)."""
    raw = (text or "").strip()
    match = _PATTERN.fullmatch(raw.replace(" ", ""))
    if not raw:
        raise PeriodError(
            _("Chưa nhập kỳ báo cáo. Dùng %(format_help)s.") % {"format_help": FORMAT_HELP}
        )
    if match is None:
        raise PeriodError(
            _("Kỳ báo cáo “%(raw)s” không đúng dạng. Dùng %(format_help)s.")
            % {"raw": raw, "format_help": FORMAT_HELP}
        )
    year = int(match["year"])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(
            _(
                "Năm %(year)s của kỳ báo cáo “%(raw)s” không hợp lệ (từ "
                "%(min_year)s đến %(max_year)s)."
            )
            % {"year": year, "raw": raw, "min_year": MIN_YEAR, "max_year": MAX_YEAR}
        )
    if match["month"]:
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise PeriodError(
                _("Tháng %(month)s trong kỳ “%(raw)s” không hợp lệ (từ 01 đến 12).")
                % {"month": month, "raw": raw}
            )
        return Period(year, "month", month)
    if match["quarter"]:
        quarter = int(match["quarter"])
        if not 1 <= quarter <= 4:
            raise PeriodError(
                _("Quý %(quarter)s trong kỳ “%(raw)s” không hợp lệ (Q1 đến Q4).")
                % {"quarter": quarter, "raw": raw}
            )
        return Period(year, "quarter", quarter)
    if match["half"]:
        half = int(match["half"])
        if half not in (1, 2):
            raise PeriodError(
                _("Kỳ “%(raw)s” không hợp lệ: nửa năm chỉ có H1 (6 tháng đầu năm) và H2.")
                % {"raw": raw}
            )
        return Period(year, "half", half)
    return Period(year, "year")


_ROMAN_NUMBERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_SEP = r"\s*(?:nam|/|-|\s)\s*"
_LABELS = (
    # Folded (no diacritics, lower case), as people write them in spreadsheets.
    ("month", re.compile(rf"(?:thang|month|t)\s*(?P<n>\d{{1,2}}){_SEP}(?P<year>\d{{4}})")),
    ("month", re.compile(r"(?P<n>\d{1,2})\s*[/.-]\s*(?P<year>\d{4})")),
    (
        "quarter",
        re.compile(rf"(?:quy|quarter|q)\s*(?P<n>iv|i{{1,3}}|\d){_SEP}(?P<year>\d{{4}})"),
    ),
    ("half1", re.compile(r"(?:6 thang dau|nua dau|first half of|h1)\s*(?:nam\s*)?(?P<year>\d{4})")),
    (
        "half2",
        re.compile(r"(?:6 thang cuoi|nua cuoi|second half of|h2)\s*(?:nam\s*)?(?P<year>\d{4})"),
    ),
    ("year", re.compile(r"(?:ca nam|nam|year)\s*(?P<year>\d{4})")),
)
LABEL_HELP = gettext_lazy(
    "mã kỳ (2026-05, 2026-Q2, 2026-H1, 2026) hoặc tên kỳ (tháng 5/2026, quý II năm 2026, "
    "6 tháng đầu năm 2026, năm 2026)"
)


def parse_period_text(text: str) -> Period:
    """A period as people write it in a spreadsheet: a code (``parse_period``) or its name,
    with or without diacritics, in any case: "tháng 5/2026", "Tháng 05 năm 2026", "quý II năm
    2026", "6 tháng đầu năm 2026", "năm 2026". PeriodError names both forms."""
    try:
        return parse_period(text)
    except PeriodError:
        pass
    folded = fold(text).replace(",", " ").strip()
    folded = re.sub(r"\s+", " ", folded)
    for kind, pattern in _LABELS:
        match = pattern.fullmatch(folded)
        if match is None:
            continue
        code = match["year"]
        if kind == "month":
            code += f"-{int(match['n']):02d}"
        elif kind == "quarter":
            number = _ROMAN_NUMBERS.get(match["n"]) or int(match["n"])
            code += f"-Q{number}"
        elif kind in ("half1", "half2"):
            code += "-H1" if kind == "half1" else "-H2"
        try:
            return parse_period(code)
        except PeriodError as exc:  # "tháng 13/2026": name what was written, not the code
            raise PeriodError(str(exc).replace(f"“{code}”", f"“{text.strip()}”")) from exc
    raise PeriodError(
        _("Không đọc được kỳ “%(raw)s”: dùng %(help)s.") % {"raw": text.strip(), "help": LABEL_HELP}
    )


def recent_periods(today: dt.date, count: int = 10) -> list[Period]:
    """Periods to offer in the report form, most useful first: the last ended half-year and
    year, the current and previous quarters and months."""
    half = 1 if today.month <= 6 else 2
    quarter = (today.month - 1) // 3 + 1
    options = [
        Period(today.year, "half", half),
        Period(today.year - 1, "half", 2) if half == 1 else Period(today.year, "half", 1),
        Period(today.year - 1, "year"),
        Period(today.year, "year"),
        Period(today.year, "quarter", quarter),
        Period(today.year, "quarter", quarter - 1)
        if quarter > 1
        else Period(today.year - 1, "quarter", 4),
        Period(today.year, "month", today.month),
        Period(today.year, "month", today.month - 1)
        if today.month > 1
        else Period(today.year - 1, "month", 12),
    ]
    seen: list[Period] = []
    for option in options:
        if option not in seen:
            seen.append(option)
    return seen[:count]


# --- days and bounds, shared by the apps' figures --------------------------------------------


def day_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, the day after end 00:00) in Vietnam time, for datetime columns."""
    from django.utils import timezone

    begin = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    after = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    return begin, after


def days_in(start: dt.date, end: dt.date) -> int:
    return max((end - start).days + 1, 0)


def year_back(day: dt.date) -> dt.date:
    """The same day a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")


def parse_date(raw: str) -> dt.date:
    """dd/mm/yyyy (also with - or .) or yyyy-mm-dd; ValueError with a Vietnamese message."""
    text = raw.strip()
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(
        _("“%(raw)s” không phải ngày hợp lệ (dùng dd/mm/yyyy, ví dụ 05/07/2024, hoặc yyyy-mm-dd).")
        % {"raw": raw}
    )

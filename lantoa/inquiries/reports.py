"""Figures of the inquiry desk for a unit's subtree and a period: no personal data, only
counts and times. Plain dataclasses, so the periodic reports (``lantoa.reports``) reuse them:
``inquiry_figures(unit, start, end)``.

Definitions (for cases *received* in ``[start, end)`` by the unit or any unit below it):

* received — all of them;
* answered — those that have had a first response;
* on time — first response no later than the first-response deadline
  (``first_responded_at <= first_response_due``); its ratio is taken over the cases that were
  *due* (answered, or past their deadline unanswered), so a case received an hour ago and
  not yet answered does not count against the unit;
* median first-response time — over the answered ones, in whole seconds: the database
  computes each case's response time, Python takes the median, so SQLite and PostgreSQL give
  the same number (PostgreSQL's ``percentile_cont`` agrees, see the tests);
* escalated — those escalated at least one level up for missing the deadline;
* overdue now — cases of the subtree whose worker waits past the promised time at ``now``
  (``selectors.overdue_q``: past the deadline, or escalated during the current wait),
  whenever received — a snapshot, not part of the period;
* answered last year — the same count for the same dates one year earlier; for a period still
  running, both windows stop at today's date, so year-to-date is compared with year-to-date.
  The seeds' target is to double it: ``target_ratio`` = answered ÷ (2 × last year).

Roll-ups go through ``UnitClosure`` in SQL: each child of the unit gets the cases of its whole
subtree in one grouped query.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, F, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from lantoa.inquiries.models import Inquiry, Source
from lantoa.inquiries.selectors import overdue_q
from lantoa.kb.models import Category
from lantoa.units.models import Unit, UnitClosure, UnitStatus

PERIOD_KINDS = ("nam", "nua", "quy", "thang")

# The one definition of answered, due and answered on time (targets and dashboards count with
# it too, ``lantoa.inquiries.metrics``).
ANSWERED = Q(first_responded_at__isnull=False)
ON_TIME = Q(first_responded_at__lte=F("first_response_due"))


def due_q(now: dt.datetime) -> Q:
    """Answered, or past the first-response deadline unanswered at ``now``."""
    return ANSWERED | Q(first_response_due__lte=now)


_ROMAN = ("I", "II", "III", "IV")


@dataclass(frozen=True)
class Period:
    kind: str  # "nam" (year), "nua" (half), "quy" (quarter), "thang" (month)
    year: int
    number: int  # 1 for a year; 1-2 halves; 1-4 quarters; 1-12 months
    start: dt.datetime
    end: dt.datetime

    @property
    def label(self) -> str:
        if self.kind == "thang":
            return f"Tháng {self.number}/{self.year}"
        if self.kind == "quy":
            return f"Quý {_ROMAN[self.number - 1]}/{self.year}"
        if self.kind == "nua":
            return f"6 tháng {'đầu' if self.number == 1 else 'cuối'} năm {self.year}"
        return f"Năm {self.year}"


def _local_start(year: int, month: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, 1))


def make_period(kind: str, year: int, number: int = 1) -> Period:
    """The period; ``ValueError`` (in Vietnamese) when it does not exist."""
    months = {"nam": 12, "nua": 6, "quy": 3, "thang": 1}
    if kind not in months:
        raise ValueError("Loại kỳ báo cáo không hợp lệ (năm, 6 tháng, quý hoặc tháng).")
    if not 2000 <= year <= 2100:
        raise ValueError("Năm báo cáo phải từ 2000 đến 2100.")
    span = months[kind]
    if not 1 <= number <= 12 // span:
        raise ValueError("Số kỳ không hợp lệ cho loại kỳ đã chọn.")
    first_month = (number - 1) * span + 1
    end_month = first_month + span
    end = _local_start(year + 1, 1) if end_month > 12 else _local_start(year, end_month)
    return Period(kind, year, number, _local_start(year, first_month), end)


def current_year(now: dt.datetime | None = None) -> Period:
    return make_period("nam", timezone.localtime(now or timezone.now()).year)


def _year_back(moment: dt.datetime) -> dt.datetime:
    local = timezone.localtime(moment)
    try:
        return local.replace(year=local.year - 1)
    except ValueError:  # 29 February
        return local.replace(year=local.year - 1, day=28)


@dataclass
class InquiryFigures:
    received: int = 0
    answered: int = 0
    due: int = 0
    on_time: int = 0
    escalated: int = 0
    overdue_now: int = 0
    median_first_response: dt.timedelta | None = None
    answered_last_year: int = 0

    @property
    def on_time_ratio(self) -> float | None:
        return self.on_time / self.due if self.due else None

    @property
    def answered_ratio(self) -> float | None:
        return self.answered / self.received if self.received else None

    @property
    def yoy_change(self) -> float | None:
        """(answered − last year) ÷ last year."""
        if not self.answered_last_year:
            return None
        return (self.answered - self.answered_last_year) / self.answered_last_year

    @property
    def target_ratio(self) -> float | None:
        """Progress towards doubling last year's answered count."""
        if not self.answered_last_year:
            return None
        return self.answered / (2 * self.answered_last_year)

    @property
    def median_hours(self) -> float | None:
        if self.median_first_response is None:
            return None
        return self.median_first_response.total_seconds() / 3600

    @property
    def is_empty(self) -> bool:
        return not (self.received or self.overdue_now or self.answered_last_year)


@dataclass
class FigureRow:
    key: Any
    label: str
    figures: InquiryFigures
    unit: Unit | None = None


@dataclass
class InquiryReport:
    unit: Unit
    period: Period
    now: dt.datetime
    total: InquiryFigures
    by_child: list[FigureRow] = field(default_factory=list)
    by_source: list[FigureRow] = field(default_factory=list)
    by_category: list[FigureRow] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# The grouped queries


def _windows(
    start: dt.datetime, end: dt.datetime, now: dt.datetime
) -> tuple[dt.datetime, dt.datetime]:
    """Last year's window matching ``[start, end)``, cut at today when the period runs on."""
    return _year_back(start), _year_back(min(end, now) if start < now else end)


def _response_seconds() -> RawSQL:
    """Whole seconds from receipt to first response, computed by the database (a plain
    number: no datetime parsing per row in Python, no Python function inside SQLite).
    Only column names of our own table go into the SQL."""
    table = connection.ops.quote_name(Inquiry._meta.db_table)
    first, received = f"{table}.first_responded_at", f"{table}.received_at"
    if connection.vendor == "sqlite":
        sql = f"ROUND((julianday({first}) - julianday({received})) * 86400)"
    else:
        sql = f"ROUND(EXTRACT(EPOCH FROM ({first} - {received})))"
    return RawSQL(sql, [], output_field=FloatField())  # noqa: S611 - no input in it


def _grouped(
    qs: QuerySet[Inquiry], key: str | None, **aggregates: Any
) -> dict[Hashable, dict[str, Any]]:
    qs = qs.order_by()
    if key is None:
        return {None: qs.aggregate(**aggregates)}
    rows = qs.annotate(k=F(key)).values("k").annotate(**aggregates)
    return {row["k"]: dict(row) for row in rows}


# Response times of one report, fetched once: (unit id, source, category, seconds).
_Times = list[tuple[int, str, str, float]]


def _times(subtree: QuerySet[Inquiry], start: dt.datetime, end: dt.datetime) -> _Times:
    rows = subtree.filter(
        received_at__gte=start, received_at__lt=end, first_responded_at__isnull=False
    ).order_by()
    return list(
        rows.annotate(s=_response_seconds()).values_list("unit_id", "source", "category", "s")
    )


def _medians(
    times: _Times, group_of: Callable[[tuple[int, str, str, float]], Hashable]
) -> dict[Hashable, dt.timedelta]:
    seconds: dict[Hashable, list[float]] = defaultdict(list)
    for row in times:
        seconds[group_of(row)].append(max(float(row[3]), 0.0))
    return {g: dt.timedelta(seconds=statistics.median(v)) for g, v in seconds.items()}


def _collect(
    subtree: QuerySet[Inquiry],
    key: str | None,
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime,
    medians: dict[Hashable, dt.timedelta],
) -> dict[Hashable, InquiryFigures]:
    """Figures per value of ``key`` (None: one total) over the cases of ``subtree``: counts
    in one grouped query, the median response times given."""
    answered = ANSWERED
    period = Q(received_at__gte=start, received_at__lt=end)
    last_start, last_end = _windows(start, end, now)
    last_year = Q(received_at__gte=last_start, received_at__lt=last_end) & answered
    overdue = overdue_q(now)
    # One pass over the cases that count anywhere, every figure a filtered count.
    counts = _grouped(
        subtree.filter(period | last_year | overdue),
        key,
        received=Count("pk", filter=period),
        answered=Count("pk", filter=period & answered),
        due=Count("pk", filter=period & due_q(now)),
        on_time=Count("pk", filter=period & ON_TIME),
        escalated=Count("pk", filter=period & Q(escalation_level__gt=0)),
        last=Count("pk", filter=last_year),
        overdue=Count("pk", filter=overdue),
    )
    figures: dict[Hashable, InquiryFigures] = {}
    for group, c in counts.items():
        figures[group] = InquiryFigures(
            received=int(c["received"] or 0),
            answered=int(c["answered"] or 0),
            due=int(c["due"] or 0),
            on_time=int(c["on_time"] or 0),
            escalated=int(c["escalated"] or 0),
            overdue_now=int(c["overdue"] or 0),
            median_first_response=medians.get(group),
            answered_last_year=int(c["last"] or 0),
        )
    return figures


def _subtree(unit: Unit) -> QuerySet[Inquiry]:
    # A join on the closure table: SQLite plans it far better than ``unit_id IN (…)``.
    return Inquiry.objects.filter(unit__ancestor_links__ancestor=unit)


def _child_of(unit: Unit) -> dict[int, int]:
    """Unit id → the child of ``unit`` whose subtree holds it (``unit`` itself for itself)."""
    pairs = UnitClosure.objects.filter(ancestor__parent=unit).values_list(
        "descendant_id", "ancestor_id"
    )
    return {unit.pk: unit.pk, **dict(pairs)}


def _only(medians: dict[Hashable, dt.timedelta], key: Hashable) -> dict[Hashable, dt.timedelta]:
    return {None: medians[key]} if key in medians else {}


def inquiry_figures(
    unit: Unit,
    start: dt.datetime,
    end: dt.datetime,
    *,
    now: dt.datetime | None = None,
    times: _Times | None = None,
) -> InquiryFigures:
    """Figures of ``unit``'s whole subtree for cases received in ``[start, end)``."""
    now = now or timezone.now()
    times = _times(_subtree(unit), start, end) if times is None else times
    medians = _medians(times, lambda row: None)
    return _collect(_subtree(unit), None, start, end, now, medians).get(None) or InquiryFigures()


def figures_by_child(
    unit: Unit,
    start: dt.datetime,
    end: dt.datetime,
    *,
    now: dt.datetime | None = None,
    times: _Times | None = None,
) -> list[FigureRow]:
    """One row for the cases the unit handles itself, then one per child with its whole
    subtree rolled up (ended children only when they have figures)."""
    now = now or timezone.now()
    times = _times(_subtree(unit), start, end) if times is None else times
    child_of = _child_of(unit)
    medians = _medians(times, lambda row: child_of.get(row[0]))
    # Each case joined to the closure row that links its unit to a child of ``unit``: one row
    # per case (a unit has exactly one ancestor among the children), grouped in SQL.
    below = Inquiry.objects.filter(unit__ancestor_links__ancestor__parent=unit)
    by_child = _collect(below, "unit__ancestor_links__ancestor_id", start, end, now, medians)
    own = _collect(
        Inquiry.objects.filter(unit=unit), None, start, end, now, _only(medians, unit.pk)
    )
    rows = [
        FigureRow(
            key=unit.pk,
            label=f"Trực tiếp tại {unit.short_name or unit.name}",
            figures=own.get(None) or InquiryFigures(),
            unit=unit,
        )
    ]
    for child in Unit.objects.filter(parent=unit).order_by("kind", "name", "pk"):
        figures = by_child.get(child.pk) or InquiryFigures()
        if child.status != UnitStatus.ACTIVE and figures.is_empty:
            continue
        rows.append(FigureRow(key=child.pk, label=child.name, figures=figures, unit=child))
    return rows


def _by_field(
    unit: Unit,
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime | None,
    times: _Times | None,
    field: str,
    choices: list[tuple[str, Any]],
) -> list[FigureRow]:
    """One row per choice of ``field`` (``source``, ``category``), then the blank value if
    any case has it."""
    now = now or timezone.now()
    times = _times(_subtree(unit), start, end) if times is None else times
    column = 1 if field == "source" else 2
    medians = _medians(times, lambda row: row[column])
    found = _collect(_subtree(unit), field, start, end, now, medians)
    rows = [
        FigureRow(key=value, label=str(label), figures=found.get(value) or InquiryFigures())
        for value, label in choices
    ]
    if "" in found:
        rows.append(FigureRow(key="", label="Chưa phân loại", figures=found[""]))
    return rows


def figures_by_source(
    unit: Unit,
    start: dt.datetime,
    end: dt.datetime,
    *,
    now: dt.datetime | None = None,
    times: _Times | None = None,
) -> list[FigureRow]:
    return _by_field(unit, start, end, now, times, "source", Source.choices)


def figures_by_category(
    unit: Unit,
    start: dt.datetime,
    end: dt.datetime,
    *,
    now: dt.datetime | None = None,
    times: _Times | None = None,
) -> list[FigureRow]:
    return _by_field(unit, start, end, now, times, "category", Category.choices)


def inquiry_report(unit: Unit, period: Period, *, now: dt.datetime | None = None) -> InquiryReport:
    """Everything of the report screen; the response times are fetched once for all tables."""
    now = now or timezone.now()
    start, end = period.start, period.end
    times = _times(_subtree(unit), start, end)
    return InquiryReport(
        unit=unit,
        period=period,
        now=now,
        total=inquiry_figures(unit, start, end, now=now, times=times),
        by_child=figures_by_child(unit, start, end, now=now, times=times),
        by_source=figures_by_source(unit, start, end, now=now, times=times),
        by_category=figures_by_category(unit, start, end, now=now, times=times),
    )


# ---------------------------------------------------------------------------------------------
# Export


EXPORT_HEADER = [
    "Nhóm",
    "Mục",
    "Tiếp nhận",
    "Đã trả lời",
    "Đến hạn",
    "Trả lời đúng hạn",
    "Tỷ lệ đúng hạn (%)",
    "Thời gian trả lời lần đầu (giờ; trung vị: một nửa số câu nhanh hơn)",
    "Quá hạn hiện tại",
    "Chuyển lên cấp trên",
    "Đã trả lời cùng kỳ năm trước",
    "Tăng so với cùng kỳ (%)",
    "Đạt so với mục tiêu gấp đôi (%)",
]


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def export_rows(report: InquiryReport) -> list[list[Any]]:
    """The report as rows (numbers as numbers, for CSV and XLSX alike)."""
    groups = [
        ("Tổng", [FigureRow(None, report.unit.name, report.total)]),
        ("Đơn vị", report.by_child),
        ("Kênh tiếp nhận", report.by_source),
        ("Lĩnh vực", report.by_category),
    ]
    out: list[list[Any]] = []
    for group, rows in groups:
        for row in rows:
            f = row.figures
            hours = f.median_hours
            out.append(
                [
                    group,
                    row.label,
                    f.received,
                    f.answered,
                    f.due,
                    f.on_time,
                    _pct(f.on_time_ratio),
                    None if hours is None else round(hours, 1),
                    f.overdue_now,
                    f.escalated,
                    f.answered_last_year,
                    _pct(f.yoy_change),
                    _pct(f.target_ratio),
                ]
            )
    return out

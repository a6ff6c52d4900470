"""Reads over reporting periods and period reports: the periods a unit reports on, and
completeness (who reported on time, late, not at all) for a parent's children. The figures a
report says are read in ``lantoa.periods.figures``.

Completeness is one aggregate over ``UnitClosure``: every active unit below the parent is one
closure row under exactly one child, left-joined to its report for the period through a
``FilteredRelation`` (so reports of other periods never multiply the rows).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, FilteredRelation, Q, QuerySet
from django.utils import timezone

from lantoa.core.periods import Period, PeriodError, parse_period
from lantoa.periods.models import (
    REPORTED_STATUSES,
    PeriodKind,
    PeriodReport,
    ReportingPeriod,
    ReportStatus,
    deadline_cutoff,
)
from lantoa.units.models import Unit, UnitClosure, UnitStatus
from lantoa.units.selectors import active_children

# A report may be sent from this many days before its period ends (sơ kết reports are often
# written in the last weeks of June).
SUBMIT_OPENS_DAYS_BEFORE_END = 10
_ORDER = {PeriodKind.YEAR: 0, PeriodKind.HALF: 1, PeriodKind.QUARTER: 2, PeriodKind.MONTH: 3}


def reporting_kinds() -> list[str]:
    """The period kinds units report on (``LANTOA_REPORT_PERIOD_KINDS``), largest first."""
    kinds = [k for k in settings.LANTOA_REPORT_PERIOD_KINDS if k in PeriodKind.values]
    return sorted(kinds or [PeriodKind.MONTH], key=lambda k: _ORDER[PeriodKind(k)])


def deadline_of(period: Period) -> dt.date:
    return period.end + dt.timedelta(days=settings.LANTOA_REPORT_DEADLINE_DAYS)


def periods_of_year(year: int, kinds: list[str] | None = None) -> list[Period]:
    counts = {"month": 12, "quarter": 4, "half": 2, "year": 1}
    out = []
    for kind in kinds or reporting_kinds():
        if kind == "year":
            out.append(Period(year, "year"))
        else:
            out.extend(Period(year, kind, i) for i in range(1, counts[kind] + 1))  # type: ignore[arg-type]
    return out


def periods_ensure(*, years: list[int], kinds: list[str] | None = None) -> int:
    """Make the ReportingPeriod rows of ``years`` (idempotent); returns how many were new."""
    wanted = [p for year in years for p in periods_of_year(year, kinds)]
    existing = set(
        ReportingPeriod.objects.filter(code__in=[p.code for p in wanted]).values_list(
            "code", flat=True
        )
    )
    rows = [
        ReportingPeriod(code=p.code, kind=p.kind, start=p.start, end=p.end, deadline=deadline_of(p))
        for p in wanted
        if p.code not in existing
    ]
    ReportingPeriod.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def reporting_period(period: Period) -> ReportingPeriod:
    """The row of ``period``, made on first use (any kind: assignments may be per quarter)."""
    row, _ = ReportingPeriod.objects.get_or_create(
        code=period.code,
        defaults={
            "kind": period.kind,
            "start": period.start,
            "end": period.end,
            "deadline": deadline_of(period),
        },
    )
    return row


def period_by_code(code: str) -> ReportingPeriod | None:
    """The row for a period code typed in a URL ("2026-H1"); None when it cannot be read."""
    try:
        period = parse_period(code)
    except PeriodError:
        return None
    return reporting_period(period)


def unit_periods(unit: Unit, *, today: dt.date | None = None) -> list[ReportingPeriod]:
    """The periods ``unit`` reports on that have started, this year and last, newest first
    (within a year: the year, the halves, then the months)."""
    today = today or timezone.localdate()
    periods_ensure(years=[today.year - 1, today.year])
    qs = ReportingPeriod.objects.filter(
        kind__in=reporting_kinds(), start__lte=today, start__gte=dt.date(today.year - 1, 1, 1)
    )
    if not unit.is_active and unit.ended_on is not None:
        qs = qs.filter(start__lt=unit.ended_on)
    rows = list(qs)
    rows.sort(key=lambda p: (-p.end.year, _ORDER[PeriodKind(p.kind)], -p.end.toordinal()))
    return rows


def can_submit_on(period: ReportingPeriod, today: dt.date) -> bool:
    return today >= period.end - dt.timedelta(days=SUBMIT_OPENS_DAYS_BEFORE_END)


def reports_by_period(unit: Unit, periods: list[ReportingPeriod]) -> dict[int, PeriodReport]:
    return {
        r.period_id: r
        for r in PeriodReport.objects.filter(unit=unit, period__in=periods).select_related(
            "submitted_by", "approved_by", "returned_by"
        )
    }


def report_of(unit: Unit, period: ReportingPeriod) -> PeriodReport | None:
    return (
        PeriodReport.objects.filter(unit=unit, period=period)
        .select_related("submitted_by", "approved_by", "returned_by")
        .first()
    )


# --- completeness ------------------------------------------------------------------------------


@dataclass
class Completeness:
    """Reporting of the active units in a subtree (the subtree's top excluded) for a period."""

    units: int = 0
    on_time: int = 0  # reported (submitted or approved), first sent by the deadline
    late: int = 0  # reported, first sent after the deadline
    returned: int = 0  # sent back for a correction, not sent again yet
    approved: int = 0
    not_reported: int = 0

    @property
    def reported(self) -> int:
        return self.on_time + self.late

    @property
    def rate(self) -> float | None:
        return self.reported / self.units if self.units else None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.units if self.units else None

    def add(self, other: Completeness) -> None:
        for name in ("units", "on_time", "late", "returned", "approved", "not_reported"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class ChildCompleteness:
    unit: Unit
    report: PeriodReport | None  # the child's own report
    below: Completeness  # the child's whole subtree, the child included
    has_children: bool = False

    @property
    def state(self) -> str:
        """on_time / late / returned / none: the child's own report."""
        return report_state(self.report)


@dataclass
class CompletenessTable:
    unit: Unit
    period: ReportingPeriod
    total: Completeness = field(default_factory=Completeness)
    children: list[ChildCompleteness] = field(default_factory=list)


def report_state(report: PeriodReport | None) -> str:
    if report is None or report.status == ReportStatus.DRAFT:
        return "none"
    if report.status == ReportStatus.RETURNED:
        return "returned"
    return "on_time" if report.on_time else "late"


def _aggregates(period: ReportingPeriod) -> dict[str, Any]:
    cutoff = deadline_cutoff(period.deadline)
    reported = Q(rep__status__in=REPORTED_STATUSES)
    return {
        "units": Count("pk"),
        "on_time": Count("pk", filter=reported & Q(rep__first_submitted_at__lt=cutoff)),
        "late": Count("pk", filter=reported & Q(rep__first_submitted_at__gte=cutoff)),
        "returned": Count("pk", filter=Q(rep__status=ReportStatus.RETURNED)),
        "approved": Count("pk", filter=Q(rep__status=ReportStatus.APPROVED)),
    }


def _links(period: ReportingPeriod) -> QuerySet[UnitClosure]:
    return UnitClosure.objects.filter(descendant__status=UnitStatus.ACTIVE).annotate(
        rep=FilteredRelation(
            "descendant__period_reports",
            condition=Q(descendant__period_reports__period=period),
        )
    )


def _from_row(row: Mapping[str, Any]) -> Completeness:
    c = Completeness(
        units=int(row.get("units") or 0),
        on_time=int(row.get("on_time") or 0),
        late=int(row.get("late") or 0),
        returned=int(row.get("returned") or 0),
        approved=int(row.get("approved") or 0),
    )
    c.not_reported = c.units - c.reported - c.returned
    return c


def completeness(unit: Unit, period: ReportingPeriod) -> CompletenessTable:
    """For each active child of ``unit``: its own report and the reporting of its whole
    subtree; the total over everything below ``unit``. One grouped query, plus the children's
    own reports and the list of children."""
    table = CompletenessTable(unit=unit, period=period)
    rows = (
        _links(period)
        .filter(ancestor__parent_id=unit.pk, ancestor__status=UnitStatus.ACTIVE)
        .values("ancestor_id")
        .annotate(**_aggregates(period))
        .order_by()
    )
    by_child = {r["ancestor_id"]: _from_row(r) for r in rows}
    children = list(active_children(unit))
    reports = {
        r.unit_id: r
        for r in PeriodReport.objects.filter(period=period, unit__in=children).select_related(
            "submitted_by", "approved_by"
        )
    }
    with_children = set(
        Unit.objects.filter(parent__in=children, status=UnitStatus.ACTIVE).values_list(
            "parent_id", flat=True
        )
    )
    for child in children:
        below = by_child.get(child.pk) or Completeness()
        table.total.add(below)
        table.children.append(
            ChildCompleteness(
                unit=child,
                report=reports.get(child.pk),
                below=below,
                has_children=child.pk in with_children,
            )
        )
    return table


def subtree_completeness(unit: Unit, period: ReportingPeriod) -> Completeness:
    """Reporting of the active units strictly below ``unit`` (one aggregate)."""
    row = _links(period).filter(ancestor_id=unit.pk, depth__gt=0).aggregate(**_aggregates(period))
    return _from_row(row)

"""Deterministic sample targets and period reports for the demo (``lantoa seed --size demo``).

* the default target programme, owned by the national root;
* numbers assigned top-down: outreach sessions for the last half-year that has ended by the
  seed's last day (``DemoContext.as_of``, yesterday) and initiatives for that year to Thái
  Nguyên's federation, the initiatives split over its unions by members;
* period reports of Thái Nguyên's active units for that half-year, its months and the complete
  months since: most on time, some late, some missing, none sent after the last day; the older
  months mostly approved (locked), some returned with a comment, the latest still awaiting
  review.

Like the rest of the seed, rows are written in bulk (``core.bulk.insert_rows``) and no audit
rows; the same seed always gives the same reports. Figures snapshots are taken from the registered
``PeriodFigures`` provider (``lantoa.core.extensions.period_figures``: the activity records).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from lantoa.core.bulk import insert_rows
from lantoa.core.extensions import period_figures_provider
from lantoa.core.periods import Period
from lantoa.core.text import format_int
from lantoa.periods.figures import figures_snapshot, live_rollup
from lantoa.periods.models import PeriodReport, ReportStatus
from lantoa.periods.selectors import periods_ensure, reporting_period
from lantoa.targets.metrics import metric
from lantoa.targets.models import TargetAssignment
from lantoa.targets.services import split_by_weights, target_rules_load_defaults
from lantoa.units.models import Unit, UnitKind, UnitStatus

RETURN_COMMENTS = (
    "Đề nghị bổ sung số liệu các buổi tuyên truyền trực tiếp tại doanh nghiệp.",
    "Số lượt người tham gia chưa khớp với biên bản; đề nghị kiểm tra lại.",
    "Đề nghị ghi rõ chủ đề các buổi tuyên truyền trong kỳ.",
)
# The metrics the demo assigns targets on (the default rules' keys).
OUTREACH, INITIATIVE = "activity_outreach", "activity_initiative"
EMPTY_NOTE = (
    "Trong kỳ, công đoàn cơ sở chưa tổ chức được buổi tuyên truyền nào do doanh nghiệp tập "
    "trung sản xuất đơn hàng."
)


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(day, dt.time(rng.randint(7, 17), rng.randint(0, 59)))
    )


def _subtree_total(key: str, root: Unit, period: Period) -> int:
    values = metric(key).values([root.pk], period.start, period.end)
    return int(values.get(root.pk) or 0)


@dataclass(frozen=True)
class Sample:
    """The periods the demo's reports cover, as of its last day."""

    as_of: dt.date
    half: Period  # the last half-year that ended on or before ``as_of``
    months: list[Period]  # its months, then every month complete by ``as_of``


def sample_periods(as_of: dt.date) -> Sample:
    year = as_of.year
    if as_of >= dt.date(year, 12, 31):
        half = Period(year, "half", 2)
    elif as_of >= dt.date(year, 6, 30):
        half = Period(year, "half", 1)
    else:
        half = Period(year - 1, "half", 2)
    months = []
    month = Period(half.year, "month", half.start.month)
    while month.end <= as_of:
        months.append(month)
        month = month.next()
    return Sample(as_of=as_of, half=half, months=months)


def _assignments(root: Unit, sample: Sample) -> int:
    half = sample.half
    h1 = reporting_period(half)
    year = reporting_period(Period(half.year, "year"))
    sessions = _subtree_total(OUTREACH, root, half)
    initiatives = _subtree_total(INITIATIVE, root, half)
    rows = [
        TargetAssignment(
            unit=root,
            metric=OUTREACH,
            period=h1,
            value=max(1, round(sessions / 1.08)),
        )
    ]
    parent = TargetAssignment(
        unit=root,
        metric=INITIATIVE,
        period=year,
        value=max(10, round(initiatives * 1.6)),
    )
    parent.save()
    children = list(
        Unit.objects.filter(parent=root, status=UnitStatus.ACTIVE).order_by("kind", "name", "pk")
    )
    members = dict(
        Unit.objects.filter(ancestor_links__ancestor__in=children, status=UnitStatus.ACTIVE)
        .values_list("ancestor_links__ancestor_id")
        .annotate(n=Sum("member_count"))
        .order_by()
    )
    shares = split_by_weights(parent.value, [int(members.get(c.pk) or 0) for c in children])
    rows += [
        TargetAssignment(
            unit=child,
            metric=parent.metric,
            period=year,
            value=share,
            distributed_from=parent,
        )
        for child, share in zip(children, shares, strict=True)
    ]
    TargetAssignment.objects.bulk_create(rows)
    return len(rows) + 1


def seed_demo_targets(*, seed: int, as_of: dt.date, root_code: str = "TN") -> str:
    """Write the demo's targets and period reports up to ``as_of``; returns a line for the
    seed's log."""
    root = Unit.objects.get(code=root_code)
    national = Unit.objects.get(parent__isnull=True)
    sample = sample_periods(as_of)
    with transaction.atomic():
        created, _ = target_rules_load_defaults(owner=national)
        periods_ensure(years=sorted({sample.half.year - 1, sample.half.year, as_of.year}))
        assigned = _assignments(root, sample)
        rows = _period_reports(seed, root, sample)
        insert_rows(rows)
    first, last = sample.months[0], sample.months[-1]
    return (
        f"Đã nạp {created} chỉ tiêu mặc định, {assigned} chỉ tiêu giao và "
        f"{format_int(len(rows))} báo cáo kỳ mẫu (tháng {first.start:%m/%Y} – "
        f"{last.start:%m/%Y}, {sample.half.label})."
    )


def _period_reports(seed: int, root: Unit, sample: Sample) -> list[PeriodReport]:
    half, months = sample.half, sample.months
    units = list(
        Unit.objects.filter(ancestor_links__ancestor=root, status=UnitStatus.ACTIVE).order_by(
            "code"
        )
    )
    provider = period_figures_provider()
    own = provider.monthly(root, months[0].start, months[-1].end)
    periods = {p: reporting_period(p) for p in [*months, half]}
    recent = {p.code for p in months[-2:]}
    rows: list[PeriodReport] = []
    for unit in units:
        rng = random.Random(f"{seed}:period-reports:{unit.code}")  # noqa: S311 - demo data
        diligence = rng.uniform(0.55, 1.0) if unit.kind == UnitKind.GRASSROOTS else 0.97
        monthly: list[Any] = []
        for period in [*months, half]:
            row = periods[period]
            if period.kind == "month":
                if unit.kind == UnitKind.GRASSROOTS:
                    rollup = own.get((unit.pk, period.start)) or provider.merge(
                        [], unit, period.start, period.end
                    )
                else:
                    rollup = live_rollup(unit, row)
                if half.contains(period.start):
                    monthly.append(rollup)
            elif unit.kind == UnitKind.GRASSROOTS:
                rollup = provider.merge(monthly, unit, half.start, half.end)
            else:
                rollup = live_rollup(unit, row)
            draw = rng.random()
            if draw >= diligence:
                continue  # never reported
            if draw < diligence * 0.82:
                sent_on = period.end + dt.timedelta(
                    days=rng.randint(0, (row.deadline - period.end).days)
                )
            else:
                sent_on = row.deadline + dt.timedelta(days=rng.randint(1, 20))
            if sent_on > sample.as_of:
                continue  # not sent yet
            sent = _at(sent_on, rng)
            report = PeriodReport(
                unit=unit,
                period=row,
                status=ReportStatus.SUBMITTED,
                note=EMPTY_NOTE if rollup.records == 0 else "",
                figures=figures_snapshot(rollup, taken_at=sent),
                first_submitted_at=sent,
                submitted_at=sent,
            )
            review = rng.random()
            older = period.kind == "month" and period.code not in recent
            # A review lands a few days after the report, never after the sample's last day.
            reviewed = sent + dt.timedelta(days=rng.randint(1, 5), hours=2)
            if reviewed.date() > sample.as_of:
                pass
            elif review < (0.9 if older else 0.45):
                report.status = ReportStatus.APPROVED
                report.approved_at = reviewed
            elif review < (0.95 if older else 0.55):
                report.status = ReportStatus.RETURNED
                report.returned_at = reviewed
                report.return_comment = rng.choice(RETURN_COMMENTS)
            rows.append(report)
    return rows

"""The dashboard of a unit's subtree for a period: activities, posts, inquiries, cascades and
channel coverage, each for the whole subtree and for every child, plus the last 12 months.

Every figure is an aggregate over the raw records (through ``UnitClosure``), so it agrees
exactly with them: the activity figures are ``activity_rollup``'s, posts come from
``lantoa.targets.metrics.posts_published``, inquiries follow ``lantoa.inquiries.reports``,
coverage is ``lantoa.channels.selectors``'. About fifteen queries whatever the size of the
subtree. ``dashboard_for`` caches the result for at most ``LANTOA_DASHBOARD_CACHE_SECONDS``
(≤ 60 s) under the unit's generation, which every activity write bumps
(``lantoa.reports.freshness``): a new activity shows at once, other records within a minute.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, fields

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from lantoa.activities.models import Activity, ActivityKind
from lantoa.activities.selectors import activity_rollup
from lantoa.cascades.models import CascadeRecipient, CascadeStatus, RecipientState
from lantoa.channels.selectors import CoverageSummary, coverage_by_child, coverage_summary
from lantoa.core.periods import Period
from lantoa.reports.freshness import dashboard_key
from lantoa.targets.metrics import (
    SUBTREE,
    inquiry_counts,
    per_unit,
    posts_in,
    posts_published,
)
from lantoa.units.models import Unit
from lantoa.units.selectors import children_figures, subtree_figures, subtree_ids

TREND_MONTHS = 12


@dataclass
class Inquiries:
    received: int = 0
    answered: int = 0
    due: int = 0
    on_time: int = 0

    @property
    def on_time_ratio(self) -> float | None:
        return self.on_time / self.due if self.due else None


@dataclass
class Cascades:
    recipients: int = 0
    done: int = 0

    @property
    def done_ratio(self) -> float | None:
        return self.done / self.recipients if self.recipients else None


@dataclass
class UnitFigures:
    """One subtree's figures (the unit's, or one child's)."""

    unit: Unit
    sessions: int = 0  # outreach sessions (items)
    participants: int = 0  # people at outreach sessions
    records: int = 0  # activity records of every kind
    grassroots_reached: int = 0  # grassroots units with at least one outreach session
    grassroots: int = 0  # active grassroots units
    posts: int = 0
    inquiries: Inquiries = field(default_factory=Inquiries)
    cascades: Cascades = field(default_factory=Cascades)
    coverage: CoverageSummary = field(default_factory=CoverageSummary)

    @property
    def reached_ratio(self) -> float | None:
        return self.grassroots_reached / self.grassroots if self.grassroots else None


@dataclass
class Month:
    start: dt.date
    sessions: int = 0
    participants: int = 0
    posts: int = 0

    @property
    def short(self) -> str:
        return f"T{self.start.month}/{self.start.year % 100:02d}"


@dataclass
class Dashboard:
    unit: Unit
    period: Period
    start: dt.date
    end: dt.date  # the period's end, or today while it runs
    total: UnitFigures
    children: list[UnitFigures]
    trend: list[Month]
    computed_at: dt.datetime


def _months_back(last: dt.date, count: int) -> list[dt.date]:
    year, month = last.year, last.month
    out = []
    for _ in range(count):
        out.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def _trend(unit: Unit, last: dt.date) -> list[Month]:
    months = _months_back(last, TREND_MONTHS)
    first = months[0]
    by_month = {m: Month(start=m) for m in months}
    # Grouped by day (at most 366 rows) and bucketed into months here: truncating every
    # record's date to its month in SQL is a Python function call per row on SQLite.
    for row in (
        # A semi-join on the subtree's ids: no join through units_unit, which the covering
        # index (unit, held_on, kind, …) makes unnecessary.
        Activity.objects.filter(
            unit_id__in=subtree_ids(unit),
            kind=ActivityKind.OUTREACH,
            held_on__gte=first,
            held_on__lte=last,
        )
        .values("held_on")
        .annotate(sessions=Sum("quantity"), people=Sum("participants"))
        .order_by()
    ):
        month = by_month.get(row["held_on"].replace(day=1))
        if month is not None:
            month.sessions += int(row["sessions"] or 0)
            month.participants += int(row["people"] or 0)
    zone = timezone.get_current_timezone()
    for posted in (
        posts_in(first, last)
        .filter(unit_id__in=subtree_ids(unit))
        .annotate(m=TruncMonth("published_at", tzinfo=zone))
        .values("m")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        month = by_month.get(_as_date(posted["m"]))
        if month is not None:
            month.posts = int(posted["n"] or 0)
    return list(by_month.values())


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _coverage_total(unit: Unit, by_child: Iterable[CoverageSummary]) -> CoverageSummary:
    """The subtree's coverage: its children's added up (every grassroots unit below ``unit``
    is in exactly one child's subtree), which saves scanning them all a second time."""
    if unit.is_grassroots:
        return coverage_summary(unit, gap_limit=0)
    total = CoverageSummary()
    counts = [f.name for f in fields(CoverageSummary) if f.name != "gaps"]
    for summary in by_child:
        for name in counts:
            setattr(total, name, getattr(total, name) + getattr(summary, name))
    return total


def compute_dashboard(unit: Unit, period: Period, *, today: dt.date | None = None) -> Dashboard:
    """The dashboard, straight from the records (no cache)."""
    today = today or timezone.localdate()
    start, end = period.start, max(min(period.end, today), period.start)
    rollup = activity_rollup(unit, start, end)
    outreach = ActivityKind.OUTREACH
    total = UnitFigures(
        unit=unit,
        sessions=rollup.kind(outreach).quantity,
        participants=rollup.kind(outreach).participants,
        records=rollup.records,
        grassroots_reached=rollup.grassroots_with_outreach,
        grassroots=subtree_figures(unit).grassroots,
    )
    grassroots_by_child = {child.pk: f.grassroots for child, f in children_figures(unit)}
    coverage = {child.pk: c for child, c in coverage_by_child(unit)}
    total.coverage = _coverage_total(unit, coverage.values())
    children = []
    # Active children, then merged ones that still have records in the period.
    for child in rollup.children:
        sessions = child.kind(outreach)
        children.append(
            UnitFigures(
                unit=child.unit,
                sessions=sessions.quantity,
                participants=sessions.participants,
                records=child.records,
                grassroots_reached=sessions.grassroots,
                grassroots=grassroots_by_child.get(child.unit.pk, 0),
                coverage=coverage.get(child.unit.pk) or CoverageSummary(),
            )
        )
    ids = [unit.pk, *(c.unit.pk for c in children)]
    posts = posts_published(ids, start, end, scope=SUBTREE)
    inquiries = inquiry_counts(ids, start, end, scope=SUBTREE)
    cascades = _cascades(ids, start, end)
    for block in [total, *children]:
        pk = block.unit.pk
        block.posts = posts.get(pk, 0)
        block.inquiries = Inquiries(**inquiries.get(pk, {}))
        block.cascades = cascades.get(pk) or Cascades()
    return Dashboard(
        unit=unit,
        period=period,
        start=start,
        end=end,
        total=total,
        children=children,
        trend=_trend(unit, end),
        computed_at=timezone.now(),
    )


def _cascades(ids: list[int], start: dt.date, end: dt.date) -> dict[int, Cascades]:
    """Recipients in each subtree of the cascades due in the days, and how many are done."""
    base = CascadeRecipient.objects.filter(
        cascade__due_on__gte=start,
        cascade__due_on__lte=end,
        cascade__status__in=(CascadeStatus.SENT, CascadeStatus.CLOSED),
    )
    rows = per_unit(
        base,
        ids,
        SUBTREE,
        recipients=Count("pk"),
        done=Count("pk", filter=Q(state=RecipientState.DONE)),
    )
    return {
        k: Cascades(recipients=int(r["recipients"] or 0), done=int(r["done"] or 0))
        for k, r in rows.items()
    }


def dashboard_for(unit: Unit, period: Period, *, today: dt.date | None = None) -> Dashboard:
    """The dashboard, from the cache when a fresh one is there (see the module docstring)."""
    ttl = min(int(settings.LANTOA_DASHBOARD_CACHE_SECONDS), 60)
    if ttl <= 0:
        return compute_dashboard(unit, period, today=today)
    key = dashboard_key(unit.pk, period.code)
    found = cache.get(key)
    if isinstance(found, Dashboard):
        return found
    board = compute_dashboard(unit, period, today=today)
    cache.set(key, board, timeout=ttl)
    return board

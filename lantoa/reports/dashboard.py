"""The dashboard of a unit's subtree for a period: activities, posts, inquiries, cascades and
channel coverage, each for the whole subtree and for every child, plus the last 12 months.

Every figure is an aggregate over the raw records (through ``UnitClosure``), so it agrees
exactly with them. The figures come from the ``dashboard_rows``, ``dashboard_figures`` and
``dashboard_trend`` registries of ``lantoa.core.extensions``: the activity figures and the
children shown from ``lantoa.activities`` (its roll-up), posts from ``lantoa.publishing``,
inquiries from ``lantoa.inquiries``, cascades from ``lantoa.cascades``, channel coverage from
``lantoa.channels``. About fifteen queries whatever
the size of the subtree. ``dashboard_for`` caches the result for at most
``LANTOA_DASHBOARD_CACHE_SECONDS`` (≤ 60 s) under the unit's generation, which every activity
write bumps (``lantoa.reports.freshness``): a new activity shows at once, other records within
a minute.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from lantoa.core.extensions import dashboard_figures, dashboard_rows, dashboard_trend
from lantoa.core.periods import Period
from lantoa.reports.freshness import dashboard_key
from lantoa.units.models import Unit
from lantoa.units.selectors import children_figures, subtree_figures

TREND_MONTHS = 12


@dataclass
class UnitFigures:
    """One subtree's figures (the unit's, or one child's)."""

    unit: Unit
    # Filled by the ``dashboard_rows`` registry (``lantoa.activities.metrics.dashboard_rows``):
    sessions: int = 0  # outreach sessions (items)
    participants: int = 0  # people at outreach sessions
    records: int = 0  # activity records of every kind
    grassroots_reached: int = 0  # grassroots units with at least one outreach session
    grassroots: int = 0  # active grassroots units
    # The registered figures (``dashboard_figures``), each read as ``figures.<key>``: posts,
    # inquiries, cascades, coverage …
    extra: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, key: str) -> Any:
        extra = self.__dict__.get("extra") or {}
        if key in extra:
            return extra[key]
        if key in dashboard_figures:
            return dashboard_figures.get(key).empty()
        raise AttributeError(key)

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
    by_month = {m: Month(start=m) for m in months}
    for item in dashboard_trend:
        for start, figures in item.by_month(unit, months[0], last).items():
            month = by_month.get(start)
            if month is not None:
                for name, value in figures.items():
                    setattr(month, name, getattr(month, name) + value)
    return list(by_month.values())


def _put(block: UnitFigures, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(block, name, value)


def compute_dashboard(unit: Unit, period: Period, *, today: dt.date | None = None) -> Dashboard:
    """The dashboard, straight from the records (no cache)."""
    today = today or timezone.localdate()
    start, end = period.start, max(min(period.end, today), period.start)
    total = UnitFigures(unit=unit, grassroots=subtree_figures(unit).grassroots)
    grassroots_by_child = {child.pk: f.grassroots for child, f in children_figures(unit)}
    by_pk: dict[int, UnitFigures] = {}
    children: list[UnitFigures] = []

    def child_figures(child: Unit) -> UnitFigures:
        if child.pk not in by_pk:
            by_pk[child.pk] = UnitFigures(
                unit=child, grassroots=grassroots_by_child.get(child.pk, 0)
            )
            children.append(by_pk[child.pk])
        return by_pk[child.pk]

    providers = list(dashboard_rows)
    for provider in providers:
        own, rows = provider.rows(unit, start, end)
        _put(total, own)
        for child, child_values in rows:
            _put(child_figures(child), child_values)
    if not providers:
        for child, _ in children_figures(unit):
            child_figures(child)
    ids = [unit.pk, *(c.unit.pk for c in children)]
    for item in dashboard_figures:
        values = item.by_subtree(unit, ids, start, end)
        for block in [total, *children]:
            found = values.get(block.unit.pk)
            block.extra[item.key] = found if found is not None else item.empty()
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

"""Achievement of targets, computed from the records for a period: value, target, percentage and
status per unit.

Statuses:

* **met** (đạt) — the value has reached the target;
* **on track** (đúng tiến độ) — a count still short of its target while the period runs, but
  not behind the pro-rata pace: at least ⌊target × elapsed days ÷ days of the period⌋ items;
* **at risk** (có nguy cơ không đạt) — short of the target and behind that pace while the
  period runs (for a daily average or a share: simply below the target so far);
* **missed** (không đạt) — the period is over and the value is short (a state — channels,
  communicators — is judged as it stands now: met or missed);
* **no data** (chưa có số liệu) — a share with nothing to measure yet, or a period that has
  not started.

A rule's value is per its own period kind and is pro-rated to the period looked at by months
("≥ 3 campaigns a year" is 1,5 for a half-year and 0,25 for a month). Metrics are computed
once per (metric, days) for all units concerned: one grouped aggregate each
(``lantoa.targets.metrics``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lantoa.core.periods import Period
from lantoa.core.text import format_int, format_percent
from lantoa.targets.metrics import COUNT, RATE, RATIO, REGISTRY, STATE, Metric
from lantoa.targets.models import ReportingPeriod, RulePer, TargetAssignment, TargetRule
from lantoa.units.models import Unit, UnitClosure, UnitStatus

MET, ON_TRACK, AT_RISK, MISSED, NO_DATA = "met", "on_track", "at_risk", "missed", "no_data"
STATUS_LABELS = {
    MET: _("Đạt"),
    ON_TRACK: _("Đúng tiến độ"),
    AT_RISK: _("Có nguy cơ không đạt"),
    MISSED: _("Không đạt"),
    NO_DATA: _("Chưa có số liệu"),
}
PROBLEMS = (AT_RISK, MISSED)
MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}
_EPSILON = 1e-9
_CHUNK = 900


@dataclass(frozen=True)
class Window:
    """The days of ``period`` counted on ``today``: from its start to its end or today."""

    period: Period
    today: dt.date

    @property
    def start(self) -> dt.date:
        return self.period.start

    @property
    def end(self) -> dt.date:
        return min(self.period.end, self.today)

    @property
    def started(self) -> bool:
        return self.today >= self.period.start

    @property
    def ended(self) -> bool:
        return self.today > self.period.end

    @property
    def total_days(self) -> int:
        return (self.period.end - self.period.start).days + 1

    @property
    def elapsed_days(self) -> int:
        return max(min((self.end - self.start).days + 1, self.total_days), 0)


def window(period: Period, today: dt.date | None = None) -> Window:
    return Window(period, today or timezone.localdate())


def scaled_target(value: float, per: str, period: Period) -> float:
    """A rule's value per month…year, for ``period`` (pro-rated by months)."""
    if per in MONTHS:
        return value * MONTHS[period.kind] / MONTHS[per]
    return value


def rule_target(rule: TargetRule, period: Period) -> float:
    """The target of ``rule`` for ``period``, in the metric's own terms (shares as ratios:
    a rule typed as 200 (%) is 2.0)."""
    value = float(rule.value)
    found = REGISTRY.get(rule.metric)
    if found is not None and found.kind == RATIO:
        value /= 100
    return scaled_target(value, rule.per, period)


def judge(
    metric: Metric, value: float | None, target: float, win: Window
) -> tuple[str, float | None]:
    """(status, the count expected by now on the pro-rata pace, for running counts)."""
    if value is None or not win.started:
        return NO_DATA, None
    if value + _EPSILON >= target:
        return MET, None
    if metric.kind == STATE or win.ended:
        return MISSED, None
    if metric.kind == COUNT:
        expected = target * win.elapsed_days / win.total_days
        if value + _EPSILON >= math.floor(expected + _EPSILON):
            return ON_TRACK, expected
        return AT_RISK, expected
    return AT_RISK, None


def format_value(metric: Metric, value: float | None) -> str:
    """A value as the tables show it: "3", "2,4", "95,0%"."""
    if value is None:
        return "—"
    if metric.kind == RATIO:
        return format_percent(value)
    if metric.kind == RATE:
        return f"{value:.1f}".replace(".", ",")
    if float(value).is_integer():
        return format_int(int(value))
    return f"{value:.1f}".replace(".", ",")


@dataclass
class Achievement:
    unit_id: int
    metric: Metric
    value: float | None
    target: float
    status: str
    window: Window
    expected: float | None = None
    rule: TargetRule | None = None
    assignment: TargetAssignment | None = None

    @property
    def ratio(self) -> float | None:
        if self.value is None or self.target <= 0:
            return None
        return self.value / self.target

    @property
    def percent_text(self) -> str:
        """ "220,6%" of the target."""
        return format_percent(self.ratio) if self.ratio is not None else "—"

    @property
    def value_text(self) -> str:
        return format_value(self.metric, self.value)

    @property
    def target_text(self) -> str:
        return format_value(self.metric, self.target)

    @property
    def expected_text(self) -> str:
        return format_value(self.metric, self.expected) if self.expected is not None else ""

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def is_problem(self) -> bool:
        return self.status in PROBLEMS


# --- which rules apply where -----------------------------------------------------------------


def ancestors_of(units: Iterable[Unit]) -> dict[int, set[int]]:
    """Unit id → ids of the unit and all its ancestors (one query per 900 units)."""
    ids = sorted({u.pk for u in units})
    out: dict[int, set[int]] = {pk: set() for pk in ids}
    for start in range(0, len(ids), _CHUNK):
        for anc, desc in UnitClosure.objects.filter(
            descendant_id__in=ids[start : start + _CHUNK]
        ).values_list("ancestor_id", "descendant_id"):
            out[desc].add(anc)
    return out


def applies(rule: TargetRule, unit: Unit, ancestors: set[int]) -> bool:
    if not (rule.active and unit.is_active and rule.owner_id in ancestors):
        return False
    if rule.unit_kinds and unit.kind not in rule.unit_kinds:
        return False
    if rule.depth_levels and unit.depth not in rule.depth_levels:
        return False
    return unit.member_count >= rule.min_members


def rules_over(owner_ids: Iterable[int]) -> list[TargetRule]:
    """Active rules owned by these units, the widest first."""
    return list(
        TargetRule.objects.filter(active=True, owner_id__in=set(owner_ids))
        .select_related("owner")
        .order_by("owner__depth", "id")
    )


def applicable_units(rule: TargetRule, top: Unit) -> QuerySet[Unit]:
    """Active units of ``top``'s subtree (``top`` included) that ``rule`` applies to."""
    qs = Unit.objects.filter(ancestor_links__ancestor_id=top.pk, status=UnitStatus.ACTIVE).filter(
        ancestor_links__ancestor_id=rule.owner_id
    )
    if rule.unit_kinds:
        qs = qs.filter(kind__in=rule.unit_kinds)
    if rule.depth_levels:
        qs = qs.filter(depth__in=rule.depth_levels)
    if rule.min_members:
        qs = qs.filter(member_count__gte=rule.min_members)
    return qs


# --- evaluation ---------------------------------------------------------------------------


@dataclass
class Evaluation:
    units: list[Unit]
    rules: list[TargetRule]  # the rules that apply to at least one of the units
    window: Window
    cells: dict[tuple[int, int], Achievement] = field(default_factory=dict)

    def cell(self, unit_id: int, rule_id: int) -> Achievement | None:
        return self.cells.get((unit_id, rule_id))

    def of_unit(self, unit_id: int) -> list[Achievement]:
        return [a for (u, _r), a in self.cells.items() if u == unit_id]

    @property
    def problems(self) -> int:
        return sum(1 for a in self.cells.values() if a.is_problem)


class _Values:
    """Metric values per (metric, days), each computed once."""

    def __init__(self) -> None:
        self._found: dict[tuple[str, dt.date, dt.date], dict[int, Any]] = {}

    def get(self, metric: Metric, ids: list[int], win: Window) -> dict[int, Any]:
        key = (metric.key, win.start, win.end)
        known = self._found.setdefault(key, {})
        missing = [pk for pk in ids if pk not in known]
        if missing:
            values = metric.values(missing, win.start, win.end)
            for pk in missing:
                known[pk] = metric.value_of(values, pk)
        return known


def evaluate(
    units: list[Unit],
    period: Period,
    *,
    today: dt.date | None = None,
    rules: list[TargetRule] | None = None,
    period_for: Callable[[TargetRule], Period] | None = None,
) -> Evaluation:
    """Every applicable (unit, rule) pair for ``period`` (or, with ``period_for``, each
    rule's own period, as the alerts use)."""
    today = today or timezone.localdate()
    ancestors = ancestors_of(units)
    if rules is None:
        rules = rules_over(set().union(*ancestors.values()) if ancestors else set())
    result = Evaluation(units=units, rules=[], window=window(period, today))
    values = _Values()
    for rule in rules:
        found = REGISTRY.get(rule.metric)
        if found is None:
            continue
        targets = [u for u in units if applies(rule, u, ancestors.get(u.pk, set()))]
        if not targets:
            continue
        rule_period = period_for(rule) if period_for is not None else period
        win = window(rule_period, today)
        result.rules.append(rule)
        target = rule_target(rule, rule_period)
        known = values.get(found, [u.pk for u in targets], win) if win.started else {}
        for unit in targets:
            value = known.get(unit.pk) if win.started else None
            status, expected = judge(found, value, target, win)
            result.cells[(unit.pk, rule.pk)] = Achievement(
                unit_id=unit.pk,
                metric=found,
                value=value,
                target=target,
                status=status,
                window=win,
                expected=expected,
                rule=rule,
            )
    return result


def natural_period(rule: TargetRule, today: dt.date) -> Period:
    """The period a rule is naturally judged over on ``today``: its own kind (a daily
    average over the month, a share or a state over the year)."""
    if rule.per in (RulePer.MONTH, RulePer.DAY):
        return Period(today.year, "month", today.month)
    if rule.per == RulePer.QUARTER:
        return Period(today.year, "quarter", (today.month - 1) // 3 + 1)
    if rule.per == RulePer.HALF:
        return Period(today.year, "half", 1 if today.month <= 6 else 2)
    return Period(today.year, "year")


# --- subtree summary ------------------------------------------------------------------------


@dataclass
class RuleSummary:
    rule: TargetRule
    metric: Metric
    target: float
    units: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUS_LABELS, 0))

    @property
    def met(self) -> int:
        return self.counts[MET]

    @property
    def met_share(self) -> float | None:
        return self.counts[MET] / self.units if self.units else None

    @property
    def target_text(self) -> str:
        return format_value(self.metric, self.target)


def subtree_summary(
    top: Unit, period: Period, rules: list[TargetRule], *, today: dt.date | None = None
) -> list[RuleSummary]:
    """For each rule: how many units of ``top``'s subtree it applies to, and how many of them
    meet it, are on track, at risk, missed. Two queries per rule, whatever the subtree."""
    win = window(period, today)
    out = []
    for rule in rules:
        found = REGISTRY.get(rule.metric)
        if found is None:
            continue
        units = applicable_units(rule, top)
        total = units.count()
        if not total:
            continue
        target = rule_target(rule, period)
        summary = RuleSummary(rule=rule, metric=found, target=target, units=total)
        values = found.values(units, win.start, win.end) if win.started else {}
        for value in values.values():
            summary.counts[judge(found, value, target, win)[0]] += 1
        rest = total - len(values)
        if rest > 0:
            absent = found.value_of({}, 0) if win.started else None
            summary.counts[judge(found, absent, target, win)[0]] += rest
        out.append(summary)
    return out


# --- assignments ---------------------------------------------------------------------------


def assignment_achievements(
    assignments: Iterable[TargetAssignment], *, today: dt.date | None = None
) -> list[Achievement]:
    """Each assignment judged over its own period: one aggregate per (metric, period)."""
    today = today or timezone.localdate()
    rows = list(assignments)
    groups: dict[tuple[str, int], list[TargetAssignment]] = {}
    for a in rows:
        groups.setdefault((a.metric, a.period_id), []).append(a)
    values = _Values()
    out: dict[int, Achievement] = {}
    for (key, _pid), members in groups.items():
        found = REGISTRY.get(key)
        if found is None:
            continue
        win = window(members[0].period.period, today)
        known = values.get(found, [a.unit_id for a in members], win) if win.started else {}
        for a in members:
            value = known.get(a.unit_id) if win.started else None
            status, expected = judge(found, value, float(a.value), win)
            out[a.pk] = Achievement(
                unit_id=a.unit_id,
                metric=found,
                value=value,
                target=float(a.value),
                status=status,
                window=win,
                expected=expected,
                assignment=a,
            )
    return [out[a.pk] for a in rows if a.pk in out]


def assignments_overlapping(unit: Unit, period: Period) -> QuerySet[TargetAssignment]:
    """The unit's assignments for periods that overlap ``period``."""
    return (
        TargetAssignment.objects.filter(
            unit=unit, period__start__lte=period.end, period__end__gte=period.start
        )
        .select_related("period", "assigned_by")
        .order_by("period__start", "metric")
    )


def assignment_value(*, unit: Unit, period_code: str, metric: str) -> int | None:
    """The number assigned to ``unit`` for exactly that period, or None."""
    return (
        TargetAssignment.objects.filter(unit=unit, period__code=period_code, metric=metric)
        .values_list("value", flat=True)
        .first()
    )


def children_assignments(
    unit: Unit, period: ReportingPeriod, children: list[Unit]
) -> dict[str, dict[int, TargetAssignment]]:
    """metric → child id → assignment, for ``period`` exactly."""
    out: dict[str, dict[int, TargetAssignment]] = {}
    for a in TargetAssignment.objects.filter(period=period, unit__in=children).select_related(
        "period"
    ):
        out.setdefault(a.metric, {})[a.unit_id] = a
    return out

"""The period picker of the dashboard and targets screens: ``?ky=2026-H1`` in the address."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils import timezone

from lantoa.core.periods import Period, PeriodError, parse_period

PARAM = "ky"


@dataclass(frozen=True)
class Option:
    code: str
    label: str
    selected: bool


def period_options(today: dt.date, selected: Period) -> list[Option]:
    """This year and last, this year's halves, quarters and months so far, newest first; the
    selected period is always offered."""
    year = today.year
    periods: list[Period] = [Period(year, "year"), Period(year - 1, "year")]
    periods += [Period(year, "half", h) for h in (2, 1) if Period(year, "half", h).start <= today]
    periods += [
        Period(year, "quarter", q)
        for q in (4, 3, 2, 1)
        if Period(year, "quarter", q).start <= today
    ]
    periods += [Period(year, "month", m) for m in range(today.month, 0, -1)]
    periods += [Period(year - 1, "half", 2), Period(year - 1, "half", 1)]
    if selected not in periods:
        periods.insert(0, selected)
    return [Option(p.code, p.name_title, p == selected) for p in periods]


def pick_period(request: HttpRequest, *, today: dt.date | None = None) -> tuple[Period, str]:
    """The period asked for (default: the current year) and an error message if what was
    typed could not be read."""
    today = today or timezone.localdate()
    default = Period(today.year, "year")
    raw = request.GET.get(PARAM, "").strip()
    if not raw:
        return default, ""
    try:
        return parse_period(raw), ""
    except PeriodError as exc:
        return default, str(exc)

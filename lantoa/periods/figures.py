"""What a period report says: the figures of the unit's period, summed up, and the snapshot of
them kept with the report at each submission.

The figures come from the ``PeriodFigures`` provider registered in
``lantoa.core.extensions.period_figures`` (activities); this module names no feature app.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from lantoa.core.extensions import period_figures_provider
from lantoa.periods.models import ReportingPeriod
from lantoa.units.models import Unit


def figures_snapshot(figures: Any, *, taken_at: dt.datetime | None = None) -> dict[str, Any]:
    """The JSON kept with a report at submission (``taken_at`` None: now)."""
    return period_figures_provider().snapshot(figures, taken_at)


def live_rollup(unit: Unit, period: ReportingPeriod) -> Any:
    """The unit's figures of ``period``, with at least ``records`` and ``participants``."""
    return period_figures_provider().live(unit, period.start, period.end)


def kind_rows(figures: Any) -> list[tuple[Any, Any]]:
    """(label, figures) of each kind with records, in the kinds' order, for the period page."""
    return period_figures_provider().rows(figures)

"""Where reports get numeric targets (chỉ tiêu) from: the numbers assigned top-down to a unit
for exactly the report's period (``lantoa.targets``), on the metric that counts the items of
an activity kind over the unit's subtree — the same figure the report prints, so the
"đạt 220,6% so với chỉ tiêu" clause compares like with like."""

from __future__ import annotations

from lantoa.core.periods import Period
from lantoa.units.models import Unit


def target_for(*, unit: Unit, period: Period, metric: str) -> int | None:
    """The numeric target of ``unit`` for ``period`` on ``metric`` (e.g. the metric counting
    the initiatives registered, ``lantoa.activities.metrics.activity_metric_key``), or None
    where no target has been set."""
    from lantoa.targets.evaluation import assignment_value

    return assignment_value(unit=unit, period_code=period.code, metric=metric)

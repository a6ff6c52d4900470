"""What surveys measures for targets: the questionnaires a unit's subtree collected against
what it was allocated."""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum

from lantoa.core.periods import day_bounds
from lantoa.surveys.models import QuotaAllocation, Response
from lantoa.units.aggregates import Units, per_unit


def collected_share(units: Units, start: dt.date, end: dt.date, scope: str) -> dict[int, float]:
    """Sheets counted toward the unit's own allocations (which already count its subtree) over
    the sheets allocated to it, in the surveys that collected in the days; units without an
    allocation in them are absent (nothing to measure)."""
    begin, after = day_bounds(start, end)
    surveys = Response.objects.filter(submitted_at__gte=begin, submitted_at__lt=after).values(
        "survey_id"
    )
    base = QuotaAllocation.objects.filter(cell__survey_id__in=surveys)
    rows = per_unit(base, units, "own", counted=Sum("count"), allocated=Sum("target"))
    return {
        unit_id: int(row["counted"] or 0) / int(row["allocated"])
        for unit_id, row in rows.items()
        if row["allocated"]
    }

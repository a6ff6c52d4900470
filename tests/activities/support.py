"""Plain helpers shared by several test modules of this folder."""

from __future__ import annotations

import datetime as dt

from lantoa.activities.models import Activity, ActivityFormat, ActivityKind
from lantoa.units.models import Unit

MERGER = dt.date(2025, 7, 1)


def record(
    unit: Unit, held_on: dt.date, kind: str = ActivityKind.OUTREACH, **values: object
) -> Activity:
    """A record written straight to the table (the service refuses past-merger dates etc.)."""
    values.setdefault("title", "Tuyên truyền Bộ luật Lao động")
    values.setdefault("participants", 30)
    values.setdefault("quantity", 1)
    if kind == ActivityKind.OUTREACH:
        values.setdefault("format", ActivityFormat.DIRECT)
    return Activity.objects.create(unit=unit, held_on=held_on, kind=kind, **values)

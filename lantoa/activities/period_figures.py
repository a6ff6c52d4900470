"""What a period report says of activities: the unit's activity records of the period, summed
up, and the snapshot of them kept with the report at each submission.

Registered as the ``PeriodFigures`` provider (``lantoa.core.extensions.period_figures``) in
``contributions.py``; ``lantoa.periods`` reads it there and names no feature app.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from lantoa.activities.models import ActivityKind
from lantoa.activities.selectors import KINDS, Figures, Rollup, activity_rollup


def figures_snapshot(rollup: Rollup, taken_at: dt.datetime | None = None) -> dict[str, Any]:
    """What a report says, kept with it at submission: per kind records, items, participants;
    the distinct grassroots units with outreach; the days covered."""
    by_kind = {
        kind: {
            "records": f.records,
            "quantity": f.quantity,
            "participants": f.participants,
            "grassroots": f.grassroots,
        }
        for kind in KINDS
        if not (f := rollup.kind(kind)).empty
    }
    return {
        "start": rollup.start.isoformat(),
        "end": rollup.end.isoformat(),
        "records": rollup.records,
        "participants": rollup.participants,
        "grassroots_with_outreach": rollup.grassroots_with_outreach,
        "by_kind": by_kind,
        "taken_at": (taken_at or timezone.now()).isoformat(),
    }


def live_rollup(unit: Any, start: dt.date, end: dt.date) -> Rollup:
    return activity_rollup(unit, start, end)


def kind_rows(rollup: Rollup) -> list[tuple[Any, Figures]]:
    """(label, figures) of each kind with records, in the kinds' order, for the period page."""
    return [
        (label, rollup.kind(kind))
        for kind, label in ActivityKind.choices
        if not rollup.kind(kind).empty
    ]

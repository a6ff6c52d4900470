"""What activities measure for targets: the items of each activity kind (sessions, classes,
contests …) and the unit's own direct outreach sessions. The activity kinds are assignable,
so that official reports can say "đạt 220,6% so với chỉ tiêu"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from lantoa.activities.models import Activity, ActivityFormat, ActivityKind
from lantoa.activities.selectors import activity_rollup
from lantoa.units.aggregates import Units, by_child, counts, per_unit
from lantoa.units.models import Unit
from lantoa.units.selectors import subtree_ids

ACTIVITY_NOUNS = {
    ActivityKind.OUTREACH: _("buổi"),
    ActivityKind.CAMPAIGN_EVENT: _("hoạt động"),
    ActivityKind.TRAINING: _("lớp"),
    ActivityKind.CONTEST: _("cuộc"),
    ActivityKind.PRESS: _("tin, bài"),
    ActivityKind.BROADCAST: _("chương trình"),
    ActivityKind.INITIATIVE: _("sáng kiến"),
    ActivityKind.COMMENDATION: _("đoàn viên"),
}


def activity_metric_key(kind: str) -> str:
    """The assignable metric counting the items of activity ``kind`` in a subtree."""
    return f"activity_{kind}"


def activity_items(kind: str, *, direct: bool = False) -> Callable[..., dict[int, int]]:
    def compute(units: Units, start: dt.date, end: dt.date, scope: str) -> dict[int, int]:
        base = Activity.objects.filter(kind=kind, held_on__gte=start, held_on__lte=end)
        if direct:
            base = base.filter(format=ActivityFormat.DIRECT)
        return counts(per_unit(base, units, scope, n=Sum("quantity")))

    return compute


def outreach_by_month(unit: Unit, first: dt.date, last: dt.date) -> dict[dt.date, dict[str, int]]:
    """Outreach sessions and their participants in ``unit``'s subtree for each month from
    ``first`` to ``last`` (the dashboard's trend)."""
    out: dict[dt.date, dict[str, int]] = {}
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
        month = out.setdefault(row["held_on"].replace(day=1), {"sessions": 0, "participants": 0})
        month["sessions"] += int(row["sessions"] or 0)
        month["participants"] += int(row["people"] or 0)
    return out


def campaign_activities(campaign: Any, parent: Unit) -> dict[int | None, dict[str, int]]:
    """Activities held in response to a campaign during it, and their participants (the
    campaign scoreboard)."""
    return by_child(
        Activity.objects.filter(
            kind=ActivityKind.CAMPAIGN_EVENT,
            held_on__gte=campaign.starts_on,
            held_on__lte=campaign.ends_on,
        ),
        "unit",
        parent,
        activities=Sum("quantity"),
        participants=Sum("participants"),
    )


def dashboard_rows(
    unit: Unit, start: dt.date, end: dt.date
) -> tuple[dict[str, Any], list[tuple[Unit, dict[str, Any]]]]:
    """Outreach sessions, their participants, the records of every kind and the grassroots
    units reached by outreach: for ``unit``'s subtree and each child's (active children, then
    merged ones that still have records in the days), from one ``activity_rollup``."""
    rollup = activity_rollup(unit, start, end)
    outreach = ActivityKind.OUTREACH
    total = {
        "sessions": rollup.kind(outreach).quantity,
        "participants": rollup.kind(outreach).participants,
        "records": rollup.records,
        "grassroots_reached": rollup.grassroots_with_outreach,
    }
    children = []
    for child in rollup.children:
        sessions = child.kind(outreach)
        children.append(
            (
                child.unit,
                {
                    "sessions": sessions.quantity,
                    "participants": sessions.participants,
                    "records": child.records,
                    "grassroots_reached": sessions.grassroots,
                },
            )
        )
    return total, children

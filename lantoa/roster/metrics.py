"""What the roster measures for targets: the communicators on it, now."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count

from lantoa.roster.models import Communicator, RosterRole
from lantoa.units.aggregates import Units, counts, per_unit


def communicators(units: Units, start: dt.date, end: dt.date, scope: str) -> dict[int, int]:
    """Active communicators on the unit's roster now (briefers who also communicate count)."""
    base = Communicator.objects.filter(
        active=True, role__in=(RosterRole.COMMUNICATOR, RosterRole.BOTH)
    )
    return counts(per_unit(base, units, scope, n=Count("pk")))

"""What campaigns measure for targets: the campaigns a unit runs."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count

from lantoa.campaigns.models import Campaign
from lantoa.units.aggregates import Units, counts, per_unit


def campaigns_started(units: Units, start: dt.date, end: dt.date, scope: str) -> dict[int, int]:
    """Campaigns the unit runs (owner) that started in the days."""
    base = Campaign.objects.filter(starts_on__gte=start, starts_on__lte=end)
    return counts(per_unit(base, units, scope, field="owner", n=Count("pk")))

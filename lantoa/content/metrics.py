"""What content measures for targets: the guidance briefs a unit publishes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q

from lantoa.content.models import ContentItem, ContentKind, ContentStatus
from lantoa.core.periods import day_bounds
from lantoa.units.aggregates import Units, by_child, counts, per_unit
from lantoa.units.models import Unit


def briefs(units: Units, start: dt.date, end: dt.date, scope: str) -> dict[int, int]:
    """Guidance briefs (tài liệu định hướng) the unit published in the days."""
    begin, after = day_bounds(start, end)
    base = ContentItem.objects.filter(
        kind=ContentKind.BRIEF,
        status=ContentStatus.PUBLISHED,
        published_at__gte=begin,
        published_at__lt=after,
    )
    return counts(per_unit(base, units, scope, n=Count("pk")))


def campaign_content(campaign: Any, parent: Unit) -> dict[int | None, dict[str, int]]:
    """Content items produced for the campaign, and how many are published (the scoreboard)."""
    return by_child(
        ContentItem.objects.filter(campaign=campaign),
        "unit",
        parent,
        content_items=Count("id", distinct=True),
        published=Count("id", distinct=True, filter=Q(status=ContentStatus.PUBLISHED)),
    )

"""Counts the system already keeps, for the official report: what the apps add through the
``report_figures`` registry of ``lantoa.core.extensions`` — posts on the channels of the
unit's subtree (``lantoa.publishing``), cascades carried out (``lantoa.cascades``) and worker
inquiries answered (``lantoa.inquiries``) — read as ``counts.<key>``.

They cover the same units and days as the activity figures: today's subtree through the
closure table, so a unit merged into another counts for its successor before and after the
merger; an ended unit over its tree as it stood the day before it ended
(``lantoa.units.history.past_tree``), up to that day (a
``lantoa.units.aggregates.SubtreeScope``). A handful of grouped queries whatever the size of
the subtree, no loop over units.

Definitions: see each app's figures (``lantoa.publishing.metrics.report_posts``,
``lantoa.cascades.metrics.report_cascades``, ``lantoa.inquiries.metrics.report_inquiries``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from lantoa.core.extensions import report_figures
from lantoa.core.reporting import duration_text
from lantoa.units.aggregates import SubtreeScope
from lantoa.units.history import past_tree, rollup_window
from lantoa.units.models import Unit


class SystemCounts:
    """One period's counts over the report's subtree: ``counts.<key>`` for each registered
    ``ReportFigures`` (its ``empty()`` where none were given)."""

    def __init__(self, **figures: Any) -> None:
        self.figures: dict[str, Any] = figures

    def __getattr__(self, key: str) -> Any:
        if key.startswith("__") or key == "figures":
            raise AttributeError(key)
        if key not in self.figures:
            if key not in report_figures:
                raise AttributeError(key)
            self.figures[key] = report_figures.get(key).empty()
        return self.figures[key]

    @property
    def empty(self) -> bool:
        return not any(
            item.counted(self.figures[item.key])
            for item in report_figures
            if item.key in self.figures
        )


def system_counts(
    unit: Unit, start: dt.date, end: dt.date, *, now: dt.datetime | None = None
) -> SystemCounts:
    """The registered counts of ``unit``'s subtree from ``start`` to ``end``."""
    last, day = rollup_window(unit, start, end)
    if last < start:
        return SystemCounts()
    scope = SubtreeScope(unit, None if day is None else sorted(past_tree(unit, day).bucket))
    when = now or timezone.now()
    return SystemCounts(
        **{item.key: item.report(scope, start, last, when) for item in report_figures}
    )


__all__ = ["SystemCounts", "duration_text", "system_counts"]

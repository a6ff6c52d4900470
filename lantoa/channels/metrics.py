"""What channels measure for targets (the unit's social groups and pages, now) and show on
the dashboard (coverage of the grassroots units by Zalo groups and Facebook pages)."""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext, gettext_lazy

from lantoa.channels.models import SOCIAL_GROUP_KINDS, Channel, ChannelKind, ChannelStatus
from lantoa.channels.selectors import CoverageSummary, coverage_by_child, coverage_summary
from lantoa.core.extensions import DashboardShown
from lantoa.core.templatetags.vn import vn_percent
from lantoa.units.aggregates import Units, counts, per_unit
from lantoa.units.models import Unit


def social_groups(units: Units, start: dt.date, end: dt.date, scope: str) -> dict[int, int]:
    """Active Facebook pages, Zalo groups and Zalo OAs of the unit (now)."""
    base = Channel.objects.filter(kind__in=SOCIAL_GROUP_KINDS, status=ChannelStatus.ACTIVE)
    return counts(per_unit(base, units, scope, n=Count("pk")))


def page_or_group(units: Units, start: dt.date, end: dt.date, scope: str) -> dict[int, int]:
    """1 where the unit has an active Facebook page or Zalo group now, else 0."""
    base = Channel.objects.filter(
        kind__in=(ChannelKind.FACEBOOK_PAGE, ChannelKind.ZALO_GROUP), status=ChannelStatus.ACTIVE
    )
    rows = per_unit(base, units, scope, n=Count("pk"))
    return {k: 1 if r["n"] else 0 for k, r in rows.items()}


# --- the dashboard ---------------------------------------------------------------------------


def dashboard_coverage(
    unit: Unit, ids: list[int], start: dt.date, end: dt.date
) -> dict[int, CoverageSummary]:
    """Channel coverage (now) of each child's subtree, and of ``unit``'s: its children's added
    up (every grassroots unit below ``unit`` is in exactly one child's subtree), which saves
    scanning them all a second time."""
    by_child = {child.pk: c for child, c in coverage_by_child(unit)}
    if unit.is_grassroots:
        total = coverage_summary(unit, gap_limit=0)
    else:
        total = CoverageSummary()
        names = [f.name for f in fields(CoverageSummary) if f.name != "gaps"]
        for summary in by_child.values():
            for name in names:
                setattr(total, name, getattr(total, name) + getattr(summary, name))
    return {**by_child, unit.pk: total}


# --- on the dashboard page (``DashboardShown``) ------------------------------------------------


def _coverage_tile(figures: Any, unit: Any) -> tuple[str, str] | None:
    if unit.is_grassroots:
        return None
    return vn_percent(figures.either_share), gettext(
        "Công đoàn cơ sở có nhóm Zalo hoặc trang Facebook (hiện nay)"
    )


def _coverage_cell(figures: Any, unit: Any) -> str:
    """A grassroots union's own row says nothing (coverage counts grassroots unions under a
    unit); the whole unit's row (``unit`` None) always shows its share."""
    if unit is not None and unit.is_grassroots:
        return "—"
    return vn_percent(figures.either_share)


DASHBOARD_SHOWN = DashboardShown(
    stat=_coverage_tile,
    column=gettext_lazy("Độ phủ Zalo/Facebook"),
    cell=_coverage_cell,
    note=gettext_lazy("Độ phủ nhóm Zalo, trang Facebook: tình trạng hiện nay, không theo kỳ."),
)

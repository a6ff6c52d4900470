"""What cascades add to the period report and the dashboard: recipient rows in the subtree of
cascades sent (or closed) whose due date falls in the days, and how many reported done."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext, gettext_lazy

from lantoa.cascades.models import Cascade, CascadeRecipient, CascadeStatus, RecipientState
from lantoa.cascades.selectors import completion_by_child
from lantoa.core.extensions import SUBTREE, DashboardShown
from lantoa.core.templatetags.vn import vn_int, vn_percent
from lantoa.units.aggregates import SubtreeScope, per_unit
from lantoa.units.models import Unit


@dataclass
class CascadeCounts:
    cascades: int = 0  # cascades with recipients in the subtree, due in the days
    recipients: int = 0  # their recipient rows in the subtree
    done: int = 0  # of which reported done

    @property
    def done_ratio(self) -> float | None:
        return self.done / self.recipients if self.recipients else None

    @property
    def not_done(self) -> int:
        return self.recipients - self.done


@dataclass
class Cascades:
    """The dashboard's figures of one subtree."""

    recipients: int = 0
    done: int = 0

    @property
    def done_ratio(self) -> float | None:
        return self.done / self.recipients if self.recipients else None


def _due_in(start: dt.date, end: dt.date) -> QuerySet[CascadeRecipient]:
    return CascadeRecipient.objects.filter(
        cascade__due_on__gte=start,
        cascade__due_on__lte=end,
        cascade__status__in=(CascadeStatus.SENT, CascadeStatus.CLOSED),
    )


def report_cascades(
    scope: SubtreeScope, start: dt.date, end: dt.date, now: dt.datetime | None = None
) -> CascadeCounts:
    base = _due_in(start, end)
    out = CascadeCounts()
    seen: set[int] = set()
    for where in scope.parts():
        # Grouped by cascade (a few per period), so chunks add up and cascades stay distinct.
        rows = (
            base.filter(where)
            .values("cascade_id")
            .annotate(n=Count("pk"), done=Count("pk", filter=Q(state=RecipientState.DONE)))
            .order_by()
        )
        for row in rows:
            seen.add(row["cascade_id"])
            out.recipients += int(row["n"] or 0)
            out.done += int(row["done"] or 0)
    out.cascades = len(seen)
    return out


def dashboard_cascades(
    unit: Any, ids: list[int], start: dt.date, end: dt.date
) -> dict[int, Cascades]:
    """Recipients in each subtree of the cascades due in the days, and how many are done."""
    rows = per_unit(
        _due_in(start, end),
        ids,
        SUBTREE,
        recipients=Count("pk"),
        done=Count("pk", filter=Q(state=RecipientState.DONE)),
    )
    return {
        k: Cascades(recipients=int(r["recipients"] or 0), done=int(r["done"] or 0))
        for k, r in rows.items()
    }


def campaign_cascades(campaign: Any, parent: Unit) -> dict[int | None, dict[str, int | None]]:
    """child id → units that did the campaign's cascades and units that received them, from
    ``completion_by_child`` (one aggregate query); not counted for ``parent`` itself."""
    out: dict[int | None, dict[str, int | None]] = {
        None: {"cascades_done": None, "cascades_total": None}
    }
    cascade_ids = list(Cascade.objects.filter(campaign=campaign).values_list("pk", flat=True))
    if cascade_ids:
        for c in completion_by_child(cascade_ids, parent):
            out[c.unit.pk] = {"cascades_done": c.done, "cascades_total": c.recipients}
    return out


# --- on the dashboard page (``DashboardShown``) ------------------------------------------------


def _cascades_tile(figures: Any, unit: Any) -> tuple[str, str]:
    return vn_percent(figures.done_ratio), gettext("lượt triển khai đã thực hiện (%(d)s/%(n)s)") % {
        "d": vn_int(figures.done),
        "n": vn_int(figures.recipients),
    }


DASHBOARD_SHOWN = DashboardShown(
    stat=_cascades_tile,
    column=gettext_lazy("Triển khai đã làm"),
    cell=lambda figures, unit: vn_percent(figures.done_ratio),
    note=gettext_lazy(
        "Triển khai: các đợt triển khai có hạn hoàn thành trong kỳ, tỷ lệ đơn vị nhận đã báo cáo "
        "thực hiện."
    ),
)

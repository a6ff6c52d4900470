"""What the inquiry desk measures for targets and dashboards: inquiries answered on time and
answered compared with last year, with the definitions of ``lantoa.inquiries.reports``."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy

from lantoa.core.extensions import OWN, SUBTREE, DashboardShown
from lantoa.core.periods import day_bounds, year_back
from lantoa.core.templatetags.vn import vn_int, vn_percent
from lantoa.inquiries.models import Inquiry
from lantoa.inquiries.reports import ANSWERED, ON_TIME, InquiryFigures, due_q, inquiry_figures
from lantoa.units.aggregates import SubtreeScope, Units, by_child, per_unit
from lantoa.units.models import Unit

Values = dict[int, float | None]


def inquiry_counts(
    units: Units, start: dt.date, end: dt.date, *, scope: str = SUBTREE
) -> dict[int, dict[str, int]]:
    """Per unit, the inquiries received in the days: received, answered (first answer given),
    due (answered, or past the deadline unanswered) and answered on time (first answer by the
    deadline, 24 h unless the unit set another) — the definitions of
    ``lantoa.inquiries.reports``, counted in one grouped query."""
    begin, after = day_bounds(start, end)
    now = timezone.now()
    base = Inquiry.objects.filter(received_at__gte=begin, received_at__lt=after)
    rows = per_unit(
        base,
        units,
        scope,
        received=Count("pk"),
        answered=Count("pk", filter=ANSWERED),
        due=Count("pk", filter=due_q(now)),
        on_time=Count("pk", filter=ON_TIME),
    )
    names = ("received", "answered", "due", "on_time")
    return {k: {n: int(r[n] or 0) for n in names} for k, r in rows.items()}


def on_time(units: Units, start: dt.date, end: dt.date, scope: str) -> Values:
    """Share of the inquiries received in the days that were answered on time, over those
    already due. None where none was due."""
    rows = inquiry_counts(units, start, end, scope=scope)
    return {k: (r["on_time"] / r["due"]) if r["due"] else None for k, r in rows.items()}


def answered_growth(units: Units, start: dt.date, end: dt.date, scope: str) -> Values:
    """Inquiries answered (first answer given) among those received in the days, compared
    with the same days a year earlier: 2.0 = doubled. None without last year's figure."""
    begin, after = day_bounds(start, end)
    last_begin, last_after = day_bounds(year_back(start), year_back(end))
    base = Inquiry.objects.filter(ANSWERED).filter(
        Q(received_at__gte=begin, received_at__lt=after)
        | Q(received_at__gte=last_begin, received_at__lt=last_after)
    )
    rows = per_unit(
        base,
        units,
        scope,
        now=Count("pk", filter=Q(received_at__gte=begin)),
        before=Count("pk", filter=Q(received_at__lt=last_after)),
    )
    return {
        k: (int(r["now"] or 0) / int(r["before"])) if r["before"] else None for k, r in rows.items()
    }


# --- the period report and the dashboard ------------------------------------------------------


@dataclass
class Inquiries:
    """The dashboard's figures of one subtree."""

    received: int = 0
    answered: int = 0
    due: int = 0
    on_time: int = 0

    @property
    def on_time_ratio(self) -> float | None:
        return self.on_time / self.due if self.due else None


def dashboard_inquiries(
    unit: Any, ids: list[int], start: dt.date, end: dt.date
) -> dict[int, Inquiries]:
    return {k: Inquiries(**v) for k, v in inquiry_counts(ids, start, end, scope=SUBTREE).items()}


def report_inquiries(
    scope: SubtreeScope, start: dt.date, end: dt.date, now: dt.datetime
) -> InquiryFigures:
    """Received in the days, answered (first response given), due, answered on time and the
    median first-response time (``inquiry_figures``) over the report's scope."""
    begin, after = day_bounds(start, end)
    if scope.ids is None:
        figures = inquiry_figures(scope.unit, begin, after, now=now)
        # Last year is gathered as a period of its own (the report compares whole periods).
        figures.answered_last_year = 0
        figures.overdue_now = 0
        return figures
    # An ended unit's old tree: the same definitions (``inquiry_counts``) over its units of
    # that day, the median in Python.
    out = InquiryFigures()
    seconds: list[float] = []
    for chunk in scope.chunks():
        for counted in inquiry_counts(chunk, start, end, scope=OWN).values():
            out.received += counted["received"]
            out.answered += counted["answered"]
            out.due += counted["due"]
            out.on_time += counted["on_time"]
        for received, first in Inquiry.objects.filter(
            unit_id__in=chunk,
            received_at__gte=begin,
            received_at__lt=after,
            first_responded_at__isnull=False,
        ).values_list("received_at", "first_responded_at"):
            if first is not None:  # always, by the filter; for the type checker
                seconds.append(max(round((first - received).total_seconds()), 0))
    if seconds:
        out.median_first_response = dt.timedelta(seconds=statistics.median(seconds))
    return out


def campaign_inquiries(campaign: Any, parent: Unit) -> dict[int | None, dict[str, int]]:
    """Inquiries received during the campaign (the campaign scoreboard)."""
    start, end = day_bounds(campaign.starts_on, campaign.ends_on)
    return by_child(
        Inquiry.objects.filter(received_at__gte=start, received_at__lt=end),
        "unit",
        parent,
        inquiries=Count("id"),
    )


# --- on the dashboard page (``DashboardShown``) ------------------------------------------------


def _inquiries_tile(figures: Any, unit: Any) -> tuple[str, str]:
    return vn_int(figures.received), gettext(
        "câu hỏi, phản ánh tiếp nhận; trả lời đúng hạn %(p)s"
    ) % {"p": vn_percent(figures.on_time_ratio)}


DASHBOARD_SHOWN = DashboardShown(
    stat=_inquiries_tile,
    column=gettext_lazy("Câu hỏi (đúng hạn)"),
    cell=lambda figures, unit: format_html(
        '{} <span class="muted small">({})</span>',
        vn_int(figures.received),
        vn_percent(figures.on_time_ratio),
    ),
    note=gettext_lazy(
        "Câu hỏi, phản ánh: tiếp nhận trong kỳ; tỷ lệ trả lời đúng hạn tính trên những câu đã "
        "đến hạn trả lời."
    ),
)

"""The dashboard screen (``/bao-cao/<code>/tong-quan/``): any officer, their subtree, by period."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lantoa import access
from lantoa.access import officer, policy
from lantoa.core.extensions import dashboard_figures
from lantoa.core.text import format_int
from lantoa.reports.charts import Point, bar_chart, line_chart
from lantoa.reports.dashboard import Dashboard, UnitFigures, dashboard_for
from lantoa.targets.picker import PARAM, period_options, pick_period

COMPARE_LIMIT = 20  # bars in the comparison; every child is in the table below it
SORTS = {
    "buoi": ("sessions", gettext_lazy("Buổi tuyên truyền")),
    "nguoi": ("participants", gettext_lazy("Lượt người tham gia")),
    "tin-bai": ("posts", gettext_lazy("Tin, bài đã đăng")),
    "ho-tro": ("reached_ratio", gettext_lazy("Tỷ lệ CĐCS có tuyên truyền")),
}


def _sort_value(figures: UnitFigures, attr: str) -> float:
    value = getattr(figures, attr)
    return float(value) if value is not None else -1.0


def _comparison(board: Dashboard, sort: str) -> list[tuple[UnitFigures, float]]:
    """Children sorted by the chosen figure, biggest first, with each one's share of the
    biggest (for the bar widths)."""
    attr = SORTS[sort][0]
    rows = sorted(board.children, key=lambda f: (-_sort_value(f, attr), f.unit.name))
    top = max((_sort_value(f, attr) for f in rows), default=0.0)
    return [(f, (_sort_value(f, attr) / top) if top > 0 else 0.0) for f in rows]


def _points(board: Dashboard, attr: str, noun: str) -> list[Point]:
    """The 12 months of one figure, each with its tooltip ("Tháng 05/2026: 166 buổi")."""
    return [
        Point(
            m.short,
            getattr(m, attr),
            _("Tháng %(m)s: %(n)s %(noun)s")
            % {"m": m.start.strftime("%m/%Y"), "n": format_int(getattr(m, attr)), "noun": noun},
        )
        for m in board.trend
    ]


@policy(officer("activity.view"))
def unit_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="activity.view", code=code)
    today = timezone.localdate()
    period, period_error = pick_period(request, today=today)
    sort = request.GET.get("so-sanh", "buoi")
    if sort not in SORTS:
        sort = "buoi"
    board = dashboard_for(unit, period, today=today)
    comparison = _comparison(board, sort)
    shown = comparison[:COMPARE_LIMIT]
    sessions = _points(board, "sessions", _("buổi"))
    people = _points(board, "participants", _("lượt người"))
    posts = _points(board, "posts", _("tin, bài"))
    # The registered figures' tiles, columns and notes (``DashboardShown``): the page names
    # none of the apps that give them.
    figures = [(e.key, e.shown) for e in dashboard_figures if e.shown is not None]
    tiles = [
        tile
        for key, shown in figures
        if (tile := shown.stat(getattr(board.total, key), unit)) is not None
    ]
    rows = [
        (f, [shown.cell(getattr(f, key), f.unit) for key, shown in figures]) for f in board.children
    ]
    total_cells = [shown.cell(getattr(board.total, key), None) for key, shown in figures]
    return render(
        request,
        "reports/dashboard.html",
        {
            "unit": unit,
            "board": board,
            "total": board.total,
            "period": period,
            "period_error": period_error,
            "options": period_options(today, period),
            "param": PARAM,
            "sort": sort,
            "keep": [("so-sanh", sort)],
            "sorts": [(key, label) for key, (_a, label) in SORTS.items()],
            "sort_attr": SORTS[sort][0],
            "comparison": shown,
            "compared_more": len(comparison) - len(shown),
            "sessions_chart": bar_chart(sessions, label=_("Buổi tuyên truyền 12 tháng gần nhất")),
            "people_chart": line_chart(
                people, label=_("Lượt người tham gia tuyên truyền 12 tháng gần nhất")
            ),
            "posts_chart": bar_chart(posts, label=_("Tin, bài đăng 12 tháng gần nhất")),
            "can_report": access.can(request.user, "report.create", unit),
            "tiles": tiles,
            "columns": [shown.column for _key, shown in figures],
            "rows": rows,
            "total_cells": total_cells,
            "notes": [shown.note for _key, shown in figures if shown.note],
        },
        status=400 if period_error else 200,
    )

"""What activities adds to the lower apps' screens and processes (lantoa.core.extensions)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from lantoa.activities import period_figures
from lantoa.activities import report_sections as report
from lantoa.activities.metrics import (
    ACTIVITY_NOUNS,
    activity_items,
    activity_metric_key,
    campaign_activities,
    dashboard_rows,
    outreach_by_month,
)
from lantoa.activities.models import ActivityKind
from lantoa.activities.selectors import merge_rollups, own_rollups_by_month
from lantoa.core.extensions import (
    COUNT,
    OWN,
    SEED,
    SUBTREE,
    DashboardRows,
    DashboardTrend,
    DemoBuilder,
    DemoContext,
    PeriodFigures,
    ReportSection,
    ScoreboardColumn,
    ScoreCell,
    TargetMetric,
    WorkLink,
    dashboard_trend,
    demo_builders,
    report_sections,
    scoreboard_columns,
    target_metrics,
    work_links,
)
from lantoa.core.extensions import (
    dashboard_rows as dashboard_rows_registry,
)
from lantoa.core.extensions import (
    period_figures as period_figures_registry,
)
from lantoa.core.text import format_int

work_links.register(
    WorkLink(
        key="activities.record",
        label=_("Ghi hoạt động"),
        url_name="activities:add",
        visible=lambda held, unit: "activity.manage" in held and unit.is_active,
        order=0,
        primary=True,
    )
)


work_links.register(
    WorkLink(
        key="activities",
        label=_("Hoạt động tuyên truyền"),
        description=_("Ghi nhận buổi tuyên truyền, tập huấn, tin bài"),
        url_name="activities:unit",
        visible=lambda held, unit: "activity.view" in held,
        order=30,
        nav_order=50,
        nav_label=_("Hoạt động"),
    )
)


def _seed_activities(ctx: DemoContext) -> None:
    if ctx.size != "demo":
        return
    from lantoa.activities.demo import seed_demo_activities

    count = seed_demo_activities(seed=ctx.seed, as_of=ctx.as_of)
    first = dt.date(ctx.as_of.year - 2, 1, 1)
    ctx.out(
        f"Đã sinh {format_int(count)} hoạt động tuyên truyền mẫu "
        f"({first:%d/%m/%Y} – {ctx.as_of:%d/%m/%Y})."
    )


demo_builders.register(DemoBuilder(key="activities", build=_seed_activities, order=30, stage=SEED))


# ── Target metrics ──
target_metrics.register(
    TargetMetric(
        "direct_outreach",
        _("Hoạt động truyền thông trực tiếp của đơn vị"),
        _("buổi"),
        COUNT,
        OWN,
        activity_items(ActivityKind.OUTREACH, direct=True),
        order=50,
    )
)


for _index, (_kind, _label) in enumerate(ActivityKind.choices):
    target_metrics.register(
        TargetMetric(
            activity_metric_key(_kind),
            _label,
            ACTIVITY_NOUNS[ActivityKind(_kind)],
            COUNT,
            SUBTREE,
            activity_items(_kind),
            order=1000 + _index,
            assignable=True,
        )
    )


# ── The dashboard ──
dashboard_rows_registry.register(DashboardRows("activities", dashboard_rows, order=10))
dashboard_trend.register(DashboardTrend("outreach", outreach_by_month, order=10))


# ── The campaign scoreboard ──
scoreboard_columns.register(
    ScoreboardColumn(
        "activities",
        campaign_activities,
        (
            ScoreCell("activities", _("Hoạt động")),
            ScoreCell("participants", _("Người tham gia")),
        ),
        order=40,
    )
)


# ── The period report ──
report_sections.register(
    ReportSection(
        "activities",
        report.gather,
        targets=report.targets,
        results=report.results,
        changes=report.changes,
        strengths=report.strengths,
        weaknesses=report.weaknesses,
        tasks=report.tasks,
        tables=report.tables,
        summary=report.summary,
        order=10,
    )
)


# What a period report says (lantoa.periods): the unit's activity records of the period.
period_figures_registry.register(
    PeriodFigures(
        "activities",
        live=period_figures.live_rollup,
        snapshot=period_figures.figures_snapshot,
        rows=period_figures.kind_rows,
        monthly=own_rollups_by_month,
        merge=merge_rollups,
        order=10,
    )
)

"""What publishing contributes to the registries of ``lantoa.core.extensions``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lantoa.core.extensions import (
    OWN,
    RATE,
    DashboardFigures,
    DashboardTrend,
    ReportFigures,
    ScoreboardColumn,
    ScoreCell,
    TargetMetric,
    dashboard_figures,
    dashboard_trend,
    report_figures,
    scoreboard_columns,
    target_metrics,
)
from lantoa.publishing import metrics

# ── Target metrics ──
target_metrics.register(
    TargetMetric(
        "posts_per_day",
        _("Tin, bài đăng trên kênh của đơn vị"),
        _("tin, bài/ngày"),
        RATE,
        OWN,
        metrics.posts,
        order=10,
    )
)

# ── The period report and the dashboard ──
report_figures.register(
    ReportFigures(
        "posts",
        metrics.report_posts,
        metrics.PostCounts,
        lambda posts: bool(posts.total),
        order=10,
    )
)
dashboard_figures.register(DashboardFigures("posts", metrics.dashboard_posts, lambda: 0, order=10))
dashboard_trend.register(DashboardTrend("posts", metrics.posts_by_month, order=20))

# ── The campaign scoreboard ──
scoreboard_columns.register(
    ScoreboardColumn(
        "posts",
        metrics.campaign_posts,
        (
            ScoreCell(
                "posts",
                _("Lượt đăng trên kênh"),
                title=_(
                    "Số lượt đăng nội dung của chiến dịch lên các kênh, kể cả đơn vị cấp dưới "
                    "đăng lại"
                ),
            ),
        ),
        order=20,
    )
)

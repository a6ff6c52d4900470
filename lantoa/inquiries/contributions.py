"""What the inquiry desk contributes to the registries of ``lantoa.core.extensions``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lantoa.core.extensions import (
    RATIO,
    SUBTREE,
    DashboardFigures,
    ReportFigures,
    ScoreboardColumn,
    ScoreCell,
    TargetMetric,
    dashboard_figures,
    report_figures,
    scoreboard_columns,
    target_metrics,
)
from lantoa.inquiries import metrics
from lantoa.inquiries.reports import InquiryFigures

# ── Target metrics ──
target_metrics.register(
    TargetMetric(
        "inquiries_on_time",
        _("Câu hỏi, phản ánh được trả lời đúng hạn (24 giờ)"),
        "",
        RATIO,
        SUBTREE,
        metrics.on_time,
        order=60,
    )
)
target_metrics.register(
    TargetMetric(
        "inquiries_answered_growth",
        _("Số câu hỏi được giải đáp so với cùng kỳ năm trước"),
        "",
        RATIO,
        SUBTREE,
        metrics.answered_growth,
        order=70,
    )
)

# ── The period report and the dashboard ──
report_figures.register(
    ReportFigures(
        "inquiries",
        metrics.report_inquiries,
        InquiryFigures,
        lambda figures: bool(figures.received),
        order=30,
    )
)
dashboard_figures.register(
    DashboardFigures("inquiries", metrics.dashboard_inquiries, metrics.Inquiries, order=20)
)

# ── The campaign scoreboard ──
scoreboard_columns.register(
    ScoreboardColumn(
        "inquiries",
        metrics.campaign_inquiries,
        (ScoreCell("inquiries", _("Phản ánh, kiến nghị")),),
        order=50,
    )
)

"""What cascades contribute to the registries of ``lantoa.core.extensions``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lantoa.cascades import metrics
from lantoa.core.extensions import (
    DashboardFigures,
    ReportFigures,
    ScoreboardColumn,
    ScoreCell,
    dashboard_figures,
    report_figures,
    scoreboard_columns,
)

# ── The period report and the dashboard ──
report_figures.register(
    ReportFigures(
        "cascades",
        metrics.report_cascades,
        metrics.CascadeCounts,
        lambda figures: bool(figures.recipients),
        order=20,
    )
)
dashboard_figures.register(
    DashboardFigures("cascades", metrics.dashboard_cascades, metrics.Cascades, order=30)
)

# ── The campaign scoreboard ──
scoreboard_columns.register(
    ScoreboardColumn(
        "cascades",
        metrics.campaign_cascades,
        (ScoreCell("cascades_done", _("Triển khai hoàn thành"), out_of="cascades_total"),),
        order=30,
    )
)

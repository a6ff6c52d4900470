"""What channels contribute to the registries of ``lantoa.core.extensions``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lantoa.channels import metrics
from lantoa.channels.selectors import CoverageSummary
from lantoa.core.extensions import (
    OWN,
    STATE,
    DashboardFigures,
    TargetMetric,
    dashboard_figures,
    target_metrics,
)

# ── Target metrics ──
target_metrics.register(
    TargetMetric(
        "social_groups",
        _("Nhóm truyền thông trên mạng xã hội (fanpage, nhóm Zalo, Zalo OA)"),
        _("nhóm"),
        STATE,
        OWN,
        metrics.social_groups,
        order=20,
    )
)
target_metrics.register(
    TargetMetric(
        "page_or_group",
        _("Có trang Facebook hoặc nhóm Zalo"),
        _("trang hoặc nhóm"),
        STATE,
        OWN,
        metrics.page_or_group,
        order=80,
    )
)

# ── The dashboard ──
dashboard_figures.register(
    DashboardFigures("coverage", metrics.dashboard_coverage, CoverageSummary, order=40)
)

"""What activities contribute to the registries of ``lantoa.core.extensions``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lantoa.activities.metrics import (
    ACTIVITY_NOUNS,
    activity_items,
    activity_metric_key,
    campaign_activities,
    outreach_by_month,
)
from lantoa.activities.models import ActivityKind
from lantoa.core.extensions import (
    COUNT,
    OWN,
    SUBTREE,
    DashboardTrend,
    ScoreboardColumn,
    ScoreCell,
    TargetMetric,
    dashboard_trend,
    scoreboard_columns,
    target_metrics,
)

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

"""What campaigns adds to the lower apps' screens and processes (lantoa.core.extensions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lantoa.campaigns import metrics
from lantoa.core.extensions import (
    COUNT,
    OWN,
    BeatEntry,
    DemoBuilder,
    DemoContext,
    TargetMetric,
    WorkLink,
    beat_schedule,
    demo_builders,
    target_metrics,
    work_links,
)

work_links.register(
    WorkLink(
        key="campaigns",
        label=_("Chiến dịch"),
        description=_("Kế hoạch, lịch các dịp trong năm, bảng kết quả"),
        url_name="campaigns:unit",
        visible=lambda held, unit: "campaign.view" in held,
        order=40,
        nav_order=10,
    )
)


def _demo_campaigns(ctx: DemoContext) -> None:
    from lantoa.campaigns.demo import ensure_demo_campaigns

    ensure_demo_campaigns(ctx.as_of)


demo_builders.register(DemoBuilder(key="campaigns", build=_demo_campaigns, order=30))


# Campaign statuses follow the calendar.
beat_schedule.register(
    BeatEntry(key="campaigns-status", task="campaigns.sync_status", schedule=3600.0)
)


# ── Target metrics ──
target_metrics.register(
    TargetMetric(
        "campaigns",
        _("Chiến dịch truyền thông"),
        _("chiến dịch"),
        COUNT,
        OWN,
        metrics.campaigns_started,
        order=30,
    )
)

"""What surveys adds to the lower apps' screens and processes (lantoa.core.extensions)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from lantoa.core.extensions import (
    OWN,
    RATIO,
    CampaignPanel,
    DemoBuilder,
    DemoContext,
    TargetMetric,
    WorkLink,
    campaign_panels,
    demo_builders,
    target_metrics,
    work_links,
)
from lantoa.core.text import format_int
from lantoa.surveys import metrics

work_links.register(
    WorkLink(
        key="surveys.unit",
        label=_("Khảo sát xã hội"),
        description=_("Phiếu khảo sát, chỉ tiêu thu phiếu, nhập phiếu giấy và kết quả"),
        url_name="surveys:unit",
        visible=lambda held, unit: "survey.view" in held,
        order=65,
    )
)


def _demo_surveys(ctx: DemoContext) -> None:
    from lantoa.surveys.demo import ensure_demo_surveys

    stored = ensure_demo_surveys(ctx.as_of)
    if stored:
        ctx.totals.append(f"  phiếu khảo sát: {format_int(stored)}")


demo_builders.register(DemoBuilder(key="surveys", build=_demo_surveys, order=65))


# Counted where the unit's work is counted: collected sheets against the allocation.
target_metrics.register(
    TargetMetric(
        "survey_collected_share",
        _("Phiếu khảo sát thu được so với phân bổ"),
        _("phiếu"),
        RATIO,
        OWN,
        metrics.collected_share,
        order=95,
    )
)


def _campaign_surveys(request: Any, campaign: Any) -> dict[str, Any]:
    from lantoa.surveys.collect_views import campaign_panel

    return campaign_panel(request, campaign)


# Findings linked to the campaigns they inform: the campaign's page lists its surveys.
campaign_panels.register(
    CampaignPanel("surveys", "surveys/_campaign_panel.html", _campaign_surveys, order=60)
)

"""What channels adds to the lower apps' screens and processes (lantoa.core.extensions)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from lantoa.channels import metrics
from lantoa.channels.selectors import (
    CoverageSummary,
    channels_of,
    coverage_by_child,
    coverage_summary,
)
from lantoa.core.extensions import (
    OWN,
    SEED,
    STATE,
    DashboardFigures,
    DemoBuilder,
    DemoContext,
    TargetMetric,
    UnitSection,
    dashboard_figures,
    demo_builders,
    target_metrics,
    unit_sections,
)
from lantoa.core.text import format_int
from lantoa.units.models import Unit


def _channels(request: HttpRequest, unit: Unit) -> dict[str, Any]:
    return {"channels": channels_of(unit)}


def _coverage(request: HttpRequest, unit: Unit) -> dict[str, Any] | None:
    if unit.is_grassroots:
        return None
    return {"coverage": coverage_summary(unit), "coverage_children": coverage_by_child(unit)}


unit_sections.register(
    UnitSection(
        key="channels",
        template_name="channels/_unit_channels.html",
        context=_channels,
        order=10,
        anchor="kenh",
        tab_label=_("Kênh"),
    )
)


unit_sections.register(
    UnitSection(
        key="channels.coverage",
        template_name="channels/_coverage.html",
        context=_coverage,
        order=20,
        anchor="do-phu",
        tab_label=_("Độ phủ"),
    )
)


def _seed_channels(ctx: DemoContext) -> None:
    from lantoa.channels.demo import seed_demo_channels

    channels, stats = seed_demo_channels(seed=ctx.seed, as_of=ctx.as_of)
    ctx.totals.append(f"  kênh truyền thông: {format_int(channels)}")
    ctx.totals.append(f"  số liệu kênh theo tháng: {format_int(stats)}")


demo_builders.register(DemoBuilder(key="channels", build=_seed_channels, order=10, stage=SEED))


# ── Target metrics ──
target_metrics.register(
    TargetMetric(
        "social_groups",
        _("Nhóm truyền thông trên mạng xã hội (trang Facebook, nhóm Zalo, Zalo OA)"),
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
    DashboardFigures(
        "coverage",
        metrics.dashboard_coverage,
        CoverageSummary,
        order=50,
        shown=metrics.DASHBOARD_SHOWN,
    )
)

"""What channels adds to the lower apps' screens and processes (lantoa.core.extensions)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from lantoa.channels.selectors import channels_of, coverage_by_child, coverage_summary
from lantoa.core.extensions import (
    SEED,
    DemoBuilder,
    DemoContext,
    UnitSection,
    demo_builders,
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

    channels, stats = seed_demo_channels(seed=ctx.seed)
    ctx.totals.append(f"  kênh truyền thông: {format_int(channels)}")
    ctx.totals.append(f"  số liệu kênh theo tháng: {format_int(stats)}")


demo_builders.register(DemoBuilder(key="channels", build=_seed_channels, order=10, stage=SEED))

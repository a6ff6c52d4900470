"""What activities adds to the lower apps' screens and processes (lantoa.core.extensions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lantoa.core.extensions import (
    SEED,
    DemoBuilder,
    DemoContext,
    WorkLink,
    demo_builders,
    work_links,
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

    count = seed_demo_activities(seed=ctx.seed)
    ctx.out(f"Đã sinh {format_int(count)} hoạt động tuyên truyền mẫu (01/2024 – 06/2026).")


demo_builders.register(DemoBuilder(key="activities", build=_seed_activities, order=30, stage=SEED))

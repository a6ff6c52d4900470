"""What publishing adds to the lower apps' screens and processes (lantoa.core.extensions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lantoa.core.extensions import (
    BeatEntry,
    DemoBuilder,
    DemoContext,
    WorkLink,
    beat_schedule,
    demo_builders,
    work_links,
)

work_links.register(
    WorkLink(
        key="publishing",
        label=_("Đăng tải"),
        description=_("Các lượt đăng lên Facebook, Zalo OA, trang tin, bản tin thư"),
        url_name="publishing:unit",
        visible=lambda held, unit: "publishing.view" in held,
        order=60,
        nav_order=40,
    )
)


def _demo_publications(ctx: DemoContext) -> None:
    from lantoa.publishing.demo import ensure_demo_publications

    ensure_demo_publications(log=ctx.out)


demo_builders.register(DemoBuilder(key="publishing", build=_demo_publications, order=60))


# Due and stalled publication jobs, every minute.
beat_schedule.register(BeatEntry(key="publishing-sweep", task="publishing.sweep", schedule=60.0))

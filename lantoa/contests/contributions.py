"""What contests adds to the lower apps' screens and processes (lantoa.core.extensions)."""

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
from lantoa.core.text import format_int

work_links.register(
    WorkLink(
        key="contests",
        label=_("Cuộc thi"),
        description=_("Thi tìm hiểu pháp luật trực tuyến: thể lệ, kho câu hỏi, xếp hạng"),
        url_name="contests:unit",
        visible=lambda held, unit: "contest.view" in held,
        order=45,
    )
)


def _demo_contests(ctx: DemoContext) -> None:
    from lantoa.contests.demo import ensure_demo_contests

    totals = ensure_demo_contests(seed=ctx.seed)
    if totals.contests:
        ctx.totals.extend(
            [
                f"  cuộc thi trắc nghiệm: {format_int(totals.contests)}",
                f"  người dự thi: {format_int(totals.entrants)}",
                f"  bài thi: {format_int(totals.attempts)}",
            ]
        )


demo_builders.register(DemoBuilder(key="contests", build=_demo_contests, order=45))

# Attempts left open past their deadline (the page closed, the phone out of battery) are
# closed and scored with what was saved.
beat_schedule.register(
    BeatEntry(key="contests-expire", task="contests.expire_attempts", schedule=60.0)
)

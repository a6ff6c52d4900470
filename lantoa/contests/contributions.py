"""What contests adds to the lower apps' screens and processes (lantoa.core.extensions)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from lantoa.contests import metrics
from lantoa.core.extensions import (
    COUNT,
    OWN,
    SUBTREE,
    BeatEntry,
    DashboardFigures,
    DemoBuilder,
    DemoContext,
    PrivateFileKind,
    PublicLink,
    ReportFigures,
    ReportSection,
    TargetMetric,
    WorkLink,
    beat_schedule,
    dashboard_figures,
    demo_builders,
    private_files,
    public_links,
    report_figures,
    report_sections,
    target_metrics,
    work_links,
)
from lantoa.core.text import format_int

work_links.register(
    WorkLink(
        key="contests",
        label=_("Cuộc thi"),
        description=_(
            "Thi tìm hiểu pháp luật trực tuyến; thi video clip, ảnh với ban giám khảo và bình chọn"
        ),
        url_name="contests:unit",
        visible=lambda held, unit: "contest.view" in held,
        order=45,
    )
)


def _demo_contests(ctx: DemoContext) -> None:
    from lantoa.contests.demo import ensure_demo_contests
    from lantoa.contests.media_demo import ensure_demo_media_contests

    totals = ensure_demo_contests(seed=ctx.seed)
    if totals.contests:
        ctx.totals.extend(
            [
                f"  cuộc thi trắc nghiệm: {format_int(totals.contests)}",
                f"  người dự thi: {format_int(totals.entrants)}",
                f"  bài thi: {format_int(totals.attempts)}",
            ]
        )
    works = ensure_demo_media_contests(seed=ctx.seed)
    if works.contests:
        ctx.totals.extend(
            [
                f"  cuộc thi video clip, ảnh: {format_int(works.contests)}",
                f"  tác phẩm: {format_int(works.entries)}",
                f"  phiếu bình chọn: {format_int(works.votes)}",
            ]
        )


demo_builders.register(DemoBuilder(key="contests", build=_demo_contests, order=45))

# Attempts left open past their deadline (the page closed, the phone out of battery) are
# closed and scored with what was saved.
beat_schedule.register(
    BeatEntry(key="contests-expire", task="contests.expire_attempts", schedule=60.0)
)


# ── Targets ("tổ chức ít nhất N cuộc thi/năm", members taking part) and the period report ──
target_metrics.register(
    TargetMetric(
        "contests_organised",
        _("Cuộc thi trực tuyến đã tổ chức"),
        _("cuộc thi"),
        COUNT,
        OWN,
        metrics.contests_organised,
        order=92,
    )
)
target_metrics.register(
    TargetMetric(
        "contest_entrants",
        _("Lượt đoàn viên tham gia cuộc thi trực tuyến"),
        _("lượt tham gia"),
        COUNT,
        SUBTREE,
        metrics.contest_entrants,
        order=93,
        assignable=True,
    )
)
report_figures.register(
    ReportFigures(
        "contests",
        metrics.report_contests,
        metrics.ContestCounts,
        metrics.counted,
        order=60,
    )
)
report_sections.register(
    ReportSection(
        key="contests",
        gather=lambda unit, period, progress: {},
        results=metrics.report_results,
        order=60,
    )
)
dashboard_figures.register(
    DashboardFigures(
        "contests",
        metrics.dashboard_contests,
        metrics.Contests,
        order=40,
        shown=metrics.DASHBOARD_SHOWN,
    )
)


def _entry_file(user: Any, pk: int, variant: str) -> Any:
    from lantoa.contests.media_views import entry_file

    return entry_file(user, pk, variant)


# The works sent to video and photo contests: private files, read by the organisers and the
# judges; the public gets approved works through the contest's public pages.
private_files.register(
    PrivateFileKind(
        key="contest_entries",
        label=_("tác phẩm dự thi"),
        fields=("contests.MediaEntry.file", "contests.MediaEntry.poster"),
        find=_entry_file,
    )
)


# The contests open to the public site's visitors (and the results of finished ones).
public_links.register(
    PublicLink(
        key="contests.public", label=_("Cuộc thi"), url_name="contests_public:list", order=25
    )
)

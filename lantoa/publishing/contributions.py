"""What publishing adds to the lower apps' screens and processes (lantoa.core.extensions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lantoa.core.extensions import (
    OWN,
    RATE,
    DashboardFigures,
    DashboardTrend,
    DemoBuilder,
    DemoContext,
    PrivateFileKind,
    ReportFigures,
    ScoreboardColumn,
    ScoreCell,
    TargetMetric,
    WorkLink,
    dashboard_figures,
    dashboard_trend,
    demo_builders,
    job_kinds,
    private_files,
    report_figures,
    scoreboard_columns,
    target_metrics,
    work_links,
)
from lantoa.publishing import metrics
from lantoa.publishing.runner import PUBLICATIONS
from lantoa.publishing.selectors import PROOF_FILES, proof_file

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

    ensure_demo_publications(log=ctx.out, as_of=ctx.as_of)


demo_builders.register(DemoBuilder(key="publishing", build=_demo_publications, order=60))


# ── Target metrics ──
target_metrics.register(
    TargetMetric(
        "posts_per_day",
        _("Tin, bài đăng trên kênh của đơn vị"),
        _("tin, bài/ngày"),
        RATE,
        OWN,
        metrics.posts,
        order=10,
    )
)


# ── The period report and the dashboard ──
report_figures.register(
    ReportFigures(
        "posts",
        metrics.report_posts,
        metrics.PostCounts,
        lambda posts: bool(posts.total),
        order=10,
    )
)


dashboard_figures.register(
    DashboardFigures(
        "posts",
        metrics.dashboard_posts,
        lambda: 0,
        order=10,
        shown=metrics.DASHBOARD_SHOWN,
    )
)


dashboard_trend.register(DashboardTrend("posts", metrics.posts_by_month, order=20))


# ── The campaign scoreboard ──
scoreboard_columns.register(
    ScoreboardColumn(
        "posts",
        metrics.campaign_posts,
        (
            ScoreCell(
                "posts",
                _("Lượt đăng trên kênh"),
                title=_(
                    "Số lượt đăng nội dung của chiến dịch lên các kênh, kể cả đơn vị cấp dưới "
                    "đăng lại"
                ),
            ),
        ),
        order=20,
    )
)


job_kinds.register(PUBLICATIONS)


# Proof photos of manual posts: private, read by whoever sees the unit's publications.
private_files.register(
    PrivateFileKind(
        key=PROOF_FILES,
        label=_("ảnh minh chứng đăng tải"),
        fields=("publishing.Publication.proof_photo", "publishing.Publication.proof_thumbnail"),
        find=proof_file,
    )
)

"""What cascades adds to the lower apps' screens and processes (lantoa.core.extensions)."""

from __future__ import annotations

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from lantoa.cascades import metrics
from lantoa.cascades.selectors import ATTACHMENT_FILES, PROOF_FILES, attachment_file, proof_file
from lantoa.core.extensions import (
    BeatEntry,
    DashboardFigures,
    DemoBuilder,
    DemoContext,
    PrivateFileKind,
    ReportFigures,
    ScoreboardColumn,
    ScoreCell,
    WorkLink,
    beat_schedule,
    dashboard_figures,
    demo_builders,
    private_files,
    report_figures,
    scoreboard_columns,
    work_links,
)

work_links.register(
    WorkLink(
        key="cascades.inbox",
        label=_("Việc được giao"),
        description=_("Văn bản, nội dung cấp trên gửi xuống: xác nhận, báo cáo kết quả"),
        url_name="cascades:inbox",
        visible=lambda held, unit: "cascade.view" in held,
        order=10,
        nav_order=30,
    )
)


work_links.register(
    WorkLink(
        key="cascades.sent",
        label=_("Triển khai xuống cơ sở"),
        description=_("Gửi nội dung xuống đơn vị trực thuộc và theo dõi tiến độ"),
        url_name="cascades:unit",
        # A grassroots union sends nothing down.
        visible=lambda held, unit: "cascade.view" in held and not unit.is_grassroots,
        order=20,
    )
)


def _demo_cascades(ctx: DemoContext) -> None:
    from lantoa.cascades.demo import ensure_demo_cascades

    ensure_demo_cascades(ctx.as_of)


demo_builders.register(DemoBuilder(key="cascades", build=_demo_cascades, order=40))


# Units that have not reported are reminded every morning (CELERY_TIMEZONE is Vietnam's).
beat_schedule.register(
    BeatEntry(key="cascades-remind", task="cascades.remind_due", schedule=crontab(hour=8, minute=0))
)
# Announcements whose queueing failed (Redis down) are queued again (tasks.announce_sweep).
beat_schedule.register(
    BeatEntry(key="cascades-announce-sweep", task="cascades.announce_sweep", schedule=300.0)
)


# ── The period report and the dashboard ──
report_figures.register(
    ReportFigures(
        "cascades",
        metrics.report_cascades,
        metrics.CascadeCounts,
        lambda figures: bool(figures.recipients),
        order=20,
    )
)


dashboard_figures.register(
    DashboardFigures(
        "cascades",
        metrics.dashboard_cascades,
        metrics.Cascades,
        order=30,
        shown=metrics.DASHBOARD_SHOWN,
    )
)


# ── The campaign scoreboard ──
scoreboard_columns.register(
    ScoreboardColumn(
        "cascades",
        metrics.campaign_cascades,
        (ScoreCell("cascades_done", _("Triển khai hoàn thành"), out_of="cascades_total"),),
        order=30,
    )
)


# Package files and proof photos: private, read by whoever sees the cascade (or that unit's row).
private_files.register(
    PrivateFileKind(
        key=ATTACHMENT_FILES,
        label=_("tệp đính kèm triển khai"),
        fields=("cascades.CascadeAttachment.file", "cascades.CascadeAttachment.thumbnail"),
        find=attachment_file,
    )
)
private_files.register(
    PrivateFileKind(
        key=PROOF_FILES,
        label=_("ảnh minh chứng triển khai"),
        fields=(
            "cascades.CascadeRecipient.proof_photo",
            "cascades.CascadeRecipient.proof_thumbnail",
        ),
        find=proof_file,
    )
)

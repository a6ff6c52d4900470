"""What inquiries adds to the lower apps' screens and processes (lantoa.core.extensions)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from lantoa import access
from lantoa.connectors.inbound import InboundHandler, inbound_handlers
from lantoa.core.extensions import (
    RATIO,
    SUBTREE,
    BeatEntry,
    DashboardFigures,
    DemoBuilder,
    DemoContext,
    HeaderLink,
    PublicLink,
    ReportFigures,
    ScoreboardColumn,
    ScoreCell,
    TargetMetric,
    WorkLink,
    beat_schedule,
    dashboard_figures,
    demo_builders,
    header_links,
    job_kinds,
    public_links,
    report_figures,
    scoreboard_columns,
    target_metrics,
    work_links,
)
from lantoa.inquiries import counts, metrics
from lantoa.inquiries.inbound import inbound_receive
from lantoa.inquiries.outbox import OUTBOUND_REPLIES
from lantoa.inquiries.reports import InquiryFigures

work_links.register(
    WorkLink(
        key="inquiries.poster",
        label=_("Áp phích mã QR"),
        description=_("In khổ A4 dán bảng tin để người lao động gửi câu hỏi"),
        url_name="inquiries_public:poster",
        visible=lambda held, unit: "inquiry.view" in held and unit.is_active,
        order=90,
    )
)


def _reads_inbox(user: Any) -> bool:
    roles = access.PERMISSIONS["inquiry.view"]
    return user.is_superuser or any(role in roles for _unit, role in access.memberships(user))


# The header's inbox link: how many new questions nobody has been given yet, refreshed by
# the page every 45 seconds.
header_links.register(
    HeaderLink(
        key="inquiries.new",
        label=_("Hộp thư"),
        title=_("Hộp thư hỏi đáp: câu hỏi mới chưa phân công"),
        url_name="inquiries:inbox",
        query="xem=chua-phan-cong",
        visible=_reads_inbox,
        count=counts.new_unassigned,
        poll_url_name="inquiries:new_count",
        icon=(
            "M22 12h-6l-2 3h-4l-2-3H2",
            "M5.45 5.11 2 12v6a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2v-6l-3.45-6.89A2 2 0 0 0 "
            "16.76 4H7.24a2 2 0 0 0-1.79 1.11z",
        ),
        order=10,
    )
)


def _demo_inquiries(ctx: DemoContext) -> None:
    from lantoa.inquiries.demo import ensure_demo_inquiries

    ensure_demo_inquiries(log=ctx.out, seed=ctx.seed)


demo_builders.register(DemoBuilder(key="inquiries", build=_demo_inquiries, order=50))


# Workers' messages from Zalo, Messenger and the mailbox become inquiry messages.
inbound_handlers.register(InboundHandler(key="inquiries", receive=inbound_receive))


# Inquiries: deadlines (SLA), the reply outbox, and the retention purge.
beat_schedule.register(BeatEntry(key="inquiry-sla", task="inquiries.sla_sweep", schedule=60.0))


beat_schedule.register(
    BeatEntry(key="inquiry-retention", task="inquiries.retention_purge", schedule=6 * 3600.0)
)
# Similar questions: recent inquiries without a vector embedded, old vectors deleted.
beat_schedule.register(
    BeatEntry(key="inquiry-embed-stale", task="inquiries.embed_stale", schedule=300.0)
)


# ── Target metrics ──
target_metrics.register(
    TargetMetric(
        "inquiries_on_time",
        _("Câu hỏi, phản ánh được trả lời đúng hạn (24 giờ)"),
        "",
        RATIO,
        SUBTREE,
        metrics.on_time,
        order=60,
    )
)


target_metrics.register(
    TargetMetric(
        "inquiries_answered_growth",
        _("Số câu hỏi được giải đáp so với cùng kỳ năm trước"),
        "",
        RATIO,
        SUBTREE,
        metrics.answered_growth,
        order=70,
    )
)


# ── The period report and the dashboard ──
report_figures.register(
    ReportFigures(
        "inquiries",
        metrics.report_inquiries,
        InquiryFigures,
        lambda figures: bool(figures.received),
        order=30,
    )
)


dashboard_figures.register(
    DashboardFigures(
        "inquiries",
        metrics.dashboard_inquiries,
        metrics.Inquiries,
        order=20,
        shown=metrics.DASHBOARD_SHOWN,
    )
)


# ── The campaign scoreboard ──
scoreboard_columns.register(
    ScoreboardColumn(
        "inquiries",
        metrics.campaign_inquiries,
        (ScoreCell("inquiries", _("Phản ánh, kiến nghị")),),
        order=50,
    )
)


job_kinds.register(OUTBOUND_REPLIES)


# ── The header and footer of every public page (templates/public_base.html) ──
for link in (
    PublicLink(
        key="inquiries.form", label=_("Gửi câu hỏi"), url_name="inquiries_public:form", order=30
    ),
    PublicLink(
        key="inquiries.lookup", label=_("Tra cứu"), url_name="inquiries_public:lookup", order=40
    ),
    PublicLink(
        key="inquiries.privacy",
        label=_("Bảo vệ dữ liệu cá nhân"),
        url_name="inquiries_public:privacy",
        order=80,
        place="footer",
    ),
):
    public_links.register(link)

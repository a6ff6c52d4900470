"""What content adds to the lower apps' screens and processes (lantoa.core.extensions)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from lantoa.content import metrics
from lantoa.content.selectors import (
    MEDIA_FILES,
    approves_by_role,
    awaiting_approval_count,
    media_file,
)
from lantoa.core.extensions import (
    COUNT,
    OWN,
    CampaignPanel,
    DemoBuilder,
    DemoContext,
    HeaderLink,
    PrivateFileKind,
    ScoreboardColumn,
    ScoreCell,
    TargetMetric,
    WorkLink,
    campaign_panels,
    demo_builders,
    header_links,
    private_files,
    scoreboard_columns,
    target_metrics,
    work_links,
)

work_links.register(
    WorkLink(
        key="content",
        label=_("Nội dung"),
        description=_("Tin bài, infographic, video, tài liệu định hướng"),
        url_name="content:unit",
        visible=lambda held, unit: "content.view" in held,
        order=50,
        nav_order=20,
    )
)


# The header's "Chờ duyệt" link: leaders see what waits for their approval, not only a bell.
header_links.register(
    HeaderLink(
        key="content.approvals",
        label=_("Chờ duyệt"),
        title=_("Nội dung chờ anh/chị duyệt"),
        url_name="content:queue",
        visible=lambda user: approves_by_role(user) or awaiting_approval_count(user) > 0,
        count=awaiting_approval_count,
        icon=("M9 11l3 3L22 4", "M21 12v7a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h11"),
        order=20,
    )
)


def _demo_content(ctx: DemoContext) -> None:
    from lantoa.content.demo import ensure_demo_content

    ensure_demo_content(ctx.as_of)


# After the campaigns (30), whose items these are; before cascades (40), which send the
# guidance brief, and publishing (60), which publishes and schedules the items meant for the
# public site.
demo_builders.register(DemoBuilder(key="content", build=_demo_content, order=35))


# ── Target metrics ──
target_metrics.register(
    TargetMetric(
        "guidance_briefs",
        _("Tài liệu định hướng tuyên truyền đã ban hành"),
        _("tài liệu"),
        COUNT,
        OWN,
        metrics.briefs,
        order=40,
    )
)


# ── The campaign scoreboard ──
scoreboard_columns.register(
    ScoreboardColumn(
        "content",
        metrics.campaign_content,
        (
            ScoreCell("content_items", _("Nội dung")),
            ScoreCell("published", _("Đã đăng")),
        ),
        order=10,
    )
)


# ── The campaign page ──


def _campaign_items(request: Any, campaign: Any) -> dict[str, Any]:
    """The campaign's content items the user may see, the latest 100."""
    from lantoa.content.models import ContentItem
    from lantoa.content.selectors import items_visible_to

    items = items_visible_to(
        request.user,
        ContentItem.objects.filter(campaign=campaign).select_related("unit", "author"),
    ).order_by("-updated_at")
    return {"items": items[:100], "item_count": items.count()}


campaign_panels.register(
    CampaignPanel("content", "content/_campaign_panel.html", _campaign_items, order=10)
)


# The media library: private files, read by officers who may see the asset. Published photos
# reach the public through the public site's own view (lantoa.publicsite.views.media).
private_files.register(
    PrivateFileKind(
        key=MEDIA_FILES,
        label=_("thư viện đa phương tiện"),
        fields=("content.MediaAsset.file", "content.MediaAsset.thumbnail"),
        find=media_file,
    )
)

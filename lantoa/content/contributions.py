"""What content adds to the lower apps' screens and processes (lantoa.core.extensions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lantoa.core.extensions import BeatEntry, WorkLink, beat_schedule, work_links

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


# Scheduled content items go out.
beat_schedule.register(
    BeatEntry(key="content-publish-due", task="content.publish_due", schedule=60.0)
)

"""What connectors adds to the lower apps' screens and processes (lantoa.core.extensions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lantoa.core.extensions import WorkLink, work_links

work_links.register(
    WorkLink(
        key="connectors",
        label=_("Kết nối kênh"),
        description=_("Kết nối trang Facebook và Zalo OA để đăng bài, nhận tin nhắn"),
        url_name="connectors_web:unit",
        visible=lambda held, unit: "channel.manage" in held and unit.is_active,
        order=70,
    )
)

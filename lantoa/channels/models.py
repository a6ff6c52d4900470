from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lantoa.core.fields import when_created, when_updated


class ChannelKind(models.TextChoices):
    FACEBOOK_PAGE = "facebook_page", _("Trang Facebook (fanpage)")
    ZALO_OA = "zalo_oa", _("Zalo OA")
    ZALO_GROUP = "zalo_group", _("Nhóm Zalo")
    WEBSITE = "website", _("Trang thông tin điện tử")
    YOUTUBE = "youtube", _("Kênh YouTube")
    TIKTOK = "tiktok", _("Kênh TikTok")
    EMAIL_LIST = "email_list", _("Danh sách thư điện tử")
    LOUDSPEAKER = "loudspeaker", _("Hệ thống loa truyền thanh")
    BULLETIN_BOARD = "bulletin_board", _("Bảng tin")
    PRESS_PARTNER = "press_partner", _("Cơ quan báo chí, phát thanh, truyền hình")


ONLINE_KINDS = (
    ChannelKind.FACEBOOK_PAGE,
    ChannelKind.ZALO_OA,
    ChannelKind.ZALO_GROUP,
    ChannelKind.WEBSITE,
    ChannelKind.YOUTUBE,
    ChannelKind.TIKTOK,
    ChannelKind.EMAIL_LIST,
)
SOCIAL_GROUP_KINDS = (ChannelKind.FACEBOOK_PAGE, ChannelKind.ZALO_GROUP, ChannelKind.ZALO_OA)


class ChannelStatus(models.TextChoices):
    ACTIVE = "active", _("Đang hoạt động")
    PAUSED = "paused", _("Tạm dừng")
    CLOSED = "closed", _("Đã đóng")


class Channel(models.Model):
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.CASCADE, related_name="channels", verbose_name=_("đơn vị")
    )
    kind = models.CharField(_("loại kênh"), max_length=20, choices=ChannelKind.choices)
    name = models.CharField(_("tên kênh"), max_length=255)
    url = models.URLField(_("đường dẫn"), max_length=500, blank=True)
    identifier = models.CharField(
        _("mã định danh"),
        max_length=255,
        blank=True,
        help_text=_("ID trang, ID OA, tên nhóm, tần số phát… khi không có đường dẫn"),
    )
    owner = models.CharField(_("người quản lý"), max_length=150, blank=True)
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=ChannelStatus.choices,
        default=ChannelStatus.ACTIVE,
    )
    # The latest recorded audience, copied from the newest ChannelStat for fast listing.
    audience = models.PositiveIntegerField(_("người theo dõi/thành viên"), default=0)
    audience_on = models.DateField(_("cập nhật ngày"), null=True, blank=True)
    created_at = when_created()
    updated_at = when_updated()

    class Meta:
        verbose_name = _("kênh truyền thông")
        verbose_name_plural = _("kênh truyền thông")
        ordering = ["unit_id", "kind", "name"]
        indexes = [models.Index(fields=["kind", "status", "unit"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"


class ChannelStat(models.Model):
    """Follower/member count of a channel on a date (recorded over time)."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="stats")
    recorded_on = models.DateField(_("ngày"))
    audience = models.PositiveIntegerField(_("người theo dõi/thành viên"))

    class Meta:
        ordering = ["-recorded_on"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "recorded_on"], name="channel_stat_day"),
        ]

    def __str__(self) -> str:
        return f"{self.channel_id} {self.recorded_on:%d/%m/%Y}: {self.audience}"

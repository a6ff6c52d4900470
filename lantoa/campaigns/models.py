"""Communication campaigns (chiến dịch truyền thông) and the yearly calendar of moments.

A campaign belongs to an owner unit and runs in that unit's subtree, optionally limited to
some unit kinds (only grassroots unions, only commune unions…). Content items point at their
campaign (``lantoa.content.models.ContentItem.campaign``), and so do cascades.

``RecurringMoment`` rows describe the moments of the year campaigns are built around (Tết,
8/3, Tháng Công nhân, 28/7…). The shipped list lives in ``lantoa.campaigns.moments`` and is
copied to the national root; every unit inherits its ancestors' moments by ``key`` and may
override or hide one by writing a row with the same key at its own level.
Writes go through ``lantoa.campaigns.services``.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from lantoa.core.fields import when_created, when_updated, who


class CampaignStatus(models.TextChoices):
    PLANNED = "planned", _("Đang lên kế hoạch")
    RUNNING = "running", _("Đang diễn ra")
    FINISHED = "finished", _("Đã kết thúc")


class Audience(models.TextChoices):
    PARTY_GOVERNMENT = "party_government", _("Cấp ủy, chính quyền")
    OFFICERS = "officers", _("Cán bộ công đoàn")
    MEMBERS_WORKERS = "members_workers", _("Đoàn viên, người lao động")
    EMPLOYERS = "employers", _("Người sử dụng lao động")
    COMMUNITY = "community", _("Cộng đồng")
    PRESS = "press", _("Báo chí")


class Campaign(models.Model):
    name = models.CharField(_("tên chiến dịch"), max_length=255)
    owner = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("đơn vị chủ trì"),
    )
    starts_on = models.DateField(_("ngày bắt đầu"))
    ends_on = models.DateField(_("ngày kết thúc"))
    # Unit kinds (UnitKind values) of the owner's subtree that take part; empty: all of it.
    participant_kinds = models.JSONField(_("loại đơn vị tham gia"), default=list, blank=True)
    objectives = models.TextField(_("mục tiêu"), blank=True)
    audiences = models.JSONField(_("đối tượng"), default=list, blank=True)  # Audience values
    key_message = models.TextField(_("thông điệp chính"), blank=True)
    slogan = models.CharField(_("khẩu hiệu"), max_length=255, blank=True)
    planned_channels = models.JSONField(_("kênh dự kiến"), default=list, blank=True)
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=CampaignStatus.choices,
        default=CampaignStatus.PLANNED,
    )
    moment_key = models.CharField(_("dịp"), max_length=60, blank=True)
    created_by = who()
    created_at = when_created()
    updated_at = when_updated()

    class Meta:
        verbose_name = _("chiến dịch truyền thông")
        verbose_name_plural = _("chiến dịch truyền thông")
        ordering = ["-starts_on", "name", "id"]
        indexes = [models.Index(fields=["owner", "starts_on"], name="campaign_owner_start")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="campaign_period"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("campaigns:detail", kwargs={"pk": self.pk})

    def audience_labels(self) -> list[str]:
        return [str(Audience(a).label) for a in self.audiences if a in Audience.values]

    def channel_labels(self) -> list[str]:
        from lantoa.channels.models import ChannelKind

        return [str(ChannelKind(c).label) for c in self.planned_channels if c in ChannelKind.values]

    def participant_kind_labels(self) -> list[str]:
        from lantoa.units.models import UnitKind

        return [str(UnitKind(k).label) for k in self.participant_kinds if k in UnitKind.values]

    def overlaps(self, start: dt.date, end: dt.date) -> bool:
        return self.starts_on <= end and self.ends_on >= start


class MomentRule(models.TextChoices):
    FIXED = "fixed", _("Ngày cố định hằng năm")
    LUNAR_NEW_YEAR = "lunar_new_year", _("Theo Tết Nguyên đán")
    ONE_OFF = "one_off", _("Một lần (ngày cụ thể)")


class RecurringMoment(models.Model):
    """A moment of the year at a unit. The row at the nearest unit up the tree wins (by
    ``key``); ``hidden`` at a lower level removes an inherited moment there."""

    unit = models.ForeignKey(
        "units.Unit", on_delete=models.CASCADE, related_name="moments", verbose_name=_("đơn vị")
    )
    key = models.SlugField(_("mã"), max_length=60)
    name = models.CharField(_("tên dịp"), max_length=255)
    description = models.TextField(_("mô tả"), blank=True)
    rule = models.CharField(_("cách tính ngày"), max_length=16, choices=MomentRule.choices)
    # FIXED: day/month, with an optional end day/month for a span (1/5–31/5).
    month = models.PositiveSmallIntegerField(_("tháng"), null=True, blank=True)
    day = models.PositiveSmallIntegerField(_("ngày"), null=True, blank=True)
    end_month = models.PositiveSmallIntegerField(_("đến tháng"), null=True, blank=True)
    end_day = models.PositiveSmallIntegerField(_("đến ngày"), null=True, blank=True)
    # LUNAR_NEW_YEAR: days before (negative) or after the first day of Tết.
    offset_start = models.SmallIntegerField(_("từ (số ngày so với mùng 1 Tết)"), default=0)
    offset_end = models.SmallIntegerField(_("đến (số ngày so với mùng 1 Tết)"), default=0)
    # ONE_OFF: a dated entry (a union congress); undated ones are listed apart.
    start_date = models.DateField(_("từ ngày"), null=True, blank=True)
    end_date = models.DateField(_("đến ngày"), null=True, blank=True)
    # Year of the first occurrence, for "kỷ niệm N năm" (28/7/1929).
    since_year = models.PositiveSmallIntegerField(_("năm đầu tiên"), null=True, blank=True)
    hidden = models.BooleanField(_("ẩn ở đơn vị này"), default=False)
    updated_by = who()
    updated_at = when_updated()

    class Meta:
        verbose_name = _("dịp trong năm")
        verbose_name_plural = _("dịp trong năm")
        ordering = ["unit_id", "key"]
        constraints = [models.UniqueConstraint(fields=["unit", "key"], name="moment_unit_key")]

    def __str__(self) -> str:
        return self.name

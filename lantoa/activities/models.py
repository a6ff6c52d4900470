"""What units did: outreach sessions, campaign events, trainings, contests, press items,
broadcast episodes, initiatives registered and members commended.

One row is one record as an officer enters it. ``quantity`` says how many items the record
stands for (3 press items, 12 members commended; 1 for a single session), ``participants``
how many people took part. Roll-ups over a subtree join this table to ``UnitClosure`` on
``unit_id``; the covering (unit, held_on, kind, format, participants, quantity) index serves
them. Records are written only through
``lantoa.activities.services``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lantoa.core.fields import when_created, who


class ActivityKind(models.TextChoices):
    OUTREACH = "outreach", _("Buổi tuyên truyền")
    CAMPAIGN_EVENT = "campaign_event", _("Hoạt động hưởng ứng chiến dịch")
    TRAINING = "training", _("Lớp tập huấn, bồi dưỡng")
    CONTEST = "contest", _("Hội thi, cuộc thi")
    PRESS = "press", _("Tin, bài trên báo chí")
    BROADCAST = "broadcast", _("Chương trình phát thanh, truyền hình")
    INITIATIVE = "initiative", _("Sáng kiến đăng ký")
    COMMENDATION = "commendation", _("Đoàn viên được khen thưởng")


class ActivityFormat(models.TextChoices):
    DIRECT = "direct", _("Trực tiếp")
    ONLINE = "online", _("Trực tuyến")


class Activity(models.Model):
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,  # records are history: a unit with records is merged, not deleted
        related_name="activities",
        verbose_name=_("đơn vị"),
    )
    held_on = models.DateField(_("ngày"))
    kind = models.CharField(_("loại hoạt động"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("tên hoạt động, chủ đề"), max_length=255)
    format = models.CharField(
        _("hình thức"), max_length=10, choices=ActivityFormat.choices, blank=True
    )
    outlet = models.CharField(_("cơ quan báo chí, đài"), max_length=150, blank=True)
    participants = models.PositiveIntegerField(_("số người tham gia"), default=0)
    quantity = models.PositiveIntegerField(_("số lượng"), default=1)
    note = models.TextField(_("ghi chú"), blank=True)
    created_by = who(_("người ghi"))
    created_at = when_created(_("thời điểm ghi"))

    class Meta:
        verbose_name = _("hoạt động")
        verbose_name_plural = _("hoạt động")
        ordering = ["-held_on", "-id"]
        indexes = [
            # Covering: roll-ups read every column they sum from the index alone (an
            # index-only scan), one short range per unit, instead of one table page per record
            # (bench/dashboard_bench.py: province roll-up over 10 million records).
            models.Index(
                fields=["unit", "held_on", "kind", "format", "participants", "quantity"],
                name="activity_rollup_cover",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="activity_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title} ({self.held_on:%d/%m/%Y})"

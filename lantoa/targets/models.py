"""Targets (chỉ tiêu) as rules and as numbers assigned top-down.

* ``TargetRule`` — "≥ 4 posts a day for provincial federations": a metric of the registry
  (``lantoa.targets.metrics``), a value, what it is counted per, and which units of the
  owner's subtree it applies to (unit kinds, levels, members).
* ``TargetAssignment`` — a number given to one unit for one period by a unit above it
  ("1.200 initiatives in 2026"), possibly distributed from the parent's own assignment.

Achievement is never stored: ``lantoa.targets.evaluation`` computes it from the records.
Writes go through ``lantoa.targets.services``. The reporting periods and the units' period
reports belong to ``lantoa.periods``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lantoa.core.fields import when_created, when_updated, who

# ReportingPeriod is imported (not only named by a string) for the modules that still read it
# from here (lantoa.targets.evaluation).
from lantoa.periods.models import ReportingPeriod

__all__ = [
    "Comparator",
    "ReportingPeriod",
    "RulePer",
    "TargetAlert",
    "TargetAssignment",
    "TargetRule",
]


class Comparator(models.TextChoices):
    AT_LEAST = "gte", _("ít nhất (≥)")


class RulePer(models.TextChoices):
    """What a rule's value is counted per. Counts per month … year are pro-rated to the period
    being looked at; "day" is an average per day; "none" is a share or a state."""

    DAY = "day", _("mỗi ngày")
    MONTH = "month", _("mỗi tháng")
    QUARTER = "quarter", _("mỗi quý")
    HALF = "half", _("mỗi 6 tháng")
    YEAR = "year", _("mỗi năm")
    NONE = "none", _("không theo kỳ")


class TargetRule(models.Model):
    owner = models.ForeignKey(
        "units.Unit",
        on_delete=models.CASCADE,
        related_name="target_rules",
        verbose_name=_("đơn vị đặt chỉ tiêu"),
        help_text=_("Chỉ tiêu áp dụng cho các đơn vị trong phạm vi của đơn vị này."),
    )
    # The default programme's rules carry a key so that loading it again updates them.
    key = models.SlugField(_("mã"), max_length=60, blank=True)
    name = models.CharField(_("tên chỉ tiêu"), max_length=255)
    metric = models.CharField(_("số đo"), max_length=40)  # a key of metrics.REGISTRY
    comparator = models.CharField(
        _("so sánh"), max_length=4, choices=Comparator.choices, default=Comparator.AT_LEAST
    )
    value = models.DecimalField(_("mức chỉ tiêu"), max_digits=12, decimal_places=2)
    per = models.CharField(_("tính theo"), max_length=8, choices=RulePer.choices)
    # Empty lists: every kind / every level. Levels are Unit.depth (1: provinces…).
    unit_kinds = models.JSONField(_("loại đơn vị áp dụng"), default=list, blank=True)
    depth_levels = models.JSONField(_("cấp áp dụng"), default=list, blank=True)
    min_members = models.PositiveIntegerField(_("từ số đoàn viên"), default=0)
    active = models.BooleanField(_("đang áp dụng"), default=True)
    created_by = who()
    created_at = when_created()
    updated_at = when_updated()

    class Meta:
        verbose_name = _("chỉ tiêu theo quy tắc")
        verbose_name_plural = _("chỉ tiêu theo quy tắc")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "key"], condition=~models.Q(key=""), name="target_rule_key"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def number_text(self) -> str:
        """The level as an officer types and reads it: "4", "2,5" (no trailing zeros)."""
        return f"{self.value.normalize():f}".replace(".", ",")


class TargetAssignment(models.Model):
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.CASCADE,
        related_name="target_assignments",
        verbose_name=_("đơn vị nhận chỉ tiêu"),
    )
    metric = models.CharField(_("số đo"), max_length=40)  # an assignable metric key
    period = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("kỳ"),
    )
    value = models.PositiveIntegerField(_("chỉ tiêu"))
    # The parent's own assignment this one was split from, when it was distributed.
    distributed_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="shares",
        verbose_name=_("phân bổ từ"),
    )
    assigned_by = who(_("người giao"))
    created_at = when_created()
    updated_at = when_updated()

    class Meta:
        verbose_name = _("chỉ tiêu được giao")
        verbose_name_plural = _("chỉ tiêu được giao")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "metric", "period"], name="target_assignment_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.metric} {self.period_id}: {self.value}"


class TargetAlert(models.Model):
    """One alert round sent to a unit's leaders ("tuan-2026-W47", "ket-thuc-2026-11"): the row
    is written in the same transaction as the notices, so a round is never sent twice."""

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    round = models.CharField(max_length=40)
    problems = models.PositiveIntegerField(default=0)
    created_at = when_created()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "round"], name="target_alert_round"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.round}"

"""Reporting periods and the units' period reports.

* ``ReportingPeriod`` — one global row per month, half-year… that units must report on, with
  its deadline (the period's end plus ``LANTOA_REPORT_DEADLINE_DAYS``). Rows are made by
  ``lantoa.periods.selectors.periods_ensure``.
* ``PeriodReport`` — a unit's report for a period: draft → submitted → approved (the period's
  activity records of that unit are then locked) or returned with a comment. A snapshot of
  the figures is taken at each submission.

The tables keep the names they had when these models lived in ``lantoa.targets``
(``targets_reportingperiod``, ``targets_periodreport``): the move changed no data.
Writes go through ``lantoa.periods.services``.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from lantoa.core.fields import when_created, when_updated, who
from lantoa.core.periods import Period, parse_period


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Tháng")
    QUARTER = "quarter", _("Quý")
    HALF = "half", _("6 tháng")
    YEAR = "year", _("Năm")


class ReportingPeriod(models.Model):
    code = models.CharField(_("mã kỳ"), max_length=12, unique=True)  # "2026-H1"
    kind = models.CharField(_("loại kỳ"), max_length=8, choices=PeriodKind.choices)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    deadline = models.DateField(_("hạn nộp báo cáo"))

    class Meta:
        db_table = "targets_reportingperiod"
        verbose_name = _("kỳ báo cáo")
        verbose_name_plural = _("kỳ báo cáo")
        ordering = ["-end", "kind"]
        indexes = [models.Index(fields=["start", "end"], name="period_span")]

    def __str__(self) -> str:
        return self.code

    @property
    def period(self) -> Period:
        return parse_period(self.code)

    @property
    def label(self) -> str:
        """ "6 tháng đầu năm 2026" """
        return self.period.label

    @property
    def title(self) -> str:
        """The label with a capital letter, for headings and lists."""
        return self.period.title

    @property
    def name(self) -> str:
        """The period in the reader's language (screens); ``label`` is for documents."""
        return self.period.name

    @property
    def name_title(self) -> str:
        return self.period.name_title


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Chưa gửi")
    SUBMITTED = "submitted", _("Đã gửi, chờ duyệt")
    APPROVED = "approved", _("Đã duyệt, khóa số liệu")
    RETURNED = "returned", _("Bị trả lại")


# A unit has "reported" for a period while its report is in one of these.
REPORTED_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)


class PeriodReport(models.Model):
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="period_reports",
        verbose_name=_("đơn vị"),
    )
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="reports", verbose_name=_("kỳ")
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    note = models.TextField(_("ghi chú của đơn vị"), blank=True)
    # What the unit's records said when it (last) submitted: see periods.figures_snapshot.
    figures = models.JSONField(_("số liệu khi gửi"), default=dict, blank=True)
    # Timeliness is judged on the first submission: a report returned for a correction and
    # sent again after the deadline was still on time.
    first_submitted_at = models.DateTimeField(_("gửi lần đầu lúc"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    submitted_by = who(_("người gửi"))
    approved_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    approved_by = who(_("người duyệt"))
    returned_at = models.DateTimeField(_("trả lại lúc"), null=True, blank=True)
    returned_by = who(_("người trả lại"))
    return_comment = models.TextField(_("lý do trả lại"), blank=True)
    created_at = when_created()
    updated_at = when_updated()

    class Meta:
        db_table = "targets_periodreport"
        verbose_name = _("báo cáo kỳ")
        verbose_name_plural = _("báo cáo kỳ")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "period"], name="period_report_unit"),
        ]
        indexes = [
            models.Index(fields=["period", "status"], name="period_report_status"),
            models.Index(fields=["unit", "status"], name="period_report_lock"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.period_id} ({self.status})"

    @property
    def is_locked(self) -> bool:
        return self.status == ReportStatus.APPROVED

    @property
    def is_reported(self) -> bool:
        return self.status in REPORTED_STATUSES

    @property
    def on_time(self) -> bool | None:
        """Whether the first submission came by the deadline (None: never submitted)."""
        if self.first_submitted_at is None:
            return None
        return bool(self.first_submitted_at < deadline_cutoff(self.period.deadline))


def deadline_cutoff(deadline: dt.date) -> dt.datetime:
    """The first instant after the deadline day, in Vietnam time."""
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time.min))

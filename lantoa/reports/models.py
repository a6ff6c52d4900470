"""Report jobs: a report asked for on screen, built by ``lantoa.reports.tasks`` in the
background while the job page shows its progress, then downloaded by the officer who asked."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lantoa.core.jobs import RequestedJob
from lantoa.core.private_files import RandomName, private_storage


class ReportFormat(models.TextChoices):
    DOCX = "docx", _("Word (.docx)")
    XLSX = "xlsx", _("Excel (.xlsx)")
    MD = "md", _("Markdown (.md)")


class ReportJob(RequestedJob):
    """A durable job (``lantoa.core.jobs``): ``claimed_at`` is when a worker took it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ")
        RUNNING = "running", _("Đang lập báo cáo")
        DONE = "done", _("Đã xong")
        FAILED = "failed", _("Không lập được")

    unit = models.ForeignKey(
        "units.Unit", on_delete=models.CASCADE, related_name="report_jobs", verbose_name=_("đơn vị")
    )
    period = models.CharField(_("kỳ báo cáo"), max_length=12)  # "2022-H1"
    format = models.CharField(_("định dạng"), max_length=8, choices=ReportFormat.choices)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    stage = models.CharField(_("đang làm"), max_length=200, blank=True)
    # Private storage, random name: the download name (``download_name``) is only sent in
    # Content-Disposition to the officer who asked for the report.
    file = models.FileField(
        _("tệp"), storage=private_storage, upload_to=RandomName("reports"), blank=True
    )
    error = models.CharField(_("lỗi"), max_length=500, blank=True)
    # The same error as a stored Text (lantoa.core.messages), shown in the reader's language;
    # empty for a refusal worded when the job ran (the string alone is shown then).
    error_text = models.JSONField(null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="report_jobs"
    )

    class Meta(RequestedJob.Meta):
        verbose_name = _("lượt lập báo cáo")
        verbose_name_plural = _("lượt lập báo cáo")

    def __str__(self) -> str:
        return f"{self.unit_id} {self.period} {self.format} ({self.get_status_display()})"

    @property
    def download_name(self) -> str:
        return report_filename(self.unit.code, self.period, self.format)


def report_filename(unit_code: str, period_code: str, fmt: str) -> str:
    """ "bao-cao-TN-2022-H1.docx": the name a report is downloaded under (it is stored under a
    random one)."""
    return f"bao-cao-{unit_code}-{period_code}.{fmt}"

"""Building reports: on the command line at once, on screen through a background job."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lantoa.audit.services import audit_record
from lantoa.core import jobs as durable
from lantoa.core.extensions import JobKind
from lantoa.core.messages import Text, text_pair
from lantoa.core.periods import Period, PeriodError, parse_period
from lantoa.core.queueing import QUEUE_GRACE, enqueue, enqueue_on_commit
from lantoa.reports.data import Progress, check_reportable, report_data
from lantoa.reports.models import ReportFormat, ReportJob, report_filename
from lantoa.reports.render import render
from lantoa.units.models import Unit

logger = logging.getLogger(__name__)


def report_build(
    *,
    unit: Unit,
    period: Period,
    fmt: str,
    issued_on: dt.date | None = None,
    progress: Progress | None = None,
) -> bytes:
    """The report file's bytes. Raises ValidationError for a period the unit cannot report."""
    if fmt not in ReportFormat.values:
        raise ValidationError(
            _("Định dạng “%(fmt)s” không hỗ trợ (docx, xlsx hoặc md).") % {"fmt": fmt}
        )
    check_reportable(unit, period)
    data = report_data(unit, period, issued_on=issued_on, progress=progress)
    if progress is not None:
        progress(80, "Đang viết báo cáo")
    return render(data, fmt)


def report_job_create(*, user: Any, unit: Unit, period: Period, fmt: str) -> ReportJob:
    """Queue a report; the caller has checked ``report.create`` on ``unit``."""
    if fmt not in ReportFormat.values:
        raise ValidationError({"format": _("Định dạng không hợp lệ.")})
    check_reportable(unit, period)
    with transaction.atomic():
        job = ReportJob.objects.create(unit=unit, period=period.code, format=fmt, created_by=user)
        audit_record(
            action="report.create",
            actor=user,
            unit=unit,
            target=period.code,
            data={"format": fmt, "job": job.pk},
        )
        from lantoa.reports.tasks import build_report_task

        enqueue_on_commit(build_report_task, job.pk)
    return job


# The build task's hard time limit is 6 minutes: a job running for longer lost its worker.
STALE_AFTER = dt.timedelta(minutes=10)


def report_job_run(*, job_id: int) -> ReportJob | None:
    """Build a pending job's file (also one handed back by the sweep after its worker died,
    see ``REPORT_JOBS``). Claiming it with a conditional update makes a re-delivered task a
    no-op while the first still runs, so two workers never build the same job."""
    now = timezone.now()
    pending = ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.PENDING)
    if not durable.claim(
        pending, now=now, status=ReportJob.Status.RUNNING, progress=1, stage="Bắt đầu"
    ):
        return None
    jobs = ReportJob.objects.filter(pk=job_id)
    job = ReportJob.objects.select_related("unit").get(pk=job_id)

    def progress(percent: int, stage: str) -> None:
        jobs.update(progress=percent, stage=stage[:200])

    def fail(message: str | Text) -> ReportJob:
        _fail(job_id, message)
        job.refresh_from_db()
        return job

    try:
        period = parse_period(job.period)
        content = report_build(unit=job.unit, period=period, fmt=job.format, progress=progress)
    except (PeriodError, ValidationError) as exc:
        message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
        return fail(message)
    except Exception:
        logger.exception("report job %s failed", job_id)
        fail(
            Text(
                gettext_noop("Lỗi hệ thống khi lập báo cáo; vui lòng thử lại hoặc báo quản trị."),
                {},
            )
        )
        raise
    progress(95, "Đang lưu tệp")
    job.file.save(
        report_filename(job.unit.code, job.period, job.format), ContentFile(content), save=False
    )
    jobs.update(
        file=job.file.name,
        status=ReportJob.Status.DONE,
        progress=100,
        stage="",
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    return job


def _fail(pk: int, reason: str | Text) -> None:
    """Mark the job failed with ``reason``: a ``Text`` is stored in the site's language and as
    JSON (``error_text``, shown in the reader's language); a string as it is."""
    error, stored = text_pair(reason) if isinstance(reason, Text) else (reason, None)
    ReportJob.objects.filter(pk=pk).update(
        status=ReportJob.Status.FAILED,
        error=error[:500],
        error_text=stored,
        stage="",
        finished_at=timezone.now(),
    )


def _requeue(pk: int) -> None:
    from lantoa.reports.tasks import build_report_task

    enqueue(build_report_task, pk)


# Report jobs for the generic sweep of durable jobs (registered in contributions.py).
REPORT_JOBS = JobKind(
    key="reports.report_job",
    model=ReportJob,
    running=Q(status=ReportJob.Status.RUNNING),
    hand_back=lambda now: {"status": ReportJob.Status.PENDING},
    fail=_fail,
    requeue=_requeue,
    stale_after=STALE_AFTER,
    # A job whose task never reached the broker (Redis down when it was asked for) starts late.
    due=lambda now: Q(status=ReportJob.Status.PENDING, created_at__lt=now - QUEUE_GRACE),
)


def report_jobs_resume() -> int:
    """Queue again the jobs whose worker died (what the beat's sweep of durable jobs does
    every minute); a job whose worker died ``max_crashes`` times is failed instead."""
    return len(durable.sweep(REPORT_JOBS))

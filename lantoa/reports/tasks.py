"""Background work for reports. Tasks take ids, never model objects."""

from __future__ import annotations

from celery import shared_task

from lantoa.reports.services import report_job_run


@shared_task(name="reports.build_report", soft_time_limit=300, time_limit=360, acks_late=True)
def build_report_task(job_id: int) -> None:
    report_job_run(job_id=job_id)

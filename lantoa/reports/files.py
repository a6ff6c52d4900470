"""Who may download a report file: the officer who asked for it, while they may still report
on its unit (the rule of the job page). Registered in ``private_files`` (contributions.py)."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from lantoa import access
from lantoa.core.extensions import PrivateFile
from lantoa.reports.models import ReportJob
from lantoa.reports.render import content_type

REPORT_FILES = "reports.report"  # the key in lantoa.core.extensions.private_files


def own_job(user: Any, pk: int) -> ReportJob:
    """The job ``pk`` if ``user`` asked for it and may still report on its unit; else 404."""
    job = (
        ReportJob.objects.select_related("unit")
        .filter(pk=pk, created_by_id=getattr(user, "pk", None))
        .first()
    )
    if job is None or not access.can(user, "report.create", job.unit):
        raise Http404
    return job


def report_file(user: Any, pk: int, variant: str) -> PrivateFile | None:
    job = own_job(user, pk)
    if variant or job.status != ReportJob.Status.DONE or not job.file:
        return None
    return PrivateFile(job.file.name, job.download_name, content_type(job.format))

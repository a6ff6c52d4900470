"""Report screens: choose a period and a format, follow the job, download the file."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from lantoa import access
from lantoa.access import officer, policy
from lantoa.core import private_files
from lantoa.core.forms import add_service_errors
from lantoa.reports.files import REPORT_FILES, own_job
from lantoa.reports.forms import ReportForm
from lantoa.reports.models import ReportJob
from lantoa.reports.services import report_job_create


@policy(officer("report.create"))
def unit_reports(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="report.create", code=code)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = report_job_create(
                user=request.user,
                unit=unit,
                period=form.parsed_period,
                fmt=form.cleaned_data["format"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("reports:job", pk=job.pk)
    jobs = ReportJob.objects.filter(unit=unit, created_by_id=request.user.pk)[:10]
    return render(
        request,
        "reports/unit_reports.html",
        {"unit": unit, "form": form, "jobs": jobs},
        status=400 if form.errors else 200,
    )


def _own_job(request: HttpRequest, pk: int) -> ReportJob:
    # Only the officer who asked for a report sees its job, and only while they still may
    # report on the unit; everyone else gets 404.
    return own_job(request.user, pk)


@policy(officer("report.create"))
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    return render(request, "reports/job.html", {"job": job, "unit": job.unit})


@policy(officer("report.create"))
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The part of the job page that HTMX polls; it stops polling once the job has ended."""
    job = _own_job(request, pk)
    return render(request, "reports/_progress.html", {"job": job, "unit": job.unit})


@policy(officer("report.create"))
def job_download(request: HttpRequest, pk: int) -> HttpResponse:
    return private_files.serve(request, REPORT_FILES, pk)

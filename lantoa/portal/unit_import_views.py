"""Screens for importing units from a file (with a progress page) and exporting a subtree."""

from __future__ import annotations

from pathlib import PurePath
from typing import cast

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lantoa import access
from lantoa.access import OFFICER, officer, policy
from lantoa.audit.services import audit_record
from lantoa.core import private_files
from lantoa.core.tabular import XLSX_TYPE, xlsx_template
from lantoa.core.text import format_int
from lantoa.units.exporting import csv_chunks, export_queryset, export_rows, xlsx_chunks
from lantoa.units.importing import (
    ALLOWED_EXTENSIONS,
    FIELD_LABELS,
    UNIT_IMPORT_FILES,
    ImportFileError,
    check_file,
    template,
    unit_import_job_create,
)
from lantoa.units.models import UnitImportJob


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp danh sách đơn vị"),
        help_text=lazy(
            lambda: (
                _("Tệp .csv (UTF-8) hoặc .xlsx, tối đa %(size)s MB.")
                % {"size": format_int(settings.LANTOA_IMPORT_MAX_BYTES // (1024 * 1024))}
            ),
            str,
        )(),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED_EXTENSIONS)}),
    )
    update = forms.BooleanField(
        label=gettext_lazy("Cập nhật các đơn vị đã có mã trong hệ thống"), required=False
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        try:
            check_file(upload, PurePath(upload.name or "").name, upload.size)
        except ImportFileError as exc:
            message = str(exc)
            raise forms.ValidationError(message[:1].upper() + message[1:]) from exc
        return upload


@policy(officer("unit.manage"))
def upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = unit_import_job_create(
            user=request.user,  # type: ignore[arg-type]
            upload=form.cleaned_data["file"],
            update=form.cleaned_data["update"],
        )
        return redirect("unitimport:job", pk=job.pk)
    jobs = UnitImportJob.objects.filter(created_by_id=request.user.pk)[:10]
    home = access.home_unit(request.user)
    export_unit = (
        home if home is not None and access.can(request.user, "data.export", home) else None
    )
    return render(
        request,
        "units/import.html",
        {
            "form": form,
            "jobs": jobs,
            "columns": FIELD_LABELS.values(),
            "export_unit": export_unit,
        },
    )


@policy(officer("unit.manage"))
def template_file(request: HttpRequest) -> HttpResponse:
    """The blank file to fill in: the same one ``lantoa units template`` writes."""
    response = HttpResponse(xlsx_template(template()), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-don-vi.xlsx"'
    return response


def _own_job(request: HttpRequest, pk: int) -> UnitImportJob:
    # Only the officer who uploaded a file sees its job; everyone else gets 404.
    return get_object_or_404(UnitImportJob, pk=pk, created_by_id=request.user.pk)


def _job_context(job: UnitImportJob) -> dict[str, object]:
    unit_url = None
    code = job.summary.get("root_code") if job.status == UnitImportJob.Status.DONE else None
    if code:
        try:
            unit_url = reverse("units:detail", kwargs={"code": code})
        except NoReverseMatch:
            unit_url = None
    done = job.rows_written if job.status == UnitImportJob.Status.IMPORTING else job.rows_validated
    return {
        "job": job,
        "unit_url": unit_url,
        "done": done,
        "percent": round(100 * done / job.rows_total) if job.rows_total else 0,
        "more_errors": max(job.error_count - len(job.errors), 0),
        "now": timezone.now(),
    }


@policy(OFFICER)
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "units/import_job.html", _job_context(_own_job(request, pk)))


@policy(OFFICER)
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The part of the job page that HTMX polls; it stops polling once the job has ended."""
    return render(request, "units/import_progress.html", _job_context(_own_job(request, pk)))


@policy(OFFICER)
def job_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The uploaded file itself, for the officer who uploaded it (to correct what the job
    page lists)."""
    return private_files.serve(request, UNIT_IMPORT_FILES, pk)


EXPORT_FORMATS = {"csv", "xlsx"}


@policy(officer("data.export"))
def export(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="data.export", code=code)
    fmt = request.GET.get("dinh-dang", "csv")
    if fmt not in EXPORT_FORMATS:
        raise Http404
    include_ended = request.GET.get("ca-da-ket-thuc") == "1"
    audit_record(
        action="unit.export",
        actor=request.user,
        request=request,
        unit=unit,
        target=unit.code,
        data={"format": fmt, "include_ended": include_ended},
    )
    rows = export_rows(export_queryset(root=unit, include_ended=include_ended))
    filename = f"don-vi-{unit.code}-{timezone.localdate():%Y%m%d}.{fmt}"
    if fmt == "xlsx":
        response = StreamingHttpResponse(xlsx_chunks(rows), content_type=XLSX_TYPE)
    else:
        response = StreamingHttpResponse(csv_chunks(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # ``policy`` types views as returning HttpResponse; Django serves streaming ones the same.
    return cast(HttpResponse, response)

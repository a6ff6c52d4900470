"""The screens for importing units from a file (upload, job page with progress) and for
exporting a subtree (lantoa.portal.unit_import_views)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from lantoa.audit.models import AuditEvent
from lantoa.units.models import Unit, UnitImportJob
from tests.conftest import Officers, Tree, login

DATA = Path(__file__).parents[1] / "data"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANTOA_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


# --- import ------------------------------------------------------------------------------


def upload(client, path: Path, update: bool = False):  # type: ignore[no-untyped-def]
    with path.open("rb") as fh:
        data = {"file": fh}
        if update:
            data["update"] = "on"
        return client.post(reverse("unitimport:upload"), data)


def test_upload_runs_the_job_and_shows_the_result(
    client,
    tree: Tree,
    officers: Officers,  # type: ignore[no-untyped-def]
    django_capture_on_commit_callbacks,
) -> None:
    login(client, officers.a_admin)
    page = client.get(reverse("unitimport:upload"))
    assert page.status_code == 200
    assert "Nhập danh sách đơn vị" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = upload(client, DATA / "units_ok.csv")
    assert len(callbacks) == 1
    job = UnitImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("unitimport:job", kwargs={"pk": job.pk})
    assert job.status == UnitImportJob.Status.DONE
    assert (job.rows_total, job.rows_validated, job.rows_written) == (6, 6, 6)
    assert job.summary["created"] == 6 and job.summary["root_code"] == "P-A"
    assert job.created_by == officers.a_admin
    assert Unit.objects.filter(code__startswith="A-G1").count() == 5  # A-G1, A-G10…A-G13
    html = client.get(response["Location"]).content.decode()
    assert "Đã nhập xong 6 dòng: thêm mới 6 đơn vị." in html
    assert f'href="{reverse("units:detail", kwargs={"code": "P-A"})}"' in html
    assert 'hx-trigger="every 1s"' not in html
    assert 'http-equiv="refresh"' not in html


def test_upload_of_bad_file_shows_every_error(
    client,
    tree: Tree,
    officers: Officers,  # type: ignore[no-untyped-def]
    django_capture_on_commit_callbacks,
) -> None:
    login(client, officers.a_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, DATA / "units_bad.csv")
    job = UnitImportJob.objects.get()
    assert job.status == UnitImportJob.Status.FAILED
    assert job.error_count == 14 and job.rows_written == 0
    assert not Unit.objects.filter(code="A-XA9").exists()
    html = client.get(response["Location"]).content.decode()
    assert "Tệp có 14 lỗi; chưa có đơn vị nào được nhập." in html
    assert "TN-KCN99" in html
    assert "Mã đơn vị cấp trên" in html
    assert '<td class="num">16</td>' in html


def test_row_errors_are_written_in_the_uploaders_language(
    client,
    tree: Tree,
    officers: Officers,  # type: ignore[no-untyped-def]
    django_capture_on_commit_callbacks,
) -> None:
    """The worker runs in the site's language; the job page is its uploader's alone, so its
    row errors are written in the language the officer uploaded in."""
    login(client, officers.a_admin)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    with django_capture_on_commit_callbacks() as callbacks:
        response = upload(client, DATA / "units_bad.csv")
    job = UnitImportJob.objects.get()
    assert job.language == "en"
    with translation.override("vi"):  # the worker's language
        for callback in callbacks:
            callback()
    job.refresh_from_db()
    assert job.status == UnitImportJob.Status.FAILED and job.error_count == 14
    html = client.get(response["Location"]).content.decode()
    assert "Parent unit loop: C-1 → C-2 → C-1." in html
    assert "Is 41 characters long; the maximum is 32 characters." in html
    assert "Vòng lặp" not in html and "không hợp lệ" not in html


def test_pending_job_page_polls_and_others_get_404(
    client,
    tree: Tree,
    officers: Officers,  # type: ignore[no-untyped-def]
    django_capture_on_commit_callbacks,
) -> None:
    login(client, officers.a_admin)
    with django_capture_on_commit_callbacks(execute=False):
        response = upload(client, DATA / "units_ok.csv")
    job = UnitImportJob.objects.get()
    assert job.status == UnitImportJob.Status.PENDING
    html = client.get(response["Location"]).content.decode()
    progress_url = reverse("unitimport:progress", kwargs={"pk": job.pk})
    assert f'hx-get="{progress_url}"' in html and 'hx-trigger="every 1s"' in html
    assert '<meta http-equiv="refresh" content="2">' in html
    assert "<progress" in html
    fragment = client.get(progress_url).content.decode()
    assert fragment.startswith('<section class="card" id="import-job"')
    # Another officer, even an admin of the same province, does not see the job.
    login(client, officers.national_admin)
    assert client.get(response["Location"]).status_code == 404
    assert client.get(progress_url).status_code == 404


def test_upload_form_refuses_wrong_type(client, tree: Tree, officers: Officers) -> None:  # type: ignore[no-untyped-def]
    login(client, officers.a_admin)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("unitimport:upload"), {"file": SimpleUploadedFile("units.xls", b"\xd0\xcf\x11\xe0")}
    )
    assert response.status_code == 200
    assert "chỉ nhận tệp .csv (UTF-8) hoặc .xlsx" in response.content.decode()
    assert not UnitImportJob.objects.exists()


def test_upload_page_needs_unit_manage(client, tree: Tree, officers: Officers) -> None:  # type: ignore[no-untyped-def]
    login(client, officers.a_leader)
    assert client.get(reverse("unitimport:upload")).status_code == 403


# --- export ---------------------------------------------------------------------------------


def test_export_screen_streams_the_visible_subtree(
    client,
    tree: Tree,  # type: ignore[no-untyped-def]
    officers: Officers,
) -> None:
    login(client, officers.a_leader)
    url = reverse("unitimport:export", kwargs={"code": "P-A"})
    response = client.get(url)
    assert response.status_code == 200
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    codes = [r[0] for r in csv.reader(io.StringIO(text))][1:]
    assert codes == ["P-A", "A-KCN", "A-XA", "A-G1", "A-G2", "A-G3"]
    event = AuditEvent.objects.get(action="unit.export")
    assert event.actor == officers.a_leader and event.unit == tree.pa
    assert event.data == {"format": "csv", "include_ended": False}

    response = client.get(url, {"dinh-dang": "xlsx"})
    assert response.status_code == 200
    assert 'filename="don-vi-P-A-' in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.worksheets[0].max_row == 7
    assert client.get(url, {"dinh-dang": "pdf"}).status_code == 404


def test_export_of_other_province_is_404(client, tree: Tree, officers: Officers) -> None:  # type: ignore[no-untyped-def]
    login(client, officers.a_leader)
    response = client.get(reverse("unitimport:export", kwargs={"code": "P-B"}))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="unit.export").exists()


def test_export_needs_data_export(client, tree: Tree, officers: Officers) -> None:  # type: ignore[no-untyped-def]
    login(client, officers.a_viewer)
    response = client.get(reverse("unitimport:export", kwargs={"code": "A-G1"}))
    assert response.status_code == 403

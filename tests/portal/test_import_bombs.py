"""Every place Lan Tỏa reads an uploaded archive refuses a decompression bomb (issue 11,
finding 1) before parsing it, with a Vietnamese reason the officer sees: the unit import page,
a unit import job (marked failed at once, never retaken), the import commands of units,
activities, articles and targets, and DOCX attachments in the content studio and in cascades.

The guard itself and the hostile sheets are tested in tests/core/test_archive_bombs.py."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import docx
import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from lantoa.cascades import files as cascade_files
from lantoa.content import media
from lantoa.core import jobs as durable
from lantoa.units.importing import UNIT_IMPORT_JOBS, unit_import_job_run
from lantoa.units.models import Unit, UnitImportJob
from tests.conftest import Officers, Tree, login
from tests.core.archive_support import MiB, bounded, rebuild, repeated, shared_strings_bomb

REFUSED = (
    "Tệp Excel bị từ chối: thành phần “xl/sharedStrings.xml” giải nén ra 301 MB, vượt giới "
    "hạn 128 MB cho một thành phần; tệp không được đọc."
)


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bombs") / "don-vi.xlsx"
    path.write_bytes(shared_strings_bomb(300))
    return path


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_import_page_refuses_the_bomb_and_stores_nothing(
    client: Any, tree: Tree, officers: Officers, bomb: Path
) -> None:
    login(client, officers.a_admin)
    assert client.get(reverse("unitimport:upload")).status_code == 200  # warm: templates, URLs
    with bomb.open("rb") as fh, bounded(max_seconds=5, max_peak_mib=32):
        response = client.post(reverse("unitimport:upload"), {"file": fh})
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not UnitImportJob.objects.exists()


def test_a_stored_bomb_fails_its_job_at_once_and_is_never_retaken(
    tree: Tree, officers: Officers, bomb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file stored before the guard existed: the job fails on its first run with the
    reason, without killing its worker, so the sweep has nothing to retake."""
    from lantoa.units import tasks

    job = UnitImportJob(created_by=officers.a_admin, original_name="don-vi.xlsx")
    job.file.save("bom.xlsx", ContentFile(bomb.read_bytes()), save=False)
    job.save()
    with bounded(max_seconds=5, max_peak_mib=32):
        unit_import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == UnitImportJob.Status.FAILED and job.crashes == 0
    assert [e["text"] for e in job.errors] == [REFUSED]
    queued: list[int] = []
    monkeypatch.setattr(tasks.import_units_task, "delay", queued.append)
    assert durable.sweep(UNIT_IMPORT_JOBS) == [] and queued == []


@pytest.mark.parametrize(
    ("command", "extra"),
    [("units", []), ("activities", []), ("kb", ["--unit", "P-A"]), ("targets", [])],
)
def test_every_import_command_refuses_the_bomb(
    tree: Tree, bomb: Path, command: str, extra: list[str]
) -> None:
    err = io.StringIO()
    with bounded(max_seconds=5, max_peak_mib=32), pytest.raises(CommandError) as caught:
        call_command(command, "import", str(bomb), *extra, stderr=err, stdout=io.StringIO())
    assert err.getvalue().strip() == REFUSED
    assert str(caught.value).startswith("Không nhập được: 1 lỗi; chưa có")
    assert Unit.objects.count() == 10  # the tree, nothing more


def docx_bomb() -> bytes:
    out = io.BytesIO()
    docx.Document().save(out)
    head = b'<?xml version="1.0"?><w:document xmlns:w="urn:w"><w:body><w:p><w:r><w:t>'
    body = repeated(head, b"a", 300 * MiB, b"</w:t></w:r></w:p></w:body></w:document>")
    return rebuild(out.getvalue(), {"word/document.xml": body})


def test_a_docx_bomb_is_refused_by_the_studio_and_by_cascades() -> None:
    data = docx_bomb()
    assert len(data) < 2 * MiB
    with bounded(max_seconds=5, max_peak_mib=32), pytest.raises(ValidationError) as caught:
        media.check_upload(io.BytesIO(data), len(data))
    assert caught.value.messages == [
        "Tệp Word bị từ chối: thành phần “word/document.xml” giải nén ra 301 MB, vượt giới hạn "
        "128 MB cho một thành phần; tệp không được đọc."
    ]
    upload = SimpleUploadedFile("huong-dan.docx", data)
    with pytest.raises(ValidationError) as caught:
        cascade_files.check_attachment(upload, "huong-dan.docx")
    assert caught.value.messages[0].startswith("Tệp “huong-dan.docx”: tệp Word bị từ chối:")
    # An honest document still passes.
    good = io.BytesIO()
    docx.Document().save(good)
    assert media.check_upload(good, len(good.getvalue())).fmt == media.DOCX

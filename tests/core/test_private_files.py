"""Private files (lantoa.core.private_files): every kind of stored file lives outside
MEDIA_ROOT under a name nobody can guess, and only the view of its kind hands it out, to the
readers the page that lists it has (issue 11, finding 3)."""

from __future__ import annotations

import importlib
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.http import Http404
from django.test import Client, RequestFactory

from lantoa.accounts.models import User
from lantoa.core import private_files
from lantoa.core.extensions import PrivateFile
from lantoa.core.extensions import private_files as registry
from tests.conftest import Officers, Tree, login

# The random part of a private name: 40 hex digits, 160 bits (at least 128 asked for).
TOKEN = re.compile(r"/[0-9a-f]{40}(?:-320)?(?:\.[a-z0-9]+)?$")


@pytest.fixture(autouse=True)
def roots(settings: Any, tmp_path: Path) -> tuple[Path, Path]:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.LANTOA_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.LANTOA_PRIVATE_MEDIA_ACCEL = ""
    return tmp_path / "media", tmp_path / "private"


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


# --- the machinery ------------------------------------------------------------------------


def test_names_are_random_and_keep_only_the_extension() -> None:
    names = {private_files.new_name("reports", ".DOCX") for _ in range(50)}
    assert len(names) == 50
    for name in names:
        assert name.startswith("reports/") and name.endswith(".docx") and TOKEN.search(name)
    upload_to = private_files.RandomName("imports")
    name = upload_to(None, "Danh sách đơn vị tỉnh An Giang.xlsx")
    assert name.startswith("imports/") and name.endswith(".xlsx") and "An" not in name
    assert private_files.new_name("x", "../../etc").endswith(tuple("0123456789abcdef"))


def test_private_storage_is_outside_media_and_has_no_address(roots: tuple[Path, Path]) -> None:
    media, private = roots
    name = private_files.save("reports", "md", io.BytesIO(b"# BAO CAO"))
    assert (private / name).is_file() and not files_under(media)
    with pytest.raises(ValueError, match="no address"):
        private_files.private_storage().url(name)


def test_a_private_file_is_an_uncached_attachment_with_nosniff() -> None:
    name = private_files.save("proofs/1", "png", io.BytesIO(b"\x89PNG fake"))
    response = private_files.file_response(PrivateFile(name, "minh chứng.png", "image/png"))
    assert response["Content-Disposition"].startswith("attachment;")
    assert "minh%20ch%E1%BB%A9ng.png" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert body(response) == b"\x89PNG fake"
    shown = private_files.file_response(PrivateFile(name, "x.png", "image/png", inline=True))
    assert shown["Content-Disposition"].startswith("inline;")
    assert shown["Cache-Control"] == "private, no-store"


def test_with_nginx_in_front_the_file_goes_out_by_x_accel_redirect(settings: Any) -> None:
    settings.LANTOA_PRIVATE_MEDIA_ACCEL = "/_rieng"
    name = private_files.save("reports", "docx", io.BytesIO(b"PK fake docx"))
    response = private_files.file_response(
        PrivateFile(name, "bao-cao-P-A-2022-H1.docx", "application/octet-stream")
    )
    assert response["X-Accel-Redirect"] == f"/_rieng/{name}"
    assert body(response) == b""  # nginx sends the bytes
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-P-A-2022-H1.docx"'
    assert response["Cache-Control"] == "private, no-store"
    with pytest.raises(Http404):  # a file that is gone is a 404, not nginx's
        private_files.file_response(PrivateFile("reports/2026/01/" + "0" * 40 + ".docx", "x"))


def test_a_published_photo_is_inline_and_cacheable() -> None:
    name = private_files.save("content/1", "jpg", io.BytesIO(b"\xff\xd8\xff fake"))
    response = private_files.file_response(
        PrivateFile(name, "anh-1.jpg", "image/jpeg"), public=True
    )
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Cache-Control"] == "public, max-age=86400"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_byte_ranges_are_served_for_video_players(rf: RequestFactory) -> None:
    """Phones' video players ask for byte ranges (iPhones play nothing without them): a
    single range gets 206 with its bytes, an impossible one 416, anything else the file."""
    data = bytes(range(256)) * 1000  # 256.000 bytes
    name = private_files.save("contests/1", "mp4", io.BytesIO(data))
    found = PrivateFile(name, "clip.mp4", "video/mp4")

    def get(header: str, **extra: str) -> Any:
        request = rf.get("/", HTTP_RANGE=header, **extra) if header else rf.get("/")
        return private_files.file_response(found, public=True, request=request)

    whole = get("")
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes"
    assert body(whole) == data
    part = get("bytes=0-1")
    assert part.status_code == 206 and body(part) == data[:2]
    assert part["Content-Range"] == "bytes 0-1/256000" and part["Content-Length"] == "2"
    assert part["Content-Type"] == "video/mp4" and part["X-Content-Type-Options"] == "nosniff"
    assert part["Cache-Control"] == "public, max-age=86400"
    middle = get("bytes=100000-")
    assert middle["Content-Range"] == "bytes 100000-255999/256000"
    assert body(middle) == data[100000:]
    tail = get("bytes=-500")
    assert tail["Content-Range"] == "bytes 255500-255999/256000" and body(tail) == data[-500:]
    past = get("bytes=1000-999999999")  # the end past the file: up to its last byte
    assert past["Content-Range"] == "bytes 1000-255999/256000" and body(past) == data[1000:]
    for impossible in ("bytes=256000-", "bytes=5-2", "bytes=-0"):
        refused = get(impossible)
        assert refused.status_code == 416 and refused["Content-Range"] == "bytes */256000"
    for ignored in ("bytes=0-1,5-6", "items=0-1", "bytes=-", "bytes=a-b"):
        assert get(ignored).status_code == 200
    assert get("bytes=0-1", HTTP_IF_RANGE='"x"').status_code == 200


@pytest.mark.parametrize("name", ["", None, "reports/khong-co.md", "../../../etc/passwd", "/etc"])
def test_missing_or_outside_names_are_404(name: str | None, settings: Any) -> None:
    for accel in ("", "/_rieng/"):
        settings.LANTOA_PRIVATE_MEDIA_ACCEL = accel
        with pytest.raises(Http404):
            private_files.file_response(PrivateFile(name, "x"))


def test_check_refuses_a_private_root_inside_media(settings: Any, tmp_path: Path) -> None:
    assert private_files.private_root_is_private() == []
    settings.LANTOA_PRIVATE_MEDIA_ROOT = str(tmp_path / "media" / "rieng")
    assert [m.id for m in private_files.private_root_is_private()] == ["lantoa.E120"]
    settings.LANTOA_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.LANTOA_PRIVATE_MEDIA_ACCEL = "_rieng/"
    assert [m.id for m in private_files.private_root_is_private()] == ["lantoa.E121"]


def test_every_stored_file_field_is_a_registered_private_kind() -> None:
    """A FileField anywhere in Lan Tỏa keeps its files in the private storage and belongs to a
    registered kind (so it has a reader rule and is moved by its app's migration)."""
    registered = {field for kind in registry for field in kind.fields}
    found = set()
    for model in apps.get_models():
        if not model.__module__.startswith("lantoa."):
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                label = f"{model._meta.label}.{field.name}"
                found.add(label)
                assert field.storage is private_files.private_storage(), label
    assert found == registered


# --- every kind: refused to strangers, given to its readers -------------------------------


DOWNLOAD, SHOWN = "attachment", "inline"  # how the reader's browser gets each file


@dataclass
class Case:
    reader: User  # may read the files (the owner, or an officer of the owning subtree)
    # (address, stored name, disposition): the file and, where there is one, its thumbnail.
    # Only photos we re-encoded ourselves are shown inline; everything else is a download.
    files: list[tuple[str, str, str]]


def _report(tree: Tree, officers: Officers) -> Case:
    from lantoa.reports.models import ReportJob
    from lantoa.reports.services import report_job_run

    job = ReportJob.objects.create(
        unit=tree.pa, period="2022-H1", format="md", created_by=officers.a_propaganda
    )
    job = report_job_run(job_id=job.pk)
    assert job is not None and job.status == "done"
    return Case(
        officers.a_propaganda, [(f"/bao-cao/lan/{job.pk}/tai-ve/", job.file.name, DOWNLOAD)]
    )


def _unit_import(tree: Tree, officers: Officers) -> Case:
    from lantoa.units.importing import unit_import_job_create

    upload = SimpleUploadedFile("Đơn vị An Giang.csv", b"ma_don_vi,ten_don_vi\n")
    job = unit_import_job_create(user=officers.a_admin, upload=upload)
    return Case(officers.a_admin, [(f"/don-vi/nhap/lan/{job.pk}/tep/", job.file.name, DOWNLOAD)])


def _media(tree: Tree, officers: Officers) -> Case:
    from lantoa.content.services import media_upload
    from tests.cascades.support import pdf
    from tests.fixtures.publishing import image

    photo = image(tree.pa, officers.a_propaganda)
    data = pdf()
    document = media_upload(
        unit=tree.pa,
        file=io.BytesIO(data),
        size=len(data),
        original_name="Kế hoạch.pdf",
        actor=officers.a_propaganda,
    )
    return Case(
        officers.a_viewer,  # A-G1, below the province: its items may use the library
        [
            (f"/noi-dung/tep/{photo.pk}/", photo.file.name, SHOWN),
            (f"/noi-dung/tep/{photo.pk}/nho/", photo.thumbnail.name, SHOWN),
            (f"/noi-dung/tep/{document.pk}/", document.file.name, DOWNLOAD),
        ],
    )


def _cascade_attachment(tree: Tree, officers: Officers) -> Case:
    from tests.cascades.support import jpeg, make, pdf

    cascade = make(
        tree.pa,
        attachments=[(io.BytesIO(jpeg()), "bang-tin.jpg"), (io.BytesIO(pdf()), "ke-hoach.pdf")],
        send=True,
    )
    photo, document = cascade.attachments.order_by("pk")
    url = f"/trien-khai/tep/{photo.pk}/"
    return Case(
        officers.a_viewer,  # A-G1 is one of the receiving units
        [
            (url, photo.file.name, SHOWN),
            (url + "?nho=1", photo.thumbnail.name, SHOWN),
            (f"/trien-khai/tep/{document.pk}/", document.file.name, DOWNLOAD),
        ],
    )


def _cascade_proof(tree: Tree, officers: Officers) -> Case:
    from lantoa.cascades import services
    from tests.cascades.support import jpeg, make, row

    cascade = make(tree.pa, actions=["board"], send=True)
    done = services.recipient_advance(
        recipient=row(cascade, tree.a_g1),
        actor=None,
        state="done",
        proof_photo=(io.BytesIO(jpeg()), "bang-tin.jpg"),
    )
    url = f"/trien-khai/minh-chung/{done.pk}/"
    return Case(
        officers.a_propaganda,  # the sender's officer sees every row
        [(url, done.proof_photo.name, SHOWN), (url + "?nho=1", done.proof_thumbnail.name, SHOWN)],
    )


def _publication_proof(tree: Tree, officers: Officers) -> Case:
    from lantoa.content import services as content
    from lantoa.publishing import services
    from tests.fixtures.publishing import board_channel, png
    from tests.publishing.support import item_approved, schedule

    board = board_channel(tree.a_g1)
    item = item_approved(tree, officers)
    content.content_publish(item=item, actor=officers.a_propaganda)
    (pub,) = schedule(item, tree.a_g1, [f"c{board.pk}"], officers.a_communicator)
    pub = services.publication_record(
        publication=pub,
        actor=officers.a_communicator,
        proof_photo=(io.BytesIO(png()), "bang-tin.png"),
    )
    url = f"/dang-tai/luot-dang/{pub.pk}/minh-chung/"
    return Case(
        officers.a_communicator,
        [(url, pub.proof_photo.name, SHOWN), (url + "?nho=1", pub.proof_thumbnail.name, SHOWN)],
    )


def _contest_entry(tree: Tree, officers: Officers) -> Case:
    from django.urls import reverse

    from lantoa.contests import media
    from tests.contests.media_support import NOW, entrant, photo_bytes, video_contest

    contest = video_contest(tree.pa, kind="photo")
    data = photo_bytes()
    work = media.entry_submit(
        contest=contest,
        entrant=entrant(contest, tree.a_g1, "0912000111"),
        title="Ca đêm",
        upload=io.BytesIO(data),
        upload_size=len(data),
        now=NOW,
    )
    args = {"pk": contest.pk, "number": work.number}
    return Case(
        officers.a_propaganda,  # an officer of the organising province
        [
            (reverse("contests:media_work", kwargs=args), work.file.name, SHOWN),
            (reverse("contests:media_poster", kwargs=args), work.poster.name, SHOWN),
        ],
    )


KINDS: dict[str, Callable[[Tree, Officers], Case]] = {
    "reports.report": _report,
    "units.import": _unit_import,
    "content.media": _media,
    "cascades.attachment": _cascade_attachment,
    "cascades.proof": _cascade_proof,
    "publishing.proof": _publication_proof,
    "contest_entries": _contest_entry,
}


def test_every_registered_kind_is_tested_here() -> None:
    assert set(KINDS) == {kind.key for kind in registry}


@pytest.fixture(params=sorted(KINDS))
def case(request: Any, tree: Tree, officers: Officers) -> Iterator[Case]:
    yield KINDS[request.param](tree, officers)


def test_strangers_are_refused_and_the_reader_gets_the_file(
    case: Case, client: Client, officers: Officers, roots: tuple[Path, Path]
) -> None:
    media, private = roots
    # Stored in the private root under random names; nothing at all under MEDIA_ROOT, so the
    # web server's /media/ has nothing to give (the report's old bao-cao-P-A-2022-H1.md too).
    assert not files_under(media)
    for _url, name, _how in case.files:
        assert (private / name).is_file() and TOKEN.search(name), name
    assert not any("bao-cao" in str(p) or "P-A" in str(p) for p in files_under(private))
    for url, name, how in case.files:
        anonymous = Client().get(url)
        assert anonymous.status_code == 302 and "/tai-khoan/" in anonymous["Location"], url
        login(client, officers.b_admin)  # an officer of another province
        assert client.get(url).status_code == 404, url
        login(client, case.reader)
        got = client.get(url)
        assert got.status_code == 200, url
        assert got["Content-Disposition"].startswith(f"{how};"), url
        assert got["Cache-Control"] == "private, no-store"
        assert got["X-Content-Type-Options"] == "nosniff"
        assert body(got) == (private / name).read_bytes() != b""
        client.logout()


# --- the move of files stored before ------------------------------------------------------


def _migration(app: str, name: str) -> Any:
    return importlib.import_module(f"lantoa.{app}.migrations.{name}")


def test_the_migration_moves_old_files_out_of_media(
    tree: Tree,
    officers: Officers,
    roots: tuple[Path, Path],
    client: Client,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    from lantoa.cascades.models import CascadeRecipient
    from lantoa.reports.models import ReportJob
    from tests.cascades.support import make, row

    media, private = roots
    public = storages["default"]
    old = public.save("reports/2026/06/bao-cao-P-A-2026-06.md", ContentFile(b"# BAO CAO"))
    job = ReportJob.objects.create(
        unit=tree.pa, period="2026-06", format="md", created_by=officers.a_propaganda
    )
    ReportJob.objects.filter(pk=job.pk).update(file=old, status="done")
    gone = ReportJob.objects.create(
        unit=tree.pa, period="2026-05", format="md", created_by=officers.a_propaganda
    )
    ReportJob.objects.filter(pk=gone.pk).update(file="reports/2026/05/bao-cao-P-A-2026-05.md")
    # The demo once gave a proof the same file as photo and thumbnail.
    cascade = make(tree.pa, send=True)
    proof = public.save("cascades/1/minh-chung/demo-1.jpg", ContentFile(b"\xff\xd8\xff demo"))
    recipient = row(cascade, tree.a_g1)
    CascadeRecipient.objects.filter(pk=recipient.pk).update(
        proof_photo=proof, proof_thumbnail=proof
    )

    with django_capture_on_commit_callbacks(execute=True):
        _migration("reports", "0004_private_files").to_private(apps, None)
        _migration("cascades", "0002_private_files").to_private(apps, None)

    assert not (media / old).exists() and not (media / proof).exists()
    assert not files_under(media)
    job.refresh_from_db()
    assert job.file.name != old and TOKEN.search(job.file.name)
    assert (private / job.file.name).read_bytes() == b"# BAO CAO"
    gone.refresh_from_db()  # missing: logged, the row left as it was
    assert gone.file.name == "reports/2026/05/bao-cao-P-A-2026-05.md"
    recipient.refresh_from_db()
    assert recipient.proof_photo.name == recipient.proof_thumbnail.name
    assert (private / recipient.proof_photo.name).read_bytes() == b"\xff\xd8\xff demo"
    # The owner downloads it through the view; a stranger does not.
    login(client, officers.a_propaganda)
    download = client.get(f"/bao-cao/lan/{job.pk}/tai-ve/")
    assert download.status_code == 200 and body(download) == b"# BAO CAO"
    assert 'filename="bao-cao-P-A-2026-06.md"' in download["Content-Disposition"]
    assert Client().get(f"/bao-cao/lan/{job.pk}/tai-ve/").status_code == 302

    # Run again: nothing moves twice. Rolled back: the files return to the default storage.
    with django_capture_on_commit_callbacks(execute=True):
        assert private_files.move_to_private(ReportJob, ["file"], "reports") == 0
        _migration("reports", "0004_private_files").to_public(apps, None)
    job.refresh_from_db()
    assert (media / job.file.name).read_bytes() == b"# BAO CAO"
    assert not (private / job.file.name).exists()

"""The media library's checks (lantoa.content.media): thumbnails, EXIF orientation, bad uploads,
documents and video by magic bytes, media from the unit's own library."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from lantoa.audit.models import AuditEvent
from lantoa.content import services
from lantoa.content.media import THUMBNAIL_PX
from lantoa.content.models import MediaAsset
from lantoa.core.private_files import private_storage
from tests.conftest import Officers, Tree
from tests.content.support import png_bytes, upload

MB = 1024 * 1024


def test_image_upload_makes_thumbnail(tree: Tree, officers: Officers) -> None:
    asset = upload(tree.pa, officers.a_propaganda, png_bytes(1000, 500), "ảnh đẹp.png")
    assert (asset.kind, asset.content_type, asset.width, asset.height) == (
        "image",
        "image/png",
        1000,
        500,
    )
    assert asset.file.name.startswith(f"content/{tree.pa.pk}/") and "ảnh" not in asset.file.name
    with private_storage().open(asset.thumbnail.name) as f:
        thumb = Image.open(f)
        assert thumb.size == (THUMBNAIL_PX, 160) and thumb.format == "JPEG"
    assert AuditEvent.objects.filter(action="content.media_upload").count() == 1


def test_exif_orientation_is_applied(tree: Tree, officers: Officers) -> None:
    img = Image.new("RGB", (400, 200), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90°: shown upright it is 200 wide, 400 high
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    asset = upload(tree.pa, officers.a_propaganda, out.getvalue(), "dien-thoai.jpg")
    assert (asset.width, asset.height) == (200, 400)
    with private_storage().open(asset.file.name) as f:
        stored = Image.open(f)
        assert stored.size == (200, 400)
        assert 0x0112 not in stored.getexif()  # re-encoded: EXIF (GPS too) dropped


@pytest.mark.parametrize(
    ("data", "size", "message"),
    [
        (b"MZ\x90\x00 not a picture", None, "Định dạng tệp không được hỗ trợ"),
        (b"\xff\xd8\xff\xe0" + b"garbage" * 50, None, "Không phải ảnh hợp lệ."),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, None, "Không phải ảnh hợp lệ."),
        (b"\xff\xd8\xff\xe0" + b"\0" * 100, 10 * MB + 1, "Tệp quá lớn: tối đa 10 MB."),
        (b"%PDF-1.7\n", 20 * MB + 1, "Tệp quá lớn: tối đa 20 MB."),
        (b"\x00\x00\x00\x18ftypmp42", 200 * MB + 1, "Tệp quá lớn: tối đa 200 MB."),
        (b"PK\x03\x04 zip but not word", None, "không phải tài liệu Word (DOCX) hợp lệ"),
        (b"", None, "Tệp rỗng."),
    ],
)
def test_bad_uploads_are_refused(
    tree: Tree, officers: Officers, media_root: Path, data: bytes, size: int | None, message: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        upload(tree.pa, officers.a_propaganda, data, size=size)
    assert message in exc.value.messages[0]
    assert MediaAsset.objects.count() == 0
    assert not any(p.is_file() for p in media_root.rglob("*"))  # nothing left behind


def test_documents_and_video_by_magic_bytes(tree: Tree, officers: Officers) -> None:
    import docx

    buf = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Định hướng tuyên truyền")
    document.save(buf)
    word = upload(tree.pa, officers.a_propaganda, buf.getvalue(), "dinh-huong.docx")
    pdf = upload(tree.pa, officers.a_propaganda, b"%PDF-1.4\n%...\n", "dinh-huong.jpg")
    mp4 = upload(tree.pa, officers.a_propaganda, b"\x00\x00\x00\x18ftypmp42" + b"\0" * 64, "clip")
    assert [(a.kind, a.file.name.rsplit(".", 1)[1]) for a in (word, pdf, mp4)] == [
        ("document", "docx"),
        ("document", "pdf"),
        ("video", "mp4"),
    ]
    assert not word.thumbnail and mp4.size == 76


def test_media_must_come_from_the_units_library(tree: Tree, officers: Officers) -> None:
    theirs = upload(tree.pb, officers.b_admin, png_bytes(20, 20), "b.png")
    ours = upload(tree.pa, officers.a_admin, png_bytes(20, 20), "a.png")
    with pytest.raises(ValidationError) as exc:
        services.content_create(
            unit=tree.a_kcn,
            kind="infographic",
            title="Infographic",
            author=officers.a_admin,
            media=[ours, theirs],
        )
    assert "không thuộc thư viện của đơn vị" in exc.value.message_dict["media"][0]
    item = services.content_create(
        unit=tree.a_kcn,
        kind="infographic",
        title="Infographic",
        author=officers.a_admin,
        media=[ours],
    )
    assert list(item.media.all()) == [ours]
    with pytest.raises(ValidationError, match="đang được dùng"):
        services.media_delete(asset=ours, actor=officers.a_admin)
    services.media_delete(asset=theirs, actor=officers.b_admin)
    assert not MediaAsset.objects.filter(pk=theirs.pk).exists()

"""Checking uploaded media: the file's own bytes decide what it is, never its name or the
browser's content type. Images are decoded by Pillow, turned upright by their EXIF
orientation, re-encoded (which also drops EXIF data such as GPS positions) and get a 320 px
thumbnail; documents and videos are recognised by their magic bytes and stored as sent.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from PIL import Image

from lantoa.core import archives, images, private_files

MB = 1024 * 1024
IMAGE_MAX_BYTES = 10 * MB
DOCUMENT_MAX_BYTES = 20 * MB
VIDEO_MAX_BYTES = 200 * MB
IMAGE_MAX_PIXELS = 50_000_000  # a decompression bomb would need gigabytes
THUMBNAIL_PX = 320

PDF, DOCX, MP4, JPEG, PNG, WEBP = "pdf", "docx", "mp4", "jpeg", "png", "webp"
CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    MP4: "video/mp4",
    JPEG: "image/jpeg",
    PNG: "image/png",
    WEBP: "image/webp",
}
EXTENSIONS = {PDF: "pdf", DOCX: "docx", MP4: "mp4", JPEG: "jpg", PNG: "png", WEBP: "webp"}
IMAGE_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}

UNSUPPORTED = gettext_noop(
    "Định dạng tệp không được hỗ trợ: chỉ nhận ảnh JPEG, PNG, WebP; tài liệu PDF, DOCX; video MP4."
)


def sniff(head: bytes) -> str | None:
    """What the first bytes of a file say it is (None: none of ours)."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return DOCX  # confirmed by looking inside the zip
    if head[4:8] == b"ftyp":
        return MP4
    return None


def _read_head(f: IO[bytes], n: int = 64) -> bytes:
    f.seek(0)
    head = f.read(n)
    f.seek(0)
    return head


def _too_big(limit: int) -> ValidationError:
    return ValidationError(
        _("Tệp quá lớn: tối đa %(limit)s MB.") % {"limit": limit // MB}, code="too_big"
    )


@dataclass
class CheckedFile:
    kind: str  # MediaKind value
    fmt: str  # one of the format names above
    content_type: str
    data: bytes | None  # re-encoded image bytes; None: store the upload as sent
    thumbnail: bytes | None = None
    width: int | None = None
    height: int | None = None


def _is_docx(f: IO[bytes]) -> bool:
    """A Word document: a zip archive within the limits of ``lantoa.core.archives`` (a
    decompression bomb is refused with its reason) holding the parts of a document."""
    try:
        names = set(archives.check_zip(f))
    except archives.ArchiveError as exc:
        if exc.code == "corrupt":
            return False
        message = str(exc)
        raise ValidationError(
            _("Tệp Word bị từ chối: %(reason)s") % {"reason": message}, code="archive_refused"
        ) from exc
    return "word/document.xml" in names and "[Content_Types].xml" in names


def _check_image(f: IO[bytes], fmt: str, size: int) -> CheckedFile:
    if size > IMAGE_MAX_BYTES:
        raise _too_big(IMAGE_MAX_BYTES)
    invalid = ValidationError(_("Không phải ảnh hợp lệ."), code="invalid_image")
    upright = images.open_upright(
        f,
        formats={IMAGE_FORMATS[fmt]},
        max_pixels=IMAGE_MAX_PIXELS,
        errors=images.DecodeErrors(
            invalid=invalid,
            wrong_format=lambda _found: invalid,
            too_many_pixels=lambda _w, _h: ValidationError(
                _("Ảnh quá lớn: tối đa 50 triệu điểm ảnh."), code="too_many_pixels"
            ),
        ),
    )
    try:
        out = io.BytesIO()
        save_kwargs: dict[str, object] = {}
        if fmt == JPEG:
            upright = upright.convert("RGB") if upright.mode not in ("RGB", "L") else upright
            save_kwargs = {"quality": 90, "optimize": True}
        elif fmt == WEBP:
            save_kwargs = {"quality": 90}
        upright.save(out, IMAGE_FORMATS[fmt], **save_kwargs)
        thumb = upright.copy()
        thumb.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
        if thumb.mode not in ("RGB", "L"):
            background = Image.new("RGB", thumb.size, "white")
            rgba = thumb.convert("RGBA")
            background.paste(rgba, mask=rgba.getchannel("A"))
            thumb = background
        thumb_out = io.BytesIO()
        thumb.save(thumb_out, "JPEG", quality=82, optimize=True)
        width, height = upright.size
    except images.DECODE_ERRORS as exc:
        raise invalid from exc
    return CheckedFile(
        kind="image",
        fmt=fmt,
        content_type=CONTENT_TYPES[fmt],
        data=out.getvalue(),
        thumbnail=thumb_out.getvalue(),
        width=width,
        height=height,
    )


def check_upload(f: IO[bytes], size: int) -> CheckedFile:
    """Validate an uploaded file; raise a ValidationError with a Vietnamese message."""
    if size <= 0:
        raise ValidationError(_("Tệp rỗng."), code="empty")
    fmt = sniff(_read_head(f))
    if fmt in IMAGE_FORMATS:
        return _check_image(f, fmt, size)
    if fmt == PDF:
        if size > DOCUMENT_MAX_BYTES:
            raise _too_big(DOCUMENT_MAX_BYTES)
        return CheckedFile("document", PDF, CONTENT_TYPES[PDF], None)
    if fmt == DOCX:
        if size > DOCUMENT_MAX_BYTES:
            raise _too_big(DOCUMENT_MAX_BYTES)
        if not _is_docx(f):
            raise ValidationError(
                _("Tệp nén này không phải tài liệu Word (DOCX) hợp lệ."), code="invalid_docx"
            )
        return CheckedFile("document", DOCX, CONTENT_TYPES[DOCX], None)
    if fmt == MP4:
        if size > VIDEO_MAX_BYTES:
            raise _too_big(VIDEO_MAX_BYTES)
        return CheckedFile("video", MP4, CONTENT_TYPES[MP4], None)
    raise ValidationError(_(UNSUPPORTED), code="unsupported")


def store(
    checked: CheckedFile, f: IO[bytes], unit_id: int, *, folder: str = "content"
) -> tuple[str, str]:
    """Save the file (and thumbnail) in the private storage under names we make up (the
    uploader's file name never reaches the storage path; ``unit_id`` groups a unit's files);
    returns their names. Only the access-checked views hand them out."""
    ext = EXTENSIONS[checked.fmt]
    where = f"{folder}/{unit_id}"
    if checked.data is not None:
        saved = private_files.save(where, ext, ContentFile(checked.data))
    else:
        f.seek(0)
        saved = private_files.save(where, ext, File(f))
    thumb = ""
    if checked.thumbnail is not None:
        thumb = private_files.private_storage().save(
            saved.rsplit(".", 1)[0] + "-320.jpg", ContentFile(checked.thumbnail)
        )
    return saved, thumb


def discard(names: Iterable[str]) -> None:
    """Delete stored files, best effort: the clean-up after a failed save or a deletion
    (often in ``on_commit``) never turns into an error of its own. Empty names are skipped."""
    private_files.discard(names)

"""Checks on what officers upload or paste: package attachments (PDF, DOCX, images), proof
photos and proof links. Every refusal is a Vietnamese sentence naming the file or the link.

Files go through the content studio's checks (``lantoa.content.media``): recognised by their
first bytes, never by the name or the browser's content type; images decoded by Pillow and
written again, which drops the EXIF block (phones put the GPS position there), with a
thumbnail. This module adds what cascades need on top: which kinds are accepted where, file
names in the messages. Proof links are checked by ``lantoa.core.weblinks.clean_links``
(publication proofs use it too).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lantoa.cascades.models import AttachmentKind
from lantoa.content import media

MAX_ATTACHMENTS = 10
MAX_LINKS = 10
MAX_PROOF_LINKS = 5
# The studio's limits, named here for the messages and the tests.
MAX_DOCUMENT_BYTES = media.DOCUMENT_MAX_BYTES
MAX_IMAGE_BYTES = media.IMAGE_MAX_BYTES


def _not_attachment(name: str) -> str:
    return _(
        "Tệp “%(name)s” không được nhận: chỉ nhận PDF, Word (.docx) hoặc ảnh JPG, PNG, WebP "
        "(nhận diện theo nội dung tệp, không theo tên; video thì gửi đường dẫn)."
    ) % {"name": name}


def _not_photo(name: str) -> str:
    return _("Tệp “%(name)s” không phải ảnh JPG, PNG hoặc WebP.") % {"name": name}


def _safe_name(name: str) -> str:
    base = PurePath((name or "").replace("\\", "/")).name.strip() or "tep"
    return base[:200]


def _size(upload: IO[bytes]) -> int:
    size = getattr(upload, "size", None)
    if isinstance(size, int):
        return size
    upload.seek(0, io.SEEK_END)
    end = upload.tell()
    upload.seek(0)
    return end


@dataclass
class CheckedUpload:
    """An accepted file, ready for ``store``."""

    kind: str  # AttachmentKind
    original_name: str
    content_type: str
    size: int
    checked: media.CheckedFile
    upload: IO[bytes]

    def store(self, unit_id: int) -> tuple[str, str]:
        """Save the file (and its thumbnail) in the private storage under names we make up;
        returns (file name, thumbnail name or "")."""
        return media.store(self.checked, self.upload, unit_id, folder="cascades")


def _check(
    upload: IO[bytes], name: str, limit: int, unsupported: Callable[[str], str]
) -> tuple[str, int, media.CheckedFile]:
    name = _safe_name(name)
    size = _size(upload)
    if size > limit:
        raise ValidationError(
            _("Tệp “%(name)s” quá lớn; giới hạn là %(limit)s MB.")
            % {"name": name, "limit": limit // media.MB},
            code="too_large",
        )
    try:
        checked = media.check_upload(upload, size)
    except ValidationError as exc:
        if getattr(exc, "code", None) == "unsupported":
            raise ValidationError(unsupported(name), code="file_type") from exc
        message = exc.messages[0] if exc.messages else ""
        raise ValidationError(
            _("Tệp “%(name)s”: %(detail)s")
            % {"name": name, "detail": message[:1].lower() + message[1:]}
        ) from exc
    return name, size, checked


def check_attachment(upload: IO[bytes], name: str) -> CheckedUpload:
    """A package attachment: PDF or DOCX up to 20 MB, or an image (JPG, PNG, WebP) up to
    10 MB."""
    name, size, checked = _check(upload, name, MAX_DOCUMENT_BYTES, _not_attachment)
    if checked.kind == "image":
        kind = AttachmentKind.IMAGE
        size = len(checked.data or b"")
        stem = PurePath(name).stem or "anh"
        name = f"{stem}.{media.EXTENSIONS[checked.fmt]}"
    elif checked.fmt in (media.PDF, media.DOCX):
        kind = AttachmentKind.PDF if checked.fmt == media.PDF else AttachmentKind.DOCX
        ext = "." + media.EXTENSIONS[checked.fmt]
        if not name.lower().endswith(ext):
            name = f"{PurePath(name).stem or 'tep'}{ext}"
    else:
        raise ValidationError(_not_attachment(name), code="file_type")
    return CheckedUpload(kind, name, checked.content_type, size, checked, upload)


def check_photo(upload: IO[bytes], name: str) -> CheckedUpload:
    """A proof photo: JPG, PNG or WebP of at most 10 MB."""
    name, _size_sent, checked = _check(upload, name, MAX_IMAGE_BYTES, _not_photo)
    if checked.kind != "image":
        raise ValidationError(_not_photo(name), code="image_format")
    return CheckedUpload(
        AttachmentKind.IMAGE, name, checked.content_type, len(checked.data or b""), checked, upload
    )

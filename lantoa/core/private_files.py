"""Private files: stored apart from the public media, under names nobody can guess, and handed
out only by a view that checks who asks.

What Lan Tỏa stores, and where (``private_files`` in ``lantoa.core.extensions`` lists the
kinds; each app registers its own in its ``contributions.py``):

- PRIVATE, in this storage (``STORAGES["private"]``, ``LANTOA_PRIVATE_MEDIA_ROOT``, outside
  MEDIA_ROOT, never served by the web server by name): period reports (``reports``), uploaded
  unit lists (``imports``), the content library (``content``: drafts' photos, documents and
  videos; a photo becomes visible to the public only through ``/anh-tin/<pk>/`` once an item
  using it is published, and stops being visible when that publication is cancelled, so the
  file itself never moves), cascade packages and proof photos (``cascades``), publication
  proof photos (``proofs``).
- Not stored at all: exports (CSV/XLSX are streamed to the officer who asked), the imports of
  activities, KB and roster (read from a path by a command), inquiry attachments (the platform
  keeps them; we keep the name, type, size and the platform's address).
- PUBLIC media (MEDIA_ROOT, served by the web server at MEDIA_URL): nothing the product writes
  today; the directory stays for files meant for everyone.

A private file's name is ``<folder>/<yyyy>/<mm>/<40 hex digits>.<ext>``: 160 random bits and
nothing of the uploader's name, the unit or the period. The name a file is downloaded under
(the uploader's own, or "bao-cao-TN-2022-H1.docx") is only ever sent in Content-Disposition.

``serve`` asks the kind's registered ``find`` (the same rule as the page that lists the file)
and answers with ``file_response``: with ``LANTOA_PRIVATE_MEDIA_ACCEL`` set (nginx in front),
an empty response whose ``X-Accel-Redirect`` names the file under nginx's ``internal``
location; otherwise Django streams the file itself (the demo, a deployment without nginx).
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path, PurePath
from typing import IO, Any, cast
from urllib.parse import quote

from django.conf import settings
from django.core import checks
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import transaction
from django.db.models import Model, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header

from lantoa.core.extensions import PrivateFile, private_files

logger = logging.getLogger(__name__)

ALIAS = "private"  # the STORAGES entry
THUMBNAIL = "thumbnail"  # the variant ``find`` gets for a file's thumbnail
TOKEN_BYTES = 20  # 160 random bits in every name
PRIVATE_CACHE = "private, no-store"
PUBLIC_CACHE = "public, max-age=86400"
# A file shown in a browser tab (a PDF, an image, HTML dressed up as one) runs no script and
# reaches nothing.
SANDBOX = "default-src 'none'; sandbox"

_EXT = re.compile(r"^[a-z0-9]{1,10}$")


class PrivateFileStorage(FileSystemStorage):
    """The file-system storage of private files: ``LANTOA_PRIVATE_MEDIA_ROOT`` (read when
    first used, and again when a test changes the setting). It has no address: asking one is
    a programming error, since only a view may hand a private file out."""

    def __init__(self, location: str | None = None, **kwargs: Any) -> None:
        kwargs.pop("base_url", None)
        self._own_location = location
        super().__init__(location=location, base_url=None, **kwargs)

    @cached_property
    def base_location(self) -> str:
        return str(self._own_location or settings.LANTOA_PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting: Any, **kwargs: Any) -> None:
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "LANTOA_PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name: str | None) -> str:
        raise ValueError(
            "A private file has no address of its own: link to the view that serves it "
            "(lantoa.core.private_files.serve)."
        )


def private_storage() -> Storage:
    """The storage of private files (``STORAGES["private"]``). FileFields take this callable,
    so their migrations name the function, not a path."""
    return storages[ALIAS]


def new_name(folder: str, ext: str = "") -> str:
    """``folder/yyyy/mm/<40 hex digits>.ext``: 160 random bits, nothing of the file's own
    name, its owner or its period."""
    ext = ext.lower().lstrip(".")
    suffix = f".{ext}" if _EXT.match(ext) else ""
    return f"{folder}/{timezone.localdate():%Y/%m}/{secrets.token_hex(TOKEN_BYTES)}{suffix}"


@deconstructible(path="lantoa.core.private_files.RandomName")
class RandomName:
    """``upload_to`` of a private FileField: a new random name in ``folder``, keeping only the
    extension of the name the code saves under."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def __call__(self, instance: Any, filename: str) -> str:
        return new_name(self.folder, PurePath(filename or "").suffix)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomName) and other.folder == self.folder

    def __hash__(self) -> int:
        return hash(self.folder)


def save(folder: str, ext: str, content: IO[bytes] | File[Any]) -> str:
    """Store ``content`` under a new random name; returns the name."""
    stored = content if isinstance(content, File) else File(content)
    return private_storage().save(new_name(folder, ext), stored)


def discard(names: Iterable[str]) -> None:
    """Delete private files, best effort: the clean-up after a failed save or a deletion
    (often in ``on_commit``) never turns into an error of its own. Empty names are skipped."""
    storage = private_storage()
    for name in names:
        if not name:
            continue
        try:
            storage.delete(name)
        except (OSError, SuspiciousFileOperation):  # pragma: no cover - best effort clean-up
            logger.warning("could not delete private file %s", name)


# --- handing a file out ---------------------------------------------------------------------


def accel_prefix() -> str:
    """The nginx ``internal`` location private files are sent from ("" when Django streams
    them itself)."""
    prefix = str(getattr(settings, "LANTOA_PRIVATE_MEDIA_ACCEL", "") or "")
    return prefix.rstrip("/") + "/" if prefix else ""


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_RANGE_CHUNK = 64 * 1024


def _byte_range(header: str, size: int) -> tuple[int, int] | bool | None:
    """The (first, last) byte of a single ``Range: bytes=…`` request within ``size``; None
    when the header is absent or not one range we serve (the whole file goes out then, as
    RFC 9110 allows); False when it cannot be satisfied (416)."""
    match = _RANGE.match(header.strip())
    if match is None or match.group(1) == match.group(2) == "":
        return None
    first_text, last_text = match.groups()
    if first_text == "":  # the last N bytes
        length = int(last_text)
        if length == 0:
            return False
        return max(0, size - length), size - 1
    first = int(first_text)
    last = min(int(last_text), size - 1) if last_text else size - 1
    if first >= size or last < first:
        return False
    return first, last


def _chunks(handle: IO[bytes], first: int, last: int) -> Iterable[bytes]:
    try:
        handle.seek(first)
        left = last - first + 1
        while left > 0:
            chunk = handle.read(min(_RANGE_CHUNK, left))
            if not chunk:
                return
            left -= len(chunk)
            yield chunk
    finally:
        handle.close()


def _ranged(
    request: HttpRequest | None, handle: IO[bytes], size: int | None, content_type: str
) -> HttpResponse | None:
    """The 206 (or 416) answer to a byte-range request for an open file (phones' video
    players ask for ranges and some play nothing without them), or None for a whole-file
    response. A range asked with ``If-Range`` gets the whole file: no validator is sent."""
    header = request.headers.get("Range", "") if request is not None else ""
    if not header or size is None or request is None or request.headers.get("If-Range"):
        return None
    wanted = _byte_range(header, size)
    if wanted is None:
        return None
    if wanted is False:
        handle.close()
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        return refused
    assert isinstance(wanted, tuple)
    first, last = wanted
    partial = StreamingHttpResponse(
        _chunks(handle, first, last), status=206, content_type=content_type
    )
    partial["Content-Range"] = f"bytes {first}-{last}/{size}"
    partial["Content-Length"] = str(last - first + 1)
    return cast(HttpResponse, partial)


def file_response(
    found: PrivateFile, *, public: bool = False, request: HttpRequest | None = None
) -> HttpResponse:
    """The response that hands ``found`` out (404 when its name is empty or the file is gone).

    A private file is an attachment (a re-encoded photo marked ``inline`` may show in the tab)
    that no cache keeps; ``public`` is for what everyone may see (a published photo): shown
    inline and kept for a day. Both go out with nosniff and a sandbox policy. With nginx in
    front (``LANTOA_PRIVATE_MEDIA_ACCEL``) the response only names the file in
    ``X-Accel-Redirect``; nginx copies Content-Disposition and Cache-Control from it and adds
    the other headers in its internal location (README)."""
    name = found.name
    if not name:
        raise Http404
    storage = private_storage()
    download_name = found.download_name or name.rsplit("/", 1)[-1]
    as_attachment = not (public or found.inline)
    prefix = accel_prefix()
    response: HttpResponse
    if prefix and isinstance(storage, FileSystemStorage):
        try:
            present = storage.exists(name)
        except (OSError, SuspiciousFileOperation):
            present = False
        if not present:
            raise Http404
        response = HttpResponse(content_type=found.content_type)
        response["X-Accel-Redirect"] = prefix + quote(name)
        response["Content-Disposition"] = cast(
            str, content_disposition_header(as_attachment, download_name)
        )
    else:
        try:
            handle = storage.open(name, "rb")
            size: int | None = storage.size(name)
        except (OSError, SuspiciousFileOperation) as exc:
            raise Http404 from exc
        except NotImplementedError:
            size = None
        ranged = _ranged(request, handle, size, found.content_type)
        if ranged is not None:
            response = ranged
            response["Content-Disposition"] = cast(
                str, content_disposition_header(as_attachment, download_name)
            )
        else:
            # ``policy`` types views as returning HttpResponse; Django serves streaming ones
            # the same.
            response = cast(
                HttpResponse,
                FileResponse(
                    handle,
                    content_type=found.content_type,
                    as_attachment=as_attachment,
                    filename=download_name,
                ),
            )
        if size is not None:
            response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = PUBLIC_CACHE if public else PRIVATE_CACHE
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX
    return response


def serve(request: HttpRequest, kind: str, pk: int, variant: str = "") -> HttpResponse:
    """The private file ``pk`` of ``kind`` (a key of ``private_files``) for the user asking:
    the kind's own rule decides (404 outside what the user may see), then ``file_response``.
    Every view that hands out a private file ends here."""
    found = private_files.get(kind).find(request.user, pk, variant)
    if found is None:
        raise Http404
    return file_response(found, request=request)


# --- moving files stored before (data migrations) -------------------------------------------


def _move(
    model: type[Model],
    fields: Sequence[str],
    *,
    source: Storage,
    target: Storage,
    name_for: Callable[[str], str],
) -> int:
    """Copy the files named in ``fields`` from ``source`` to ``target`` under
    ``name_for(old)``, point the rows at them, and delete the originals once the transaction
    commits (never before: a migration that fails leaves every file where its row says).
    Safe to run again (a name no longer in ``source`` is left alone) and when a file is
    missing (logged, the row kept as it is). Returns the number of files moved."""
    moved: dict[str, str] = {}
    missing = 0
    anything = Q()
    for field in fields:
        anything |= ~Q(**{field: ""})
    rows = model._default_manager.filter(anything).values_list("pk", *fields)
    for pk, *names in rows.iterator(chunk_size=500):
        updates: dict[str, str] = {}
        for field, old in zip(fields, names, strict=True):
            if not old:
                continue
            new = moved.get(old)
            if new is None:
                try:
                    present = source.exists(old)
                except (OSError, SuspiciousFileOperation):
                    present = False
                if not present:
                    if not _exists(target, old):
                        missing += 1
                        logger.warning("stored file %s of %s %s is missing", old, model, pk)
                    continue
                with source.open(old, "rb") as fh:
                    new = target.save(name_for(old), File(fh))
                moved[old] = new
            updates[field] = new
        if updates:
            model._default_manager.filter(pk=pk).update(**updates)
    originals = list(moved)

    def delete_originals() -> None:
        for old in originals:
            try:
                source.delete(old)
            except (OSError, SuspiciousFileOperation):  # pragma: no cover - best effort
                logger.warning("could not delete the moved file %s", old)

    transaction.on_commit(delete_originals)
    if missing:
        logger.warning("%s: %s stored file(s) missing, rows left as they were", model, missing)
    return len(moved)


def _exists(storage: Storage, name: str) -> bool:
    try:
        return storage.exists(name)
    except (OSError, SuspiciousFileOperation):
        return False


def move_to_private(model: type[Model], fields: Sequence[str], folder: str) -> int:
    """For a data migration: move the files of ``fields`` from the public (default) storage to
    the private one, under new random names in ``folder``."""
    return _move(
        model,
        fields,
        source=storages["default"],
        target=private_storage(),
        name_for=lambda old: new_name(folder, PurePath(old).suffix),
    )


def move_to_public(model: type[Model], fields: Sequence[str]) -> int:
    """The reverse of ``move_to_private`` (a migration rolled back): the files go back to the
    default storage, keeping their random names."""
    return _move(model, fields, source=private_storage(), target=storages["default"], name_for=str)


# --- checks (lantoa check) ------------------------------------------------------------------


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


@checks.register(checks.Tags.security)
def private_root_is_private(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """The private root must not lie inside a directory the web server publishes, and the
    nginx location must be a path."""
    found: list[checks.CheckMessage] = []
    private = Path(settings.LANTOA_PRIVATE_MEDIA_ROOT)
    for setting in ("MEDIA_ROOT", "STATIC_ROOT"):
        public = getattr(settings, setting, None)
        if public and (_inside(private, Path(public)) or _inside(Path(public), private)):
            found.append(
                checks.Error(
                    f"LANTOA_PRIVATE_MEDIA_ROOT ({private}) và {setting} ({public}) lồng nhau: "
                    "tệp riêng (báo cáo, tệp nhập, minh chứng) sẽ bị máy chủ web phát công khai.",
                    hint="Đặt LANTOA_PRIVATE_MEDIA_ROOT ở một thư mục riêng, ngoài "
                    "LANTOA_MEDIA_ROOT và LANTOA_STATIC_ROOT.",
                    id="lantoa.E120",
                )
            )
    prefix = accel_prefix()
    if prefix and not prefix.startswith("/"):
        found.append(
            checks.Error(
                f"LANTOA_PRIVATE_MEDIA_ACCEL phải là một đường dẫn bắt đầu bằng “/”, không phải "
                f"“{prefix}”.",
                hint="Ví dụ /_rieng/ (khớp với location internal của nginx).",
                id="lantoa.E121",
            )
        )
    return found

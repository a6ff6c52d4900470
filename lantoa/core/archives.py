"""Opening the zip archives officers upload (XLSX workbooks, DOCX documents) without letting
one blow up the server's memory: the one guard every reader of a zip goes through.

``check_zip`` looks at an archive BEFORE anything parses it and refuses it with a
Vietnamese sentence (``ArchiveError``) when:

- its central directory announces more members than ``max_members`` (read from the
  end-of-directory record and the directory's size, before ``zipfile`` builds one object per
  member);
- one member declares more uncompressed bytes than ``max_member_bytes``, or all together more
  than ``max_total_bytes``;
- one member above 1 MiB inflates more than ``max_ratio`` times its compressed size (a
  "decompression bomb": 300 MiB of one repeated character fit in 300 KB);
- while every member is actually inflated, in 64 KiB steps, one gives more bytes than its
  header declared (a header that lies about the size), or a member is damaged or encrypted;
- with ``xml=True`` (OOXML parts that a parser will read): an XML part carries a DTD
  (``<!DOCTYPE``/``<!ENTITY``: entity expansion bombs; Office never writes one).

The limits come from the settings (``LANTOA_ARCHIVE_*``, see ``configured_limits``), never
from the file. Memory stays at a few hundred KiB whatever the archive claims or contains.
"""

from __future__ import annotations

import copy
import math
import struct
import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _

from lantoa.core.text import format_int

MiB = 1024 * 1024
CHUNK = 64 * 1024
# Below this size a member's ratio says nothing (an empty styles part compresses 50 times).
RATIO_FLOOR = MiB
# A central directory entry takes 46 bytes plus its name and extra fields: an honest
# directory of ``max_members`` members fits in this many bytes per member.
DIRECTORY_BYTES_PER_MEMBER = 1024
_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_EOCD = b"PK\x06\x06"
_DTD_MARKS = (b"<!DOCTYPE", b"<!ENTITY")
_XML_SUFFIXES = (".xml", ".rels", ".vml")


@dataclass(frozen=True)
class ArchiveLimits:
    max_members: int
    max_member_bytes: int
    max_total_bytes: int
    max_ratio: int


def configured_limits() -> ArchiveLimits:
    """The limits the settings set (``LANTOA_ARCHIVE_*``)."""
    return ArchiveLimits(
        max_members=settings.LANTOA_ARCHIVE_MAX_MEMBERS,
        max_member_bytes=settings.LANTOA_ARCHIVE_MAX_MEMBER_BYTES,
        max_total_bytes=settings.LANTOA_ARCHIVE_MAX_TOTAL_BYTES,
        max_ratio=settings.LANTOA_ARCHIVE_MAX_RATIO,
    )


class ArchiveError(Exception):
    """The archive is refused; ``str()`` is a Vietnamese sentence for the officer (starting in
    lower case, to follow "Tệp …:" or to be capitalised), ``code`` says why:
    ``corrupt``, ``encrypted``, ``members``, ``member_size``, ``total_size``, ``ratio``,
    ``size_mismatch`` or ``dtd``."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def _mb(size: int) -> str:
    return format_int(max(1, math.ceil(size / MiB)))


def _member(name: str) -> str:
    """A member's name for a message: printable, at most 80 characters."""
    text = "".join(ch if ch.isprintable() else "?" for ch in name)
    return text if len(text) <= 80 else text[:79] + "…"


def _corrupt() -> ArchiveError:
    return ArchiveError(_("tệp nén bị hỏng hoặc không đúng định dạng."), "corrupt")


def _too_many(count: int, limit: int) -> ArchiveError:
    return ArchiveError(
        _(
            "tệp nén chứa %(count)s thành phần, vượt giới hạn %(limit)s (tệp Excel, Word "
            "bình thường chỉ có vài chục); tệp không được đọc."
        )
        % {"count": format_int(count), "limit": format_int(limit)},
        "members",
    )


def _directory(fp: IO[bytes]) -> tuple[int, int]:
    """(member count, central directory size) from the end-of-directory record, found the way
    ``zipfile`` finds it (the record without comment, else the last one in the final 64 KiB),
    with the ZIP64 record when the short one is saturated."""
    fp.seek(0, 2)
    size = fp.tell()
    if size < _EOCD_SIZE:
        raise _corrupt()
    tail_start = max(0, size - _EOCD_SIZE - 0xFFFF)
    fp.seek(tail_start)
    tail = fp.read(size - tail_start)
    pos = len(tail) - _EOCD_SIZE
    if not (tail[pos : pos + 4] == _EOCD and tail[-2:] == b"\x00\x00"):
        pos = tail.rfind(_EOCD)
        if pos < 0 or len(tail) - pos < _EOCD_SIZE:
            raise _corrupt()
    (_sig, _disk, _cd_disk, _on_disk, count, cd_size, _cd_offset, _comment) = struct.unpack(
        "<4s4H2LH", tail[pos : pos + _EOCD_SIZE]
    )
    if count == 0xFFFF or cd_size == 0xFFFFFFFF:
        locator_at = tail_start + pos - 20
        if locator_at < 0:
            raise _corrupt()
        fp.seek(locator_at)
        locator = fp.read(20)
        if len(locator) != 20 or locator[:4] != _ZIP64_LOCATOR:
            raise _corrupt()
        (_sig, _disk, record_at, _disks) = struct.unpack("<4sLQL", locator)
        if record_at > size - 56:
            raise _corrupt()
        fp.seek(record_at)
        record = fp.read(56)
        if record[:4] != _ZIP64_EOCD:
            raise _corrupt()
        fields = struct.unpack("<4sQ2H2L4Q", record)
        count, cd_size = fields[7], fields[8]
    return count, cd_size


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, xml: bool) -> int:
    """Inflate one member in ``CHUNK`` steps and count what it really gives: at most one chunk
    more than it declared is ever read. Returns the bytes read."""
    # ``zipfile`` stops a member at its declared size (and then checks the CRC); a copy that
    # declares one chunk more lets the bytes of a lying header show.
    probe = copy.copy(info)
    probe.file_size = info.file_size + CHUNK + 1
    seen = 0
    tail = b""
    try:
        with archive.open(probe) as member:
            while True:
                chunk = member.read(CHUNK)
                if not chunk:
                    break
                seen += len(chunk)
                if seen > info.file_size:
                    raise ArchiveError(
                        _(
                            "thành phần “%(member)s” giải nén ra nhiều hơn kích thước ghi "
                            "trong tệp (%(size)s byte): tệp bị làm giả hoặc bị hỏng; tệp "
                            "không được đọc."
                        )
                        % {"member": _member(info.filename), "size": format_int(info.file_size)},
                        "size_mismatch",
                    )
                if xml:
                    window = tail + chunk
                    if any(mark in window for mark in _DTD_MARKS):
                        raise ArchiveError(
                            _(
                                "thành phần “%(member)s” có khai báo DTD/ENTITY, thứ tệp "
                                "Office không bao giờ chứa; tệp không được đọc."
                            )
                            % {"member": _member(info.filename)},
                            "dtd",
                        )
                    tail = chunk[-16:]
    except RuntimeError as exc:  # "File is encrypted, password required"
        raise ArchiveError(
            _("tệp được đặt mật khẩu; vui lòng bỏ mật khẩu rồi tải lên lại."), "encrypted"
        ) from exc
    except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, ValueError) as exc:
        raise _corrupt() from exc
    if seen != info.file_size:
        raise ArchiveError(
            _(
                "thành phần “%(member)s” giải nén ra %(seen)s byte, khác %(size)s byte ghi "
                "trong tệp: tệp bị hỏng; tệp không được đọc."
            )
            % {
                "member": _member(info.filename),
                "seen": format_int(seen),
                "size": format_int(info.file_size),
            },
            "size_mismatch",
        )
    return seen


def check_zip(
    fileobj: IO[bytes], *, limits: ArchiveLimits | None = None, xml: bool = False
) -> list[str]:
    """Refuse ``fileobj`` (a seekable binary file) with an ``ArchiveError`` unless it is a zip
    archive within ``limits`` (the settings' when None) that inflates to what it declares;
    returns its member names. With ``xml``, its XML parts must carry no DTD. The file is
    rewound to its start either way."""
    lim = limits or configured_limits()
    try:
        count, cd_size = _directory(fileobj)
        if count > lim.max_members:
            raise _too_many(count, lim.max_members)
        if cd_size > max(lim.max_members, 1) * DIRECTORY_BYTES_PER_MEMBER:
            # A directory far bigger than its count says: more entries than it admits.
            raise ArchiveError(
                _(
                    "mục lục của tệp nén dài %(size)s byte, quá lớn cho %(count)s thành phần "
                    "nó khai báo (tối đa %(limit)s thành phần); tệp không được đọc."
                )
                % {
                    "size": format_int(cd_size),
                    "count": format_int(count),
                    "limit": format_int(lim.max_members),
                },
                "members",
            )
        fileobj.seek(0)
        try:
            archive = zipfile.ZipFile(fileobj)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error) as exc:
            raise _corrupt() from exc
        with archive:
            infos = archive.infolist()
            if len(infos) > lim.max_members:
                raise _too_many(len(infos), lim.max_members)
            _check_declared(infos, lim)
            total = 0
            for info in infos:
                total += _inflate(
                    archive, info, xml=xml and info.filename.lower().endswith(_XML_SUFFIXES)
                )
                if total > lim.max_total_bytes:  # members that share their data
                    raise _total(total, lim.max_total_bytes)
            return [info.filename for info in infos]
    finally:
        fileobj.seek(0)


def _total(total: int, limit: int) -> ArchiveError:
    return ArchiveError(
        _(
            "nội dung của tệp khi giải nén lên tới %(size)s MB, vượt giới hạn %(limit)s MB; "
            "tệp không được đọc."
        )
        % {"size": _mb(total), "limit": _mb(limit)},
        "total_size",
    )


def _check_declared(infos: list[zipfile.ZipInfo], lim: ArchiveLimits) -> None:
    """The sizes every member declares, before one byte is inflated."""
    total = 0
    for info in infos:
        limit = lim.max_member_bytes
        if info.file_size > limit:
            raise ArchiveError(
                _(
                    "thành phần “%(member)s” giải nén ra %(size)s MB, vượt giới hạn %(limit)s MB "
                    "cho một thành phần; tệp không được đọc."
                )
                % {
                    "member": _member(info.filename),
                    "size": _mb(info.file_size),
                    "limit": _mb(limit),
                },
                "member_size",
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > lim.max_ratio:
            raise ArchiveError(
                _(
                    "thành phần “%(member)s” được nén tới %(ratio)s lần (giới hạn %(limit)s "
                    "lần): dấu hiệu của “bom giải nén”; tệp không được đọc."
                )
                % {
                    "member": _member(info.filename),
                    "ratio": format_int(int(ratio)),
                    "limit": format_int(lim.max_ratio),
                },
                "ratio",
            )
        total += info.file_size
    if total > lim.max_total_bytes:
        raise _total(total, lim.max_total_bytes)

"""Building real workbooks and zip archives, good and hostile, for the tests of the archive
guard and the XLSX reader (lantoa.core.archives, lantoa.core.xlsx) and of every reader that
uses them."""

from __future__ import annotations

import io
import os
import resource
import struct
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import openpyxl

MiB = 1024 * 1024
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def workbook_bytes(rows: Sequence[Sequence[Any]], *, title: str = "Trang 1") -> bytes:
    """A workbook as Excel would save it (text in the shared strings table)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


Content = bytes | Callable[[], Iterable[bytes]]


def rebuild(
    data: bytes, replace: dict[str, Content], *, lie: dict[str, int] | None = None
) -> bytes:
    """``data`` with some members' content replaced (bytes, or a function giving chunks, so a
    member of hundreds of MiB is written without holding it), deflated. ``lie`` patches the
    uncompressed size the local and central headers declare for some members."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = [i.filename for i in source.infolist()]
        names += [n for n in replace if n not in names]
        for name in names:
            content = replace.get(name)
            if content is None:
                target.writestr(name, source.read(name))
            elif isinstance(content, bytes):
                target.writestr(name, content)
            else:
                info = zipfile.ZipInfo(name)
                info.compress_type = zipfile.ZIP_DEFLATED
                with target.open(info, "w") as member:
                    for chunk in content():
                        member.write(chunk)
    raw = bytearray(out.getvalue())
    for name, declared in (lie or {}).items():
        info = zipfile.ZipFile(io.BytesIO(bytes(raw))).getinfo(name)
        struct.pack_into("<L", raw, info.header_offset + 22, declared)
        central = raw.find(b"PK\x01\x02")
        while central >= 0:
            (name_len,) = struct.unpack_from("<H", raw, central + 28)
            if raw[central + 46 : central + 46 + name_len] == name.encode():
                struct.pack_into("<L", raw, central + 24, declared)
                break
            central = raw.find(b"PK\x01\x02", central + 4)
    return bytes(raw)


def repeated(head: bytes, unit: bytes, size: int, tail: bytes) -> Callable[[], Iterator[bytes]]:
    """Chunks of ``head``, ``unit`` repeated to about ``size`` bytes, ``tail``."""

    def chunks() -> Iterator[bytes]:
        yield head
        block = unit * max(1, MiB // len(unit))
        for _ in range(size // len(block)):
            yield block
        yield tail

    return chunks


def sheet_xml(sheet_data: bytes, *, dimension: str = "A1", before: bytes = b"") -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<worksheet xmlns="' + MAIN_NS.encode() + b'" '
        b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        b'<dimension ref="' + dimension.encode() + b'"/>' + before + b"<sheetData>" + sheet_data
        + b"</sheetData></worksheet>"
    )  # fmt: skip


def with_sheet(
    sheet: bytes | Callable[[], Iterable[bytes]], rows: Sequence[Sequence[Any]] = (("x",),)
) -> bytes:
    """A real workbook whose first sheet is replaced by ``sheet``."""
    return rebuild(workbook_bytes(rows), {"xl/worksheets/sheet1.xml": sheet})


def shared_strings_bomb(mib: int = 300) -> bytes:
    """The finding's bomb: a workbook of a few hundred KB whose shared strings table holds one
    string of ``mib`` MiB."""
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="' + MAIN_NS.encode() + b'" '
        b'count="1" uniqueCount="1"><si><t>'
    )
    return rebuild(
        workbook_bytes([["Mã đơn vị", "Tên đơn vị"], ["A", "B"]]),
        {"xl/sharedStrings.xml": repeated(head, b"a", mib * MiB, b"</t></si></sst>")},
    )


def lying_member(mib: int = 64, declared: int = 2000) -> bytes:
    """A workbook whose shared strings member declares ``declared`` bytes and inflates to
    ``mib`` MiB (its CRC is right: only the size lies)."""
    head = b'<?xml version="1.0"?><sst xmlns="' + MAIN_NS.encode() + b'"><si><t>'
    return rebuild(
        workbook_bytes([["Mã đơn vị"], ["A"]]),
        {"xl/sharedStrings.xml": repeated(head, b"ab", mib * MiB, b"</t></si></sst>")},
        lie={"xl/sharedStrings.xml": declared},
    )


def many_members(count: int, *, claim: int | None = None) -> bytes:
    """A zip of ``count`` empty members (``claim``: the count its end record states)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for i in range(count):
            archive.writestr(f"x/{i:07d}.xml", b"")
    raw = bytearray(out.getvalue())
    if claim is not None:
        end = raw.rfind(b"PK\x05\x06")
        struct.pack_into("<HH", raw, end + 8, claim, claim)
    return bytes(raw)


@dataclass
class Cost:
    seconds: float = 0.0
    peak_bytes: int = 0


@contextmanager
def bounded(max_seconds: float = 10.0, max_peak_mib: float = 32.0) -> Iterator[Cost]:
    """Measure the block (time; peak of Python's allocations with tracemalloc, zlib's and
    lxml's buffers included where they allocate through Python) and assert both stay small.
    On Linux the address space is capped 1 GiB above what the process holds, so a
    regression fails fast with a MemoryError instead of swallowing the machine."""
    cost = Cost()
    limits = None
    if os.path.exists("/proc/self/status"):
        held = _vm_size()
        limits = resource.getrlimit(resource.RLIMIT_AS)
        cap = held + 1024 * MiB
        if limits[1] == resource.RLIM_INFINITY or cap < limits[1]:
            resource.setrlimit(resource.RLIMIT_AS, (cap, limits[1]))
    tracemalloc.start()
    start = time.perf_counter()
    try:
        yield cost
    finally:
        cost.seconds = time.perf_counter() - start
        cost.peak_bytes = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        if limits is not None:
            resource.setrlimit(resource.RLIMIT_AS, limits)
    assert cost.seconds < max_seconds, f"took {cost.seconds:.1f} s"
    assert cost.peak_bytes < max_peak_mib * MiB, f"peak {cost.peak_bytes / MiB:.1f} MiB"


def _vm_size() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0

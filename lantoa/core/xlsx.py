"""Reading the first sheet of an uploaded XLSX workbook with memory and time bounded whatever
the file holds.

openpyxl, even in read-only mode, trusts the file: it loads every shared string, keeps every
element it does not know until the end of the sheet, builds a whole row before giving it, and
fills the gaps up to the sheet's declared dimension (a 5 KB file declaring A1:XFD1048576 asks
for 17 billion cells). So uploads are read here, with lxml's streaming parser and openpyxl's
own date rules (``from_excel``, ``is_date_format``, its built-in number formats), giving the
values openpyxl would give (``data_only``):

- the archive first passes ``lantoa.core.archives.check_zip`` (member count, declared and
  actual sizes, compression ratio, no DTD in any XML part);
- every part is parsed as a stream and each element is dropped once read; at most
  ``MAX_ELEMENTS_BETWEEN`` elements may come between two cells (or two shared strings,
  or two styles), so elements the reader does not know cannot pile up;
- a row may have at most ``MAX_COLUMN`` cells and ``MAX_ROW_CHARS`` characters, a cell must
  lie inside Excel's grid, there are at most ``MAX_SHARED_STRINGS`` shared strings holding at
  most ``MAX_SHARED_CHARS`` characters, and the rows are given one at a time, sparse (only the
  cells the file has), so the caller decides how many it keeps.

Any breach raises ``XlsxError`` with a Vietnamese sentence (lower case first, like the other
file errors).
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Callable, Iterator
from typing import IO, Any

from django.utils.translation import gettext as _
from lxml import etree

from lantoa.core import archives
from lantoa.core.text import format_int

MAX_ROW = 1_048_576  # Excel's grid
MAX_COLUMN = 16_384
MAX_ROW_CHARS = 4_000_000
MAX_SHARED_STRINGS = 2_000_000
MAX_SHARED_CHARS = 64 * 1024 * 1024
MAX_STYLES = 200_000
MAX_ELEMENTS_BETWEEN = 100_000
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_REL_TYPES = ("http://schemas.openxmlformats.org/", "http://purl.oclc.org/ooxml/")


class XlsxError(Exception):
    """The workbook cannot be read; ``str()`` is a Vietnamese sentence for the officer."""


def _broken() -> XlsxError:
    return XlsxError(_("tệp Excel bị hỏng hoặc không phải định dạng .xlsx."))


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _stream(
    archive: zipfile.ZipFile,
    name: str,
    units: frozenset[str],
    keep: frozenset[str] = frozenset(),
    holders: frozenset[str] | None = None,
    stop: str = "",
) -> Iterator[Any]:
    """The elements of part ``name`` whose local name is in ``units``, each at its end (with
    its children), removed from the tree once the caller has read it. Elements in ``keep``
    inside one of ``holders`` (the units when None) or another kept element stay until their
    unit ends (a cell's value); any other element is removed at its end. At most
    ``MAX_ELEMENTS_BETWEEN`` elements between two units. Ends at the end of ``stop``."""
    kept_in = (units if holders is None else holders) | keep
    try:
        source = archive.open(name)
    except KeyError as exc:
        raise _broken() from exc
    seen = 0
    with source:
        parser = etree.iterparse(
            source,
            events=("end",),
            resolve_entities=False,
            load_dtd=False,
            no_network=True,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        )
        try:
            for _event, element in parser:
                local = _local(element.tag)
                if local in units:
                    seen = 0
                    yield element
                else:
                    seen += 1
                    if seen > MAX_ELEMENTS_BETWEEN:
                        raise _too_dense(name)
                parent = element.getparent()
                if local in keep and parent is not None and _local(parent.tag) in kept_in:
                    continue
                if local == stop:
                    return
                element.clear()
                if parent is not None:
                    parent.remove(element)
        except (etree.LxmlError, zipfile.BadZipFile, OSError, EOFError) as exc:
            raise _broken() from exc


def _too_dense(name: str) -> XlsxError:
    return XlsxError(
        _(
            "phần “%(part)s” của tệp Excel có quá nhiều thành phần XML liền nhau mà không có "
            "ô dữ liệu nào (tối đa %(limit)s); tệp không được đọc."
        )
        % {"part": name[:80], "limit": format_int(MAX_ELEMENTS_BETWEEN)}
    )


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Id → (type, member name) of the part's relationships (none when it has no .rels)."""
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    if rels not in archive.NameToInfo:
        return {}
    found: dict[str, tuple[str, str]] = {}
    for rel in _stream(archive, rels, frozenset({"Relationship"})):
        target = rel.get("Target") or ""
        if rel.get("TargetMode") == "External" or not target:
            continue
        path = target[1:] if target.startswith("/") else posixpath.join(folder, target)
        found[rel.get("Id") or ""] = (rel.get("Type") or "", posixpath.normpath(path))
        if len(found) > MAX_STYLES:
            raise _broken()
    return found


def _of_type(rel_type: str, kind: str) -> bool:
    return rel_type.startswith(_REL_TYPES) and rel_type.endswith("/" + kind)


def _workbook_part(archive: zipfile.ZipFile) -> str:
    for rel_type, target in _relationships(archive, "").values():
        if _of_type(rel_type, "officeDocument"):
            return target
    return "xl/workbook.xml"


def _first_sheet(archive: zipfile.ZipFile, workbook: str) -> tuple[str, Any, dict[str, str]]:
    """(member name of the first worksheet, date epoch, other parts by relationship kind)."""
    # openpyxl is imported when a workbook is read, not by every process that starts the
    # product (a fifth of Django's start-up): here and in the functions below.
    from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH

    rels = _relationships(archive, workbook)
    epoch = WINDOWS_EPOCH
    sheet = ""
    for element in _stream(archive, workbook, frozenset({"sheet", "workbookPr"})):
        if _local(element.tag) == "workbookPr":
            if (element.get("date1904") or "").lower() in ("1", "true"):
                epoch = MAC_EPOCH
            continue
        rel = rels.get(element.get(f"{{{_REL_NS}}}id") or "")
        if not sheet and rel is not None and _of_type(rel[0], "worksheet"):
            sheet = rel[1]
    if not sheet:
        raise XlsxError(_("tệp Excel không có trang tính nào."))
    parts: dict[str, str] = {}
    for rel_type, target in rels.values():
        for kind in ("sharedStrings", "styles"):
            if _of_type(rel_type, kind):
                parts.setdefault(kind, target)
    return sheet, epoch, parts


def _text(element: Any) -> str:
    """The text of a string item (``si``, ``is``): its ``t`` and its runs' ``t``, without
    phonetic hints (``rPh``), as openpyxl gives it."""
    parts: list[str] = []
    for child in element:
        local = _local(child.tag)
        if local == "t":
            parts.append(child.text or "")
        elif local == "r":
            parts.extend(g.text or "" for g in child if _local(g.tag) == "t")
    return "".join(parts)


def _shared_strings(archive: zipfile.ZipFile, name: str | None) -> list[str]:
    if not name:
        return []
    strings: list[str] = []
    chars = 0
    for si in _stream(archive, name, frozenset({"si"}), keep=frozenset({"t", "r", "rPh"})):
        text = _text(si).replace("x005F_", "")
        chars += len(text)
        strings.append(text)
        if len(strings) > MAX_SHARED_STRINGS or chars > MAX_SHARED_CHARS:
            raise XlsxError(
                _(
                    "tệp Excel có hơn %(count)s chuỗi ký tự dùng chung hoặc hơn %(chars)s ký "
                    "tự; tệp không được đọc."
                )
                % {"count": format_int(MAX_SHARED_STRINGS), "chars": format_int(MAX_SHARED_CHARS)}
            )
    return strings


def _date_styles(archive: zipfile.ZipFile, name: str | None) -> dict[int, bool]:
    """Cell style index → True (a duration) / False (a date or time) for the styles whose
    number format is a date, as openpyxl decides it."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

    if not name:
        return {}
    custom: dict[int, str] = {}
    styles: list[int] = []
    items = frozenset({"numFmt", "xf", "font", "fill", "border", "dxf", "cellStyle"})
    for element in _stream(archive, name, items):
        if _local(element.tag) not in ("numFmt", "xf"):
            continue
        try:
            fmt_id = int(element.get("numFmtId") or 0)
        except ValueError as exc:
            raise _broken() from exc
        parent = element.getparent()
        within = _local(parent.tag) if parent is not None else ""
        if _local(element.tag) == "numFmt" and within == "numFmts":
            custom[fmt_id] = element.get("formatCode") or ""
        elif _local(element.tag) == "xf" and within == "cellXfs":
            styles.append(fmt_id)
        if len(styles) + len(custom) > MAX_STYLES:
            raise _broken()
    dates: dict[int, bool] = {}
    for index, fmt_id in enumerate(styles):
        code = custom.get(fmt_id) or BUILTIN_FORMATS.get(fmt_id)
        if code and is_date_format(code):
            dates[index] = is_timedelta_format(code)
    return dates


def _number(raw: str) -> float | int:
    return float(raw) if ("." in raw or "e" in raw or "E" in raw) else int(raw)


def _outside(row: int, column: int) -> XlsxError:
    return XlsxError(
        _(
            "tệp Excel ghi một ô ở dòng %(row)s, cột %(column)s, ngoài giới hạn của Excel "
            "(%(rows)s dòng, %(columns)s cột); tệp không được đọc."
        )
        % {
            "row": format_int(row),
            "column": format_int(column),
            "rows": format_int(MAX_ROW),
            "columns": format_int(MAX_COLUMN),
        }
    )


def iter_rows(
    fileobj: IO[bytes], *, limits: archives.ArchiveLimits | None = None
) -> Iterator[tuple[int, dict[int, Any]]]:
    """The rows of the workbook's first sheet that hold a cell: (row number as Excel shows it,
    {column number from 1: value}), the values as openpyxl gives them in ``data_only`` mode
    (str, int, float, bool, datetime, time, timedelta). ``XlsxError`` for a file that is not a
    workbook or breaks a limit (see the module)."""
    try:
        archives.check_zip(fileobj, limits=limits, xml=True)
    except archives.ArchiveError as exc:
        if exc.code == "corrupt":
            raise _broken() from exc
        raise XlsxError(_("tệp Excel bị từ chối: %(reason)s") % {"reason": str(exc)}) from exc
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _broken() from exc
    with archive:
        sheet, epoch, parts = _first_sheet(archive, _workbook_part(archive))
        if sheet not in archive.NameToInfo:
            raise _broken()
        strings = _shared_strings(archive, parts.get("sharedStrings"))
        dates = _date_styles(archive, parts.get("styles"))
        yield from _sheet_rows(archive, sheet, strings, dates, epoch)


def _sheet_rows(
    archive: zipfile.ZipFile,
    sheet: str,
    strings: list[str],
    dates: dict[int, bool],
    epoch: Any,
) -> Iterator[tuple[int, dict[int, Any]]]:
    """The sheet's rows as openpyxl numbers them: a row's ``r``, else the one before plus one;
    a cell's column from its ``r``, else the one before plus one."""
    from openpyxl.utils.cell import coordinate_to_tuple

    row_number = column = count = chars = 0
    cells: dict[int, Any] = {}
    value_of = _cell_reader(strings, dates, epoch)
    for element in _stream(
        archive,
        sheet,
        frozenset({"c", "row", "sheetData"}),
        keep=frozenset({"v", "f", "is", "t", "r", "rPh"}),
        holders=frozenset({"c"}),
        stop="sheetData",
    ):
        local = _local(element.tag)
        if local == "c":
            parent = element.getparent()
            if parent is None or _local(parent.tag) != "row":
                continue  # a cell outside a row: openpyxl ignores it too
            ref = element.get("r")
            if ref:
                try:
                    column = coordinate_to_tuple(ref)[1]
                except (ValueError, TypeError) as exc:
                    raise _broken() from exc
            else:
                column += 1
            count += 1
            if not 1 <= column <= MAX_COLUMN or count > MAX_COLUMN:
                raise _outside(row_number + 1, column)
            value = value_of(element)
            if value is None:
                continue
            if isinstance(value, str):
                chars += len(value)
                if chars > MAX_ROW_CHARS:
                    raise XlsxError(
                        _(
                            "dòng %(row)s của tệp Excel chứa hơn %(limit)s ký tự; tệp không "
                            "được đọc."
                        )
                        % {"row": format_int(row_number + 1), "limit": format_int(MAX_ROW_CHARS)}
                    )
            cells[column] = value
        elif local == "row":
            declared = element.get("r")
            try:
                number = int(declared) if declared else row_number + 1
            except ValueError as exc:
                raise _broken() from exc
            if not 1 <= number <= MAX_ROW:
                raise _outside(number, max(column, 1))
            if cells:
                yield number, cells
            row_number, column, count, chars, cells = number, 0, 0, 0, {}


def _cell_reader(strings: list[str], dates: dict[int, bool], epoch: Any) -> Callable[[Any], Any]:
    from openpyxl.utils.datetime import from_excel, from_ISO8601

    def value_of(cell: Any) -> Any:
        kind = cell.get("t") or "n"
        if kind == "inlineStr":
            for child in cell:
                if _local(child.tag) == "is":
                    return _text(child)
            return None
        raw = None
        for child in cell:
            if _local(child.tag) == "v":
                raw = child.text or None
                break
        if raw is None:
            return None
        try:
            if kind == "n":
                number = _number(raw)
                style = int(cell.get("s") or 0)
                if style in dates:
                    try:
                        return from_excel(number, epoch, timedelta=dates[style])
                    except (OverflowError, ValueError):
                        return "#VALUE!"
                return number
            if kind == "s":
                return strings[int(raw)]
            if kind == "b":
                return bool(int(raw))
            if kind == "d":
                return from_ISO8601(raw)
        except (ValueError, IndexError, TypeError) as exc:
            raise _broken() from exc
        return raw  # "str" (a formula's text), "e" (an error such as #N/A)

    return value_of

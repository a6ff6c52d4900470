"""Writing a large tabular workbook as a stream of bytes: the XLSX of an export of hundreds of
thousands of rows, sent while its rows are still being read (``lantoa.core.tabular.xlsx_chunks``
is the way in; reports, templates and small files keep openpyxl).

openpyxl costs about 4,7 µs of CPU a cell even in write-only mode, so a 56-column export of
500.000 responses took minutes. Here each row's XML is put together from fragments made once:
the start of every cell of a column (``<c r="BD``), and, for the values a column repeats (codes,
short texts, small numbers), the rest of the cell, kept in a bounded cache.

The file is plain SpreadsheetML (ECMA-376): ``[Content_Types].xml``, the package and workbook
relationships, minimal ``docProps`` (core, app), ``xl/workbook.xml``, ``xl/styles.xml`` and one
worksheet per sheet. Text is written inline (``t="inlineStr"``): no shared-string table to hold
in memory. Each sheet's header row is bold and frozen; column widths come from the header and
the first ``SAMPLE_ROWS`` rows. The archive is written by ``zipfile`` to a sink that cannot seek
(so every member carries a data descriptor) and its bytes are handed on as they come.

Cells, as ``tabular`` writes them everywhere else:

- int, float, Decimal → a number; bool → a boolean; None and "" → no cell;
- date, datetime, time → Excel's serial number with a dd/mm/yyyy (hh:mm) style (an aware
  datetime in the current time zone);
- anything else → text (a lazy translation as its text): characters XML 1.0 cannot carry
  (control characters other than tab and line breaks) are removed, ``& < >`` escaped, and at
  most Excel's 32.767 characters are kept; text that a spreadsheet would run as a formula
  (``formulas.formula_like``) is marked ``quotePrefix`` (Excel's "typed with an apostrophe"),
  so it stays inert. No cell is ever a formula.

ZIP64: Python's zipfile must know before a member is written whether it may pass 4 GiB, and
Excel refuses (or "repairs") a small member written in the ZIP64 form, so a worksheet uses it
only when its size, estimated from the first rows and the expected number of rows, could come
near the limit.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from itertools import islice
from typing import Any, NamedTuple

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from lantoa.core.formulas import formula_like

MAX_ROW = 1_048_576  # Excel's grid
MAX_COLUMN = 16_384
MAX_TEXT = 32_767  # characters Excel keeps in a cell
SAMPLE_ROWS = 100  # rows read before the sheet starts, for the column widths and the size
BATCH_ROWS = 256  # rows put together before they are compressed
CHUNK_BYTES = 64 * 1024  # compressed bytes handed on at once (at least)
CACHE_ENTRIES = 4_096  # cell fragments kept per sheet (about 1 MB at most)
CACHE_TEXT = 40  # longer text is not kept
CACHE_INT = 1_000  # nor larger numbers (identifiers, amounts: seldom repeated)
ZIP64_MARGIN = 2.0  # estimated size × this must stay under 4 GiB to write without ZIP64
COMPRESS_LEVEL = 1  # zlib: XML compresses well at 1, level 6 costs 2–3 × the CPU

STYLE_HEADER = 1
STYLE_TEXT_GUARDED = 2  # quotePrefix
STYLE_DATE = 3
STYLE_DATETIME = 4
STYLE_TIME = 5
STYLE_HEADER_GUARDED = 6

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 (the 1900 system, after its 29/02/1900)
_LEAP_BUG_END = dt.date(1900, 3, 1)
_FIRST_DAY = dt.date(1900, 1, 1)

# Characters XML 1.0 cannot carry (removed), and the three that must be escaped in text.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPECIAL = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")


class StreamSheet(NamedTuple):
    """One worksheet: its title (at most 31 characters are kept), its header row, its rows
    (read once, in order) and, when known, about how many rows there will be (for the ZIP64
    decision; without it Excel's row limit is assumed)."""

    title: str
    header: Sequence[Any]
    rows: Iterable[Sequence[Any]]
    rows_hint: int | None = None


def column_letter(index: int) -> str:
    """Excel's name of column ``index`` (from 1): A … Z, AA … XFD."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def escape_text(text: str) -> str:
    """Text for XML content: characters XML 1.0 cannot carry removed, ``& < >`` escaped."""
    if _SPECIAL.search(text) is None:
        return text
    text = _ILLEGAL.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute(text: str) -> str:
    return escape_text(text).replace('"', "&quot;")


def _text_cell(text: str, style: int, guarded_style: int) -> str:
    """The end of a text cell (after ``<c r="A1"``), or "" when nothing is left to write."""
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT]
    if _SPECIAL.search(text) is not None:
        text = _ILLEGAL.sub("", text)
        if not text:
            return ""
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    else:
        escaped = text
    if formula_like(text):
        style = guarded_style
    styled = f' s="{style}"' if style else ""
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f'{styled} t="inlineStr"><is><t{space}>{escaped}</t></is></c>'


def _serial_day(day: dt.date) -> int | None:
    if day < _FIRST_DAY:
        return None
    days = (day - _EPOCH).days
    return days - 1 if day < _LEAP_BUG_END else days  # Excel counts a 29/02/1900


def _cell_end(value: Any) -> str:
    """The end of the cell holding ``value`` (after ``<c r="A1"``); "" for no cell."""
    kind = type(value)
    if value is None or (kind is str and not value):
        return ""
    if kind is int:
        return f"><v>{value}</v></c>"
    if kind is str:
        return _text_cell(value, 0, STYLE_TEXT_GUARDED)
    if kind is bool:
        return f' t="b"><v>{int(value)}</v></c>'
    if kind is float or isinstance(value, float):
        if math.isfinite(value):
            return f"><v>{float(value)!r}</v></c>"
        return _text_cell(str(value), 0, STYLE_TEXT_GUARDED)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"><v>{int(value)}</v></c>"
    if isinstance(value, Decimal):
        if value.is_finite():
            return f"><v>{value}</v></c>" if "E" not in str(value) else _cell_end(float(value))
        return _text_cell(str(value), 0, STYLE_TEXT_GUARDED)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = timezone.make_naive(value)
        day = _serial_day(value.date())
        if day is None:
            return _text_cell(value.strftime("%d/%m/%Y %H:%M"), 0, STYLE_TEXT_GUARDED)
        fraction = (
            value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
        ) / 86400
        return f' s="{STYLE_DATETIME}"><v>{day + fraction!r}</v></c>'
    if isinstance(value, dt.date):
        day = _serial_day(value)
        if day is None:
            return _text_cell(value.strftime("%d/%m/%Y"), 0, STYLE_TEXT_GUARDED)
        return f' s="{STYLE_DATE}"><v>{day}</v></c>'
    if isinstance(value, dt.time):
        seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
        return f' s="{STYLE_TIME}"><v>{seconds / 86400!r}</v></c>'
    if isinstance(value, Promise):
        value = str(value)
    return _text_cell(str(value), 0, STYLE_TEXT_GUARDED)


def _display_width(value: Any) -> int:
    """About how many characters the value takes on screen."""
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, float):
        return min(len(repr(value)), 12)
    text = str(value)
    return max((len(line) for line in text.split("\n")), default=0)


class _RowWriter:
    """Puts rows of cells together as XML, cell by cell from fragments made once."""

    def __init__(self) -> None:
        self.starts: list[str] = []  # '<c r="A', '<c r="B', …
        self.cache: dict[Any, str] = {None: "", "": ""}

    def _widen(self, width: int) -> None:
        for index in range(len(self.starts) + 1, min(width, MAX_COLUMN) + 1):
            self.starts.append(f'<c r="{column_letter(index)}')

    def header(self, number: int, values: Sequence[Any]) -> str:
        if len(values) > len(self.starts):
            self._widen(len(values))
        tail = f'{number}"'
        cells = [f'<row r="{number}">']
        for start, value in zip(self.starts, values, strict=False):
            if isinstance(value, Promise):
                value = str(value)
            if value is None or value == "":
                continue
            end = _text_cell(str(value), STYLE_HEADER, STYLE_HEADER_GUARDED)
            if end:
                cells.append(f"{start}{tail}{end}")
        cells.append("</row>")
        return "".join(cells)

    def row(self, number: int, values: Sequence[Any]) -> str:
        """``<row>`` of ``values``: the bulk of an export's time is spent here."""
        if len(values) > len(self.starts):
            self._widen(len(values))
        cache = self.cache
        get = cache.get
        tail = f'{number}"'
        cells = [f'<row r="{number}">']
        append = cells.append
        for start, value in zip(self.starts, values, strict=False):
            kind = type(value)
            if kind is int or kind is str or value is None:
                end = get(value)
                if end is None:
                    end = _cell_end(value)
                    if len(cache) < CACHE_ENTRIES and (
                        len(value) <= CACHE_TEXT if kind is str else -CACHE_INT < value < CACHE_INT
                    ):
                        cache[value] = end
            else:
                end = _cell_end(value)
            if end:
                append(f"{start}{tail}{end}")
        append("</row>")
        return "".join(cells)


def _sheet_head(widths: Sequence[float], frozen: bool, selected: bool) -> str:
    view = ' tabSelected="1"' if selected else ""
    pane = (
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
        if frozen
        else ""
    )
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>'
        for i, w in enumerate(widths, start=1)
    )
    return (
        f'{_XML_DECL}<worksheet xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
        f'<sheetViews><sheetView workbookViewId="0"{view}>{pane}</sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        + (f"<cols>{cols}</cols>" if cols else "")
        + "<sheetData>"
    )


_SHEET_TAIL = (
    '</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
    'footer="0.3"/></worksheet>'
)


def _widths(header: Sequence[Any], sample: Sequence[Sequence[Any]]) -> list[float]:
    count = max([len(header), *(len(r) for r in sample)], default=0)
    widths: list[float] = []
    for index in range(min(count, MAX_COLUMN)):
        head = _display_width(header[index]) + 2 if index < len(header) else 0  # bold
        body = max(
            (_display_width(r[index]) for r in sample if index < len(r)),
            default=0,
        )
        widths.append(float(min(max(head, body, 6) + 2, 60)))
    return widths


def sheet_titles(titles: Iterable[str]) -> list[str]:
    """Titles Excel accepts: without ``[ ] : * ? / \\``, not starting or ending with an
    apostrophe, at most 31 characters, unique (case aside), never empty."""
    used: set[str] = set()
    result: list[str] = []
    for number, raw in enumerate(titles, start=1):
        title = _SHEET_TITLE_BAD.sub(" ", _ILLEGAL.sub("", str(raw))).strip().strip("'").strip()
        title = title[:31].strip() or _("Trang tính %(number)s") % {"number": number}
        base, copy = title, 1
        while title.casefold() in used:
            copy += 1
            suffix = f" ({copy})"
            title = base[: 31 - len(suffix)] + suffix
        used.add(title.casefold())
        result.append(title)
    return result


def _content_types(count: int) -> str:
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, count + 1)
    )
    return (
        f"{_XML_DECL}"
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f"{sheets}"
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        "</Types>"
    )


def _package_rels() -> str:
    return (
        f'{_XML_DECL}<Relationships xmlns="{_PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
        'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{_REL_NS}/extended-properties" '
        'Target="docProps/app.xml"/>'
        "</Relationships>"
    )


def _core(now: dt.datetime) -> str:
    stamp = now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f"{_XML_DECL}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<dc:creator>Lan Tỏa</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def _app() -> str:
    return (
        f"{_XML_DECL}<Properties xmlns="
        '"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        "<Application>Lan Tỏa</Application></Properties>"
    )


def _workbook(titles: Sequence[str]) -> str:
    sheets = "".join(
        f'<sheet name="{_attribute(t)}" sheetId="{i}" r:id="rId{i}"/>'
        for i, t in enumerate(titles, start=1)
    )
    return (
        f'{_XML_DECL}<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
        '<bookViews><workbookView activeTab="0"/></bookViews>'
        f"<sheets>{sheets}</sheets></workbook>"
    )


def _workbook_rels(count: int) -> str:
    sheets = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, count + 1)
    )
    return (
        f'{_XML_DECL}<Relationships xmlns="{_PKG_REL_NS}">{sheets}'
        f'<Relationship Id="rId{count + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/>'
        "</Relationships>"
    )


def _styles() -> str:
    """Cell styles by index: 0 normal, 1 header (bold), 2 text typed with an apostrophe
    (quotePrefix), 3 date dd/mm/yyyy, 4 date and time, 5 time, 6 a guarded header."""
    return (
        f'{_XML_DECL}<styleSheet xmlns="{_MAIN_NS}">'
        '<numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
        '<numFmt numFmtId="165" formatCode="dd/mm/yyyy hh:mm"/></numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        "</cellStyleXfs>"
        '<cellXfs count="7">'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="21" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" '
        'quotePrefix="1"/>'
        "</cellXfs>"
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )


class _Sink:
    """Where zipfile writes: bytes kept until they are handed on. It cannot seek (and says
    so by having no ``tell``), so zipfile writes each member's sizes after its data."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        self.size = 0
        return data


def workbook_chunks(
    sheets: Iterable[StreamSheet], *, compress_level: int = COMPRESS_LEVEL
) -> Iterator[bytes]:
    """The workbook's bytes, handed on as they are made: the small parts first, then each
    sheet while its rows are read (``BATCH_ROWS`` at a time, compressed bytes given in
    pieces of at least ``CHUNK_BYTES``)."""
    sheets = list(sheets)
    titles = sheet_titles(s.title for s in sheets)
    now = timezone.localtime()
    sink = _Sink()
    archive = zipfile.ZipFile(
        sink,
        mode="w",
        compression=zipfile.ZIP_DEFLATED,
        allowZip64=True,
        compresslevel=compress_level,
    )
    fixed = [
        ("[Content_Types].xml", _content_types(len(sheets))),
        ("_rels/.rels", _package_rels()),
        ("docProps/core.xml", _core(now)),
        ("docProps/app.xml", _app()),
        ("xl/workbook.xml", _workbook(titles)),
        ("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets))),
        ("xl/styles.xml", _styles()),
    ]
    for name, text in fixed:
        archive.writestr(name, text.encode("utf-8"))
    yield sink.take()
    for number, sheet in enumerate(sheets, start=1):
        yield from _sheet_chunks(
            archive, sink, f"xl/worksheets/sheet{number}.xml", sheet, number == 1
        )
    archive.close()
    yield sink.take()


def _needs_zip64(head: int, sample: Sequence[str], sampled_all: bool, hint: int | None) -> bool:
    """Could the sheet pass 4 GiB (uncompressed)? From the bytes of its first rows."""
    written = head + sum(len(s.encode("utf-8")) for s in sample)
    if sampled_all:
        return written > zipfile.ZIP64_LIMIT
    per_row = written / max(len(sample), 1)
    expected = max(hint or MAX_ROW, len(sample))
    return per_row * expected * ZIP64_MARGIN > zipfile.ZIP64_LIMIT


def _sheet_chunks(
    archive: zipfile.ZipFile,
    sink: _Sink,
    name: str,
    sheet: StreamSheet,
    selected: bool,
) -> Iterator[bytes]:
    rows = iter(sheet.rows)
    sample = list(islice(rows, SAMPLE_ROWS))
    header = list(sheet.header)
    writer = _RowWriter()
    frozen = any(v is not None and v != "" for v in header)
    head = _sheet_head(_widths(header, sample), frozen, selected)
    if frozen:
        head += writer.header(1, header)
    first = 2 if frozen else 1
    parts = [writer.row(n, values) for n, values in enumerate(sample, start=first)]
    everything = len(sample) < SAMPLE_ROWS
    zip64 = _needs_zip64(len(head.encode("utf-8")), parts, everything, sheet.rows_hint)
    with archive.open(name, mode="w", force_zip64=zip64) as target:
        write: Callable[[bytes], int] = target.write
        write(head.encode("utf-8"))
        write("".join(parts).encode("utf-8"))
        number = first + len(sample)
        row = writer.row
        while True:
            batch = [row(n, values) for n, values in enumerate(islice(rows, BATCH_ROWS), number)]
            if not batch:
                break
            number += len(batch)
            write("".join(batch).encode("utf-8"))
            if sink.size >= CHUNK_BYTES:
                yield sink.take()
        write(_SHEET_TAIL.encode("utf-8"))
    if sink.size:
        yield sink.take()

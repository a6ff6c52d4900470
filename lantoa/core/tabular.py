"""Reading CSV and XLSX files that officers upload or pass on the command line, and writing
the ones they download.

Shared by every importer (units, activities, articles): the file is checked by name and size, read
whole (the first sheet of a workbook; a CSV in UTF-8 with "," or ";"), its header mapped to
column keys through diacritic-free aliases, and blank rows skipped. Row numbers are the ones
the officer sees in Excel: the header is row 1. Errors are Vietnamese and name the row and
the column.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePath
from typing import IO, TYPE_CHECKING, Any, NoReturn

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from lantoa.core import archives, xlsx
from lantoa.core.formulas import formula_like
from lantoa.core.text import fold, format_int

if TYPE_CHECKING:
    from lantoa.core.xlsx_stream import StreamSheet

ALLOWED_EXTENSIONS = (".csv", ".xlsx")
MAX_COLUMNS = xlsx.MAX_COLUMN  # Excel's; a CSV line with more is refused
MAX_COUNT = 2_147_483_647
ERRORS_SHOWN = 200  # errors listed on a screen or a terminal; the rest are counted


class ImportFileError(Exception):
    """The file as a whole cannot be read (type, size, encoding, header)."""


@dataclass(frozen=True)
class RowError:
    """One problem, named by row and column (``Sheet.error`` fills in the column's label)."""

    row: int  # as the user sees it in Excel: the header is row 1; 0 for the file as a whole
    field: str  # a column key, or "" for the whole row or file
    message: str
    label: str = ""  # the Vietnamese column name shown to the officer

    def __str__(self) -> str:
        if self.row == 0:
            return self.message[:1].upper() + self.message[1:]
        if not self.field:
            return _("Dòng %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return _("Dòng %(row)s, cột “%(label)s”: %(message)s") % {
            "row": self.row,
            "label": self.label,
            "message": self.message,
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "field": self.field,
            "label": self.label,
            "message": self.message,
            "text": str(self),
        }


@dataclass
class ImportResult:
    """What an import did: the data rows read and, when it wrote nothing, every problem.
    Importers subclass it with their counts and ``summary_text``."""

    rows: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary_text(self) -> str:
        """What was written, in one Vietnamese sentence (for the command line)."""
        raise NotImplementedError


def header_aliases(
    columns: Sequence[str], labels: Mapping[str, str], extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Folded header text → column key: the key itself ("unit_code", "unit code"), its
    Vietnamese label ("Mã đơn vị", "ma don vi") and any ``extra`` folded aliases."""
    return {
        **{fold(key): key for key in columns},
        **{fold(key.replace("_", " ")): key for key in columns},
        **{fold(label): key for key, label in labels.items()},
        **(extra or {}),
    }


def check_upload(name: str, size: int | None) -> None:
    """Refuse a file by its name and size before reading it. Shared by forms and readers."""
    if PurePath(name).suffix.lower() not in ALLOWED_EXTENSIONS:
        raise ImportFileError(
            _("tệp “%(name)s” không đúng loại: chỉ nhận tệp .csv (UTF-8) hoặc .xlsx (Excel).")
            % {"name": name}
        )
    limit = settings.LANTOA_IMPORT_MAX_BYTES
    if size is not None and size > limit:
        raise ImportFileError(
            _("tệp “%(name)s” quá lớn (%(size)s byte); giới hạn là %(limit)s byte.")
            % {"name": name, "size": format_int(size), "limit": format_int(limit)}
        )


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text the officer sees (dates as dd/mm/yyyy)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "strftime") and hasattr(value, "year"):
        # openpyxl gives date cells as datetime; keep only the day.
        return str(value.strftime("%d/%m/%Y"))
    text = str(value).strip()
    # A cell that ``safe_cell`` guarded on the way out reads back as it was.
    return text[1:].strip() if text[:1] == "'" and formula_like(text[1:]) else text


def check_file(fileobj: IO[bytes], name: str, size: int | None) -> None:
    """``check_upload``, then for a workbook the checks of its archive that need no parsing
    (``lantoa.core.archives``): a screen refuses a decompression bomb before storing it. The
    file is rewound."""
    check_upload(name, size)
    if PurePath(name).suffix.lower() == ".xlsx":
        try:
            archives.check_zip(fileobj, xml=True)
        except archives.ArchiveError as exc:
            raise ImportFileError(_xlsx_refusal(exc)) from exc


def _xlsx_refusal(exc: archives.ArchiveError) -> str:
    if exc.code == "corrupt":
        return _("tệp Excel bị hỏng hoặc không phải định dạng .xlsx.")
    return _("tệp Excel bị từ chối: %(reason)s") % {"reason": str(exc)}


# (row number as the officer sees it, the row's cells: a list, or {column from 1: value})
_Rows = Iterator[tuple[int, list[str] | dict[int, Any]]]


def _read_csv(data: bytes) -> _Rows:
    if b"\x00" in data[:4096]:
        raise ImportFileError(
            _("tệp không phải CSV dạng văn bản; vui lòng lưu lại thành CSV UTF-8.")
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _(
                "tệp CSV không dùng bảng mã UTF-8; vui lòng chọn “CSV UTF-8 (Comma "
                "delimited)” khi lưu trong Excel."
            )
        ) from exc
    first_line = text.split("\n", 1)[0]
    # Excel in Vietnamese locales writes ";" (the comma is the decimal separator); the header
    # never contains either character, so counting them there is a reliable sniff.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    if text.count(delimiter) >= MAX_COLUMNS:
        # One line of a million separators would be a list of a million cells.
        for number, line in enumerate(io.StringIO(text, newline=""), start=1):
            if line.count(delimiter) >= MAX_COLUMNS:
                raise ImportFileError(
                    _("dòng %(row)s có hơn %(limit)s cột; tệp không được đọc.")
                    % {"row": format_int(number), "limit": format_int(MAX_COLUMNS)}
                )
    yield from enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1)


def _read_xlsx(fileobj: IO[bytes]) -> _Rows:
    try:
        yield from xlsx.iter_rows(fileobj)
    except xlsx.XlsxError as exc:
        raise ImportFileError(str(exc)) from exc


def _cell(cells: list[str] | dict[int, Any], index: int) -> str:
    """The text of the ``index``-th cell (from 0) of a row from either reader."""
    if isinstance(cells, list):
        return cell_text(cells[index]) if index < len(cells) else ""
    return cell_text(cells.get(index + 1))


@dataclass
class Table:
    columns: set[str]  # the column keys present in the header
    rows: list[tuple[int, dict[str, str]]]  # (row number, {key: stripped text}), blanks skipped


def read_table(
    fileobj: IO[bytes],
    filename: str,
    size: int | None = None,
    *,
    columns: Sequence[str],
    labels: Mapping[str, str],
    aliases: Mapping[str, str],
    required: Sequence[str],
    header_hint: str,
) -> Table:
    """Read the first sheet (XLSX) or the CSV and map its header to ``columns``.

    ``header_hint`` completes "dòng 1 phải là dòng tiêu đề (…)" when the header is missing.
    Every row comes back with all ``columns`` as keys ("" where the file lacks the column).
    A workbook is read by ``lantoa.core.xlsx`` (an archive or a sheet that would take
    unbounded memory or time is refused); at most ``LANTOA_IMPORT_MAX_ROWS`` data rows.
    """
    check_upload(filename, size)
    if filename.lower().endswith(".xlsx"):
        rows = _read_xlsx(fileobj)
    else:
        limit = settings.LANTOA_IMPORT_MAX_BYTES
        data = fileobj.read(limit + 1)
        check_upload(filename, len(data))
        rows = _read_csv(data)
    first = next(rows, None)
    if first is not None and first[0] == 1:
        cells = first[1]
        width = len(cells) if isinstance(cells, list) else max(cells, default=0)
        header = [_cell(cells, i) for i in range(width)]
    else:
        header = []
    if not any(h.strip() for h in header):
        raise ImportFileError(
            _("dòng 1 phải là dòng tiêu đề (%(header_hint)s).") % {"header_hint": header_hint}
        )
    keys: list[tuple[int, str]] = []
    seen: set[str] = set()
    for index, cell in enumerate(header):
        key = aliases.get(fold(cell.strip().strip("*").strip()))
        if key in seen:
            raise ImportFileError(
                _("cột “%(column)s” xuất hiện hai lần ở dòng tiêu đề.") % {"column": labels[key]}
            )
        if key:
            seen.add(key)
            keys.append((index, key))
    missing = [labels[c] for c in required if c not in seen]
    if missing:
        raise ImportFileError(
            _("dòng tiêu đề thiếu cột %(columns)s.")
            % {"columns": ", ".join(f"“{m}”" for m in missing)}
        )
    max_rows = settings.LANTOA_IMPORT_MAX_ROWS
    table: list[tuple[int, dict[str, str]]] = []
    for number, cells in rows:
        record = {key: "" for key in columns}
        for index, key in keys:
            record[key] = _cell(cells, index).strip()
        if any(record.values()):
            if len(table) >= max_rows:
                raise ImportFileError(
                    _(
                        "tệp có hơn %(limit)s dòng dữ liệu; vui lòng chia thành nhiều tệp nhỏ hơn "
                        "rồi nhập lần lượt."
                    )
                    % {"limit": format_int(max_rows)}
                )
            table.append((number, record))
    return Table(columns=seen, rows=table)


@dataclass(frozen=True)
class Sheet:
    """The file one importer reads: its column keys in order, the required ones, their
    Vietnamese labels (header and error messages), extra folded header aliases and the hint
    shown when the header row is missing.

    Every importer works the same way: ``read_into`` reads the whole file, or puts the one
    file-level error in the result; each row is then validated, its problems collected with
    ``error`` and listed in row and column order (``sorted_errors``); one problem and nothing
    is written; a good file is written in one transaction.
    """

    columns: tuple[str, ...]
    required: tuple[str, ...]
    labels: Mapping[str, str]
    header_hint: str
    extra_aliases: Mapping[str, str] = field(default_factory=dict)

    @cached_property
    def aliases(self) -> dict[str, str]:
        return header_aliases(self.columns, self.labels, self.extra_aliases)

    def error(self, row: int, column: str, message: str) -> RowError:
        """A problem in ``column`` (a key, or "" for the whole row) of data row ``row``."""
        return RowError(row, column, message, self.labels.get(column, ""))

    def sorted_errors(self, errors: Iterable[RowError]) -> list[RowError]:
        """By row, then in the file's column order (whole-row problems first)."""
        order = {key: i for i, key in enumerate(self.columns)}
        return sorted(errors, key=lambda e: (e.row, order.get(e.field, -1)))

    def read(self, fileobj: IO[bytes], filename: str, size: int | None = None) -> Table:
        return read_table(
            fileobj,
            filename,
            size,
            columns=self.columns,
            labels=self.labels,
            aliases=self.aliases,
            required=self.required,
            header_hint=self.header_hint,
        )

    def read_into(
        self, result: ImportResult, fileobj: IO[bytes], filename: str, size: int | None = None
    ) -> Table | None:
        """The file's table with ``result.rows`` counted, or None with the reason as the one
        error in ``result`` (a file that cannot be read, or one without data rows)."""
        try:
            table = self.read(fileobj, filename, size)
        except ImportFileError as exc:
            result.errors = [RowError(0, "", str(exc))]
            return None
        result.rows = len(table.rows)
        if not table.rows:
            result.errors = [RowError(0, "", _("tệp không có dòng dữ liệu nào dưới dòng tiêu đề."))]
            return None
        return table


_PLAIN_INT = re.compile(r"\d+")
_DOTTED_INT = re.compile(r"\d{1,3}(?:\.\d{3})+")
# "1,200" as an English reader writes it: a count has no decimals, so a comma followed by
# groups of exactly three digits can only separate thousands ("1,5" is still refused).
_COMMA_INT = re.compile(r"\d{1,3}(?:,\d{3})+")


def parse_count(raw: str) -> int:
    """ "1.200" (Vietnamese thousands dot), "1,200" (English), "1200" or "" (0). ValueError
    with a message."""
    text = raw.replace("\u00a0", "").replace(" ", "")
    if not text:
        return 0
    if text.startswith("-") and _PLAIN_INT.fullmatch(text[1:].replace(".", "")):
        raise ValueError(_("“%(raw)s” là số âm; số lượng phải từ 0 trở lên.") % {"raw": raw})
    if _PLAIN_INT.fullmatch(text):
        value = int(text)
    elif _DOTTED_INT.fullmatch(text) or _COMMA_INT.fullmatch(text):
        value = int(text.replace(".", "").replace(",", ""))
    else:
        raise ValueError(
            _("“%(raw)s” không phải số nguyên (ví dụ đúng: 1200 hoặc 1.200).") % {"raw": raw}
        )
    if value > MAX_COUNT:
        raise ValueError(_("“%(raw)s” quá lớn.") % {"raw": raw})
    return value


def fail_command(errors: Sequence[RowError], write: Callable[[str], Any], *, what: str) -> NoReturn:
    """End an import command that wrote nothing: list the errors (the first
    ``ERRORS_SHOWN``) through ``write`` and raise CommandError("Không nhập được: N lỗi; chưa
    có {what} nào được ghi.")."""
    from django.core.management.base import CommandError

    for error in errors[:ERRORS_SHOWN]:
        write(str(error))
    rest = len(errors) - ERRORS_SHOWN
    if rest > 0:
        write(_("… và %(rest)s lỗi khác.") % {"rest": format_int(rest)})
    raise CommandError(
        _("Không nhập được: %(count)s lỗi; chưa có %(what)s nào được ghi.")
        % {"count": format_int(len(errors)), "what": what},
        returncode=1,
    )


def command_user(username: str | None) -> Any:
    """The active account an import command acts as (``--as USERNAME``), or None for the
    system; CommandError when there is no such account."""
    from django.contrib.auth import get_user_model
    from django.core.management.base import CommandError

    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(_("Không có tài khoản “%(username)s”.") % {"username": username})
    return user


def import_command(
    path: Path,
    run: Callable[..., ImportResult],
    *,
    out: Callable[[str], Any],
    err: Callable[[str], Any],
    what: str,
    **options: Any,
) -> None:
    """Run an importer on a file given on the command line: ``run(fileobj=…, filename=…,
    size=…, **options)``, then its summary through ``out``, or its errors through ``err``
    and ``fail_command``."""
    from django.core.management.base import CommandError

    if not path.is_file():
        raise CommandError(_("Không có tệp %(path)s.") % {"path": path})
    with path.open("rb") as fh:
        result = run(fileobj=fh, filename=path.name, size=path.stat().st_size, **options)
    if not result.ok:
        fail_command(result.errors, err, what=what)
    out(result.summary_text())


# --- writing ------------------------------------------------------------------------------
# Every CSV and XLSX file Lan Tỏa writes goes through ``csv_chunks``/``csv_text``,
# ``xlsx_spool``, ``xlsx_chunks`` (``lantoa.core.xlsx_stream``) or
# ``xlsx_workbook``/``xlsx_bytes`` (tests/architecture/test_guarded_writers.py fails on a writer
# built anywhere else), so no text typed by an officer or a worker, such as an outlet named
# ``=HYPERLINK(…)``, ever reaches a spreadsheet as a formula.

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value: Any) -> Any:
    """A value for a CSV cell: lazy labels as text, and text that would run as a formula
    guarded with a leading apostrophe (``cell_text`` removes it on import). Numbers, negative
    ones too, stay numbers."""
    kind = type(value)
    if kind is int or kind is float or value == "":  # the bulk of an export
        return value
    if kind is str:
        return "'" + value if formula_like(value) else value
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and formula_like(value):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_chunks(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """CSV text for a streaming response or a file: BOM (so Excel reads UTF-8), header, rows;
    every cell through ``safe_cell``."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([safe_cell(v) for v in header])
    for row in rows:
        yield writer.writerow([safe_cell(v) for v in row])


def csv_text(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> str:
    """The whole CSV (``csv_chunks``) as one text."""
    return "".join(csv_chunks(header, rows))


def _guard_xlsx_cell(cell: Any) -> None:
    """Make a written cell inert: text stays text (never a formula), and text that a
    spreadsheet would run once edited gets Excel's own "typed with an apostrophe" mark
    (``quotePrefix``), shown without the apostrophe."""
    value = cell.value
    if isinstance(value, Promise):
        value = cell.value = str(value)
    if cell.data_type == "f" or (isinstance(value, str) and formula_like(value)):
        cell.data_type = "s"
        cell.quotePrefix = True


def _xlsx_row(sheet: Any, values: Sequence[Any]) -> list[Any]:
    """The row for ``sheet.append``: plain values where openpyxl writes them inert (numbers,
    dates, text that no spreadsheet would run), a guarded cell for the rest. Creating a
    cell object for every value would double the time of a large export."""
    from openpyxl.cell import WriteOnlyCell

    cells: list[Any] = []
    for value in values:
        kind = type(value)
        if kind is int or kind is float or value is None:
            cells.append(value)
            continue
        if isinstance(value, Promise):
            value = str(value)
        if isinstance(value, str) and not formula_like(value):
            cells.append(value)
            continue
        cell = WriteOnlyCell(sheet, value=value)
        _guard_xlsx_cell(cell)
        cells.append(cell)
    return cells


def xlsx_spool(sheet_title: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> IO[bytes]:
    """A one-sheet workbook written in openpyxl's streaming mode to a spooled temporary file,
    rewound, for a file response; every cell guarded (``_guard_xlsx_cell``)."""
    return xlsx_spool_sheets([(sheet_title, header, rows)])


def xlsx_spool_sheets(
    sheets: Iterable[tuple[str, Sequence[Any], Iterable[Sequence[Any]]]],
) -> IO[bytes]:
    """``xlsx_spool`` with several sheets ``(title, header, rows)``, each streamed in turn."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    for sheet_title, header, rows in sheets:
        sheet = workbook.create_sheet(sheet_title[:31])
        sheet.append(_xlsx_row(sheet, header))
        for row in rows:
            sheet.append(_xlsx_row(sheet, row))
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    workbook.save(spool)
    spool.seek(0)
    return spool


def xlsx_sheet(
    title: str,
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    rows_hint: int | None = None,
) -> StreamSheet:
    """One sheet for ``xlsx_chunks``; ``rows_hint``: about how many rows will come, when
    known (the file then uses ZIP64 only if that many rows could need it)."""
    from lantoa.core.xlsx_stream import StreamSheet

    if rows_hint is None and isinstance(rows, Sequence):
        rows_hint = len(rows)
    return StreamSheet(title, header, rows, rows_hint)


def xlsx_chunks(sheets: Iterable[StreamSheet]) -> Iterator[bytes]:
    """A workbook of large tables (``xlsx_sheet``) as bytes handed on while the rows are read,
    for a ``StreamingHttpResponse``: an export of 500.000 rows neither waits for its last row
    nor holds the file. Written by ``lantoa.core.xlsx_stream`` (a fraction of openpyxl's cost
    a cell), with the same guard: text that would run as a formula is marked ``quotePrefix``;
    the header row is bold and frozen. Reports, templates and small files use openpyxl."""
    from lantoa.core import xlsx_stream

    return xlsx_stream.workbook_chunks(sheets)


def xlsx_workbook() -> Any:
    """A new openpyxl workbook (cells, styles, merges, several sheets) for a report; it must
    be written with ``xlsx_bytes``."""
    import openpyxl

    return openpyxl.Workbook()


def xlsx_bytes(workbook: Any) -> bytes:
    """The workbook's file, after every cell of every sheet is guarded: whatever code filled
    it, no text comes out as a formula."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    _guard_xlsx_cell(cell)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- templates ----------------------------------------------------------------------------

TEMPLATE_ROWS = 2000  # rows below the header that get the drop-down lists
LISTS_SHEET = "Danh mục"


@dataclass(frozen=True)
class Template:
    """An importer's blank file: its ``Sheet`` (the header is the Vietnamese labels, required
    columns marked "*", which the reader ignores), one example row that imports cleanly,
    and, per enumerated column, the Vietnamese labels offered in a drop-down list. ``open``
    names the columns whose list is a suggestion (a KB category not in it is created);
    elsewhere a value outside the list gets a warning (the importer still reads codes and
    synonyms, so it is not refused)."""

    sheet: Sheet
    title: str
    example: Mapping[str, Any]
    choices: Mapping[str, Sequence[str]] = field(default_factory=dict)
    open: frozenset[str] = frozenset()

    def header(self) -> list[str]:
        return [
            self.sheet.labels[key] + ("*" if key in self.sheet.required else "")
            for key in self.sheet.columns
        ]


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))


def xlsx_template(template: Template) -> bytes:
    """The template workbook (``Template``): the data sheet first (what the importers read),
    the lists on a hidden second sheet the drop-downs point to (a list typed into the
    validation itself is limited to 255 characters)."""
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = xlsx_workbook()
    sheet = workbook.active
    sheet.title = template.title[:31]
    sheet.append(template.header())
    sheet.append([template.example.get(key, "") for key in template.sheet.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    lists = workbook.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    used = 0
    for index, key in enumerate(template.sheet.columns, start=1):
        letter = _column_letter(index)
        sheet.column_dimensions[letter].width = max(14, len(template.sheet.labels[key]) + 4)
        values = template.choices.get(key)
        if not values:
            continue
        used += 1
        list_column = _column_letter(used)
        lists[f"{list_column}1"] = template.sheet.labels[key]
        for row, value in enumerate(values, start=2):
            lists[f"{list_column}{row}"] = value
        label = template.sheet.labels[key]
        validation = DataValidation(
            type="list",
            formula1=f"'{LISTS_SHEET}'!${list_column}$2:${list_column}${len(values) + 1}",
            allow_blank=True,
            showErrorMessage=key not in template.open,
            errorStyle="warning",
            errorTitle=_("Giá trị ngoài danh sách"),
            error=_("Vui lòng chọn một giá trị trong danh sách của cột “%(label)s”.")
            % {"label": label},
            promptTitle=label,
            prompt=_("Chọn trong danh sách.")
            if key not in template.open
            else _("Chọn trong danh sách hoặc ghi tên mới."),
        )
        validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
        sheet.add_data_validation(validation)
    if not used:
        workbook.remove(lists)
    return xlsx_bytes(workbook)


def add_template_parser(subparsers: Any) -> None:
    """The ``template FILE`` action of an import command."""
    parser = subparsers.add_parser(
        "template",
        help=(
            "Ghi tệp mẫu .xlsx để nhập: dòng tiêu đề, một dòng ví dụ nhập được ngay, danh sách "
            "chọn cho các cột có giá trị cố định."
        ),
    )
    parser.add_argument("file", metavar="TỆP.xlsx", help="Tệp mẫu cần ghi (đuôi .xlsx).")


def template_command(template: Template, path: Path, out: Callable[[str], Any]) -> None:
    """``lantoa <thing> template FILE``: write the template, say where."""
    from django.core.management.base import CommandError

    if path.suffix.lower() != ".xlsx":
        raise CommandError(_("Vui lòng đặt tên tệp mẫu có đuôi .xlsx."))
    try:
        path.write_bytes(xlsx_template(template))
    except OSError as exc:
        raise CommandError(
            _("Không ghi được tệp %(path)s: %(reason)s") % {"path": path, "reason": exc.strerror}
        ) from exc
    out(
        _("Đã ghi tệp mẫu %(path)s: dòng tiêu đề, một dòng ví dụ và danh sách chọn.")
        % {"path": path}
    )

"""The streamed XLSX writer of large exports (``tabular.xlsx_chunks``, issue 16): the file
opens in openpyxl (full and read-only) and in our own import reader with the values and types
written, typed text stays inert, the archive is valid, and its bytes leave while the rows are
still being read, in flat memory."""

from __future__ import annotations

import datetime as dt
import io
import re
import tracemalloc
import zipfile
from decimal import Decimal
from typing import Any

import openpyxl
from django.utils.translation import gettext_lazy

from lantoa.core import tabular, xlsx, xlsx_stream

HEADER = ["Số phiếu", "Ngày gửi", "Đơn vị", "=Cột lạ", "Điểm", "Ghi chú"]
ROWS: list[list[Any]] = [
    [1, dt.date(2026, 3, 5), "Công đoàn cơ sở Công ty May 10", 3, 2.5, "Bình thường"],
    [2, dt.datetime(2026, 3, 5, 14, 30), "Nghiệp đoàn xe ôm Hà Đông", -4, Decimal("7.25"), None],
    [1234567890123, dt.date(1900, 1, 1), '=HYPERLINK("http://ke-gian.example","Bấm")', 0, -0.5, ""],
    [4, "05/03/2026", "@SUM(1+1)", True, False, "-12"],
    [5, None, "Lương\x07 thấp\x00, nhà trọ\x1b chật", 1.0, 10**6, "\uff1d1+1"],
    [6, "", " lề hai bên ", "a < b & c > d", gettext_lazy("Có chọn"), "dòng 1\ndòng 2"],
]


def _workbook(**kwargs: Any) -> bytes:
    sheets = [
        tabular.xlsx_sheet("Phiếu trả lời", HEADER, iter(ROWS), **kwargs),
        tabular.xlsx_sheet("Sổ mã", ["Biến", "Mã", "Nhãn"], [["A1", 1, "Nam"], ["A1", 2, "Nữ"]]),
    ]
    return b"".join(tabular.xlsx_chunks(sheets))


EXPECTED = [
    HEADER,
    [1, dt.datetime(2026, 3, 5), "Công đoàn cơ sở Công ty May 10", 3, 2.5, "Bình thường"],
    [2, dt.datetime(2026, 3, 5, 14, 30), "Nghiệp đoàn xe ôm Hà Đông", -4, 7.25, None],
    [
        1234567890123,
        dt.datetime(1900, 1, 1),
        '=HYPERLINK("http://ke-gian.example","Bấm")',
        0,
        -0.5,
        None,
    ],
    [4, "05/03/2026", "@SUM(1+1)", True, False, "-12"],
    [5, None, "Lương thấp, nhà trọ chật", 1.0, 1000000, "\uff1d1+1"],
    [6, None, " lề hai bên ", "a < b & c > d", "Có chọn", "dòng 1\ndòng 2"],
]


def test_openpyxl_reads_back_the_values_and_types_written() -> None:
    data = _workbook()
    for read_only in (False, True):
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=read_only)
        assert book.sheetnames == ["Phiếu trả lời", "Sổ mã"]
        rows = book["Phiếu trả lời"].iter_rows(values_only=True)
        # Read-only rows end at their last cell: no dimension is declared ahead of the rows.
        values = [list(r) + [None] * (len(HEADER) - len(r)) for r in rows]
        assert values == EXPECTED, read_only
        types = [type(v) for v in values[1]]
        assert types == [int, dt.datetime, str, int, float, str]
        assert list(book["Sổ mã"].iter_rows(values_only=True)) == [
            ("Biến", "Mã", "Nhãn"),
            ("A1", 1, "Nam"),
            ("A1", 2, "Nữ"),
        ]


def test_header_bold_and_frozen_dates_styled_and_formula_like_text_marked() -> None:
    book = openpyxl.load_workbook(io.BytesIO(_workbook()))
    sheet = book["Phiếu trả lời"]
    assert sheet.freeze_panes == "A2" and book["Sổ mã"].freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    assert sheet["D1"].quotePrefix and sheet["D1"].data_type == "s"  # a header that looks live
    assert sheet["B2"].number_format == "dd/mm/yyyy"
    assert sheet["B3"].number_format == "dd/mm/yyyy hh:mm"
    guarded = {c.coordinate for row in sheet.iter_rows(min_row=2) for c in row if c.quotePrefix}
    assert guarded == {"C4", "C5", "F6"}
    for coordinate in guarded:
        assert sheet[coordinate].data_type == "s"
    assert sheet["F5"].value == "-12" and not sheet["F5"].quotePrefix  # a number as text
    assert not sheet["C2"].quotePrefix and not sheet["C2"].font.b
    # Widths from the header and the first rows, within bounds.
    widths = {k: v.width for k, v in sheet.column_dimensions.items()}
    assert widths["A"] >= 10 and widths["C"] >= len("Công đoàn cơ sở Công ty May 10")
    assert all(8 <= w <= 60 for w in widths.values())


def test_the_archive_is_valid_without_zip64_and_holds_no_formula() -> None:
    data = _workbook()
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    assert archive.namelist() == [
        "[Content_Types].xml",
        "_rels/.rels",
        "docProps/core.xml",
        "docProps/app.xml",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "xl/styles.xml",
        "xl/worksheets/sheet1.xml",
        "xl/worksheets/sheet2.xml",
    ]
    for info in archive.infolist():
        assert info.flag_bits & 0x08  # sizes after the data: written to a stream
        assert info.extract_version == 20  # no ZIP64 for a small file (Excel refuses it)
        assert info.compress_type == zipfile.ZIP_DEFLATED
    sheet = archive.read("xl/worksheets/sheet1.xml")
    assert not re.search(rb"<(\w+:)?f[ >/]", sheet)
    assert "Công đoàn cơ sở".encode() in sheet  # UTF-8, not character references
    assert b'<c r="F6" s="2" t="inlineStr">' in sheet
    assert b"\x07" not in sheet and b"\x1b" not in sheet


def test_our_own_import_reader_reads_it_back() -> None:
    rows = dict(xlsx.iter_rows(io.BytesIO(_workbook())))
    assert rows[1] == dict(enumerate(HEADER, start=1))
    assert rows[2] == {
        1: 1,
        2: dt.datetime(2026, 3, 5),
        3: "Công đoàn cơ sở Công ty May 10",
        4: 3,
        5: 2.5,
        6: "Bình thường",
    }
    assert rows[6][3] == "Lương thấp, nhà trọ chật" and 2 not in rows[6]
    table = tabular.read_table(
        io.BytesIO(_workbook()),
        "phieu.xlsx",
        columns=["note"],
        labels={"note": "Đơn vị"},
        aliases={"don vi": "note"},
        required=["note"],
        header_hint="Đơn vị",
    )
    assert [r["note"] for _n, r in table.rows][2] == '=HYPERLINK("http://ke-gian.example","Bấm")'


def test_text_limits_sheet_titles_and_column_names() -> None:
    long = "ư" * 40_000
    data = b"".join(
        tabular.xlsx_chunks(
            [
                tabular.xlsx_sheet("Kết quả: 2026/03 [tỉnh]*?", ["A"], [[long]]),
                tabular.xlsx_sheet("kết quả  2026 03  tỉnh", [], []),
                tabular.xlsx_sheet("", ["B"], [[1]]),
            ]
        )
    )
    book = openpyxl.load_workbook(io.BytesIO(data))
    titles = ["Kết quả  2026 03  tỉnh", "kết quả  2026 03  tỉnh (2)", "Trang tính 3"]
    assert book.sheetnames == titles
    assert book.worksheets[0]["A2"].value == "ư" * xlsx_stream.MAX_TEXT
    assert book.worksheets[1].max_row == 1 and book.worksheets[1]["A1"].value is None
    assert [xlsx_stream.column_letter(i) for i in (1, 26, 27, 52, 703, 16_384)] == [
        "A",
        "Z",
        "AA",
        "AZ",
        "AAA",
        "XFD",
    ]


def test_zip64_only_when_the_sheet_could_pass_four_gib() -> None:
    row = '<row r="2"><c r="A2"><v>1</v></c></row>' * 25  # ≈ 1 KB a row
    sample = [row] * xlsx_stream.SAMPLE_ROWS
    assert not xlsx_stream._needs_zip64(500, sample[:10], True, None)  # all rows seen
    assert not xlsx_stream._needs_zip64(500, sample, False, 500_000)
    assert not xlsx_stream._needs_zip64(500, sample, False, None)  # Excel's 1.048.576 rows
    assert xlsx_stream._needs_zip64(500, sample, False, 3_000_000)
    assert xlsx_stream._needs_zip64(500, [row * 3] * 100, False, None)  # 3 KB a row
    # A sheet written in the ZIP64 form still opens.
    rows = [[i, f"dòng {i}"] for i in range(xlsx_stream.SAMPLE_ROWS + 50)]
    sheets = [tabular.xlsx_sheet("Lớn", ["Số", "Chữ"], iter(rows), rows_hint=10**10)]
    data = b"".join(tabular.xlsx_chunks(sheets))
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    assert archive.getinfo("xl/worksheets/sheet1.xml").extract_version == 45
    assert archive.getinfo("xl/styles.xml").extract_version == 20
    values = list(openpyxl.load_workbook(io.BytesIO(data), read_only=True).active.values)
    assert len(values) == len(rows) + 1 and list(values[-1]) == rows[-1]


def _long_table(total: int, seen: dict[str, int]) -> Any:
    for i in range(total):
        seen["rows"] = i
        noise = f"{i * 2654435761 % 2**32:08x}{i * 40503 % 65521:04x}"  # compresses badly
        yield [i, "05/03/2026", f"CĐCS-{i % 480}", i % 5 + 1, i % 2, "", noise, 7.5]


def test_bytes_leave_while_the_rows_are_read_in_flat_memory() -> None:
    total = 30_000
    state = {"rows": 0, "received": 0, "at_half": 0, "chunks": 0}

    def table() -> Any:
        for row in _long_table(total, state):
            if state["rows"] == total // 2:
                state["at_half"] = state["received"]
            yield row

    out = io.BytesIO()
    for chunk in tabular.xlsx_chunks([tabular.xlsx_sheet("Phiếu", ["Số"] + ["x"] * 7, table())]):
        assert chunk
        state["received"] += len(chunk)
        state["chunks"] += 1
        out.write(chunk)
    # Half the rows read: a good part of the file has already gone out, in pieces.
    assert state["at_half"] > state["received"] / 3 and state["chunks"] > 5
    sheet = openpyxl.load_workbook(out, read_only=True).active
    *_rest, last = sheet.iter_rows(values_only=True)
    assert last is not None and last[0] == total - 1 and last[2] == f"CĐCS-{(total - 1) % 480}"

    def peak(rows: int) -> int:
        tracemalloc.start()
        try:
            for _chunk in tabular.xlsx_chunks(
                [tabular.xlsx_sheet("Phiếu", ["Số"], _long_table(rows, {}))]
            ):
                pass
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    # Memory that grew with the rows (the file or its XML kept) would show as a difference of
    # the size of the file (over 1 MiB here), not a few kilobytes.
    small, large = peak(10_000), peak(40_000)
    assert state["received"] > 1024 * 1024
    assert large < small + state["received"] / 8, (small, large, state["received"])

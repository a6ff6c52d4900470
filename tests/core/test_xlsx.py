"""lantoa.core.xlsx reads the first sheet of a workbook as openpyxl does (``data_only``), cell
for cell, on the files officers really send: Excel-style shared strings, dates and times,
booleans, numbers, rich text, gaps, 1904 dates, cells without references."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from lantoa.core import xlsx
from tests.core.archive_support import MAIN_NS, rebuild, sheet_xml, with_sheet, workbook_bytes

DATA = Path(__file__).resolve().parents[1] / "data"


def as_openpyxl_reads(data: bytes) -> list[tuple[int, dict[int, Any]]]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows = []
    for number, values in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
        cells = {column: v for column, v in enumerate(values, start=1) if v is not None}
        if cells:
            rows.append((number, cells))
    book.close()
    return rows


def ours(data: bytes) -> list[tuple[int, dict[int, Any]]]:
    return list(xlsx.iter_rows(io.BytesIO(data)))


def a_rich_workbook(*, mac: bool = False) -> bytes:
    book = openpyxl.Workbook()
    if mac:
        book.epoch = CALENDAR_MAC_1904
    first = book.active
    assert first is not None
    first.title = "Đơn vị"
    first.append(["Mã đơn vị", "Tên", "Số đoàn viên", "Ngày", "Tỷ lệ", "Có", "Giờ"])
    first.append(["A-G1", "Công đoàn cơ sở Ánh Dương", 1200, dt.date(2026, 4, 30), 0.25, True])
    first.append(["A-G2", "  có khoảng trắng  ", -3, dt.datetime(2026, 1, 2, 13, 45), 1.5, False])
    first["G3"] = dt.time(8, 30)
    first["E2"].number_format = "0.0%"
    first["D4"] = dt.date(1900, 2, 28)  # before Excel's phantom 29/02/1900
    first["A6"] = "sau dòng trống"
    first["K6"] = "cột xa"
    first["A7"] = CellRichText(
        ["Tin ", TextBlock(InlineFont(b=True), "đậm"), TextBlock(InlineFont(i=True), " nghiêng")]
    )
    first["B7"] = 3.0
    first["C7"] = 1e20
    first["A8"] = "=1+1"  # openpyxl writes a formula without a cached value: read as None
    book.create_sheet("Trang hai").append(["không đọc"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("mac", [False, True])
def test_values_match_openpyxl(mac: bool) -> None:
    data = a_rich_workbook(mac=mac)
    rows = ours(data)
    assert rows == as_openpyxl_reads(data)
    assert rows[1] == (
        2,
        {
            1: "A-G1",
            2: "Công đoàn cơ sở Ánh Dương",
            3: 1200,
            4: dt.datetime(2026, 4, 30),
            5: 0.25,
            6: True,
        },
    )
    assert rows[4] == (6, {1: "sau dòng trống", 11: "cột xa"})
    assert rows[5][1][1] == "Tin đậm nghiêng"


def test_the_shipped_sample_and_a_streamed_export_match_openpyxl() -> None:
    sample = (DATA / "units_ok.xlsx").read_bytes()
    assert ours(sample) == as_openpyxl_reads(sample)
    from lantoa.core import tabular

    streamed = tabular.xlsx_spool("Đơn vị", ["Mã", "Tên"], [["=x", 1], ["b", -2.5]]).read()
    assert (
        ours(streamed)
        == as_openpyxl_reads(streamed)
        == [
            (1, {1: "Mã", 2: "Tên"}),
            (2, {1: "=x", 2: 1}),
            (3, {1: "b", 2: -2.5}),
        ]
    )


def test_hand_written_sheets_match_openpyxl() -> None:
    """What other programs write: no cell or row references, typed strings and errors,
    ISO dates, inline rich text with phonetic hints, prefixed elements. (openpyxl keeps to the
    declared dimension; the reader reads what the sheet holds.)"""
    rows = (
        b'<row><c t="inlineStr"><is><t>M\xc3\xa3</t></is></c><c><v>7</v></c></row>'
        b'<row r="4"><c t="str"><f>A1</f><v>M\xc3\xa3</v></c><c t="e"><v>#N/A</v></c>'
        b'<c t="d"><v>2026-04-30T00:00:00</v></c><c t="b"><v>0</v></c></row>'
        b'<row><c r="C5" t="inlineStr"><is><r><t>a</t></r><r><rPr><b/></rPr><t>b</t></r>'
        b'<rPh sb="0" eb="1"><t>phonetic</t></rPh></is></c>'
        b"<c><v>2.50</v></c><c><v>1E3</v></c></row>"
    )
    data = with_sheet(sheet_xml(rows, dimension="A1:E5"))
    assert ours(data) == as_openpyxl_reads(data)
    assert ours(data) == [
        (1, {1: "Mã", 2: 7}),
        (4, {1: "Mã", 2: "#N/A", 3: dt.datetime(2026, 4, 30), 4: False}),
        (5, {3: "ab", 4: 2.5, 5: 1000.0}),
    ]
    prefixed = sheet_xml(b"").replace(b"<worksheet xmlns=", b"<x:worksheet xmlns:x=")
    prefixed = prefixed.replace(b"</worksheet>", b"</x:worksheet>")
    prefixed = prefixed.replace(b"<dimension", b"<x:dimension").replace(
        b"sheetData", b"x:sheetData"
    )
    prefixed = prefixed.replace(
        b"<x:sheetData></x:sheetData>",
        b'<x:sheetData><x:row r="1"><x:c r="B1"><x:v>5</x:v></x:c></x:row></x:sheetData>',
    )
    assert ours(with_sheet(prefixed)) == [(1, {2: 5})]


def test_the_first_worksheet_is_the_first_in_the_workbook_order() -> None:
    book = openpyxl.Workbook()
    book.active.append(["đầu"])  # type: ignore[union-attr]
    book.create_sheet("Trước", 0).append(["trước"])
    out = io.BytesIO()
    book.save(out)
    assert ours(out.getvalue()) == as_openpyxl_reads(out.getvalue()) == [(1, {1: "trước"})]


@pytest.mark.parametrize(
    "damage",
    [
        {"xl/workbook.xml": b"<workbook"},  # not XML
        {"xl/worksheets/sheet1.xml": sheet_xml(b'<row><c t="s"><v>99</v></c></row>')},
        {"xl/worksheets/sheet1.xml": sheet_xml(b'<row r="x"><c><v>1</v></c></row>')},
        {"xl/worksheets/sheet1.xml": sheet_xml(b"<row><c><v>abc</v></c></row>")},
    ],
)
def test_a_damaged_workbook_is_one_clear_error(damage: dict[str, bytes]) -> None:
    data = rebuild(workbook_bytes([["x"]]), dict(damage))
    with pytest.raises(xlsx.XlsxError) as caught:
        ours(data)
    assert str(caught.value) == "tệp Excel bị hỏng hoặc không phải định dạng .xlsx."


def test_a_workbook_without_a_worksheet_says_so() -> None:
    workbook = b'<workbook xmlns="' + MAIN_NS.encode() + b'"><sheets/></workbook>'
    with pytest.raises(xlsx.XlsxError, match="không có trang tính nào"):
        ours(rebuild(workbook_bytes([["x"]]), {"xl/workbook.xml": workbook}))

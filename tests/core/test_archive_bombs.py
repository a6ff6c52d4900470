"""Decompression bombs and hostile workbooks (issue 11, finding 1): real files, refused before
they are parsed, quickly and in little memory, with a Vietnamese reason.

lantoa.core.archives checks the zip (members, declared and actual sizes, ratio, DTDs);
lantoa.core.xlsx reads a sheet with bounded memory whatever its XML holds. The readers of
every import (units, activities, articles) share ``tabular.read_table``; the end-to-end
refusals (import page, command line, job, DOCX uploads) are in
tests/portal/test_import_bombs.py."""

from __future__ import annotations

import io
import random
import struct
import zipfile
from pathlib import Path
from typing import Any

import pytest

from lantoa.core import archives, tabular
from tests.core.archive_support import (
    MAIN_NS,
    MiB,
    bounded,
    lying_member,
    many_members,
    rebuild,
    repeated,
    shared_strings_bomb,
    sheet_xml,
    with_sheet,
    workbook_bytes,
)

SHEET = tabular.Sheet(
    columns=("code", "name"),
    required=("code",),
    labels={"code": "Mã đơn vị", "name": "Tên đơn vị"},
    header_hint="Mã đơn vị, Tên đơn vị",
)
END = b"</sheetData></worksheet>"
HEADER_ROW = (
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>' + "Mã đơn vị".encode() + b"</t></is></c></row>"
)


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The finding's file: one 300 MiB string in xl/sharedStrings.xml, built once."""
    path = tmp_path_factory.mktemp("bombs") / "don-vi.xlsx"
    path.write_bytes(shared_strings_bomb(300))
    return path


def refusal(data: bytes, name: str = "don-vi.xlsx") -> str:
    with pytest.raises(tabular.ImportFileError) as caught:
        SHEET.read(io.BytesIO(data), name, len(data))
    return str(caught.value)


def test_the_findings_shared_strings_bomb_is_refused_before_parsing(bomb: Path) -> None:
    data = bomb.read_bytes()
    assert len(data) < 2 * MiB  # a small upload …
    assert zipfile.ZipFile(bomb).getinfo("xl/sharedStrings.xml").file_size > 300 * MiB  # … big
    with bounded(max_seconds=5, max_peak_mib=16):
        message = refusal(data)
    assert message == (
        "tệp Excel bị từ chối: thành phần “xl/sharedStrings.xml” giải nén ra 301 MB, vượt giới "
        "hạn 128 MB cho một thành phần; tệp không được đọc."
    )
    # The same file is refused by the check that forms run before storing an upload.
    with bounded(max_seconds=5, max_peak_mib=16), pytest.raises(tabular.ImportFileError):
        tabular.check_file(io.BytesIO(data), "don-vi.xlsx", len(data))


def test_a_member_over_the_ratio_is_refused_even_under_the_size_limit() -> None:
    head = b'<?xml version="1.0"?><sst xmlns="' + MAIN_NS.encode() + b'"><si><t>'
    data = rebuild(
        workbook_bytes([["Mã đơn vị"], ["A"]]),
        {"xl/sharedStrings.xml": repeated(head, b"0", 100 * MiB, b"</t></si></sst>")},
    )
    with bounded(max_seconds=5, max_peak_mib=16):
        message = refusal(data)
    assert "“xl/sharedStrings.xml” được nén tới" in message
    assert "(giới hạn 100 lần): dấu hiệu của “bom giải nén”" in message


def test_a_member_whose_header_lies_about_its_size_is_caught_while_inflating() -> None:
    data = lying_member(mib=64, declared=2000)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/sharedStrings.xml")
    assert info.file_size == 2000  # what every header says
    with bounded(max_seconds=5, max_peak_mib=16), pytest.raises(archives.ArchiveError) as caught:
        archives.check_zip(io.BytesIO(data))
    assert caught.value.code == "size_mismatch"
    assert "“xl/sharedStrings.xml” giải nén ra nhiều hơn kích thước ghi trong tệp (2.000 byte)" in (
        refusal(data)
    )


@pytest.mark.parametrize(
    ("count", "claim", "said"),
    [
        # The end record says so: refused before zipfile reads the directory.
        (20_000, None, "tệp nén chứa 20.000 thành phần, vượt giới hạn 1.000"),
        # The end record lies: the directory's size gives it away.
        (20_000, 1, "quá lớn cho 1 thành phần nó khai báo (tối đa 1.000 thành phần)"),
        # A small lie: counted once the directory is read.
        (1_500, 1, "tệp nén chứa 1.500 thành phần, vượt giới hạn 1.000"),
    ],
)
def test_an_archive_with_too_many_members_is_refused(
    count: int, claim: int | None, said: str
) -> None:
    data = many_members(count, claim=claim)
    with bounded(max_seconds=5, max_peak_mib=24), pytest.raises(archives.ArchiveError) as caught:
        archives.check_zip(io.BytesIO(data))
    assert caught.value.code == "members"
    assert said in str(caught.value)


def test_the_total_and_each_limit_come_from_the_settings(settings: Any) -> None:
    noise = random.Random(11).randbytes(2 * MiB)  # 2 MiB that do not compress
    data = rebuild(
        workbook_bytes([["Mã đơn vị"], ["A"]]), {"xl/media/a.bin": noise, "xl/media/b.bin": noise}
    )
    archives.check_zip(io.BytesIO(data))  # within the defaults
    settings.LANTOA_ARCHIVE_MAX_TOTAL_BYTES = 3 * MiB
    assert "lên tới 5 MB, vượt giới hạn 3 MB" in refusal(data)
    settings.LANTOA_ARCHIVE_MAX_TOTAL_BYTES = 256 * MiB
    settings.LANTOA_ARCHIVE_MAX_MEMBER_BYTES = MiB
    assert "“xl/media/a.bin” giải nén ra 2 MB, vượt giới hạn 1 MB" in refusal(data)
    settings.LANTOA_ARCHIVE_MAX_MEMBER_BYTES = 128 * MiB
    settings.LANTOA_ARCHIVE_MAX_MEMBERS = 5
    assert "tệp nén chứa 11 thành phần, vượt giới hạn 5" in refusal(data)


def test_an_entity_expansion_bomb_is_refused() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(
            b"<!ENTITY %s \"%s\">" % (bytes([98 + i]), (b"&" + bytes([97 + i]) + b";") * 10)
            for i in range(8)
        )
        + b']><sst xmlns="' + MAIN_NS.encode() + b'"><si><t>&i;</t></si></sst>'
    )  # fmt: skip
    data = rebuild(workbook_bytes([["Mã đơn vị"], ["A"]]), {"xl/sharedStrings.xml": laughs})
    with bounded(max_seconds=5, max_peak_mib=16):
        message = refusal(data)
    assert "“xl/sharedStrings.xml” có khai báo DTD/ENTITY" in message


def test_an_encrypted_member_and_a_broken_archive_get_their_own_message() -> None:
    raw = bytearray(workbook_bytes([["Mã đơn vị"], ["A"]]))
    info = zipfile.ZipFile(io.BytesIO(bytes(raw))).getinfo("xl/workbook.xml")
    flags_at = info.header_offset + 6
    struct.pack_into("<H", raw, flags_at, struct.unpack_from("<H", raw, flags_at)[0] | 1)
    central = raw.find(b"PK\x01\x02")
    while raw[central + 46 : central + 46 + len(b"xl/workbook.xml")] != b"xl/workbook.xml":
        central = raw.find(b"PK\x01\x02", central + 4)
    struct.pack_into("<H", raw, central + 8, struct.unpack_from("<H", raw, central + 8)[0] | 1)
    assert "tệp được đặt mật khẩu; vui lòng bỏ mật khẩu rồi tải lên lại." in refusal(bytes(raw))
    assert refusal(b"PK\x03\x04 not a zip") == "tệp Excel bị hỏng hoặc không phải định dạng .xlsx."


# --- the sheet's XML: bounded by lantoa.core.xlsx -----------------------------------------


@pytest.fixture
def any_ratio(settings: Any) -> None:
    """Let very compressible sheets through the archive check, so that the reader's own
    bounds are what these tests see."""
    settings.LANTOA_ARCHIVE_MAX_RATIO = 1_000_000


def test_elements_piled_up_between_cells_are_refused(any_ratio: None) -> None:
    body = repeated(open_sheet(HEADER_ROW), b"<z/>", 16 * MiB, END)
    data = with_sheet(body)
    with bounded(max_peak_mib=16):
        message = refusal(data)
    assert "có quá nhiều thành phần XML liền nhau mà không có ô dữ liệu nào" in message


@pytest.mark.parametrize(
    "cells",
    [
        b"<c><v>1</v></c>" * 20_000,  # wider than Excel's 16.384 columns
        b'<c r="A2"><v>1</v></c>' * 20_000,  # the same cell again and again
        b'<c r="XFE2"><v>1</v></c>',  # outside Excel's grid
    ],
)
def test_a_row_wider_than_excel_is_refused(any_ratio: None, cells: bytes) -> None:
    data = with_sheet(sheet_xml(HEADER_ROW + b'<row r="2">' + cells + b"</row>"))
    with bounded(max_peak_mib=16):
        message = refusal(data)
    assert "ngoài giới hạn của Excel (1.048.576 dòng, 16.384 cột)" in message


def test_values_piled_up_in_one_cell_are_refused(any_ratio: None) -> None:
    data = with_sheet(
        sheet_xml(HEADER_ROW + b'<row r="2"><c r="A2">' + b"<v>1</v>" * 200_000 + b"</c></row>")
    )
    with bounded(max_peak_mib=16):
        assert "quá nhiều thành phần XML" in refusal(data)


def test_a_row_of_too_much_text_is_refused(any_ratio: None) -> None:
    cell = b'<c t="inlineStr"><is><t>' + b"a" * 50_000 + b"</t></is></c>"
    data = with_sheet(sheet_xml(HEADER_ROW + b'<row r="2">' + cell * 100 + b"</row>"))
    with bounded(max_peak_mib=32):
        assert "dòng 2 của tệp Excel chứa hơn 4.000.000 ký tự" in refusal(data)


def test_a_declared_dimension_of_the_whole_grid_costs_nothing() -> None:
    """openpyxl fills the gaps up to the declared dimension: this 5 KB file gave the
    importer 17 billion empty cells to look at. Only the rows the file holds are read."""
    rows = (
        HEADER_ROW
        + b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>CS-1</t></is></c>'
        + b'<c r="XFD1048576"><v>5</v></c></row>'
    )
    data = with_sheet(sheet_xml(rows, dimension="A1:XFD1048576"))
    assert len(data) < 10_000
    with bounded(max_peak_mib=16):
        table = SHEET.read(io.BytesIO(data), "a.xlsx", len(data))
    assert table.rows == [(1_048_576, {"code": "CS-1", "name": ""})]


def test_a_huge_text_node_is_refused_not_loaded(any_ratio: None) -> None:
    head = open_sheet(HEADER_ROW + b'<row r="2"><c t="inlineStr"><is><t>')
    data = with_sheet(repeated(head, b"a", 40 * MiB, b"</t></is></c></row>" + END))
    with bounded(max_peak_mib=24):
        assert refusal(data) == "tệp Excel bị hỏng hoặc không phải định dạng .xlsx."


def test_too_many_data_rows_are_refused(settings: Any) -> None:
    settings.LANTOA_IMPORT_MAX_ROWS = 3
    rows = [["Mã đơn vị"], *([f"CS-{i}"] for i in range(4))]
    assert "tệp có hơn 3 dòng dữ liệu; vui lòng chia thành nhiều tệp nhỏ hơn" in refusal(
        workbook_bytes(rows)
    )
    csv_data = "\n".join(",".join(r) for r in rows).encode()
    assert "tệp có hơn 3 dòng dữ liệu" in refusal(csv_data, "don-vi.csv")
    settings.LANTOA_IMPORT_MAX_ROWS = 4
    assert len(SHEET.read(io.BytesIO(csv_data), "don-vi.csv").rows) == 4


def test_a_csv_line_of_a_million_separators_is_refused() -> None:
    data = b"M\xc3\xa3 \xc4\x91\xc6\xa1n v\xe1\xbb\x8b,T\xc3\xaan\nA," + b"," * 1_000_000 + b"\n"
    with bounded(max_peak_mib=24):
        assert refusal(data, "don-vi.csv") == "dòng 2 có hơn 16.384 cột; tệp không được đọc."


def open_sheet(rows: bytes) -> bytes:
    """The start of a worksheet, its sheetData left open."""
    return sheet_xml(rows).removesuffix(END)

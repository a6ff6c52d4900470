"""Importing activities (lantoa.activities.importing): good files, bad rows, all or nothing, the
command, date forms."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from lantoa.activities.importing import activities_import, parse_date
from lantoa.activities.models import Activity, ActivityFormat, ActivityKind
from lantoa.audit.models import AuditEvent
from tests.conftest import Officers, Tree

pytestmark = pytest.mark.django_db


TODAY = dt.date(2026, 6, 30)


HEADER = "unit_code,date,type,title,participants,quantity,note\n"


def run_import(text: str, name: str = "hoat-dong.csv", **kwargs: object):  # type: ignore[no-untyped-def]
    data = text.encode("utf-8")
    return activities_import(
        fileobj=io.BytesIO(data), filename=name, size=len(data), today=TODAY, **kwargs
    )


def test_import_good_csv_with_vietnamese_headers_labels_and_both_date_forms(tree: Tree) -> None:
    text = (
        "Mã đơn vị;Ngày;Loại hoạt động;Tên hoạt động, chủ đề;Số người tham gia;Số lượng;Ghi chú;"
        "Hình thức\n"
        "A-G1;05/03/2025;Buổi tuyên truyền;Luật Công đoàn 2024;1.200;;;trực tuyến\n"
        "A-G2;2025-03-06;outreach;An toàn lao động;80;2;hai ca;\n"
        "P-A;28/04/2025;tin bài;Tin tháng 4;;7;;\n"
        "A-G3;7/5/2025;Sáng kiến đăng ký;Sáng kiến năm 2025;;3;;\n"
    )
    result = run_import(text)
    assert result.ok, [str(e) for e in result.errors]
    assert result.created == 4 and Activity.objects.count() == 4
    first = Activity.objects.get(unit=tree.a_g1)
    assert (first.held_on, first.kind, first.participants, first.quantity, first.format) == (
        dt.date(2025, 3, 5),
        ActivityKind.OUTREACH,
        1200,
        1,
        ActivityFormat.ONLINE,
    )
    second = Activity.objects.get(unit=tree.a_g2)
    assert (second.quantity, second.note, second.format) == (2, "hai ca", ActivityFormat.DIRECT)
    assert Activity.objects.get(unit=tree.pa).kind == ActivityKind.PRESS
    assert Activity.objects.get(unit=tree.a_g3).held_on == dt.date(2025, 5, 7)
    audit = AuditEvent.objects.get(action="activity.import")
    assert (
        audit.data == {"rows": 4, "created": 4} and audit.actor_label == "lantoa activities import"
    )


def test_import_xlsx_with_date_cells(tree: Tree, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["unit_code", "date", "type", "title", "participants", "quantity", "note"])
    sheet.append(["A-G1", dt.datetime(2025, 5, 1), "training", "Tập huấn", 40, 1, None])
    sheet.append(["A-KCN", "12/05/2025", "Hội thi, cuộc thi", "Hội thi ATVSV", 150.0, None, ""])
    path = tmp_path / "hd.xlsx"
    book.save(path)
    with path.open("rb") as fh:
        result = activities_import(fileobj=fh, filename=path.name, today=TODAY)
    assert result.ok, [str(e) for e in result.errors]
    assert sorted(
        Activity.objects.values_list("unit__code", "held_on", "kind", "participants")
    ) == [
        ("A-G1", dt.date(2025, 5, 1), ActivityKind.TRAINING, 40),
        ("A-KCN", dt.date(2025, 5, 12), ActivityKind.CONTEST, 150),
    ]


def test_import_bad_rows_lists_every_error_and_writes_nothing(
    tree: Tree, officers: Officers
) -> None:
    text = HEADER + (
        "A-G1,05/03/2025,outreach,Tốt,10,1,\n"  # row 2 is fine
        "X-99,05/03/2025,outreach,Không có đơn vị,10,1,\n"
        "A-G1,31/02/2025,outreach,Ngày sai,10,1,\n"
        "A-G1,05/03/2027,outreach,Ngày tương lai,10,1,\n"
        "A-G1,05/03/2025,picnic,Loại sai,10,1,\n"
        "A-G1,05/03/2025,outreach,,-5,0,\n"
        "B-G1,05/03/2025,outreach,Tỉnh khác,10,1,\n"
    )
    result = run_import(text, actor=officers.a_admin)
    assert not result.ok and result.created == 0
    texts = [str(e) for e in result.errors]
    assert texts[0] == (
        "Dòng 3, cột “Mã đơn vị”: không có đơn vị mã “X-99” trong phạm vi của anh/chị."
    )
    assert texts[1].startswith("Dòng 4, cột “Ngày”: “31/02/2025” không phải ngày hợp lệ")
    assert texts[2] == (
        "Dòng 5, cột “Ngày”: ngày 05/03/2027 chưa tới; chỉ ghi những hoạt động đã diễn ra."
    )
    assert texts[3].startswith(
        "Dòng 6, cột “Loại hoạt động”: loại hoạt động “picnic” không hợp lệ (chấp nhận: "
        "Buổi tuyên truyền (outreach)"
    )
    assert texts[4:7] == [
        "Dòng 7, cột “Tên hoạt động, chủ đề”: không được để trống.",
        "Dòng 7, cột “Số người tham gia”: “-5” là số âm; số lượng phải từ 0 trở lên.",
        "Dòng 7, cột “Số lượng”: phải là số từ 1 trở lên.",
    ]
    # Province B is outside the officer's scope: reported exactly like an unknown code.
    assert texts[7] == (
        "Dòng 8, cột “Mã đơn vị”: không có đơn vị mã “B-G1” trong phạm vi của anh/chị."
    )
    assert len(texts) == 8
    assert Activity.objects.count() == 0 and not AuditEvent.objects.exists()


def test_import_file_level_errors(tree: Tree) -> None:
    assert [str(e) for e in run_import("unit_code,date\nA-G1,01/01/2025\n").errors] == [
        "Dòng tiêu đề thiếu cột “Loại hoạt động”, “Tên hoạt động, chủ đề”."
    ]
    assert [str(e) for e in run_import(HEADER).errors] == [
        "Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."
    ]
    assert str(run_import(HEADER, name="a.txt").errors[0]).startswith("Tệp “a.txt” không đúng loại")


def test_import_command_all_or_nothing(tree: Tree, tmp_path: Path) -> None:
    good = tmp_path / "tot.csv"
    good.write_text(HEADER + "A-G1,05/03/2025,outreach,Luật Công đoàn,35,1,\n", encoding="utf-8")
    out = io.StringIO()
    call_command("activities", "import", str(good), stdout=out)
    assert out.getvalue().strip() == "Đã nhập 1 hoạt động."
    bad = tmp_path / "loi.csv"
    bad.write_text(
        HEADER + "A-G1,05/03/2025,outreach,Được,35,1,\nA-G9,05/03/2025,outreach,Lỗi,1,1,\n",
        encoding="utf-8",
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 lỗi; chưa có hoạt động nào được ghi"):
        call_command("activities", "import", str(bad), stderr=err)
    assert "Dòng 3, cột “Mã đơn vị”" in err.getvalue()
    assert Activity.objects.count() == 1


def test_parse_date_forms() -> None:
    assert parse_date("05/07/2022") == dt.date(2022, 7, 5)
    assert parse_date("2022-07-05") == dt.date(2022, 7, 5)
    with pytest.raises(ValueError, match="không phải ngày hợp lệ"):
        parse_date("2022/07/05")


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        ("outreach_session", ActivityKind.OUTREACH),
        ("Outreach-Session", ActivityKind.OUTREACH),
        ("BUOI TUYEN TRUYEN", ActivityKind.OUTREACH),
        ("Training", ActivityKind.TRAINING),
        ("press article", ActivityKind.PRESS),
        ("Tin, bài trên báo chí", ActivityKind.PRESS),
        ("radio", ActivityKind.BROADCAST),
        ("award", ActivityKind.COMMENDATION),
    ],
)
def test_import_reads_kinds_as_other_tools_write_them(tree: Tree, written: str, kind: str) -> None:
    result = run_import(HEADER + f'A-G1,05/03/2025,"{written}",Chủ đề,10,,\n')
    assert result.ok, [str(e) for e in result.errors]
    assert Activity.objects.get().kind == kind


def test_an_unknown_kind_lists_what_is_accepted(tree: Tree) -> None:
    result = run_import(HEADER + "A-G1,05/03/2025,picnic,Chủ đề,10,,\n")
    (error,) = result.errors
    assert "picnic" in str(error) and "Buổi tuyên truyền (outreach)" in str(error)

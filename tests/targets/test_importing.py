"""Numeric targets from files people write (``lantoa targets import``) and one at a time
(``lantoa targets set``)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from lantoa.targets.importing import targets_import
from lantoa.targets.models import TargetAssignment
from tests.conftest import Officers, Tree

pytestmark = pytest.mark.django_db


def _csv(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode("utf-8-sig"))


def test_import_reads_labels_and_codes_as_people_write_them(tree: Tree) -> None:
    data = _csv(
        "Mã đơn vị;Chỉ tiêu;Kỳ;Mức chỉ tiêu\n"
        "P-A;Buổi tuyên truyền;6 tháng đầu năm 2026;1.200\n"
        "A-KCN;buoi tuyen truyen;2026-H1;300\n"
        "A-XA;activity_initiative;Năm 2026;45\n"
        "P-B;OUTREACH;quý II năm 2026;80\n"
        "P-B;Sáng kiến đăng ký;tháng 5/2026;7\n"
    )
    result = targets_import(fileobj=data, filename="chi-tieu.csv")
    assert result.ok, [str(e) for e in result.errors]
    assert (result.created, result.updated) == (5, 0)
    got = {
        (a.unit.code, a.metric, a.period.code): a.value
        for a in TargetAssignment.objects.select_related("unit", "period")
    }
    assert got == {
        ("P-A", "activity_outreach", "2026-H1"): 1200,
        ("A-KCN", "activity_outreach", "2026-H1"): 300,
        ("A-XA", "activity_initiative", "2026"): 45,
        ("P-B", "activity_outreach", "2026-Q2"): 80,
        ("P-B", "activity_initiative", "2026-05"): 7,
    }
    again = targets_import(
        fileobj=_csv("unit_code,metric,period,value\nP-A,outreach,2026-H1,1300\n"), filename="x.csv"
    )
    assert (again.created, again.updated) == (0, 1)
    assert TargetAssignment.objects.get(unit=tree.pa).value == 1300


def test_import_from_xlsx(tree: Tree, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Mã đơn vị", "Chỉ tiêu", "Kỳ", "Mức chỉ tiêu"])
    sheet.append(["P-A", "Buổi tuyên truyền", "2026-H2", 1500])
    path = tmp_path / "chi-tieu.xlsx"
    book.save(path)
    out = io.StringIO()
    call_command("targets", "import", str(path), stdout=out)
    assert "Đã giao 1 chỉ tiêu mới" in out.getvalue()
    assert TargetAssignment.objects.get(unit=tree.pa).value == 1500


def test_a_bad_file_names_every_problem_and_writes_nothing(tree: Tree) -> None:
    data = _csv(
        "Mã đơn vị,Chỉ tiêu,Kỳ,Mức chỉ tiêu\n"
        "P-A,Buổi tuyên truyền,2026-H1,1200\n"
        "XX,Buổi tuyên truyền,2026-H1,5\n"
        "P-A,Số bài đăng,2026-H1,5\n"
        "P-A,Buổi tuyên truyền,nửa năm sau,5\n"
        "P-A,Sáng kiến đăng ký,2026,-3\n"
        "P-A,outreach,6 thang dau nam 2026,9\n"
    )
    result = targets_import(fileobj=data, filename="chi-tieu.csv")
    assert not result.ok
    texts = [str(e) for e in result.errors]
    assert any(t.startswith("Dòng 3") and "XX" in t for t in texts)
    assert any(
        t.startswith("Dòng 4") and "Số bài đăng" in t and "activity_outreach" in t for t in texts
    )
    assert any(
        t.startswith("Dòng 5") and "nửa năm sau" in t and "6 tháng đầu năm" in t for t in texts
    )
    assert any(t.startswith("Dòng 6") and "-3" in t for t in texts)
    assert any(t.startswith("Dòng 7") and "trùng với dòng 2" in t for t in texts)
    assert not TargetAssignment.objects.exists()


def test_an_officer_gives_numbers_only_below_their_unit(tree: Tree, officers: Officers) -> None:
    data = _csv(
        "unit_code,metric,period,value\nA-KCN,outreach,2026-H1,10\nP-A,outreach,2026-H1,10\n"
    )
    result = targets_import(fileobj=data, filename="x.csv", actor=officers.a_admin)
    assert [e.row for e in result.errors] == [3]
    assert not TargetAssignment.objects.exists()


def test_set_command(tree: Tree) -> None:
    out = io.StringIO()
    call_command("targets", "set", "P-A", "Buổi tuyên truyền", "2026-H1", "1.200", stdout=out)
    assert "1.200" in out.getvalue()
    assert TargetAssignment.objects.get(unit=tree.pa).value == 1200
    with pytest.raises(CommandError, match="chấp nhận"):
        call_command("targets", "set", "P-A", "bai dang", "2026-H1", "5")
    with pytest.raises(CommandError, match="Không đọc được kỳ"):
        call_command("targets", "set", "P-A", "outreach", "H1", "5")
    with pytest.raises(CommandError, match="Không có đơn vị"):
        call_command("targets", "set", "ZZ", "outreach", "2026-H1", "5")

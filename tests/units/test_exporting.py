"""Exporting units (CLI) round-trips through the importer; the 2025 province merger command
(the export screen: tests/portal/test_unit_import_views.py)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from lantoa.audit.models import AuditEvent
from lantoa.units.models import Unit, UnitClosure, UnitEvent, UnitKind, UnitStatus
from lantoa.units.services import unit_create, unit_merge, unit_root_ensure
from tests.conftest import Tree

DATA = Path(__file__).parents[1] / "data"
FIELDS = (
    "code",
    "name",
    "short_name",
    "kind",
    "parent__code",
    "depth",
    "member_count",
    "worker_count",
    "employer_name",
    "address",
    "industrial_zone",
    "sector",
)


def snapshot() -> tuple[set[tuple], set[tuple[str, str, int]]]:
    units = set(Unit.objects.values_list(*FIELDS))
    closure = set(UnitClosure.objects.values_list("ancestor__code", "descendant__code", "depth"))
    return units, closure


def empty_database() -> None:
    UnitClosure.objects.all().delete()
    for depth in sorted(set(Unit.objects.values_list("depth", flat=True)), reverse=True):
        Unit.objects.filter(depth=depth).delete()
    assert not Unit.objects.exists()


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_export_then_import_into_empty_database_gives_same_tree(
    tree: Tree, tmp_path: Path, suffix: str
) -> None:
    Unit.objects.filter(pk=tree.a_g1.pk).update(
        address='Lô A1; KCN "Mỹ Thới"', sector="Dệt may, da giày"
    )
    before = snapshot()
    path = tmp_path / f"units.{suffix}"
    call_command("units", "export", str(path))
    assert AuditEvent.objects.filter(action="unit.export").count() == 1
    empty_database()
    call_command("units", "import", str(path))
    assert snapshot() == before
    assert len(before[0]) == 10


def test_csv_export_has_import_columns_and_subtree_only(tree: Tree, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    call_command("units", "export", str(path), "--root", "A-KCN")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Mã đơn vị", "Tên đơn vị", "Tên viết tắt", "Loại", "Mã đơn vị cấp trên"]
    assert [r[0] for r in rows[1:]] == ["A-KCN", "A-G1", "A-G2"]
    assert rows[2][3] == "Công đoàn cơ sở" and rows[2][4] == "A-KCN" and rows[2][5] == "1200"


def test_export_leaves_out_ended_units_unless_asked(tree: Tree, tmp_path: Path) -> None:
    unit_merge(source=tree.a_g2, target=tree.a_g1)
    path = tmp_path / "a.xlsx"
    call_command("units", "export", str(path), "--root", "A-KCN")
    sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["A-KCN", "A-G1"]
    call_command("units", "export", str(path), "--root", "A-KCN", "--include-ended")
    sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["A-KCN", "A-G1", "A-G2"]


def test_export_refuses_unknown_extension_and_root(tree: Tree, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"\.csv hoặc \.xlsx"):
        call_command("units", "export", str(tmp_path / "a.txt"))
    with pytest.raises(CommandError, match="Không có đơn vị"):
        call_command("units", "export", str(tmp_path / "a.csv"), "--root", "NOPE")


# --- merge-provinces ----------------------------------------------------------------------


@pytest.fixture
def provinces(db: None) -> dict[str, Unit]:
    vn = unit_root_ensure()
    made = {"VN": vn}
    for code, name, short in [
        ("TN", "Liên đoàn Lao động tỉnh Thái Nguyên", "LĐLĐ Thái Nguyên"),
        ("BK", "Liên đoàn Lao động tỉnh Bắc Kạn", "LĐLĐ Bắc Kạn"),
        ("TTH", "Liên đoàn Lao động tỉnh Thừa Thiên Huế", "LĐLĐ Thừa Thiên Huế"),
        ("HCM", "Liên đoàn Lao động Thành phố Hồ Chí Minh", "LĐLĐ TP.HCM"),
        ("BRVT", "Liên đoàn Lao động tỉnh Bà Rịa-Vũng Tàu", ""),
    ]:
        made[code] = unit_create(
            code=code, name=name, kind=UnitKind.PROVINCE, parent=vn, short_name=short
        )
    made["BK-XA"] = unit_create(
        code="BK-XA", name="Công đoàn phường Đức Xuân", kind=UnitKind.COMMUNE, parent=made["BK"]
    )
    made["BK-G1"] = unit_create(
        code="BK-G1",
        name="CĐCS Trường THPT Bắc Kạn",
        kind=UnitKind.GRASSROOTS,
        parent=made["BK-XA"],
        member_count=60,
        worker_count=64,
    )
    return made


def test_merge_provinces_dry_run_changes_nothing(provinces: dict[str, Unit], capsys) -> None:  # type: ignore[no-untyped-def]
    before = snapshot()
    call_command("units", "merge-provinces", str(DATA / "provinces_small.csv"), "--dry-run")
    out = capsys.readouterr().out
    assert "[Chạy thử] Hợp nhất Liên đoàn Lao động tỉnh Bắc Kạn (BK) vào" in out
    assert (
        "Đổi tên Liên đoàn Lao động tỉnh Thừa Thiên Huế (TTH) thành Liên đoàn Lao động "
        "thành phố Huế" in out
    )
    assert snapshot() == before
    assert not Unit.objects.exclude(status=UnitStatus.ACTIVE).exists()
    assert not UnitEvent.objects.exists()


def test_merge_provinces_merges_and_renames(provinces: dict[str, Unit], capsys) -> None:  # type: ignore[no-untyped-def]
    call_command(
        "units", "merge-provinces", str(DATA / "provinces_small.csv"), "--on", "2025-07-01"
    )
    assert "Đã hợp nhất 2 đơn vị, đổi tên 1 đơn vị." in capsys.readouterr().out
    bk = Unit.objects.get(code="BK")
    assert (bk.status, bk.successor_id, str(bk.ended_on)) == (
        UnitStatus.MERGED,
        provinces["TN"].pk,
        "2025-07-01",
    )
    assert Unit.objects.get(code="BRVT").successor_id == provinces["HCM"].pk
    assert Unit.objects.get(code="BK-XA").parent_id == provinces["TN"].pk
    assert set(
        UnitClosure.objects.filter(descendant__code="BK-G1").values_list(
            "ancestor__code", flat=True
        )
    ) == {"BK-G1", "BK-XA", "TN", "VN"}
    hue = Unit.objects.get(code="TTH")
    assert (hue.name, hue.short_name) == ("Liên đoàn Lao động thành phố Huế", "LĐLĐ Huế")
    assert "hue" in hue.search_text
    # Names already right are left alone.
    assert Unit.objects.get(code="HCM").name == "Liên đoàn Lao động Thành phố Hồ Chí Minh"
    assert AuditEvent.objects.filter(action="unit.merge_provinces").count() == 1
    # Running it again finds the merged provinces and does nothing more.
    call_command("units", "merge-provinces", str(DATA / "provinces_small.csv"))
    assert "Đã hợp nhất 0 đơn vị, đổi tên 0 đơn vị." in capsys.readouterr().out


def test_merge_provinces_unknown_names_change_nothing(
    provinces: dict[str, Unit],
    tmp_path: Path,  # type: ignore[no-untyped-def]
    capsys,
) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        "old_province,new_province,new_kind\nBắc Kạn,Thái Nguyên,tỉnh\n"
        "Hà Giang,Tuyên Quang,tỉnh\nThái Nguyên,Thái Nguyên,huyện\n",
        encoding="utf-8",
    )
    before = snapshot()
    with pytest.raises(CommandError):
        call_command("units", "merge-provinces", str(path))
    err = capsys.readouterr().err
    assert "Dòng 3: không tìm thấy LĐLĐ tỉnh, thành phố “Hà Giang”." in err
    assert "Dòng 4:" in err
    assert snapshot() == before
    assert not UnitEvent.objects.exists()

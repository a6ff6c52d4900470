"""A fresh install has the national root from its first migration (units 0007): imports work
right after ``lantoa migrate``, and the seed, the demo and the fixtures reuse the root."""

from __future__ import annotations

import csv
import importlib
import io
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from lantoa.activities.models import Activity
from lantoa.kb.models import Article
from lantoa.targets.models import TargetAssignment
from lantoa.units.models import ROOT_CODE, ROOT_NAME, Unit, UnitClosure, UnitKind
from lantoa.units.selectors import tree_is_empty
from lantoa.units.services import unit_create, unit_root_ensure

pytestmark = pytest.mark.django_db

create_root = importlib.import_module("lantoa.units.migrations.0007_national_root").create_root


def only_root() -> Unit:
    (root,) = Unit.objects.filter(parent=None)
    return root


def test_a_migrated_database_has_the_national_root() -> None:
    root = only_root()
    assert (root.code, root.name, root.kind, root.depth) == (
        ROOT_CODE,
        ROOT_NAME,
        UnitKind.NATIONAL,
        0,
    )
    assert list(UnitClosure.objects.values_list("ancestor_id", "descendant_id", "depth")) == [
        (root.pk, root.pk, 0)
    ]
    assert root.search_text.startswith(" vn tong lien doan lao dong viet nam")
    assert tree_is_empty()


def test_the_migration_never_adds_a_second_root() -> None:
    root = only_root()
    root.code = "TLD"
    root.save()
    create_root(apps, None)
    assert only_root().pk == root.pk
    # A database without one (from before the migration) gets it.
    Unit.objects.all().delete()
    create_root(apps, None)
    assert only_root().code == ROOT_CODE


def test_migrate_then_import_units_and_articles(tmp_path: Path) -> None:
    units = tmp_path / "don-vi.csv"
    units.write_text(
        "Mã đơn vị,Tên đơn vị,Loại,Mã đơn vị cấp trên,Số đoàn viên\n"
        "CM,Liên đoàn Lao động tỉnh Cà Mau,LĐLĐ tỉnh,,\n"
        "CM-KCN,Công đoàn các KCN tỉnh Cà Mau,Công đoàn khu công nghiệp,CM,\n"
        "CM-G1,CĐCS Công ty Tôm Việt,cdcs,CM-KCN,120\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("units", "import", str(units), stdout=out)
    root = only_root()
    assert Unit.objects.get(code="CM").parent == root  # a province without a parent
    assert Unit.objects.get(code="CM-G1").depth == 3
    articles = tmp_path / "bai.csv"
    with articles.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(
            [
                ["Tiêu đề", "Câu hỏi", "Trả lời", "Lĩnh vực"],
                ["Thời gian thử việc", "Thử việc bao lâu?", "Không quá 60 ngày.", "contract"],
            ]
        )
    call_command("kb", "import", str(articles), stdout=out)
    assert Article.objects.get().unit == root
    assert Unit.objects.filter(kind=UnitKind.NATIONAL).count() == 1


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_migrate_then_the_four_importers_from_spreadsheets_people_write(tmp_path: Path) -> None:
    """Issue 12, "Done when": on a just-migrated database, spreadsheets written with labels
    (with or without diacritics) and English synonyms go in through all four importers."""
    out = io.StringIO()
    units = _xlsx(
        tmp_path / "don-vi.xlsx",
        [
            ["Mã đơn vị", "Tên đơn vị", "Loại", "Mã đơn vị cấp trên", "Số đoàn viên"],
            ["CM", "Liên đoàn Lao động tỉnh Cà Mau", "province", None, None],
            ["CM-KCN", "Công đoàn các KCN tỉnh Cà Mau", "upper", "CM", None],
            ["CM-G1", "CĐCS Công ty Tôm Việt", "cong doan co so", "CM-KCN", 120],
        ],
    )
    call_command("units", "import", str(units), stdout=out)
    assert Unit.objects.get(code="CM").parent == only_root()
    assert Unit.objects.get(code="CM-G1").depth == 3
    activities = _xlsx(
        tmp_path / "hoat-dong.xlsx",
        [
            ["Mã đơn vị", "Ngày", "Loại hoạt động", "Tên hoạt động, chủ đề", "Số người tham gia"],
            ["CM-G1", "05/03/2026", "outreach_session", "Luật Công đoàn 2024", 35],
            ["CM-G1", "12/03/2026", "buoi tuyen truyen", "An toàn lao động", "1.200"],
        ],
    )
    call_command("activities", "import", str(activities), stdout=out)
    assert Activity.objects.filter(unit__code="CM-G1", kind="outreach").count() == 2
    articles = _xlsx(
        tmp_path / "hoi-dap.xlsx",
        [
            ["Tiêu đề", "Câu hỏi", "Trả lời", "Lĩnh vực"],
            ["Thời gian thử việc", "Thử việc bao lâu?", "Không quá 60 ngày.", "Hợp đồng, thử việc"],
        ],
    )
    call_command("kb", "import", str(articles), stdout=out)
    assert Article.objects.get().title == "Thời gian thử việc"
    targets = _xlsx(
        tmp_path / "chi-tieu.xlsx",
        [
            ["Mã đơn vị", "Chỉ tiêu", "Kỳ", "Mức chỉ tiêu"],
            ["CM", "Buổi tuyên truyền", "6 tháng đầu năm 2026", "1.200"],
            ["CM-KCN", "outreach", "2026-H1", 300],
        ],
    )
    call_command("targets", "import", str(targets), stdout=out)
    assert dict(TargetAssignment.objects.values_list("unit__code", "value")) == {
        "CM": 1200,
        "CM-KCN": 300,
    }


def test_root_ensure_reuses_the_root_and_fills_blanks_only() -> None:
    root = only_root()
    again = unit_root_ensure(code="BENCH", name="Khác", address="82 Trần Hưng Đạo")
    assert again.pk == root.pk
    again.refresh_from_db()
    assert (again.code, again.name, again.address) == (ROOT_CODE, ROOT_NAME, "82 Trần Hưng Đạo")
    unit_root_ensure(address="Địa chỉ khác")
    again.refresh_from_db()
    assert again.address == "82 Trần Hưng Đạo"
    assert Unit.objects.count() == 1
    # After a flush (transactional tests) the root is made again.
    Unit.objects.all().delete()
    made = unit_root_ensure()
    assert (made.code, made.kind) == (ROOT_CODE, UnitKind.NATIONAL)
    assert UnitClosure.objects.filter(descendant=made).count() == 1


def test_tree_is_empty_only_with_a_bare_root() -> None:
    root = only_root()
    assert tree_is_empty()
    unit_create(code="CM", name="LĐLĐ tỉnh Cà Mau", kind=UnitKind.PROVINCE, parent=root)
    assert not tree_is_empty()
    with pytest.raises(CommandError, match="đã có 2 đơn vị"):
        call_command("seed", size="demo", stdout=io.StringIO())

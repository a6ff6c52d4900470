"""`lantoa <thing> template FILE` and the import page's "Tải mẫu (XLSX)": one builder
(lantoa.core.tabular.xlsx_template) fed by each importer's sheet. Each template opens, its
header is what the importer reads, its drop-downs list the Vietnamese labels, and its example
row imports cleanly when fed back."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from lantoa.activities.importing import SHEET as ACTIVITIES
from lantoa.activities.models import Activity
from lantoa.core.tabular import LISTS_SHEET
from lantoa.kb.importing import SHEET as ARTICLES
from lantoa.kb.models import Article
from lantoa.kb.register import ensure_register
from lantoa.targets.importing import SHEET as TARGETS
from lantoa.targets.models import TargetAssignment
from lantoa.units.importing import SHEET as UNITS
from lantoa.units.models import Unit
from tests.conftest import Officers, Tree, login

CASES = {
    "units": (UNITS, {"kind": "LĐLĐ tỉnh, thành phố"}, lambda: Unit.objects.count()),
    "activities": (
        ACTIVITIES,
        {"type": "Buổi tuyên truyền", "format": "Trực tuyến"},
        lambda: Activity.objects.count(),
    ),
    "kb": (
        ARTICLES,
        {"category": "Hợp đồng lao động, thử việc", "status": "Công khai"},
        lambda: Article.objects.count(),
    ),
    "targets": (TARGETS, {"metric": "Buổi tuyên truyền"}, lambda: TargetAssignment.objects.count()),
}


def drop_downs(book: openpyxl.Workbook) -> dict[str, list[str]]:
    """Header label (without "*") → the values its drop-down offers."""
    sheet, lists = book.worksheets[0], book[LISTS_SHEET]
    header = {cell.column_letter: str(cell.value).rstrip("*") for cell in sheet[1]}
    found: dict[str, list[str]] = {}
    for validation in sheet.data_validations.dataValidation:
        assert validation.type == "list"
        column = str(validation.sqref).split(":")[0].rstrip("0123456789")
        assert str(validation.sqref) == f"{column}2:{column}2001"
        source = validation.formula1.split("!")[1].replace("$", "")
        found[header[column]] = [c.value for row in lists[source] for c in row]
    return found


@pytest.mark.parametrize("thing", list(CASES))
def test_template_round_trip(thing: str, tree: Tree, tmp_path: Path) -> None:
    ensure_register()
    sheet, offered, count = CASES[thing]
    path = tmp_path / f"mau-{thing}.xlsx"
    out = io.StringIO()
    call_command(thing, "template", str(path), stdout=out)
    assert "Đã ghi tệp mẫu" in out.getvalue()
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[1] == LISTS_SHEET and book[LISTS_SHEET].sheet_state == "hidden"
    data = book.worksheets[0]
    header = [str(c.value) for c in data[1]]
    # The header is what the importer reads, every column in its order, required ones marked.
    assert [h.rstrip("*") for h in header] == [sheet.labels[key] for key in sheet.columns]
    with path.open("rb") as fh:
        assert sheet.read(fh, path.name).columns == set(sheet.columns)
    assert {h.rstrip("*") for h in header if h.endswith("*")} == {
        sheet.labels[key] for key in sheet.required
    }
    lists = drop_downs(book)
    for key, value in offered.items():
        assert value in lists[sheet.labels[key]], (key, lists)
    before = count()
    call_command(thing, "import", str(path), stdout=out)
    assert count() == before + 1


def test_the_example_rows_read_as_people_expect(tree: Tree, tmp_path: Path) -> None:
    path = tmp_path / "don-vi.xlsx"
    call_command("units", "template", str(path), stdout=io.StringIO())
    call_command("units", "import", str(path), stdout=io.StringIO())
    province = Unit.objects.get(code="CM")
    assert province.parent == tree.vn and province.member_count == 45000
    kinds = drop_downs(openpyxl.load_workbook(path))["Loại"]
    assert kinds[0] == "Tổng Liên đoàn" and kinds[-1] == "Công đoàn cơ sở"


def test_template_command_needs_an_xlsx_name(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"Vui lòng đặt tên tệp mẫu có đuôi \.xlsx"):
        call_command("units", "template", str(tmp_path / "mau.csv"))
    assert not (tmp_path / "mau.csv").exists()


def test_import_page_offers_the_same_template(
    client: Client, tree: Tree, officers: Officers, tmp_path: Path
) -> None:
    login(client, officers.a_admin)
    page = client.get("/don-vi/nhap/").content.decode()
    assert "Tải mẫu (XLSX)" in page and 'href="/don-vi/nhap/mau.xlsx"' in page
    response = client.get("/don-vi/nhap/mau.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "mau-nhap-don-vi.xlsx" in response["Content-Disposition"]
    served = openpyxl.load_workbook(io.BytesIO(response.content))
    path = tmp_path / "mau.xlsx"
    call_command("units", "template", str(path), stdout=io.StringIO())
    written = openpyxl.load_workbook(path)
    assert [[c.value for c in r] for r in served.worksheets[0].iter_rows()] == [
        [c.value for c in r] for r in written.worksheets[0].iter_rows()
    ]
    assert drop_downs(served) == drop_downs(written)
    viewer = Client()
    login(viewer, officers.a_viewer)
    assert viewer.get("/don-vi/nhap/mau.xlsx").status_code in (403, 404)

"""Categories written the way people write them: mapped to an existing field by folded name,
otherwise created, the choice reported; the created fields work on the screens."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from lantoa.audit.models import AuditEvent
from lantoa.kb.categories import category_choices, category_key, category_label
from lantoa.kb.importing import articles_import
from lantoa.kb.models import Article, ArticleCategory, Category
from lantoa.kb.register import ensure_register
from tests.conftest import Officers, Tree, login


@pytest.fixture(autouse=True)
def register(db: None) -> None:
    ensure_register()


def xlsx(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Tiêu đề", "Câu hỏi", "Trả lời", "Lĩnh vực", "Căn cứ pháp lý"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


ROWS = [
    ["Thử việc mấy ngày", "Thử việc tối đa bao lâu?", "Tối đa 180 ngày.", "Hợp đồng và thử việc",
     "45/2019/QH14 Đ25"],
    ["Lương thử việc", "Lương thử việc bao nhiêu?", "Ít nhất 85%.", "Hợp đồng và thử việc", ""],
    ["Hợp đồng miệng", "Có được ký miệng?", "Chỉ dưới 1 tháng.", "hop dong  VA thu viec", ""],
    ["Hợp đồng xác định thời hạn", "Tối đa bao lâu?", "36 tháng.",
     "HỢP ĐỒNG LAO ĐỘNG – THỬ VIỆC", ""],
    ["Chậm trả lương", "Công ty chậm lương?", "Phải trả lãi.", "wages", ""],
    ["Thưởng Tết", "Có bắt buộc thưởng Tết?", "Không bắt buộc.", "Tiền lương", ""],
]  # fmt: skip


def test_a_spreadsheet_with_new_and_misspelt_categories_imports_every_row(tree: Tree) -> None:
    data = xlsx(ROWS)
    result = articles_import(fileobj=io.BytesIO(data), filename="bai.xlsx", unit=tree.vn)
    assert result.ok, [str(e) for e in result.errors]
    assert result.created == 6
    made = ArticleCategory.objects.get(key="hopdongvathuviec")
    assert made.name == "Hợp đồng và thử việc"
    by_title = dict(Article.objects.values_list("title", "category"))
    assert by_title["Thử việc mấy ngày"] == by_title["Hợp đồng miệng"] == made.code
    assert by_title["Hợp đồng xác định thời hạn"] == Category.CONTRACT
    assert by_title["Chậm trả lương"] == Category.WAGES
    assert by_title["Thưởng Tết"] == "tien-luong"  # no field is named just "Tiền lương"
    assert result.category_lines() == [
        "Lĩnh vực “Hợp đồng và thử việc”: chưa có, đã tạo mới.",
        "Lĩnh vực “hop dong  VA thu viec”: ghép vào “Hợp đồng và thử việc”.",
        "Lĩnh vực “HỢP ĐỒNG LAO ĐỘNG – THỬ VIỆC”: ghép vào “Hợp đồng lao động, thử việc”.",
        "Lĩnh vực “Tiền lương”: chưa có, đã tạo mới.",
    ]  # a code or a label as it is ("wages") needs no word
    assert Article.objects.get(title="Lương thử việc").category_label == "Hợp đồng và thử việc"
    audit = AuditEvent.objects.get(action="kb.import")
    assert {"written": "Hợp đồng và thử việc", "code": made.code, "how": "created"} in (
        audit.data["categories"]
    )
    # The next file's spelling finds the created field; nothing new is made.
    again = articles_import(
        fileobj=io.BytesIO(
            xlsx([["Nghỉ việc khi thử việc", "Q?", "A.", "hợp đồng và THỬ VIỆC", ""]])
        ),
        filename="bai2.xlsx",
        unit=tree.vn,
    )
    assert again.ok and again.category_lines() == [
        "Lĩnh vực “hợp đồng và THỬ VIỆC”: ghép vào “Hợp đồng và thử việc”."
    ]
    assert ArticleCategory.objects.count() == 2


def test_a_category_without_letters_is_refused_with_the_accepted_values(tree: Tree) -> None:
    result = articles_import(
        fileobj=io.BytesIO(xlsx([ROWS[0], ["Tiêu đề", "Q?", "A.", "—", ""]])),
        filename="bai.xlsx",
        unit=tree.vn,
    )
    (error,) = result.errors
    assert str(error).startswith("Dòng 3, cột “Lĩnh vực”: lĩnh vực “—” phải có chữ hoặc số")
    assert "Tiền lương, lương tối thiểu, chậm trả lương (wages)" in str(error)
    assert Article.objects.count() == 0 and ArticleCategory.objects.count() == 0


def test_the_command_reports_the_choices(tree: Tree, tmp_path: Path) -> None:
    path = tmp_path / "bai.xlsx"
    path.write_bytes(xlsx(ROWS[:3]))
    out = io.StringIO()
    call_command("kb", "import", str(path), stdout=out)
    text = out.getvalue()
    assert "thêm mới 3 bài" in text
    assert "Lĩnh vực “Hợp đồng và thử việc”: chưa có, đã tạo mới." in text
    assert "Lĩnh vực “hop dong  VA thu viec”: ghép vào “Hợp đồng và thử việc”." in text


def test_created_categories_are_offered_on_the_screens(
    tree: Tree, officers: Officers, client
) -> None:  # type: ignore[no-untyped-def]
    articles_import(fileobj=io.BytesIO(xlsx(ROWS[:1])), filename="bai.xlsx", unit=tree.vn)
    made = ArticleCategory.objects.get()
    assert (made.code, "Hợp đồng và thử việc") in category_choices()
    assert category_label(made.code) == "Hợp đồng và thử việc"
    assert category_key("Hợp đồng, và – THỬ  việc!") == "hopdongvathuviec"
    login(client, officers.national_admin)
    page = client.get("/tri-thuc/", {"linh_vuc": made.code})
    assert f'value="{made.code}" selected' in page.content.decode()
    assert "Thử việc mấy ngày" in page.content.decode()
    article = Article.objects.get()
    detail = client.get(f"/tri-thuc/{article.pk}/").content.decode()
    assert "Hợp đồng và thử việc" in detail
    form = client.get(f"/tri-thuc/{article.pk}/sua/").content.decode()
    assert f'<option value="{made.code}" selected>Hợp đồng và thử việc</option>' in form

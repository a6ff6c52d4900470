"""Importing articles (lantoa.kb.importing): CSV and XLSX, every bad row reported, the shipped
articles, the command."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from lantoa.audit.models import AuditEvent
from lantoa.kb.importing import SHIPPED_ARTICLES, articles_import, ensure_shipped_articles
from lantoa.kb.models import Article, ArticleTerm, TermStat
from lantoa.kb.register import ensure_register
from lantoa.kb.selectors import article_search
from tests.conftest import Tree
from tests.kb.support import assert_frequencies_match_postings, titles

HEADER = ["title", "question", "answer", "category", "tags", "law_refs"]


@pytest.fixture(autouse=True)
def register(db: None) -> None:
    """Articles cite documents of the register: the shipped one is loaded for every test."""
    ensure_register()


def csv_bytes(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def run_import(tree: Tree, data: bytes, name: str = "bai.csv", **kw):
    return articles_import(fileobj=io.BytesIO(data), filename=name, unit=tree.vn, **kw)


GOOD = [
    [
        "Nghỉ phép năm",
        "Được nghỉ mấy ngày?",
        "12 ngày.",
        "hours",
        "phép năm; nghỉ",
        "45/2019/QH14 Đ113",
    ],
    [
        "Lương làm thêm giờ",
        "Tăng ca tính thế nào?",
        "Ít nhất 150%.",
        "Tiền lương, lương tối thiểu, chậm trả lương",
        "",
        "Điều 98 Bộ luật Lao động 2019;khoản 1 Điều 106 Bộ luật Lao động 2019",
    ],
]


def test_import_creates_then_updates_by_title(tree: Tree) -> None:
    result = run_import(tree, csv_bytes(GOOD))
    assert result.ok, result.errors
    assert (result.rows, result.created, result.updated, result.unchanged) == (2, 2, 0, 0)
    leave = Article.objects.get(title="Nghỉ phép năm")
    assert leave.tags == ["phép năm", "nghỉ"]
    assert leave.law_refs == ["Điều 113 Bộ luật Lao động 2019 (45/2019/QH14)"]
    assert leave.status == "internal" and leave.unit == tree.vn
    overtime = Article.objects.get(slug="luong-lam-them-gio")
    assert overtime.category == "wages"
    assert [(r.document.number, r.dieu, r.khoan) for r in overtime.references.all()] == [
        ("45/2019/QH14", "98", None),
        ("45/2019/QH14", "106", 1),
    ]
    assert titles(article_search(text="phep nam", user=None)) == []  # internal: not public
    assert AuditEvent.objects.filter(action="kb.import").count() == 1

    changed = [["NGHỈ PHÉP NĂM", "Được nghỉ mấy ngày?", "14 ngày.", "hours", "", ""], GOOD[1]]
    again = run_import(tree, csv_bytes(changed), publish=True)
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)
    leave.refresh_from_db()
    assert leave.answer == "14 ngày." and leave.title == "NGHỈ PHÉP NĂM"
    assert Article.objects.count() == 2
    assert_frequencies_match_postings()


def test_import_reports_every_bad_row_and_writes_nothing(tree: Tree) -> None:
    rows = [
        GOOD[0],
        ["", "Câu hỏi", "Trả lời", "hours", "", ""],
        ["Tiêu đề", "Câu hỏi", "Trả lời", "???", "", ""],
        ["Nghỉ phép năm!", "Câu hỏi", "", "hours", "", ""],
        ["X" * 300, "Câu hỏi", "Trả lời", "hours", "", ""],
    ]
    result = run_import(tree, csv_bytes(rows))
    assert not result.ok
    messages = [str(e) for e in result.errors]
    assert messages[0] == "Dòng 3, cột “Tiêu đề”: không được để trống."
    assert messages[1].startswith("Dòng 4, cột “Lĩnh vực”: lĩnh vực “???” phải có chữ hoặc số")
    assert "Dòng 5, cột “Trả lời”: không được để trống." in messages
    assert any(m.startswith("Dòng 6, cột “Tiêu đề”: dài 300 ký tự") for m in messages)
    assert Article.objects.count() == 0 and ArticleTerm.objects.count() == 0
    assert TermStat.objects.count() == 0


def test_import_refuses_repeated_titles_and_bad_headers(tree: Tree) -> None:
    dup = run_import(tree, csv_bytes([GOOD[0], ["nghi phep nam", "Q", "A", "hours", "", ""]]))
    assert [str(e) for e in dup.errors] == [
        "Dòng 3, cột “Tiêu đề”: trùng tiêu đề với dòng 2 (“nghi phep nam”)."
    ]
    bad = run_import(tree, csv_bytes([["a", "b"]], header=["title", "question"]))
    assert str(bad.errors[0]) == "Dòng tiêu đề thiếu cột “Trả lời”, “Lĩnh vực”."
    wrong = run_import(tree, b"x", name="bai.pdf")
    assert "chỉ nhận tệp .csv" in str(wrong.errors[0])
    assert Article.objects.count() == 0


def test_import_xlsx_with_vietnamese_headers(tree: Tree) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(
        ["Tiêu đề", "Câu hỏi", "Trả lời", "Lĩnh vực", "Từ khóa", "Căn cứ pháp lý", "Trạng thái"]
    )
    sheet.append(
        [
            "Nghỉ việc riêng",
            "Cưới được nghỉ mấy ngày?",
            "03 ngày.",
            "hours",
            "",
            "Điều 115 Bộ luật Lao động 2019",
            "Công khai",
        ]
    )
    out = io.BytesIO()
    book.save(out)
    result = run_import(tree, out.getvalue(), name="bai.xlsx")
    assert result.ok, result.errors
    article = Article.objects.get()
    assert article.status == "published" and article.published_at is not None
    assert titles(article_search(text="nghi viec rieng")) == ["Nghỉ việc riêng"]


LAW_ARTICLE = re.compile(r"Đ\d+")


def test_shipped_articles_import_cleanly(tree: Tree) -> None:
    with SHIPPED_ARTICLES.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 40
    for row in rows:
        assert LAW_ARTICLE.search(row["law_refs"]), row["title"]
    result = ensure_shipped_articles()
    assert result is not None and result.ok, result.errors if result else None
    assert result.created == len(rows) == Article.objects.filter(status="published").count()
    assert all(a.law_refs and a.category and a.reviewed_on for a in Article.objects.all())
    assert all(a.references.exists() for a in Article.objects.all())
    assert ensure_shipped_articles() is None  # the demo hook loads them once
    # The flagship query of the issue, typed without diacritics.
    assert "Mức lương tối thiểu vùng" in titles(article_search(text="luong toi thieu vung"))[0]
    assert "thai sản" in titles(article_search(text="nghi thai san bao lau"))[0]


def test_import_command(tree: Tree, tmp_path: Path) -> None:
    good = tmp_path / "bai.csv"
    good.write_bytes(csv_bytes(GOOD))
    out = io.StringIO()
    call_command("kb", "import", str(good), "--publish", "--unit", "P-A", stdout=out)
    assert "thêm mới 2 bài" in out.getvalue()
    assert set(Article.objects.values_list("unit__code", "status")) == {("P-A", "published")}
    bad = tmp_path / "sai.csv"
    bad.write_bytes(csv_bytes([["Tiêu đề mới", "Q", "A", "…", "", ""]]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="Không nhập được: 1 lỗi"):
        call_command("kb", "import", str(bad), stderr=err)
    assert "Dòng 2, cột “Lĩnh vực”" in err.getvalue()
    assert Article.objects.count() == 2
    out = io.StringIO()
    call_command("kb", "reindex", stdout=out)
    assert "2 bài" in out.getvalue()

"""Importing and exporting the register (``lantoa kb laws import|export|link``) and the
articles (``lantoa kb export``): row-numbered Vietnamese errors and nothing written for a bad
file, statuses changed by a good one flag the citing articles, exports read back unchanged."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from lantoa.kb.importing import (
    articles_import,
    articles_link_references,
    ensure_shipped_articles,
    import_path,
)
from lantoa.kb.laws import laws_import
from lantoa.kb.models import Article, ArticleStatus, DocumentStatus, LegalDocument
from lantoa.kb.register import ensure_register
from lantoa.kb.services import article_slug
from lantoa.notifications.models import Notification
from tests.conftest import Officers, Tree, login
from tests.kb.support import make

HEADER = [
    "Số hiệu",
    "Tên văn bản",
    "Tên gọi tắt",
    "Loại văn bản",
    "Cơ quan ban hành",
    "Ngày ban hành",
    "Hiệu lực từ",
    "Tình trạng hiệu lực",
    "Được thay thế bởi",
    "Được sửa đổi bởi",
]
NEW_LAW = [
    "12/2026/QH15",
    "Luật Việc làm (sửa đổi)",
    "Luật Việc làm 2026",
    "Luật",
    "Quốc hội",
    "01/06/2026",
    "01/01/2027",
    "Còn hiệu lực",
    "",
    "",
]
REPLACE_EMPLOYMENT = [
    "74/2025/QH15",
    "Luật Việc làm",
    "Luật Việc làm 2025",
    "Luật",
    "Quốc hội",
    "16/06/2025",
    "01/01/2026",
    "Đã bị thay thế",
    "12/2026/QH15",
    "",
]


def csv_bytes(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def run(data: bytes, name: str = "van-ban.csv"):
    return laws_import(fileobj=io.BytesIO(data), filename=name)


def snapshot() -> list[tuple]:
    return list(
        LegalDocument.objects.order_by("number").values_list(
            "number", "status", "replaced_by__number", "updated_at"
        )
    )


def test_bad_rows_are_reported_by_row_and_nothing_changes(tree: Tree) -> None:
    ensure_register()
    article = make(tree, "Trợ cấp thất nghiệp", law_refs=["74/2025/QH15 Đ38"])
    before = snapshot()
    replaced = "Đã bị thay thế"

    def law(number: str, title: str, issued: str = "01/01/2020", **kw: str) -> list[str]:
        return [number, title, "", kw.get("kind", "Luật"), "Quốc hội", issued, "",
                kw.get("status", ""), kw.get("by", ""), ""]  # fmt: skip

    rows = [
        REPLACE_EMPLOYMENT,  # fine on its own: the new law is in the file
        NEW_LAW,
        law("", "Không số"),
        law("5/2020/QH14", "Sai loại", "32/13/2020", kind="Sắc lệnh"),
        law("6/2020/QH14", "Thiếu thay thế", status=replaced),
        law("7/2020/QH14", "Thay bằng văn bản lạ", status=replaced, by="99/2099/QH99"),
        law("8/2020/QH14", "Tình trạng lạ", status="Tạm ngưng"),
        law("12/2026/qh15", "Trùng", "01/06/2026"),
        law("9/2020/QH14", "Tự thay", status=replaced, by="9/2020/QH14"),
        law("10/2030/QH16", "Tương lai", "01/01/2099"),
    ]
    result = run(csv_bytes(rows))
    assert not result.ok
    assert [str(e) for e in result.errors] == [
        "Dòng 4, cột “Số hiệu”: không được để trống.",
        "Dòng 5, cột “Loại văn bản”: loại “Sắc lệnh” không hợp lệ (ví dụ: Luật, Bộ luật, "
        "Nghị định, Quyết định).",
        "Dòng 5, cột “Ngày ban hành”: “32/13/2020” không phải ngày hợp lệ (dùng dd/mm/yyyy, "
        "ví dụ 05/07/2024, hoặc yyyy-mm-dd).",
        "Dòng 6, cột “Được thay thế bởi”: văn bản đã bị thay thế: vui lòng chọn văn bản "
        "thay thế nó.",
        "Dòng 7, cột “Được thay thế bởi”: văn bản số “99/2099/QH99” không có trong danh mục "
        "cũng như trong tệp.",
        "Dòng 8, cột “Tình trạng hiệu lực”: “Tạm ngưng” không hợp lệ (ghi “Còn hiệu lực”, "
        "“Đã được sửa đổi, bổ sung”, “Đã bị thay thế”, “Hết hiệu lực” hoặc “Chưa có hiệu lực”).",
        "Dòng 9, cột “Số hiệu”: trùng số hiệu với dòng 3.",
        "Dòng 10, cột “Được thay thế bởi”: văn bản không thể thay thế chính nó.",
        "Dòng 11, cột “Ngày ban hành”: ngày ban hành ở tương lai.",
    ]
    assert snapshot() == before
    article.refresh_from_db()
    assert not article.needs_review and not Notification.objects.exists()


def test_a_good_file_updates_statuses_and_flags_the_citing_articles(
    tree: Tree, officers: Officers, tmp_path: Path
) -> None:
    ensure_register()
    cited = make(tree, "Trợ cấp thất nghiệp", law_refs=["74/2025/QH15 Đ38"])
    other = make(tree, "Nghỉ phép năm", law_refs=["45/2019/QH14 Đ113"])
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append(REPLACE_EMPLOYMENT)  # names a document that comes later in the file
    sheet.append(NEW_LAW)
    path = tmp_path / "van-ban.xlsx"
    book.save(path)
    out = io.StringIO()
    call_command("kb", "laws", "import", str(path), stdout=out)
    assert (
        "thêm mới 1 văn bản, cập nhật 1, không đổi 0. 1 bài hỏi đáp dẫn văn bản đã thay đổi "
        "được đánh dấu cần rà soát." in out.getvalue()
    )
    employment = LegalDocument.objects.get(number="74/2025/QH15")
    assert employment.status == DocumentStatus.REPLACED
    assert employment.replaced_by == LegalDocument.objects.get(number="12/2026/QH15")
    cited.refresh_from_db()
    other.refresh_from_db()
    assert cited.needs_review and cited.basis_outdated and not other.needs_review
    assert Notification.objects.filter(kind="kb.review", user=officers.national_admin).exists()
    # The same file again changes nothing and flags nothing more.
    again = io.StringIO()
    call_command("kb", "laws", "import", str(path), stdout=again)
    assert "thêm mới 0 văn bản, cập nhật 0, không đổi 2." in again.getvalue()
    assert Notification.objects.filter(kind="kb.review").count() == 1


def test_laws_command_refuses_a_bad_file(tree: Tree, tmp_path: Path) -> None:
    ensure_register()
    bad = tmp_path / "sai.csv"
    bad.write_bytes(csv_bytes([["1/2020/QH14", "X", "", "Luật", "Quốc hội", "hôm qua"]]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="Không nhập được: 1 lỗi; chưa có văn bản nào"):
        call_command("kb", "laws", "import", str(bad), stderr=err)
    assert "Dòng 2, cột “Ngày ban hành”" in err.getvalue()
    assert not LegalDocument.objects.filter(number="1/2020/QH14").exists()


def test_register_export_reads_back_unchanged(tree: Tree, tmp_path: Path) -> None:
    ensure_register()
    for name in ("van-ban.csv", "van-ban.xlsx"):
        path = tmp_path / name
        call_command("kb", "laws", "export", str(path), stdout=io.StringIO())
        before = snapshot()
        result = laws_import(fileobj=path.open("rb"), filename=name)
        assert result.ok, result.errors
        assert (result.created, result.updated, result.unchanged) == (0, 0, 14)
        assert snapshot() == before


def test_article_export_carries_the_references_and_reads_back(
    client: Client, tree: Tree, officers: Officers, tmp_path: Path
) -> None:
    ensure_register()
    make(
        tree,
        "Đóng bảo hiểm xã hội",
        law_refs=["45/2019/QH14 Đ168 k3", "điểm c khoản 1 Điều 70 Luật Bảo hiểm xã hội 2024"],
    )
    make(tree, "Nháp từ câu hỏi", status=ArticleStatus.DRAFT)
    path = tmp_path / "bai.csv"
    call_command("kb", "export", str(path), stdout=io.StringIO())
    with path.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["Tiêu đề"] for r in rows] == ["Đóng bảo hiểm xã hội"]  # no drafts
    assert rows[0]["Căn cứ pháp lý"] == "45/2019/QH14 Đ168 k3; 41/2024/QH15 Đ70 k1 điểm c"
    assert rows[0]["Rà soát lần cuối"] and rows[0]["Trạng thái"] == "Công khai"
    result = import_path(path)
    assert result.ok and (result.updated, result.unchanged) == (0, 1), result.errors
    # Officers download the same columns.
    login(client, officers.a_viewer)
    response = client.get(reverse("kb:export"))
    body = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    assert "45/2019/QH14 Đ168 k3" in body and "Nháp từ câu hỏi" not in body
    xlsx = client.get(reverse("kb:export"), {"dinh_dang": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_article_import_refuses_references_the_register_lacks(tree: Tree) -> None:
    ensure_register()
    data = csv_bytes(
        [["Tiêu đề", "Câu hỏi", "Trả lời", "hours", "", "99/2099/QH99 Đ1; 45/2019/QH14 Đ113"]],
        header=["title", "question", "answer", "category", "tags", "law_refs"],
    )
    result = articles_import(fileobj=io.BytesIO(data), filename="bai.csv", unit=tree.vn)
    assert [str(e) for e in result.errors] == [
        "Dòng 2, cột “Căn cứ pháp lý”: căn cứ “99/2099/QH99 Đ1”: văn bản số “99/2099/QH99” chưa "
        "có trong danh mục văn bản pháp luật; thêm văn bản vào danh mục trước (trang “Văn bản "
        "pháp luật” hoặc lệnh “lantoa kb laws import”)."
    ]
    assert not Article.objects.exists()


def test_articles_written_before_the_register_are_linked_and_nothing_is_lost(tree: Tree) -> None:
    ensure_register()
    legacy = Article.objects.create(
        unit=tree.vn,
        title="Bài cũ",
        slug="bai-cu",
        question="Q",
        answer="A",
        law_refs=["Điều 113 Bộ luật Lao động 2019", "Thông tư cũ không rõ số"],
    )
    out = io.StringIO()
    call_command("kb", "laws", "link", stdout=out)
    assert "Đã đối chiếu 1 bài: 1 căn cứ khớp danh mục, 1 căn cứ chưa khớp" in out.getvalue()
    legacy.refresh_from_db()
    assert [str(r) for r in legacy.references.all()] == [
        "Điều 113 Bộ luật Lao động 2019 (45/2019/QH14)"
    ]
    assert legacy.law_refs == [
        "Điều 113 Bộ luật Lao động 2019 (45/2019/QH14)",
        "Thông tư cũ không rõ số",
    ]
    assert legacy.needs_review and "Thông tư cũ không rõ số" in legacy.review_reason
    assert articles_link_references().articles == 0  # once


def test_a_knowledge_base_from_before_the_register_is_brought_up_to_date(tree: Tree) -> None:
    """The demo hook on a database of an earlier version: the register is loaded, the shipped
    articles get their corrected text and references, the others their references."""
    old = Article.objects.create(
        unit=tree.vn,
        title="Mất việc có được hưởng trợ cấp thất nghiệp không?",
        slug=article_slug("Mất việc có được hưởng trợ cấp thất nghiệp không?"),
        question="Q",
        answer="Chưa tìm được việc làm sau 15 ngày.",
        category="insurance",
        law_refs=["Luật Việc làm 2025 (74/2025/QH15)"],
        status=ArticleStatus.PUBLISHED,
    )
    mine = Article.objects.create(
        unit=tree.pa,
        title="Bài của tỉnh",
        slug="bai-cua-tinh",
        question="Q",
        answer="A",
        law_refs=["Điều 113 Bộ luật Lao động 2019"],
    )
    result = ensure_shipped_articles()
    assert result is not None and result.ok, result.errors if result else None
    assert (result.created, result.updated) == (57, 1)
    old.refresh_from_db()
    assert "10 ngày làm việc" in old.answer and old.references.count() == 4
    assert [str(r) for r in mine.references.all()] == [
        "Điều 113 Bộ luật Lao động 2019 (45/2019/QH14)"
    ]
    assert ensure_shipped_articles() is None

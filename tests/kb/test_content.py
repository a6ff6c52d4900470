"""The legal content that ships with Lan Tỏa: every built-in article rests on documents of the
register that are in force, with a review date, and states the law in force (issue 17)."""

from __future__ import annotations

import csv
import datetime as dt
import re

import pytest

from lantoa.core.text import fold
from lantoa.kb.importing import SHIPPED_ARTICLES, ensure_shipped_articles
from lantoa.kb.models import NOT_IN_FORCE, Article, DocumentStatus, LegalDocument
from lantoa.kb.references import looks_like_number, number_key
from lantoa.kb.register import SHIPPED_LAWS
from tests.conftest import Tree


def shipped() -> dict[str, dict[str, str]]:
    with SHIPPED_ARTICLES.open(encoding="utf-8") as fh:
        return {row["title"]: row for row in csv.DictReader(fh)}


def article(start: str) -> dict[str, str]:
    found = [row for title, row in shipped().items() if title.startswith(start)]
    assert len(found) == 1, start
    return found[0]


def test_every_built_in_article_cites_register_documents_in_force(tree: Tree) -> None:
    result = ensure_shipped_articles()
    assert result is not None and result.ok, result.errors if result else None
    assert Article.objects.count() == len(shipped()) == 58
    for a in Article.objects.prefetch_related("references__document"):
        refs = list(a.references.all())
        assert refs, a.title
        stale = [r.document.number for r in refs if r.document.status in NOT_IN_FORCE]
        assert stale == [], f"{a.title} cites {stale}"
        assert len(a.law_refs) == len(refs)
        assert a.reviewed_on is not None and a.reviewed_on <= dt.date.today()
        assert a.review_flagged_at is None and not a.basis_outdated


def test_the_shipped_register_is_consistent(tree: Tree) -> None:
    with SHIPPED_LAWS.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    numbers = [number_key(r["number"]) for r in rows]
    assert len(numbers) == len(set(numbers))
    assert all(looks_like_number(r["number"]) for r in rows)
    ensure_shipped_articles()
    assert LegalDocument.objects.count() == len(rows)
    for d in LegalDocument.objects.filter(status=DocumentStatus.REPLACED):
        assert d.replaced_by is not None and d.replaced_by.in_force, d.number
    assert LegalDocument.objects.get(number="74/2024/NĐ-CP").replaced_by.number == "293/2025/NĐ-CP"
    assert LegalDocument.objects.get(number="38/2013/QH13").replaced_by.number == "74/2025/QH15"
    law = LegalDocument.objects.get(number="74/2025/QH15")
    assert (law.issued_on, law.in_force_from) == (dt.date(2025, 6, 16), dt.date(2026, 1, 1))
    fee = LegalDocument.objects.get(number="61/QĐ-TLĐ")
    assert (fee.issued_on, fee.in_force_from) == (dt.date(2025, 7, 29), dt.date(2025, 7, 1))


def test_unemployment_benefit_follows_the_employment_law_2025() -> None:
    row = article("Mất việc có được hưởng trợ cấp thất nghiệp")
    text = row["answer"]
    for phrase in (
        "Luật Việc làm 2025 (74/2025/QH15, có hiệu lực từ 01/01/2026)",
        "nghỉ việc khi đã đủ điều kiện hưởng lương hưu",
        "đóng đủ 12 tháng trong 24 tháng trước khi chấm dứt hợp đồng lao động",
        "chưa tìm được việc làm sau 10 ngày làm việc",
        "tối đa không quá 5 lần mức lương tối thiểu vùng",
        "ngày làm việc thứ 11",
    ):
        assert phrase in text, phrase
    assert "15 ngày" not in text and "có mức trần)" not in text
    assert "74/2025/QH15 Đ38" in row["law_refs"] and "74/2025/QH15 Đ39" in row["law_refs"]


def test_corrected_citations() -> None:
    accident = article("Bị tai nạn trên đường đi làm")
    assert "Theo Điều 40, người lao động không được hưởng chế độ" in accident["answer"]
    assert accident["law_refs"].split("; ")[0] == "84/2015/QH13 Đ40"
    insurance = article("Công ty có bắt buộc phải đóng bảo hiểm xã hội")
    assert "Theo khoản 3 Điều 168" in insurance["answer"]
    assert "45/2019/QH14 Đ168 k3" in insurance["law_refs"]
    everything = "\n".join(r["answer"] for r in shipped().values())
    assert "khoản 2 Điều 168" not in everything
    assert "Theo Điều 39, người lao động không được hưởng" not in everything


def test_union_fee_follows_decision_61() -> None:
    text = article("Đoàn phí công đoàn đóng bao nhiêu")["answer"]
    for phrase in (
        "Luật Công đoàn 2024 giao Tổng Liên đoàn Lao động Việt Nam quy định mức đóng",
        "Quyết định 61/QĐ-TLĐ ngày 29/7/2025",
        "áp dụng từ 01/07/2025",
        "đơn vị sự nghiệp công lập chưa được ngân sách nhà nước bảo đảm toàn bộ chi thường xuyên",
        "doanh nghiệp nhà nước — tính trên tiền lương thực lĩnh",
        "tối đa bằng 10% mức lương cơ sở",
        "không phải đóng đoàn phí kể từ 01/06/2025",
    ):
        assert phrase in text, phrase
    assert text.count("0,5%") == 1


def test_one_time_social_insurance_uses_the_2024_terms() -> None:
    text = article("Nghỉ việc có nên rút bảo hiểm xã hội một lần")["answer"]
    assert "xơ gan mất bù" in text and "cổ chướng" not in text
    assert "suy giảm khả năng lao động từ 81% trở lên" in text


@pytest.mark.parametrize(
    "start",
    [
        "Trình tự xử lý kỷ luật lao động",
        "Bị công ty đuổi việc trái luật",
        "Đang mang thai có bị công ty cho nghỉ việc",
    ],
)
def test_any_worker_raising_a_child_under_12_months_is_protected(start: str) -> None:
    text = article(start)["answer"]
    assert re.search(r"người lao động (đang )?nghỉ thai sản,? (hoặc )?nuôi con dưới 12", text)
    assert not re.search(r"lao động nữ mang thai, đang nghỉ thai sản", text)


def test_strike_and_holiday_wording() -> None:
    strike = article("Khi nào người lao động được đình công hợp pháp")["answer"]
    assert "đình công bất hợp pháp (Điều 204)" in strike
    assert "không đúng pháp luật" not in strike
    holidays = article("Người lao động được nghỉ lễ, Tết")["answer"]
    assert "24/11" in holidays and "sẽ được cập nhật" in holidays
    # No date is promised for the amendment.
    after = holidays[holidays.index("24/11") :]
    assert not re.search(r"\d{1,2}/\d{1,2}/\d{4}", after)


def test_minimum_wage_rests_on_decree_293() -> None:
    row = article("Mức lương tối thiểu vùng")
    assert "293/2025/NĐ-CP" in row["law_refs"] and "74/2024" not in row["law_refs"]
    assert "Vùng I: 5.310.000 đồng/tháng" in row["answer"]
    assert fold("Nghị định 74/2024/NĐ-CP") in fold(row["answer"])  # still explained as history

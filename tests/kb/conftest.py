"""Fixtures shared by several test modules of this folder."""

from __future__ import annotations

import pytest

from lantoa.kb.models import Article
from tests.conftest import Tree
from tests.kb.support import make


@pytest.fixture
def corpus(tree: Tree) -> dict[str, Article]:
    return {
        "wage": make(
            tree,
            "Lương tối thiểu vùng năm 2026 là bao nhiêu?",
            question="Mức lương tối thiểu vùng hiện nay?",
            answer="Vùng I 5.310.000 đồng/tháng.",
            category="wages",
            tags=["lương cơ bản"],
        ),
        "fee": make(
            tree,
            "Đoàn phí công đoàn đóng bao nhiêu?",
            question="Đoàn viên đóng đoàn phí thế nào?",
            answer="Đóng theo tỷ lệ trên tiền lương.",
            category="membership",
        ),
        "leave": make(
            tree,
            "Một năm được nghỉ phép bao nhiêu ngày?",
            question="Phép năm được mấy ngày?",
            answer="12 ngày làm việc.",
            category="hours",
        ),
        # "thai sản" only deep in the answer…
        "answer_only": make(
            tree,
            "Quyền lợi khi nghỉ việc",
            question="Nghỉ việc được những gì?",
            answer="Được thanh toán lương; chế độ thai sản vẫn được giải quyết nếu đủ điều kiện.",
            category="termination",
        ),
        # …and in the title here.
        "title": make(
            tree,
            "Nghỉ thai sản bao lâu?",
            question="Sinh con được nghỉ mấy tháng?",
            answer="06 tháng.",
            category="maternity",
        ),
    }


@pytest.fixture
def internal(tree: Tree) -> dict[str, Article]:
    return {
        "a": make(tree, "Ghi chú nội bộ tỉnh A về tăng ca", unit=tree.pa, status="internal"),
        "a_draft": make(tree, "Nháp tỉnh A về tăng ca", unit=tree.pa, status="draft"),
        "vn": make(tree, "Hướng dẫn nội bộ toàn quốc về tăng ca", status="internal"),
        "pub_b": make(tree, "Tăng ca tối đa bao nhiêu giờ", unit=tree.pb),
    }

"""Sanitising (lantoa.content.sanitize): scripts, handlers and javascript: URLs stripped, bodies
sanitised on save."""

from __future__ import annotations

from lantoa.content.models import ContentVersion
from lantoa.content.sanitize import sanitize_html
from tests.conftest import Officers, Tree
from tests.content.support import news_item


def test_sanitiser_strips_scripts_handlers_and_javascript_urls() -> None:
    dirty = (
        '<p onclick="steal()">Xin chào <script>alert("x")</script><strong>đoàn viên</strong></p>'
        '<a href="javascript:alert(1)">bấm</a> <a href="https://congdoan.vn" target="_blank">cđ</a>'
        '<img src="https://evil.example/a.png" onerror="x()"><img src="/noi-dung/tep/7/" alt="ảnh">'
        "<h2>Mục</h2><h1>Lớn</h1><style>p{color:red}</style><iframe src='x'></iframe>"
    )
    clean = sanitize_html(dirty)
    for bad in (
        "script",
        "alert",
        "onclick",
        "javascript:",
        "onerror",
        "evil.example",
        "style",
        "iframe",
        "<h1",
        'target="',
    ):
        assert bad not in clean, bad
    assert "<strong>đoàn viên</strong>" in clean
    assert '<a href="https://congdoan.vn" rel="noopener noreferrer">cđ</a>' in clean
    assert '<img src="/noi-dung/tep/7/" alt="ảnh">' in clean
    assert "<h2>Mục</h2>" in clean


def test_body_is_sanitised_on_save(tree: Tree, officers: Officers) -> None:
    item = news_item(
        tree.pa, officers.a_admin, body='<p>A<script>x()</script></p><b onclick="y">B</b>'
    )
    item.refresh_from_db()
    assert item.body == "<p>A</p>B"
    assert ContentVersion.objects.get(item=item).body == "<p>A</p>B"

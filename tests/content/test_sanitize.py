"""Sanitising (lantoa.content.sanitize): scripts, handlers and javascript: URLs stripped, bodies
sanitised on save; paragraphs kept, whether typed as text, written by the editor or pasted from
Word; old plain-text bodies migrated to paragraphs."""

from __future__ import annotations

import importlib
from pathlib import Path

from django.apps import apps

from lantoa.content.models import ContentItem, ContentVersion
from lantoa.content.sanitize import html_to_text, sanitize_html, text_to_html
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
    assert item.body == "<p>A</p><strong>B</strong>"
    assert ContentVersion.objects.get(item=item).body == "<p>A</p><strong>B</strong>"


def test_text_typed_without_the_editor_keeps_its_paragraphs() -> None:
    typed = (
        "Sáng 1/5, hơn 500 công nhân dự lễ.\r\nBuổi lễ kéo dài 2 giờ.\r\n\r\n \r\n"
        "Chiều cùng ngày <b>tọa đàm</b> & hỏi đáp: 5 < 7."
    )
    assert sanitize_html(typed) == (
        "<p>Sáng 1/5, hơn 500 công nhân dự lễ.<br>Buổi lễ kéo dài 2 giờ.</p>"
        "<p>Chiều cùng ngày <strong>tọa đàm</strong> &amp; hỏi đáp: 5 &lt; 7.</p>"
    )
    assert text_to_html("") == "" and sanitize_html("   ") == ""
    # The plain text that Facebook and Zalo get keeps the two paragraphs apart.
    assert html_to_text(sanitize_html(typed)).split("\n") == [
        "Sáng 1/5, hơn 500 công nhân dự lễ.",
        "Buổi lễ kéo dài 2 giờ.",
        "Chiều cùng ngày tọa đàm & hỏi đáp: 5 < 7.",
    ]


def test_editor_output_keeps_headings_lists_links_and_emphasis() -> None:
    # What the editor (Quill, getSemanticHTML) sends: every space non-breaking, empty lines
    # as empty paragraphs.
    written = (
        "<p>Đoạn&nbsp;một&nbsp;có&nbsp;<strong>chữ&nbsp;đậm</strong>&nbsp;và&nbsp;<em>nghiêng</em>.</p>"
        "<p></p><h2>Quyền&nbsp;lợi</h2><ul><li>Lương</li><li>Bảo&nbsp;hiểm</li></ul>"
        '<ol><li>Một</li></ol><h3>Nhỏ</h3><p><a href="https://congdoan.vn/a" '
        'target="_blank" rel="noopener noreferrer">liên&nbsp;kết</a></p>'
        '<p><img src="/noi-dung/tep/12/"></p>'
    )
    assert sanitize_html(written) == (
        "<p>Đoạn một có <strong>chữ đậm</strong> và <em>nghiêng</em>.</p>"
        "<h2>Quyền lợi</h2><ul><li>Lương</li><li>Bảo hiểm</li></ul><ol><li>Một</li></ol>"
        '<h3>Nhỏ</h3><p><a href="https://congdoan.vn/a" rel="noopener noreferrer">liên kết</a>'
        '</p><p><img src="/noi-dung/tep/12/"></p>'
    )


# The clipboard of Word 2016 for a short news item (text/html), as a browser hands it over.
WORD_PASTE = (Path(__file__).parent / "samples" / "word_paste.html").read_text()


def test_word_paste_loses_styles_classes_and_office_markup_keeps_structure() -> None:
    clean = sanitize_html(WORD_PASTE)
    for junk in (
        "mso",
        "class=",
        "style",
        "font",
        "<span",
        "o:p",
        "xml",
        "file:",
        "<img",
        "Bản tin",
        "<h1",
        "lang=",
    ):
        assert junk not in clean, junk
    assert "<h2>Hội nghị người lao động</h2>" in clean
    assert "<strong>Sáng 15/3,</strong>" in clean and "<em>hội nghị</em>" in clean
    assert clean.count("<p>") == 3  # the empty Word paragraph is gone, the rest kept apart
    assert '<a href="https://congdoan.vn/" rel="noopener noreferrer">congdoan.vn</a>' in clean


def test_google_docs_wrapper_is_not_bold() -> None:
    pasted = (
        '<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-5d1">'
        '<p dir="ltr"><span style="font-weight:700">Đậm</span> thường</p></b>'
    )
    assert sanitize_html(pasted) == "<p>Đậm thường</p>"


def test_images_only_from_our_media() -> None:
    markup = (
        '<p><img src="/noi-dung/tep/3/" alt="ảnh"><img src="/media/content/a.jpg">'
        '<img src="https://evil.example/x.png"><img src="//evil.example/x.png">'
        '<img src="/noi-dung/tep/3/../../../tai-khoan/"><img src="data:image/png;base64,AAAA">'
        '<img src="javascript:alert(1)"></p>'
    )
    assert sanitize_html(markup) == (
        '<p><img src="/noi-dung/tep/3/" alt="ảnh"><img src="/media/content/a.jpg"></p>'
    )


migration = importlib.import_module("lantoa.content.migrations.0003_plain_bodies_to_paragraphs")


def test_old_plain_text_bodies_become_paragraphs(tree: Tree, officers: Officers) -> None:
    old = news_item(tree.pa, officers.a_admin, title="Cũ")
    html = news_item(tree.pa, officers.a_admin, title="Mới", body="<p>Một</p><p>Hai</p>")
    empty = news_item(tree.pa, officers.a_admin, title="Rỗng", body="")
    # As stored before: the textarea's text, sanitised, newlines and all.
    ContentItem.objects.filter(pk=old.pk).update(body="Một &amp; một\nvẫn một\n\nHai")
    ContentVersion.objects.filter(item=old).update(body="Một &amp; một\nvẫn một\n\nHai")

    migration.forwards(apps, None)
    migration.forwards(apps, None)  # a second run changes nothing more

    paragraphs = "<p>Một &amp; một<br>vẫn một</p><p>Hai</p>"
    assert ContentItem.objects.get(pk=old.pk).body == paragraphs
    assert ContentVersion.objects.get(item=old).body == paragraphs
    assert ContentItem.objects.get(pk=html.pk).body == "<p>Một</p><p>Hai</p>"
    assert ContentItem.objects.get(pk=empty.pk).body == ""

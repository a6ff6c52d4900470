"""The public knowledge-base pages (lantoa.kb.public_views): published articles only."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from lantoa.kb.models import Article


def test_public_pages_show_published_articles_only(
    client: Client, corpus: dict[str, Article], internal: dict[str, Article]
) -> None:
    page = client.get(reverse("kb_public:list"), {"q": "tang ca"})
    assert page.status_code == 200
    text = page.content.decode()
    assert internal["pub_b"].title in text and internal["vn"].title not in text
    partial = client.get(
        reverse("kb_public:list"), {"q": "thai san"}, headers={"HX-Request": "true"}
    )
    assert "<html" not in partial.content.decode()
    assert partial.content.decode().index("Nghỉ thai sản bao lâu") < partial.content.decode().index(
        "Quyền lợi khi nghỉ việc"
    )
    listing = client.get(reverse("kb_public:list"), {"linh_vuc": "membership"}).content.decode()
    assert corpus["fee"].title in listing and corpus["wage"].title not in listing
    detail = client.get(reverse("kb_public:detail", args=[corpus["fee"].slug]))
    assert (
        detail.status_code == 200 and "Đóng theo tỷ lệ trên tiền lương" in detail.content.decode()
    )
    assert client.get(reverse("kb_public:detail", args=[internal["vn"].slug])).status_code == 404

"""Every page a visitor sees — the public site, the legal Q&A, the question desk, the error
pages — has the same header: the site's unit, the links the apps register (news, legal Q&A,
the contests, the question form, the lookup) and the language switch in each language's own
words."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client

from lantoa.core.extensions import PublicLink, public_links
from tests.conftest import Officers, Tree, login

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/tin-tuc/",
    "/chien-dich-cong-khai/",
    "/hoi-dap/",
    "/thi/",
    "/cau-hoi/",
    "/cau-hoi/tra-cuu/",
    "/cau-hoi/bao-mat/",
    "/khong-co-trang-nay/",
]
NAV = [
    ("/tin-tuc/", "Tin tức"),
    ("/hoi-dap/", "Hỏi đáp pháp luật"),
    ("/thi/", "Cuộc thi"),
    ("/cau-hoi/", "Gửi câu hỏi"),
    ("/cau-hoi/tra-cuu/", "Tra cứu"),
]


def header(html: str) -> str:
    found = re.search(r"<header[^>]*data-public-header.*?</header>", html, re.S)
    assert found, html[:800]
    return found.group(0)


def nav_links(html: str) -> list[tuple[str, str]]:
    nav = re.search(r'<nav class="site-nav".*?</nav>', header(html), re.S)
    assert nav
    return re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav.group(0))


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_public_page_has_the_one_header(
    client: Client, tree: Tree, path: str, settings: Any
) -> None:
    settings.LANTOA_SITE_UNIT = tree.pa.code
    response = client.get(path)
    assert response.status_code in (200, 404)
    html = response.content.decode()
    top = header(html)
    assert nav_links(html) == NAV
    # The site's unit, not a desk's own title.
    assert f'<span class="site-brand-name">{tree.pa.short_name}</span>' in top
    assert 'class="lang-switch"' in top and ">English<" in top
    assert html.count("data-public-header") == 1


def test_the_current_page_is_marked_in_the_header_and_the_footer_separated(
    client: Client, tree: Tree
) -> None:
    for path in ("/hoi-dap/", "/cau-hoi/", "/"):
        html = client.get(path).content.decode()
        marked = re.findall(r'<a href="([^"]+)" aria-current="page">', header(html))
        assert marked == ([path] if path != "/" else []), path
        footer = re.search(r'<p class="site-footer-links">(.*?)</p>', html, re.S)
        assert footer is not None
        links = re.findall(r'<a href="[^"]+">[^<]+</a>', footer.group(1))
        assert len(links) >= 3 and footer.group(1).strip() == " · ".join(links)
    # In English the same links, in English (the HTML is kept per language).
    client.post("/i18n/setlang/", {"language": "en", "next": "/cau-hoi/"})
    assert "Gửi câu hỏi" not in header(client.get("/cau-hoi/").content.decode())


def test_the_header_reads_in_english_for_english_readers(client: Client, tree: Tree) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/cau-hoi/"})
    html = client.get("/cau-hoi/").content.decode()
    top = header(html)
    assert ">Tiếng Việt<" in top
    assert "Tiếng Anh" not in html and "Gửi câu hỏi" not in top


def test_an_app_adds_its_link_through_the_registry(client: Client, tree: Tree) -> None:
    public_links.register(
        PublicLink(key="test.rss", label="Nguồn tin", url_name="publicsite:rss", order=5)
    )
    try:
        html = client.get("/cau-hoi/").content.decode()
    finally:
        public_links.unregister("test.rss")
    assert nav_links(html)[0] == ("/tin-tuc/rss.xml", "Nguồn tin")


def test_the_error_pages_without_a_request_show_the_header() -> None:
    # Django renders 500 without any context: no database, no site unit, the links all the same.
    for name in ("500.html", "400.html"):
        html = render_to_string(name)
        assert nav_links(html) == NAV
        assert "Lan Tỏa" in header(html)


def test_officers_keep_their_workspace_on_a_404(
    client: Client, tree: Tree, officers: Officers
) -> None:
    login(client, officers.a_leader)
    html = client.get(f"/don-vi/{tree.pb.code}/").content.decode()
    assert "data-public-header" not in html
    assert "Đăng xuất" in html

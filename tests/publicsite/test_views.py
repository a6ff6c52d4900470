"""The public site: home for visitors (officers go on to their workspace), news by unit,
articles with sharing tags, campaign pages, RSS with ETag/Last-Modified, sitemap, robots,
public images; only what was published to the site, no officer names; cached and cleared
when something is published."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.core.cache import cache
from django.core.cache.backends.dummy import DummyCache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lantoa.campaigns.models import Campaign, CampaignStatus
from lantoa.content import services as content
from lantoa.publicsite.cache import forget
from lantoa.publishing import runner, services
from lantoa.publishing.models import Method, Publication
from tests.conftest import Officers, Tree, login
from tests.fixtures.publishing import approved_item, image

PUBLIC = "https://congdoan.example.vn"


def parse_xml(data: bytes) -> ET.Element:
    return ET.fromstring(data)  # noqa: S314 - our own feed and sitemap, not untrusted input


@pytest.fixture(autouse=True)
def site_settings(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.LANTOA_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.LANTOA_PUBLIC_URL = PUBLIC
    settings.LANTOA_SITE_UNIT = ""
    cache.clear()  # pages cached by an earlier test (same process) must not answer here
    # …and this process's memo of the site generation must not outlive the cleared cache (an
    # ETag taken from the memo, then one from the cache, made the RSS 304 check flaky).
    forget()


def _on_site(unit: Any, author: Any, approver: Any, title: str, **kw: Any) -> Any:
    """An item published to the site now (the job run, as the worker would)."""
    item = approved_item(unit, author, approver, title=title, **kw)
    (pub,) = services.publication_schedule(
        item=item, unit=unit, keys=["site"], at=None, actor=author
    )
    assert runner.publication_run(pk=pub.pk) == "published"
    item.refresh_from_db()
    return item


@pytest.fixture
def news(tree: Tree, officers: Officers) -> dict[str, Any]:
    photo = image(tree.pa, officers.a_propaganda)
    province = _on_site(
        tree.pa,
        officers.a_propaganda,
        officers.a_leader,
        "Hội nghị người lao động năm 2026",
        media=[photo],
        tags=["Tháng Công nhân"],
        body=f'<p>Hơn 300 đoàn viên dự.</p><p><img src="/noi-dung/tep/{photo.pk}/" alt=""></p>',
    )
    grassroots = _on_site(
        tree.a_g1,
        officers.a_communicator,
        officers.a_leader,
        "Công ty May Ánh Dương tăng lương",
    )
    # Approved but never sent to the site; and another province's news.
    hidden = approved_item(tree.pa, officers.a_propaganda, officers.a_leader, title="Tin nội bộ")
    content.content_publish(item=hidden, actor=officers.a_propaganda)
    other = _on_site(tree.pb, officers.b_admin, officers.national_admin, "Tin của tỉnh Bắc Ninh")
    return {
        "province": province,
        "grassroots": grassroots,
        "hidden": hidden,
        "other": other,
        "photo": photo,
    }


def test_home_for_visitors_workspace_for_officers(
    client: Client, tree: Tree, officers: Officers, news: dict[str, Any]
) -> None:
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tổng Liên đoàn Lao động Việt Nam" in html  # two provinces: the national root
    assert "Hội nghị người lao động năm 2026" in html
    assert "Công ty May Ánh Dương tăng lương" in html
    assert "Tin nội bộ" not in html
    assert 'href="/cau-hoi/"' in html and 'href="/hoi-dap/"' in html
    assert "Đăng nhập cán bộ" in html
    assert "csrfmiddlewaretoken" not in html and "X-CSRFToken" not in html
    assert "Phạm" not in html and officers.a_propaganda.full_name not in html
    login(client, officers.a_leader)
    assert client.get("/")["Location"] == reverse("units:detail", args=["P-A"])


def test_site_unit_setting_narrows_the_site(
    client: Client, settings: Any, news: dict[str, Any]
) -> None:
    settings.LANTOA_SITE_UNIT = "P-A"
    html = client.get(reverse("publicsite:news")).content.decode()
    assert "Hội nghị người lao động năm 2026" in html
    assert "Tin của tỉnh Bắc Ninh" not in html
    assert client.get(reverse("publicsite:unit_news", args=["P-B"])).status_code == 404
    assert (
        client.get(reverse("publicsite:article", args=["P-B", news["other"].slug])).status_code
        == 404
    )


def test_unit_news_page(client: Client, news: dict[str, Any]) -> None:
    html = client.get(reverse("publicsite:unit_news", args=["A-G1"])).content.decode()
    assert "Công ty May Ánh Dương tăng lương" in html
    assert "Hội nghị người lao động năm 2026" not in html
    province = client.get(reverse("publicsite:unit_news", args=["P-A"])).content.decode()
    assert "Hội nghị người lao động" in province and "Ánh Dương tăng lương" in province
    assert 'href="/ban-tin/dang-ky/P-A/"' in province
    assert client.get(reverse("publicsite:unit_news", args=["KHONG-CO"])).status_code == 404
    # A page number that is digits to str.isdigit but not to int() ("²") is page 1.
    for url in (
        reverse("publicsite:news") + "?trang=²",
        reverse("publicsite:unit_news", args=["P-A"]) + "?trang=²",
        reverse("publicsite:news") + "?trang=x",
    ):
        assert client.get(url).status_code == 200, url


def test_article_has_sharing_tags_and_public_images(client: Client, news: dict[str, Any]) -> None:
    item, photo = news["province"], news["photo"]
    url = reverse("publicsite:article", args=["P-A", item.slug])
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    canonical = f"{PUBLIC}{url}"
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert f'<meta property="og:url" content="{canonical}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="Hội nghị người lao động năm 2026">' in html
    assert f'<meta property="og:image" content="{PUBLIC}/anh-tin/{photo.pk}/">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert '<meta property="article:tag" content="Tháng Công nhân">' in html
    assert f'src="/anh-tin/{photo.pk}/"' in html and "/noi-dung/tep/" not in html
    assert "Phạm Thị" not in html and "tuyengiao" not in html
    image = client.get(reverse("publicsite:media", args=[photo.pk]))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert (
        client.get(reverse("publicsite:media_thumb", args=[photo.pk]))["Content-Type"]
        == "image/jpeg"
    )
    assert (
        client.get(reverse("publicsite:article", args=["P-A", news["hidden"].slug])).status_code
        == 404
    )
    assert (
        client.get(reverse("publicsite:article", args=["P-A", "khong-co-bai-nay"])).status_code
        == 404
    )


def test_images_of_items_never_sent_anywhere_stay_private(
    client: Client, tree: Tree, officers: Officers, news: dict[str, Any]
) -> None:
    private = image(tree.pa, officers.a_propaganda)
    approved_item(tree.pa, officers.a_propaganda, officers.a_leader, title="Nháp", media=[private])
    assert client.get(reverse("publicsite:media", args=[private.pk])).status_code == 404


def test_pages_are_cached_and_cleared_on_publish(
    client: Client,
    tree: Tree,
    officers: Officers,
    news: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    first = client.get(reverse("publicsite:news"))
    assert first["X-Cache"] == "miss" and "public" in first["Cache-Control"]
    second = client.get(reverse("publicsite:news"))
    assert second["X-Cache"] == "hit" and second.content == first.content
    with django_capture_on_commit_callbacks(execute=True):
        _on_site(tree.a_g2, officers.a_communicator, officers.a_leader, "Tin mới toanh của A2")
    third = client.get(reverse("publicsite:news"))
    assert third["X-Cache"] == "miss"
    assert "Tin mới toanh của A2" in third.content.decode()


def test_a_publication_during_a_cache_outage_still_clears_the_pages(
    client: Client,
    tree: Tree,
    officers: Officers,
    news: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The page cached before a Redis outage must not be served after it when something was
    published meanwhile: the generation is kept in the database, not in the cache."""
    assert client.get(reverse("publicsite:news"))["X-Cache"] == "miss"
    assert client.get(reverse("publicsite:news"))["X-Cache"] == "hit"
    with monkeypatch.context() as outage:
        # Redis unreachable: the resilient cache answers as DummyCache does (fails open).
        dummy = DummyCache("", {})
        for name in ("get", "get_many", "set", "set_many", "add", "delete", "incr", "touch"):
            outage.setattr(cache, name, getattr(dummy, name))
        with django_capture_on_commit_callbacks(execute=True):
            _on_site(tree.a_g2, officers.a_communicator, officers.a_leader, "Tin lúc mất Redis")
    # Redis is back, with the page cached before the outage still in it.
    page = client.get(reverse("publicsite:news"))
    assert page["X-Cache"] == "miss"
    assert "Tin lúc mất Redis" in page.content.decode()


def test_rss_with_etag_and_last_modified(client: Client, news: dict[str, Any]) -> None:
    # Feed readers subscribe to these addresses: the literal address is what counts.
    response = client.get("/tin-tuc/rss.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = parse_xml(response.content)
    titles = [e.text for e in root.iter("item") for e in e.findall("title")]
    assert "Hội nghị người lao động năm 2026" in titles
    assert "Tin nội bộ" not in titles
    links = [e.text for e in root.iter("link")]
    assert f"{PUBLIC}/tin-tuc/P-A/{news['province'].slug}/" in links
    etag, modified = response["ETag"], response["Last-Modified"]
    again = client.get("/tin-tuc/rss.xml", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    since = client.get("/tin-tuc/rss.xml", HTTP_IF_MODIFIED_SINCE=modified)
    assert since.status_code == 304
    unit = client.get("/tin-tuc/A-G1/rss.xml")
    unit_titles = [e.text for e in parse_xml(unit.content).iter("title")]
    assert "Công ty May Ánh Dương tăng lương" in unit_titles
    assert "Hội nghị người lao động năm 2026" not in unit_titles


def test_sitemap_and_robots(client: Client, news: dict[str, Any]) -> None:
    # Crawlers look for these fixed addresses.
    sitemap = client.get("/sitemap.xml")
    assert sitemap.status_code == 200
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [e.text for e in parse_xml(sitemap.content).findall("s:url/s:loc", ns)]
    assert f"{PUBLIC}/" in locs
    assert f"{PUBLIC}/tin-tuc/P-A/{news['province'].slug}/" in locs
    assert f"{PUBLIC}/tin-tuc/A-G1/" in locs
    assert f"{PUBLIC}/cau-hoi/" in locs and f"{PUBLIC}/hoi-dap/" in locs
    assert not any("tin-noi-bo" in (loc or "") for loc in locs)
    robots = client.get("/robots.txt").content.decode()
    assert f"Sitemap: {PUBLIC}/sitemap.xml" in robots
    assert "Disallow: /tai-khoan/" in robots


def test_campaign_pages(
    client: Client, tree: Tree, officers: Officers, news: dict[str, Any]
) -> None:
    today = timezone.localdate()
    running = Campaign.objects.create(
        name="Tháng Công nhân 2026",
        owner=tree.pa,
        starts_on=today - dt.timedelta(days=3),
        ends_on=today + dt.timedelta(days=20),
        key_message="Đoàn viên được chăm lo, bảo vệ",
        slogan="Công đoàn đồng hành cùng người lao động",
        status=CampaignStatus.RUNNING,
    )
    planned = Campaign.objects.create(
        name="Kế hoạch chưa công bố",
        owner=tree.pa,
        starts_on=today + dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=40),
        status=CampaignStatus.PLANNED,
    )
    item = _on_site(
        tree.pa,
        officers.a_propaganda,
        officers.a_leader,
        "Phát động Tháng Công nhân",
        campaign=running,
    )
    listing = client.get(reverse("publicsite:campaigns")).content.decode()
    assert "Tháng Công nhân 2026" in listing and "Kế hoạch chưa công bố" not in listing
    page = client.get(reverse("publicsite:campaign", args=[running.pk])).content.decode()
    assert "Công đoàn đồng hành cùng người lao động" in page
    assert "Đoàn viên được chăm lo, bảo vệ" in page
    assert item.title in page and "Hội nghị người lao động" not in page
    assert client.get(reverse("publicsite:campaign", args=[planned.pk])).status_code == 404


def test_public_routes_need_no_login_and_officer_routes_do(client: Client, tree: Tree) -> None:
    for url in (
        "/",
        reverse("publicsite:news"),
        reverse("publicsite:unit_news", args=["P-A"]),
        reverse("publicsite:campaigns"),
        "/robots.txt",  # fixed address crawlers look for
    ):
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("publishing:unit", args=["P-A"]))["Location"].startswith(
        reverse("accounts:login")
    )


def test_site_publication_records_the_public_url(
    tree: Tree, officers: Officers, news: dict[str, Any]
) -> None:
    pub = Publication.objects.get(item=news["province"], method=Method.SITE)
    assert pub.url == f"{PUBLIC}/tin-tuc/P-A/{news['province'].slug}/"

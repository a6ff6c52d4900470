"""The federation's public website: home, news (site-wide and per unit), articles with
sharing tags, campaign pages, RSS, sitemap, robots.txt, and the newsletter sign-up.

Read-only pages are cached whole (``lantoa.publicsite.cache``) and carry no per-visitor data
(their layout, ``publicsite/base.html``, has no CSRF token); the newsletter forms are the
only pages with a form and are not cached.
"""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import condition, require_http_methods

from lantoa.access import PUBLIC, policy
from lantoa.content.models import MediaAsset, MediaKind
from lantoa.core import private_files
from lantoa.core.extensions import PrivateFile
from lantoa.inquiries import ratelimit
from lantoa.publicsite import selectors
from lantoa.publicsite.cache import cached_page, generation
from lantoa.publishing import compose, links
from lantoa.publishing.services import (
    subscriber_confirm,
    subscriber_subscribe,
    subscriber_unsubscribe,
)

PAGE_SIZE = 12
HOME_NEWS = 9
FEED_ITEMS = 30
SITEMAP_LIMIT = 45_000
SUBSCRIBE_LIMIT = ratelimit.Limit("newsletter-ip", 10, 60 * 60)


def _base_context(request: HttpRequest, root: Any) -> dict[str, Any]:
    return {"site_unit": root, "base_url": links.site_base(request)}


def _site_unit(unit_code: str | None) -> tuple[Any, Any]:
    """The site's root unit, and the unit of ``unit_code`` inside it (404 if none; None when
    no code is given)."""
    root = selectors.site_unit()
    unit = selectors.site_unit_by_code(unit_code, root) if unit_code else None
    return root, unit


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("trang", "1")
    return int(raw) if raw.isdecimal() and 0 < int(raw) < 10_000 else 1


def _cards(publications: Any) -> list[dict[str, Any]]:
    """What a news list shows per item: never the author or internal fields."""
    cards = []
    for pub in publications:
        item = pub.item
        images = getattr(item, "images", [])
        cards.append(
            {
                "item": item,
                "unit": pub.unit,
                "published_at": pub.published_at,
                "url": links.article_path(item),
                "image": links.media_path(images[0], thumbnail=True) if images else "",
                "excerpt": compose.excerpt(item, 220),
            }
        )
    return cards


@policy(PUBLIC)
def home(request: HttpRequest) -> HttpResponse:
    def render_home() -> HttpResponse:
        root = selectors.site_unit()
        latest = _cards(selectors.news(root)[:HOME_NEWS])
        return render(
            request,
            "publicsite/home.html",
            {
                **_base_context(request, root),
                "news": latest,
                "units": selectors.units_with_news(root),
                "campaigns": list(selectors.public_campaigns(root)[:4]),
            },
        )

    return cached_page(request, "home", (), render_home)


def _news_page(request: HttpRequest, unit_code: str | None) -> HttpResponse:
    """A page of the site-wide news list, or of one unit's (with its subtree)."""
    number = _page_number(request)

    def render_page() -> HttpResponse:
        root, unit = _site_unit(unit_code)
        page = Paginator(selectors.news(root, unit=unit), PAGE_SIZE).get_page(number)
        return render(
            request,
            "publicsite/news_list.html",
            {
                **_base_context(request, root),
                "unit": unit,
                "page": page,
                "news": _cards(page.object_list),
            },
        )

    if unit_code:
        return cached_page(request, "unit", (unit_code, number), render_page)
    return cached_page(request, "news", (number,), render_page)


@policy(PUBLIC)
def news_list(request: HttpRequest) -> HttpResponse:
    return _news_page(request, None)


@policy(PUBLIC)
def unit_news(request: HttpRequest, unit_code: str) -> HttpResponse:
    return _news_page(request, unit_code)


@policy(PUBLIC)
def article(request: HttpRequest, unit_code: str, slug: str) -> HttpResponse:
    def render_article() -> HttpResponse:
        root = selectors.site_unit()
        item, publication = selectors.article(root, unit_code, slug)
        base = links.site_base(request)
        images = selectors.item_images(item)
        image = (
            links.absolute(links.media_path(images[0]), base)
            if images
            else links.absolute(links.default_cover_path(), base)
        )
        related = [
            card
            for card in _cards(selectors.news(root, unit=item.unit)[:4])
            if card["item"].pk != item.pk
        ][:3]
        return render(
            request,
            "publicsite/article.html",
            {
                **_base_context(request, root),
                "item": item,
                "unit": item.unit,
                "published_at": publication.published_at,
                "body": links.public_body(item.body),
                "description": compose.excerpt(item, 200) or item.title,
                "images": [
                    {"url": links.media_path(m), "thumb": links.media_path(m, thumbnail=True)}
                    for m in images
                ],
                "canonical": links.absolute(links.article_path(item), base),
                "og_image": image,
                "related": related,
            },
        )

    return cached_page(request, "article", (unit_code, slug), render_article)


@policy(PUBLIC)
def campaign_list(request: HttpRequest) -> HttpResponse:
    def render_campaigns() -> HttpResponse:
        root = selectors.site_unit()
        return render(
            request,
            "publicsite/campaigns.html",
            {**_base_context(request, root), "campaigns": list(selectors.public_campaigns(root))},
        )

    return cached_page(request, "campaigns", (), render_campaigns)


@policy(PUBLIC)
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    def render_campaign() -> HttpResponse:
        root = selectors.site_unit()
        campaign = get_object_or_404(selectors.public_campaigns(root), pk=pk)
        return render(
            request,
            "publicsite/campaign.html",
            {
                **_base_context(request, root),
                "campaign": campaign,
                "news": _cards(selectors.campaign_news(root, campaign)[:30]),
            },
        )

    return cached_page(request, "campaign", (pk,), render_campaign)


# --- feeds ------------------------------------------------------------------------------------


def _feed_last_modified(request: HttpRequest, unit_code: str | None = None) -> dt.datetime | None:
    root, unit = _site_unit(unit_code)
    return selectors.last_published(root, unit)


def _feed_etag(request: HttpRequest, unit_code: str | None = None) -> str:
    latest = _feed_last_modified(request, unit_code)
    stamp = latest.isoformat() if latest else "none"
    return f"{generation()}-{unit_code or '*'}-{stamp}"


def _rss(request: HttpRequest, unit_code: str | None) -> HttpResponse:
    root, unit = _site_unit(unit_code)
    base = links.site_base(request)
    anchor = unit or root
    page = (
        reverse("publicsite:unit_news", kwargs={"unit_code": anchor.code})
        if unit
        else reverse("publicsite:news")
    )
    feed = feedgenerator.Rss201rev2Feed(
        title=f"Tin tức — {anchor.name}",
        link=links.absolute(page, base),
        description=f"Tin, bài của {anchor.name} và các công đoàn trực thuộc.",
        language="vi",
        feed_url=links.absolute(request.path, base),
    )
    for pub in selectors.news(root, unit=unit)[:FEED_ITEMS]:
        item = pub.item
        url = links.absolute(links.article_path(item), base)
        feed.add_item(
            title=item.title,
            link=url,
            description=compose.excerpt(item, 600),
            pubdate=pub.published_at,
            unique_id=url,
            categories=[str(t) for t in item.tags or []],
        )
    response = HttpResponse(content_type="application/rss+xml; charset=utf-8")
    feed.write(response, "utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response


@policy(PUBLIC)
@condition(etag_func=_feed_etag, last_modified_func=_feed_last_modified)
def rss(request: HttpRequest) -> HttpResponse:
    return _rss(request, None)


@policy(PUBLIC)
@condition(etag_func=_feed_etag, last_modified_func=_feed_last_modified)
def unit_rss(request: HttpRequest, unit_code: str) -> HttpResponse:
    return _rss(request, unit_code)


# --- files, sitemap, robots -------------------------------------------------------------------


def _media(pk: int, thumbnail: bool) -> HttpResponse:
    asset = MediaAsset.objects.filter(pk=pk, kind=MediaKind.IMAGE).first()
    if asset is None or not selectors.media_is_public(asset):
        raise Http404
    # The library keeps its files private; a published photo is everyone's to see, so this
    # view hands it out (through nginx's internal location when it is in front).
    small = thumbnail and bool(asset.thumbnail.name)
    name = asset.thumbnail.name if small else asset.file.name
    return private_files.file_response(
        PrivateFile(
            name,
            f"anh-{asset.pk}{'-nho' if small else ''}{PurePath(name or '.jpg').suffix}",
            "image/jpeg" if small else asset.content_type,
        ),
        public=True,
    )


@policy(PUBLIC)
def media(request: HttpRequest, pk: int) -> HttpResponse:
    return _media(pk, thumbnail=False)


@policy(PUBLIC)
def media_thumb(request: HttpRequest, pk: int) -> HttpResponse:
    return _media(pk, thumbnail=True)


@policy(PUBLIC)
def sitemap(request: HttpRequest) -> HttpResponse:
    def render_sitemap() -> HttpResponse:
        root = selectors.site_unit()
        base = links.site_base(request)
        urls: list[tuple[str, dt.datetime | None]] = [
            (links.absolute("/", base), None),
            (links.absolute(reverse("publicsite:news"), base), None),
            (links.absolute(reverse("publicsite:campaigns"), base), None),
            (links.absolute(reverse("inquiries_public:form"), base), None),
            (links.absolute(reverse("kb_public:list"), base), None),
        ]
        for entry in selectors.units_with_news(root, limit=500):
            path = reverse("publicsite:unit_news", kwargs={"unit_code": entry.unit.code})
            urls.append((links.absolute(path, base), entry.latest))
        for campaign in selectors.public_campaigns(root):
            path = reverse("publicsite:campaign", kwargs={"pk": campaign.pk})
            urls.append((links.absolute(path, base), None))
        for pub in selectors.news(root).prefetch_related(None)[:SITEMAP_LIMIT]:
            urls.append((links.absolute(links.article_path(pub.item), base), pub.item.updated_at))
        return render(
            request, "publicsite/sitemap.xml", {"urls": urls}, content_type="application/xml"
        )

    return cached_page(request, "sitemap", (), render_sitemap)


@policy(PUBLIC)
def robots(request: HttpRequest) -> HttpResponse:
    base = links.site_base(request)
    lines = [
        "User-agent: *",
        "Disallow: /tai-khoan/",
        "Disallow: /quan-tri/",
        "Disallow: /api/",
        "Disallow: /cau-hoi/tra-cuu/",
        "Disallow: /ban-tin/",
        "Allow: /",
        f"Sitemap: {links.absolute(reverse('publicsite:sitemap'), base)}",
    ]
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response


# --- newsletter sign-up (not cached: forms) -----------------------------------------------------


@policy(PUBLIC)
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest, unit_code: str) -> HttpResponse:
    from lantoa.core.net import client_ip

    root, unit = _site_unit(unit_code)
    error = ""
    email = ""
    if request.method == "POST":
        email = request.POST.get("email", "")[:254]
        if request.POST.get("website"):  # honeypot: people leave it empty
            ratelimit.count_event("newsletter.honeypot")
            return redirect("publicsite:subscribe_sent", unit_code=unit.code)
        if not SUBSCRIBE_LIMIT.hit(ratelimit.ip_key(client_ip(request))):
            error = _("Bạn đã gửi nhiều yêu cầu quá; vui lòng thử lại sau một giờ.")
        else:
            try:
                subscriber_subscribe(unit=unit, email=email, base_url=links.site_base(request))
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                return redirect("publicsite:subscribe_sent", unit_code=unit.code)
    return render(
        request,
        "publicsite/subscribe.html",
        {**_base_context(request, root), "unit": unit, "error": error, "email": email},
        status=400 if error else 200,
    )


@policy(PUBLIC)
def subscribe_sent(request: HttpRequest, unit_code: str) -> HttpResponse:
    root, unit = _site_unit(unit_code)
    return render(
        request, "publicsite/subscribe_sent.html", {**_base_context(request, root), "unit": unit}
    )


@policy(PUBLIC)
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button, POST confirms: mail scanners that open links confirm nothing."""
    root = selectors.site_unit()
    done = None
    if request.method == "POST":
        done = subscriber_confirm(token=token[:64])
        if done is None:
            raise Http404
    return render(
        request,
        "publicsite/confirm.html",
        {**_base_context(request, root), "token": token, "subscriber": done},
    )


@policy(PUBLIC)
@csrf_exempt  # RFC 8058 one-click unsubscribe: the mail client POSTs without our cookie
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    root = selectors.site_unit()
    done = None
    if request.method == "POST":
        done = subscriber_unsubscribe(token=token[:64])
        if done is None:
            raise Http404
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(_("Đã hủy nhận bản tin."), content_type="text/plain; charset=utf-8")
    return render(
        request,
        "publicsite/unsubscribe.html",
        {**_base_context(request, root), "token": token, "subscriber": done},
    )

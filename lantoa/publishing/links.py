"""Addresses on the public site, absolute where they leave it (posts, e-mails, feeds).

Publishing builds them into what it sends (a post's link, a newsletter's article address); the
public site (above publishing) uses the same functions for its pages and feeds. The URL names
are the public site's; reversing them needs no import of it.

The public address of the site is ``LANTOA_PUBLIC_URL`` (https://congdoan.example.vn);
without it the request's own scheme and host, and for background jobs with neither
``http://127.0.0.1:8000`` (the demo's address).
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse

from lantoa.content.models import ContentItem, MediaAsset

DEMO_BASE = "http://127.0.0.1:8000"
# The studio's file view, as the editor writes it into bodies: /noi-dung/tep/<pk>/.
_STUDIO_FILE = re.compile(r"/noi-dung/tep/(\d+)/(?:nho/)?")


def site_base(request: HttpRequest | None = None) -> str:
    configured = str(getattr(settings, "LANTOA_PUBLIC_URL", "") or "").rstrip("/")
    if configured:
        return configured
    if request is not None:
        return f"{request.scheme}://{request.get_host()}"
    return DEMO_BASE


def absolute(path: str, base: str) -> str:
    return path if path.startswith(("http://", "https://")) else base.rstrip("/") + path


def article_path(item: ContentItem) -> str:
    return reverse("publicsite:article", kwargs={"unit_code": item.unit.code, "slug": item.slug})


def share_link(item: ContentItem, base: str, *, source: str, key: str) -> str:
    """The item's public address as a post carries it: ``utm_content`` is the publication's
    idempotency key, which lets a crashed job find its own post again."""
    query = urlencode({"utm_source": source, "utm_medium": "social", "utm_content": key})
    return f"{absolute(article_path(item), base)}?{query}"


def media_path(asset: MediaAsset, *, thumbnail: bool = False) -> str:
    name = "publicsite:media_thumb" if thumbnail else "publicsite:media"
    return reverse(name, kwargs={"pk": asset.pk})


def default_cover_path() -> str:
    return static("publicsite/cover.png")


def public_body(html: str) -> str:
    """A sanitised body with the studio's (login-only) file addresses replaced by the public
    ones."""
    return _STUDIO_FILE.sub(
        lambda m: reverse("publicsite:media", kwargs={"pk": int(m.group(1))}), html or ""
    )


def studio_media_ids(html: str) -> set[int]:
    return {int(pk) for pk in _STUDIO_FILE.findall(html or "")}

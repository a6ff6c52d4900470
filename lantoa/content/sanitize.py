"""The allow-list for rich text in content items (nh3, a Rust HTML sanitiser).

Only structure survives: paragraphs, line breaks, bold/italic, lists, links (rel=noopener
added), h2–h4, block quotes, and images whose address is one of our own media files. Scripts,
styles, event handlers and ``javascript:`` addresses are dropped.
"""

from __future__ import annotations

import html as html_lib
import re

import nh3
from django.conf import settings
from django.urls import reverse

TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote", "img"}
ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Their content goes with them (a <script> must not leave its code behind as text).
DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript"}
_IMG_WITHOUT_SRC = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")


def media_prefixes() -> tuple[str, ...]:
    """Where our own media may be addressed from: the file view of the studio and, for files
    served straight from storage, MEDIA_URL."""
    studio = reverse("content:media_file", kwargs={"pk": 0}).removesuffix("0/")
    return (studio, str(settings.MEDIA_URL))


def is_own_media(url: str) -> bool:
    url = url.strip()
    if not url or url.startswith("//") or ".." in url or "\\" in url:
        return False
    return any(url.startswith(prefix) for prefix in media_prefixes() if prefix)


def _filter(tag: str, attr: str, value: str) -> str | None:
    if tag == "img" and attr == "src":
        return value if is_own_media(value) else None
    return value


def sanitize_html(html: str) -> str:
    cleaned = nh3.clean(
        html or "",
        tags=TAGS,
        clean_content_tags=DROP_WITH_CONTENT,
        attributes=ATTRIBUTES,
        attribute_filter=_filter,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    # An image from elsewhere lost its address above; drop what is left of it.
    return _IMG_WITHOUT_SRC.sub("", cleaned).strip()


def html_to_text(markup: str) -> str:
    """Plain text of sanitised HTML (for diffs and summaries), entities decoded."""
    text = re.sub(r"<br\s*/?>|</(p|li|h[2-4]|blockquote)>", "\n", markup or "")
    text = html_lib.unescape(nh3.clean(text, tags=set()))
    return re.sub(r"\n{3,}", "\n\n", text).strip()

"""What a content item becomes on each platform: the Facebook post text, the Zalo article,
the newsletter mail. Plain functions of the item (and the publication's public link), so the
texts can be checked without any platform."""

from __future__ import annotations

import re

from lantoa.content.models import ContentItem, MediaAsset, MediaKind
from lantoa.content.sanitize import html_to_text

FB_EXCERPT = 1500
ZALO_DESCRIPTION = 300
_SPACES = re.compile(r"\s+")


def body_text(item: ContentItem) -> str:
    return html_to_text(item.body)


def excerpt(item: ContentItem, limit: int) -> str:
    """The summary, or the start of the body cut at a word."""
    text = (item.summary or "").strip() or body_text(item)
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",.;:–- ")
    return cut + "…"


def hashtags(item: ContentItem) -> str:
    tags = []
    for tag in item.tags or []:
        compact = _SPACES.sub("", str(tag)).strip("#")
        if compact:
            tags.append("#" + compact)
    return " ".join(tags[:8])


def first_image(item: ContentItem) -> MediaAsset | None:
    return item.media.filter(kind=MediaKind.IMAGE).order_by("pk").first()


def facebook_message(item: ContentItem, share_url: str) -> str:
    parts = [item.title.strip(), excerpt(item, FB_EXCERPT)]
    if item.video_url:
        parts.append(f"Video: {item.video_url}")
    if item.livestream_url:
        parts.append(f"Livestream: {item.livestream_url}")
    if share_url:
        parts.append(f"Xem đầy đủ: {share_url}")
    tags = hashtags(item)
    if tags:
        parts.append(tags)
    return "\n\n".join(p for p in parts if p)


def zalo_paragraphs(item: ContentItem, share_url: str) -> list[str]:
    paragraphs = [p.strip() for p in body_text(item).split("\n") if p.strip()]
    if not paragraphs and item.summary:
        paragraphs = [item.summary.strip()]
    if item.video_url:
        paragraphs.append(f"Video: {item.video_url}")
    if share_url:
        paragraphs.append(f"Nguồn: {share_url}")
    return paragraphs or [item.title]


def zalo_description(item: ContentItem) -> str:
    return excerpt(item, ZALO_DESCRIPTION)

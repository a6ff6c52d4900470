"""What a content item becomes on each platform: the Facebook post text, the Zalo article,
the newsletter mail. Plain functions of the item (and the publication's public link), so the
texts can be checked without any platform."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from lantoa.connectors.facebook.publish import MAX_MESSAGE as FB_MAX_MESSAGE
from lantoa.connectors.zalo.publish import MAX_DESCRIPTION as ZALO_MAX_DESCRIPTION
from lantoa.connectors.zalo.publish import MAX_IMAGE_BYTES as ZALO_MAX_IMAGE_BYTES
from lantoa.connectors.zalo.publish import MAX_TITLE as ZALO_MAX_TITLE
from lantoa.content.models import ContentItem, MediaAsset, MediaKind
from lantoa.content.sanitize import html_to_text
from lantoa.core.text import format_int

FB_EXCERPT = 1500
ZALO_DESCRIPTION = 300
_SPACES = re.compile(r"\s+")


def body_text(item: ContentItem) -> str:
    """The body as plain text, a blank line between paragraphs (headings, list items and
    lines are paragraphs too), as a Facebook post shows them apart."""
    lines = (line.strip() for line in html_to_text(item.body).split("\n"))
    return "\n\n".join(line for line in lines if line)


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


# ---------------------------------------------------------------------------------------------
# Previews: the post as each platform will get it, with what the platform will cut or refuse


@dataclass(frozen=True)
class LinkCard:
    """The card Facebook draws for a post's link, from the article's Open Graph tags."""

    domain: str
    title: str
    description: str
    image_url: str


@dataclass
class PlatformPreview:
    key: str  # "facebook" | "zalo"
    title: str
    text: str  # Facebook: the post's text; Zalo: the article's description
    image_url: str  # the photo of the post, the cover of the article ("" = none)
    image_is_default: bool = False
    paragraphs: list[str] = field(default_factory=list)  # Zalo: the article's body
    link: LinkCard | None = None  # Facebook: the link card of a post without a photo
    length: int = 0
    limit: int = 0
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def previews(
    item: ContentItem,
    *,
    share_url: str,
    image: MediaAsset | None,
    image_url: str,
    default_cover_url: str,
    author: str,
) -> list[PlatformPreview]:
    """What ``runner._facebook`` and ``runner._zalo`` would send for ``item`` (saved or not),
    built by the same functions. ``image`` is the photo the post carries (``first_image``),
    ``image_url`` where the officer's browser can show it."""
    return [
        _facebook_preview(item, share_url, image, image_url, default_cover_url),
        _zalo_preview(item, share_url, image, image_url, default_cover_url, author),
    ]


def _cut_notes(item: ContentItem, limit: int) -> list[str]:
    if (item.summary or "").strip() or len(body_text(item)) <= limit:
        return []
    return [
        _(
            "Nền tảng này nhận phần đầu bài (%(n)s ký tự) kèm đường dẫn tới bài đầy đủ trên "
            "trang tin; viết tóm tắt để chọn phần người đọc thấy."
        )
        % {"n": format_int(limit)}
    ]


def _facebook_preview(
    item: ContentItem,
    share_url: str,
    image: MediaAsset | None,
    image_url: str,
    default_cover_url: str,
) -> PlatformPreview:
    # The text is the title, a 1.500-character excerpt, links and tags: far below what Facebook
    # takes (FB_MAX_MESSAGE, shown as the counter); the connector refuses a longer one.
    message = facebook_message(item, share_url)
    preview = PlatformPreview(
        key="facebook",
        title=item.title.strip(),
        text=message,
        image_url=image_url if image is not None else "",
        length=len(message),
        limit=FB_MAX_MESSAGE,
        notes=_cut_notes(item, FB_EXCERPT),
    )
    if image is None and share_url:
        # A post without a photo carries the link; Facebook draws its card from the article's
        # Open Graph tags (publicsite/article.html): title, excerpt, photo or the site's cover.
        preview.link = LinkCard(
            domain=re.sub(r"^https?://([^/]+).*$", r"\1", share_url).upper(),
            title=item.title.strip(),
            description=excerpt(item, 200),
            image_url=default_cover_url,
        )
    return preview


def _zalo_preview(
    item: ContentItem,
    share_url: str,
    image: MediaAsset | None,
    image_url: str,
    default_cover_url: str,
    author: str,
) -> PlatformPreview:
    title = item.title.strip()
    description = zalo_description(item)
    preview = PlatformPreview(
        key="zalo",
        title=title[:ZALO_MAX_TITLE],
        text=description[:ZALO_MAX_DESCRIPTION],
        image_url=image_url if image is not None else default_cover_url,
        image_is_default=image is None,
        paragraphs=zalo_paragraphs(item, share_url),
        length=len(title),
        limit=ZALO_MAX_TITLE,
        notes=_cut_notes(item, ZALO_DESCRIPTION),
    )
    if len(title) > ZALO_MAX_TITLE:
        preview.warnings.append(
            _(
                "Tiêu đề dài %(n)s ký tự; Zalo OA nhận tối đa %(max)s ký tự, phần sau “%(rest)s” "
                "sẽ bị cắt. Vui lòng rút gọn tiêu đề."
            )
            % {
                "n": format_int(len(title)),
                "max": format_int(ZALO_MAX_TITLE),
                "rest": title[ZALO_MAX_TITLE:],
            }
        )
    summary = (item.summary or "").strip()
    if len(summary) > ZALO_MAX_DESCRIPTION:
        preview.warnings.append(
            _(
                "Tóm tắt dài %(n)s ký tự; Zalo OA chỉ nhận %(max)s ký tự làm phần mô tả, phần "
                "còn lại bị cắt."
            )
            % {"n": format_int(len(summary)), "max": format_int(ZALO_MAX_DESCRIPTION)}
        )
    if image is None:
        preview.notes.append(_("Chưa chọn ảnh: Zalo OA dùng ảnh bìa mặc định của trang tin."))
    elif image.size > ZALO_MAX_IMAGE_BYTES:
        preview.warnings.append(
            _(
                "Ảnh “%(title)s” nặng %(size)s KB; Zalo OA chỉ nhận ảnh bìa tối đa %(max)s KB. "
                "Vui lòng chọn hoặc tải lên ảnh nhẹ hơn."
            )
            % {
                "title": image.title,
                "size": format_int(image.size // 1024),
                "max": format_int(ZALO_MAX_IMAGE_BYTES // 1024),
            }
        )
    return preview

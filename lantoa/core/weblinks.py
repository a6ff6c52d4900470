"""Web addresses officers paste: one normal form (so the same page typed two ways is one
address) and the check of proof and package links, shared by cascades and publishing. Every
refusal is a Vietnamese sentence naming the link."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

MAX_URL_LENGTH = 500

# Hosts of the platforms units republish on. A link there must point at a post or a page,
# not at the platform's home page.
SOCIAL_HOSTS = {
    "facebook.com": "Facebook",
    "fb.com": "Facebook",
    "fb.watch": "Facebook",
    "zalo.me": "Zalo",
    "youtube.com": "YouTube",
    "youtu.be": "YouTube",
    "tiktok.com": "TikTok",
}

_url_validator = URLValidator(schemes=["http", "https"])


def normalise_url(url: str) -> str:
    """Trim, add https:// when the scheme was left out, drop a trailing slash, so that the
    same page typed two ways is recognised as a duplicate."""
    url = (url or "").strip()
    if not url:
        return ""
    if "://" not in url:
        url = "https://" + url
    return url.rstrip("/")


def _platform(host: str) -> str | None:
    host = host.lower().rstrip(".")
    for known, label in SOCIAL_HOSTS.items():
        if host == known or host.endswith("." + known):
            return label
    return None


def clean_links(raw: Iterable[str], *, limit: int, what: str) -> list[str]:
    """Validate http(s) addresses (blank entries skipped, duplicates dropped). ``what``
    names them in errors ("Đường dẫn minh chứng")."""
    links: list[str] = []
    for index, value in enumerate(raw, start=1):
        url = normalise_url(value)
        if not url:
            continue
        label = _("%(what)s thứ %(index)s") % {"what": what, "index": index}
        if len(url) > MAX_URL_LENGTH:
            raise ValidationError(
                _("%(label)s dài quá %(max_length)s ký tự.")
                % {"label": label, "max_length": MAX_URL_LENGTH},
                code="url_too_long",
            )
        try:
            _url_validator(url)
        except ValidationError as exc:
            raise ValidationError(
                _(
                    "%(label)s “%(url)s” không phải địa chỉ web hợp lệ (ví dụ "
                    "đúng: https://www.facebook.com/congdoan.abc/posts/123)."
                )
                % {"label": label, "url": url[:80]},
                code="url_invalid",
            ) from exc
        parts = urlsplit(url)
        platform = _platform(parts.hostname or "")
        if platform and parts.path.strip("/") == "" and not parts.query:
            raise ValidationError(
                _(
                    "%(label)s chỉ là trang chủ %(platform)s; vui lòng dán đường dẫn "
                    "của chính bài đăng (bấm “Chia sẻ” › “Sao chép liên kết” "
                    "trên bài)."
                )
                % {"label": label, "platform": platform},
                code="url_home",
            )
        if url not in links:
            links.append(url)
    if len(links) > limit:
        raise ValidationError(
            _("Chỉ nhận tối đa %(limit)s đường dẫn; đã có %(count)s.")
            % {"limit": limit, "count": len(links)},
            code="too_many_links",
        )
    return links

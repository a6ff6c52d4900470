"""Posting articles on a Zalo OA (``/v2.0/article/*``), for ``lantoa.publishing``.

- ``POST /v2.0/article/create`` (header ``access_token``) with a "normal" article: title
  (≤ 150 characters), description (≤ 300), cover photo, body paragraphs, status "show".
  Zalo answers with a ``token``, not the article: the article is made asynchronously.
- ``POST /v2.0/article/verify`` with that token gives the article ``id`` once it exists (until
  then: ``TemporaryError``, the job tries again later with the same token — never a second
  create). The caller stores the token as soon as ``create_article`` returns.
- ``GET /v2.0/article/getslice`` + ``/v2.0/article/getdetail``: after a crash between the
  create and storing its token, ``find_article`` looks for an article with the item's title
  created after the mark and whose body carries the job's key, and adopts it.
- ``POST /v2.0/oa/message`` broadcast of the article to the OA's followers (optional).

Tokens come from ``lantoa.connectors.zalo.client`` (refresh under a row lock; refresh tokens
are single-use). An access token refused with -216/-124 is refreshed once and the call made
again; refused again → ``PermanentError`` and the OA is marked as failing. Refresh errors
(-14020 refresh token already used, …) are the client's ``PermanentError``: the OA must be
reconnected. Other Zalo error codes: -32 → ``TemporaryError``; the rest ``PermanentError``
with Zalo's message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.utils.translation import gettext_noop

from lantoa.connectors.errors import PermanentError, TemporaryError
from lantoa.connectors.http import json_of, request
from lantoa.connectors.models import ConnectorAccount
from lantoa.connectors.services import connector_account_mark_error
from lantoa.connectors.zalo.client import (
    PLATFORM,
    RATE_LIMITED,
    REFRESHED_TOKEN_REFUSED,
    TOKEN_INVALID,
    TokenInvalid,
    _code,
    _error_text,
    access_token,
    refresh_access_token,
)
from lantoa.core.messages import Text

# Limits of a "normal" article (article/create): title ≤ 150 characters, author ≤ 50,
# description ≤ 300, each image ≤ 1 MB (as the Zalo OA SDKs check them before calling, e.g.
# https://app.unpkg.com/@warriorteam/redai-zalo-sdk@1.32.17/files/docs/ARTICLE_MANAGEMENT.md,
# "Content Limits"; Zalo's own documentation is behind the OA developer login).
MAX_TITLE = 150
MAX_AUTHOR = 50
MAX_DESCRIPTION = 300
MAX_IMAGE_BYTES = 1024 * 1024
LOOKUP_PAGES = 3
PAGE_SIZE = 10  # getslice refuses more than 10 per call
CLOCK_SKEW = dt.timedelta(minutes=5)
# Zalo's "not ready yet" answers to article/verify.
NOT_READY = frozenset({-202})

T = TypeVar("T")


@dataclass(frozen=True)
class Article:
    id: str
    url: str = ""
    adopted: bool = False


def _api(path: str) -> str:
    return str(settings.LANTOA_ZALO_API_BASE).rstrip("/") + path


# What a call does, in the words "Zalo từ chối …" ends with (``_checked``).
CREATE = Text(gettext_noop("tạo bài viết"), {})
VERIFY = Text(gettext_noop("xác nhận bài viết"), {})
READ = Text(gettext_noop("đọc bài viết"), {})
LIST = Text(gettext_noop("đọc danh sách bài viết"), {})
BROADCAST = Text(gettext_noop("gửi thông báo bài viết"), {})


def _checked(body: dict[str, Any], what: Text) -> dict[str, Any]:
    code = _code(body)
    if code == 0:
        return body
    if code in TOKEN_INVALID:
        raise TokenInvalid
    text = _error_text(body)
    if code in RATE_LIMITED:
        raise TemporaryError(
            Text(gettext_noop("Zalo tạm thời giới hạn yêu cầu: %(text)s"), {"text": text}),
            code=code,
        )
    raise PermanentError(
        Text(gettext_noop("Zalo từ chối %(what)s: %(text)s"), {"what": what, "text": text}),
        code=code,
    )


def _with_token(account: ConnectorAccount, call: Callable[[str], T]) -> T:
    """``call(token)``, refreshing an access token Zalo refuses once."""
    token = access_token(account)
    try:
        return call(token)
    except TokenInvalid:
        token = refresh_access_token(account, stale_token=token)
        try:
            return call(token)
        except TokenInvalid:
            error = PermanentError(REFRESHED_TOKEN_REFUSED, code=-216)
            connector_account_mark_error(account, error)
            raise error from None


def _post(path: str, token: str, payload: dict[str, Any], what: Text) -> dict[str, Any]:
    response = request(
        "POST",
        _api(path),
        platform=PLATFORM,
        json=payload,
        headers={"access_token": token},
        idempotent=False,
    )
    return _checked(json_of(response, PLATFORM), what)


def _get(path: str, token: str, params: dict[str, Any], what: Text) -> dict[str, Any]:
    response = request(
        "GET", _api(path), platform=PLATFORM, params=params, headers={"access_token": token}
    )
    return _checked(json_of(response, PLATFORM), what)


def article_payload(
    *, title: str, description: str, paragraphs: list[str], cover_url: str, author: str
) -> dict[str, Any]:
    body: list[dict[str, Any]] = [{"type": "text", "content": p} for p in paragraphs if p]
    return {
        "type": "normal",
        "title": title[:MAX_TITLE],
        "author": author[:MAX_AUTHOR],
        "description": description[:MAX_DESCRIPTION],
        "cover": {"cover_type": "photo", "photo_url": cover_url, "status": "show"},
        "body": body,
        "status": "show",
        "comment": "show",
    }


def create_article(account: ConnectorAccount, payload: dict[str, Any]) -> str:
    """Ask Zalo to create the article; returns the token to verify. Never retried here."""

    def call(token: str) -> str:
        body = _post("/v2.0/article/create", token, payload, CREATE)
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        created = str((data or {}).get("token") or "")
        if not created:
            raise TemporaryError(
                Text(gettext_noop("Zalo không trả về mã xác nhận bài viết."), {}),
                code="bad_response",
            )
        return created

    return _with_token(account, call)


def verify_article(account: ConnectorAccount, article_token: str) -> Article:
    """The article made from ``article_token``; TemporaryError while Zalo is still making it."""

    def call(token: str) -> Article:
        response = request(
            "POST",
            _api("/v2.0/article/verify"),
            platform=PLATFORM,
            json={"token": article_token},
            headers={"access_token": token},
            idempotent=True,  # reading the result of a create: safe to repeat
        )
        body = json_of(response, PLATFORM)
        if _code(body) in NOT_READY:
            raise TemporaryError(
                Text(
                    gettext_noop("Zalo đang xử lý bài viết: %(text)s"),
                    {"text": _error_text(body)},
                ),
                code=_code(body),
            )
        body = _checked(body, VERIFY)
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        article_id = str((data or {}).get("id") or "")
        if not article_id:
            raise TemporaryError(
                Text(gettext_noop("Zalo chưa tạo xong bài viết."), {}), code="not_ready"
            )
        return Article(id=article_id)

    article = _with_token(account, call)
    return Article(id=article.id, url=article_link(account, article.id))


def article_link(account: ConnectorAccount, article_id: str) -> str:
    """The article's public link, if Zalo gives one (best effort: "" on any error)."""
    try:
        detail = _with_token(
            account,
            lambda token: _get("/v2.0/article/getdetail", token, {"id": article_id}, READ),
        )
    except (TemporaryError, PermanentError):
        return ""
    data = detail.get("data") if isinstance(detail.get("data"), dict) else {}
    link = str((data or {}).get("link") or "")
    return link if link.startswith(("https://", "http://")) else ""


def _created(media: dict[str, Any]) -> dt.datetime | None:
    try:
        ms = int(media.get("create_date") or 0)
    except (TypeError, ValueError):
        return None
    return dt.datetime.fromtimestamp(ms / 1000, tz=dt.UTC) if ms else None


def find_article(
    account: ConnectorAccount, *, title: str, key: str, since: dt.datetime
) -> Article | None:
    """An article an interrupted attempt created: same title, created after ``since``, and
    its body carries ``key``."""
    wanted = title[:MAX_TITLE].strip()

    def scan(token: str) -> Article | None:
        for page in range(LOOKUP_PAGES):
            body = _get(
                "/v2.0/article/getslice",
                token,
                {"offset": page * PAGE_SIZE, "limit": PAGE_SIZE, "type": "normal"},
                LIST,
            )
            data = body.get("data") if isinstance(body.get("data"), dict) else {}
            medias = (data or {}).get("medias") or []
            for media in medias:
                if not isinstance(media, dict) or str(media.get("title") or "").strip() != wanted:
                    continue
                created = _created(media)
                if created is not None and created < since - CLOCK_SKEW:
                    continue
                detail = _get("/v2.0/article/getdetail", token, {"id": media.get("id")}, READ)
                if key in str(detail.get("data") or ""):
                    return Article(id=str(media["id"]), adopted=True)
            if len(medias) < PAGE_SIZE:
                break
        return None

    found = _with_token(account, scan)
    if found is None:
        return None
    return Article(id=found.id, url=article_link(account, found.id), adopted=True)


def broadcast_article(account: ConnectorAccount, article_id: str) -> str:
    """Send the article to the OA's followers; returns Zalo's message id. Never retried."""
    payload = {
        "recipient": {"target": {}},
        "message": {
            "attachment": {
                "type": "template",
                "payload": {
                    "template_type": "media",
                    "elements": [{"media_type": "article", "attachment_id": article_id}],
                },
            }
        },
    }

    def call(token: str) -> str:
        body = _post("/v2.0/oa/message", token, payload, BROADCAST)
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        return str((data or {}).get("message_id") or "")

    return _with_token(account, call)

"""Posting to a Facebook page (Graph API), for ``lantoa.publishing``.

- ``POST /{page-id}/feed`` (``message``, ``link``) for text and link posts;
  ``POST /{page-id}/photos`` (``url``, ``caption``) when the item has a photo.
- Scheduled posts: ``published=false`` and ``scheduled_publish_time`` (unix time), which Graph
  accepts from 10 minutes to 30 days ahead (``check_schedule_window``).
- Graph has no idempotency header, so a post cannot be made "at most once" by the request
  itself. The caller writes down that it is about to post before calling ``publish_post``; a
  job that finds that mark after a crash first calls ``find_post``, which reads the page's
  recent posts (``/{page-id}/feed``, and ``/{page-id}/scheduled_posts`` for scheduled ones)
  for one carrying the job's key (it travels in the link's ``utm_content``), or failing that
  with exactly the same text created after the mark, and adopts it.
- ``DELETE /{post-id}`` (``delete_post``) calls off a post, scheduled or not; Graph answers
  ``{"success": true}``, and a post that is already gone (error 100, subcode 33 "does not
  exist") counts as deleted.
- Every call goes through ``lantoa.connectors.http.request`` with the page token and its
  ``appsecret_proof``; Graph errors map to ``PermanentError``/``TemporaryError`` below.

Graph errors for publishing:

==================================  ======================================================
190 (OAuthException)                PermanentError; the page token expired or was revoked,
                                    the connection is marked as failing
4, 17, 32, 613, 1, 2, HTTP 429,     TemporaryError (rate limits, outages)
is_transient
10, 200–299                         PermanentError: the app lacks pages_manage_posts or the
                                    page role to post
other (100 invalid parameter …)     PermanentError with Graph's message
==================================  ======================================================
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lantoa.connectors.errors import ConnectorError, PermanentError, TemporaryError
from lantoa.connectors.facebook.client import (
    NO_PAGE_TOKEN,
    PERMISSION_CODES,
    PLATFORM,
    UNKNOWN_ERROR,
    _graph_error,
    graph_message,
)
from lantoa.connectors.facebook.webhook import app_secret_of
from lantoa.connectors.http import Classifier, json_of, request
from lantoa.connectors.models import ConnectorAccount
from lantoa.connectors.services import connector_account_mark_error
from lantoa.core.messages import Num, Text

if TYPE_CHECKING:
    import httpx

SCHEDULE_MIN_AHEAD = dt.timedelta(minutes=10)
SCHEDULE_MAX_AHEAD = dt.timedelta(days=30)
# The most characters a page post's text may have: 63,206 (the limit Facebook set in 2011;
# https://docs.upload-post.com/resources/character-limits/ lists it for a post, and
# https://github.com/diaspora/diaspora/issues/5090 quotes it).
MAX_MESSAGE = 63_206
# How many recent posts a crash recovery reads, and how far before the mark it looks.
LOOKUP_LIMIT = 50
CLOCK_SKEW = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class PagePost:
    id: str
    url: str
    adopted: bool = False


def check_schedule_window(at: dt.datetime, *, now: dt.datetime | None = None) -> None:
    """Facebook schedules a post only 10 minutes to 30 days ahead; ValidationError (in
    Vietnamese, naming the chosen time) otherwise."""
    now = now or timezone.now()
    local = timezone.localtime(at).strftime("%H:%M %d/%m/%Y")
    if at < now + SCHEDULE_MIN_AHEAD:
        raise ValidationError(
            _(
                "Facebook chỉ nhận hẹn giờ đăng từ 10 phút sau trở đi; giờ đã chọn (%(local)s) "
                "quá gần hoặc đã qua. Vui lòng chọn muộn hơn, hoặc đăng ngay."
            )
            % {"local": local},
            code="fb_schedule_too_soon",
        )
    if at > now + SCHEDULE_MAX_AHEAD:
        raise ValidationError(
            _(
                "Facebook chỉ nhận hẹn giờ đăng trong vòng 30 ngày tới; giờ đã chọn (%(local)s) "
                "xa quá. Vui lòng chọn một ngày gần hơn."
            )
            % {"local": local},
            code="fb_schedule_too_far",
        )


def _page_error(response: httpx.Response, *, right: Text, refused: str) -> ConnectorError | None:
    """The Messenger client's classification of a Graph error (``_graph_error``: 190,
    rate limits, permissions…), worded for a page's posts instead of messages: ``right``
    names what the app may not do, ``refused`` is the message (msgid with ``%(text)s``, Graph's
    words) of any other refusal."""
    error = _graph_error(response)
    if not isinstance(error, PermanentError) or error.code == 190:
        return error  # temporary, or the expired token (same words for posting)
    text: str | Text
    try:
        detail = response.json().get("error") or {}
        text = graph_message(detail)
    except (ValueError, AttributeError):
        text = UNKNOWN_ERROR
    head = str(error.code or "0").split("/", 1)[0]
    if head.isdigit() and int(head) in PERMISSION_CODES:
        return PermanentError(
            Text(
                gettext_noop(
                    "Ứng dụng Facebook thiếu quyền %(right)s (cần quyền pages_manage_posts và "
                    "vai trò quản trị/biên tập trang). Facebook báo: %(text)s"
                ),
                {"right": right, "text": text},
            ),
            code=error.code,
        )
    return PermanentError(Text(refused, {"text": text}), code=error.code)


def _publish_error(response: httpx.Response) -> ConnectorError | None:
    return _page_error(
        response,
        right=Text(gettext_noop("đăng bài lên trang"), {}),
        refused=gettext_noop("Facebook từ chối bài đăng: %(text)s"),
    )


GONE = "gone"


def _delete_error(response: httpx.Response) -> ConnectorError | None:
    """As ``_publish_error``, for ``DELETE /{post-id}``; a post that no longer exists
    (100/33, "does not exist") becomes a PermanentError with code ``GONE``."""
    try:
        body = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        try:
            code = int(error.get("code") or 0)
            subcode = int(error.get("error_subcode") or 0)
        except (TypeError, ValueError):
            code = subcode = 0
        message = str(error.get("message") or "")
        if code == 100 and (subcode == 33 or "does not exist" in message.lower()):
            return PermanentError(
                Text(
                    gettext_noop("Bài không còn trên Facebook: %(text)s"),
                    {"text": message[:300]},
                ),
                code=GONE,
            )
    return _page_error(
        response,
        right=Text(gettext_noop("gỡ bài trên trang"), {}),
        refused=gettext_noop("Facebook từ chối gỡ bài: %(text)s"),
    )


def _base() -> str:
    return str(settings.LANTOA_GRAPH_API_BASE).rstrip("/")


def _auth(account: ConnectorAccount) -> dict[str, Any]:
    token = account.access_token
    if not token:
        raise PermanentError(NO_PAGE_TOKEN, code="no_token")
    params: dict[str, Any] = {"access_token": token}
    secret = app_secret_of(account)
    if secret:
        params["appsecret_proof"] = hmac.new(
            secret.encode(), token.encode(), hashlib.sha256
        ).hexdigest()
    return params


def _call(
    account: ConnectorAccount,
    method: str,
    path: str,
    *,
    classify: Classifier = _publish_error,
    **kw: Any,
) -> dict[str, Any]:
    try:
        response = request(
            method,
            _base() + path,
            platform=PLATFORM,
            classify=classify,
            **kw,
        )
    except PermanentError as exc:
        if exc.code == 190:
            connector_account_mark_error(account, exc)
        raise
    return json_of(response, PLATFORM)


def post_url(post_id: str) -> str:
    return f"https://www.facebook.com/{post_id}"


def publish_post(
    account: ConnectorAccount,
    *,
    message: str,
    link: str = "",
    photo_url: str = "",
    scheduled_at: dt.datetime | None = None,
) -> PagePost:
    """Create the page post (a photo post when ``photo_url`` is given). Never retried here:
    a second POST would be a second post; the publication job retries after a lookup."""
    if len(message) > MAX_MESSAGE:
        raise PermanentError(
            Text(
                gettext_noop("Bài đăng dài %(length)s ký tự, quá giới hạn của Facebook."),
                {"length": Num(len(message))},
            ),
            code="too_long",
        )
    page_id = account.external_id
    fields: dict[str, Any] = {}
    if scheduled_at is not None:
        fields["published"] = "false"
        fields["scheduled_publish_time"] = str(int(scheduled_at.timestamp()))
    if photo_url:
        fields.update({"url": photo_url, "caption": message})
        path = f"/{page_id}/photos"
    else:
        fields["message"] = message
        if link:
            fields["link"] = link
        path = f"/{page_id}/feed"
    body = _call(account, "POST", path, params=_auth(account), data=fields, idempotent=False)
    post_id = str(body.get("post_id") or body.get("id") or "")
    if not post_id:
        raise TemporaryError(
            Text(gettext_noop("Facebook không trả về mã bài đăng."), {}), code="bad_response"
        )
    return PagePost(id=post_id, url=post_url(post_id))


def _created(post: dict[str, Any]) -> dt.datetime | None:
    text = str(post.get("created_time") or "")
    try:
        # Graph writes "2026-05-01T08:00:00+0000".
        return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return None


def find_post(
    account: ConnectorAccount,
    *,
    key: str,
    message: str,
    since: dt.datetime,
    scheduled: bool = False,
) -> PagePost | None:
    """The page's post that an earlier, interrupted attempt made, if there is one: its text
    carries ``key``, or it is exactly ``message`` and was created after ``since``."""
    page_id = account.external_id
    edges = ["feed"] + (["scheduled_posts"] if scheduled else [])
    wanted = message.strip()
    for edge in edges:
        body = _call(
            account,
            "GET",
            f"/{page_id}/{edge}",
            params={**_auth(account), "fields": "id,message,created_time", "limit": LOOKUP_LIMIT},
        )
        posts = body.get("data") if isinstance(body.get("data"), list) else []
        for post in posts or []:
            if not isinstance(post, dict) or not post.get("id"):
                continue
            text = str(post.get("message") or "")
            created = _created(post)
            recent = created is None or created >= since - CLOCK_SKEW
            if (key and key in text) or (recent and text.strip() == wanted):
                post_id = str(post["id"])
                return PagePost(id=post_id, url=post_url(post_id), adopted=True)
    return None


def delete_post(account: ConnectorAccount, post_id: str) -> bool:
    """Remove the page's post ``post_id`` (``DELETE /{post-id}``), e.g. a scheduled post that
    must not go live. True when Graph deleted it, False when it was already gone (deleted on
    the page by hand); errors as for posting (190 marks the connection as failing)."""
    if not post_id:
        raise PermanentError(
            Text(gettext_noop("Không có mã bài trên Facebook để gỡ."), {}), code="no_post_id"
        )
    try:
        body = _call(
            account, "DELETE", f"/{post_id}", params=_auth(account), classify=_delete_error
        )
    except PermanentError as exc:
        if exc.code == GONE:
            return False
        raise
    if body.get("success") is not True:
        raise TemporaryError(
            Text(gettext_noop("Facebook không xác nhận đã gỡ bài."), {}), code="bad_response"
        )
    return True

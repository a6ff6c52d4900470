"""Messenger Send API client.

``POST {LANTOA_GRAPH_API_BASE}/me/messages?access_token=<page token>`` with the worker's PSID.
Messenger's rules decide the message type from the worker's last message:

- within 24 hours: ``messaging_type=RESPONSE``;
- after that and within 7 days: ``messaging_type=MESSAGE_TAG`` with ``tag=HUMAN_AGENT`` (a
  person answering; the app needs Meta's Human Agent permission);
- later: not allowed → PermanentError.

Graph errors (``{"error": {"code", "error_subcode", "message", "type", "is_transient"}}``):

======================================  ===================================================
190 (OAuthException)                    PermanentError: the page token expired or was
                                        revoked; the page must be reconnected
4, 17, 32, 613, HTTP 429, 1, 2,         TemporaryError: rate limits, temporary outages
is_transient
10, 200–299                             PermanentError: permission missing
551, subcodes 2018xxx                   PermanentError: the person is not available or is
                                        outside the messaging window
other                                   PermanentError with Graph's message
======================================  ===================================================
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_noop

from lantoa.connectors.errors import ConnectorError, PermanentError, TemporaryError
from lantoa.connectors.facebook.webhook import app_secret_of
from lantoa.connectors.http import json_of, request
from lantoa.connectors.models import ConnectorAccount
from lantoa.connectors.services import connector_account_mark_error
from lantoa.core.messages import Num, Text

if TYPE_CHECKING:
    import httpx

PLATFORM = "Facebook"
MAX_TEXT = 2000
STANDARD_WINDOW = dt.timedelta(hours=24)
HUMAN_AGENT_WINDOW = dt.timedelta(days=7)
TEMPORARY_CODES = frozenset({1, 2, 4, 17, 32, 613})
PERMISSION_CODES = frozenset({10, *range(200, 300)})
UNKNOWN_ERROR = Text(gettext_noop("lỗi không rõ"), {})
UNKNOWN_TIME = Text(gettext_noop("không rõ"), {})
# Graph's 190: Facebook's words go in ``%(text)s``.
TOKEN_EXPIRED = gettext_noop(
    "Mã truy cập trang Facebook đã hết hạn hoặc bị thu hồi; cán bộ cần kết nối lại trang. "
    "Facebook báo: %(text)s"
)
NO_PAGE_TOKEN = Text(gettext_noop("Trang chưa có mã truy cập; cán bộ cần kết nối lại trang."), {})


def messaging_type(last_inbound_at: dt.datetime | None, now: dt.datetime) -> dict[str, str]:
    """The Send API fields allowed at ``now``; PermanentError when none is."""
    if last_inbound_at is not None:
        age = now - last_inbound_at
        if age <= STANDARD_WINDOW:
            return {"messaging_type": "RESPONSE"}
        if age <= HUMAN_AGENT_WINDOW:
            return {"messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"}
    when: str | Text = (
        timezone.localtime(last_inbound_at).strftime("%H:%M %d/%m/%Y")
        if last_inbound_at
        else UNKNOWN_TIME
    )
    raise PermanentError(
        Text(
            gettext_noop(
                "Đã quá 7 ngày kể từ tin nhắn cuối của người lao động (lúc %(when)s) nên "
                "Messenger không cho trang gửi trả lời. Câu trả lời vẫn được lưu và hiển thị "
                "trên trang tra cứu; khi người lao động nhắn lại trang, vui lòng gửi lại."
            ),
            {"when": when},
        ),
        code="window_7d",
    )


def graph_message(error: dict[str, Any]) -> str | Text:
    """Graph's own words (as they came, at most 300 characters), or "unknown error"."""
    message = str(error.get("message") or "")[:300]
    return message or UNKNOWN_ERROR


def _graph_error(response: httpx.Response) -> ConnectorError | None:
    try:
        body = response.json()
    except ValueError:
        return None  # no Graph error object: the generic HTTP mapping applies
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return None
    try:
        code = int(error.get("code") or 0)
    except (TypeError, ValueError):
        code = 0
    try:
        subcode = int(error.get("error_subcode") or 0)
    except (TypeError, ValueError):
        subcode = 0
    said = {"text": graph_message(error)}
    shown = f"{code}/{subcode}" if subcode else code
    if code == 190:
        return PermanentError(Text(TOKEN_EXPIRED, said), code=190)
    if response.status_code == 429 or code in TEMPORARY_CODES or error.get("is_transient"):
        return TemporaryError(
            Text(gettext_noop("Facebook tạm thời giới hạn hoặc đang lỗi: %(text)s"), said),
            code=shown,
        )
    if code == 551 or 2018000 <= subcode <= 2018999:
        return PermanentError(
            Text(
                gettext_noop(
                    "Facebook không chuyển được tin: người lao động hiện không nhận tin từ "
                    "trang hoặc đã quá thời hạn trả lời. Facebook báo: %(text)s"
                ),
                said,
            ),
            code=shown,
        )
    if code in PERMISSION_CODES:
        return PermanentError(
            Text(
                gettext_noop(
                    "Ứng dụng Facebook thiếu quyền gửi tin cho trang. Facebook báo: %(text)s"
                ),
                said,
            ),
            code=shown,
        )
    return PermanentError(
        Text(gettext_noop("Facebook từ chối gửi tin: %(text)s"), said), code=shown
    )


def send_text(
    account: ConnectorAccount,
    *,
    psid: str,
    text: str,
    last_inbound_at: dt.datetime | None,
    now: dt.datetime | None = None,
) -> str:
    """Send ``text`` to the worker; returns the Messenger message id."""
    now = now or timezone.now()
    kind = messaging_type(last_inbound_at, now)
    if len(text) > MAX_TEXT:
        raise PermanentError(
            Text(
                gettext_noop(
                    "Messenger chỉ nhận tin tối đa %(max)s ký tự; câu trả lời dài %(length)s "
                    "ký tự. Vui lòng rút gọn hoặc chia thành nhiều câu trả lời."
                ),
                {"max": Num(MAX_TEXT), "length": Num(len(text))},
            ),
            code="too_long",
        )
    token = account.access_token
    if not token:
        raise PermanentError(NO_PAGE_TOKEN)
    params: dict[str, Any] = {"access_token": token}
    secret = app_secret_of(account)
    if secret:
        # Proves the call comes from the app's server, not from a leaked token alone.
        params["appsecret_proof"] = hmac.new(
            secret.encode(), token.encode(), hashlib.sha256
        ).hexdigest()
    try:
        response = request(
            "POST",
            settings.LANTOA_GRAPH_API_BASE.rstrip("/") + "/me/messages",
            platform=PLATFORM,
            params=params,
            json={"recipient": {"id": psid}, "message": {"text": text}, **kind},
            idempotent=False,
            classify=_graph_error,
        )
    except PermanentError as exc:
        if exc.code == 190:
            connector_account_mark_error(account, exc)
        raise
    body = json_of(response, PLATFORM)
    return str(body.get("message_id") or "")

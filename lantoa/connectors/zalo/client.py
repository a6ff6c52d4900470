"""Zalo OA client: consultation (customer-service) messages and token refresh.

Zalo answers errors with HTTP 200 and ``{"error": <negative code>, "message": "…"}``:

====================  ===================================================================
code                  what we do
====================  ===================================================================
-216, -124            access token invalid or expired → refresh once, then send again
-213, -230, -201 …    user out of the messaging window, unfollowed … → PermanentError
-32                   rate limit → TemporaryError
other                 PermanentError with Zalo's message
====================  ===================================================================

Tokens: an access token lives ~25 hours; a refresh token is good for three months and for
ONE use. Refreshing therefore happens under a row lock on the account (``select_for_update``),
re-reading the row once the lock is held: a worker that waited finds the token another worker
just obtained and does not burn the already-used refresh token. The OAuth endpoint's errors
(-14xxx: refresh token invalid, expired or already used) mean the OA must be reconnected.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from lantoa.connectors.errors import ConnectorError, PermanentError, TemporaryError
from lantoa.connectors.http import json_of, request
from lantoa.connectors.models import AccountStatus, ConnectorAccount
from lantoa.connectors.services import ZALO_REFRESH_TOKEN_LIFETIME, connector_account_mark_error
from lantoa.core.messages import Num, Text

log = logging.getLogger(__name__)

PLATFORM = "Zalo"
MAX_TEXT = 2000
# The OA may send consultation messages only within 48 hours of the user's last message.
WINDOW = dt.timedelta(hours=48)
TOKEN_INVALID = frozenset({-216, -124})
RATE_LIMITED = frozenset({-32})
OUTSIDE_WINDOW = frozenset({-213, -230, -211})
# Refresh a token this long before it expires rather than have a send fail on it.
EARLY_REFRESH = dt.timedelta(minutes=5)
# Zalo's refusal of a consultation message out of the window: Zalo's words in ``%(text)s``.
OUTSIDE_WINDOW_REFUSED = gettext_noop(
    "Zalo từ chối vì người lao động không còn trong thời hạn nhận tin tư vấn (48 giờ kể từ tin "
    "nhắn cuối) hoặc đã bỏ quan tâm OA: %(text)s. Câu trả lời vẫn được lưu và hiển thị trên "
    "trang tra cứu."
)
UNKNOWN_ERROR = Text(gettext_noop("lỗi không rõ"), {})
UNKNOWN_TIME = Text(gettext_noop("không rõ"), {})
REFRESHED_TOKEN_REFUSED = Text(
    gettext_noop("Zalo vẫn từ chối mã truy cập vừa cấp lại; cán bộ cần kết nối lại Zalo OA."), {}
)


def _api(path: str) -> str:
    return settings.LANTOA_ZALO_API_BASE.rstrip("/") + path


def _oauth(path: str) -> str:
    return settings.LANTOA_ZALO_OAUTH_BASE.rstrip("/") + path


def _code(body: dict[str, Any]) -> int:
    try:
        return int(body.get("error") or 0)
    except (TypeError, ValueError):
        return -1


def _error_text(body: dict[str, Any]) -> str | Text:
    """Zalo's own words (as they came, at most 300 characters), or "unknown error"."""
    for key in ("message", "error_description", "error_name", "error_reason"):
        value = body.get(key)
        if value:
            return str(value)[:300]
    return UNKNOWN_ERROR


class TokenInvalid(Exception):
    """Zalo refused the access token (-216): refresh and try again."""


def window_error(last_inbound_at: dt.datetime | None) -> PermanentError:
    when: str | Text = (
        timezone.localtime(last_inbound_at).strftime("%H:%M %d/%m/%Y")
        if last_inbound_at
        else UNKNOWN_TIME
    )
    return PermanentError(
        Text(
            gettext_noop(
                "Đã quá 48 giờ kể từ tin nhắn cuối của người lao động (lúc %(when)s) nên Zalo "
                "không cho OA gửi tin tư vấn. Câu trả lời vẫn được lưu và hiển thị trên trang "
                "tra cứu; khi người lao động nhắn lại OA, vui lòng gửi lại câu trả lời."
            ),
            {"when": when},
        ),
        code="window_48h",
    )


def _classify_send(body: dict[str, Any]) -> ConnectorError | None:
    code = _code(body)
    if code == 0:
        return None
    said = {"text": _error_text(body)}
    if code in RATE_LIMITED:
        return TemporaryError(
            Text(gettext_noop("Zalo tạm thời giới hạn số tin gửi: %(text)s"), said), code=code
        )
    if code in OUTSIDE_WINDOW:
        return PermanentError(Text(OUTSIDE_WINDOW_REFUSED, said), code=code)
    return PermanentError(Text(gettext_noop("Zalo từ chối gửi tin: %(text)s"), said), code=code)


# ---------------------------------------------------------------------------------------------
# Tokens


def _store_tokens(account: ConnectorAccount, body: dict[str, Any]) -> None:
    now = timezone.now()
    try:
        lifetime = int(body.get("expires_in") or 90000)
    except (TypeError, ValueError):
        lifetime = 90000
    account.access_token = str(body["access_token"])
    account.refresh_token = str(body.get("refresh_token") or account.refresh_token)
    account.access_token_expires_at = now + dt.timedelta(seconds=lifetime)
    account.refresh_token_expires_at = now + ZALO_REFRESH_TOKEN_LIFETIME
    account.token_refreshed_at = now
    account.status = AccountStatus.ACTIVE
    account.last_error = ""
    account.last_error_text = None
    account.last_error_at = None
    account.save(
        update_fields=[
            "access_token",
            "refresh_token",
            "access_token_expires_at",
            "refresh_token_expires_at",
            "token_refreshed_at",
            "status",
            "last_error",
            "last_error_text",
            "last_error_at",
            "updated_at",
        ]
    )


def _token_fresh(account: ConnectorAccount, now: dt.datetime) -> bool:
    return bool(account.access_token) and (
        account.access_token_expires_at is None
        or account.access_token_expires_at > now + EARLY_REFRESH
    )


def refresh_access_token(account: ConnectorAccount, *, stale_token: str | None = None) -> str:
    """A valid access token for ``account``, refreshing it if needed (see module docstring).

    ``stale_token`` is a token Zalo just refused: refresh even if it has not expired, unless
    another worker has already replaced it.
    """
    failure: PermanentError | None = None
    with transaction.atomic():
        locked = ConnectorAccount.objects.select_for_update().get(pk=account.pk)
        now = timezone.now()
        if locked.access_token and locked.access_token != stale_token and _token_fresh(locked, now):
            _copy_tokens(locked, account)
            return locked.access_token
        if not locked.refresh_token:
            failure = PermanentError(
                Text(
                    gettext_noop("OA chưa có refresh token; cán bộ cần kết nối lại Zalo OA."),
                    {},
                ),
                code="no_refresh",
            )
        else:
            try:
                body = _call_refresh(locked)
            except PermanentError as exc:
                failure = exc
            else:
                _store_tokens(locked, body)
                _copy_tokens(locked, account)
                log.info("zalo account %s: access token refreshed", account.pk)
                return locked.access_token
    # Outside the transaction, so that the mark survives the error.
    connector_account_mark_error(account, failure)
    raise failure


def _copy_tokens(source: ConnectorAccount, target: ConnectorAccount) -> None:
    for name in (
        "access_token",
        "refresh_token",
        "access_token_expires_at",
        "refresh_token_expires_at",
        "token_refreshed_at",
        "status",
        "last_error",
        "last_error_text",
    ):
        setattr(target, name, getattr(source, name))


def _call_refresh(account: ConnectorAccount) -> dict[str, Any]:
    response = request(
        "POST",
        _oauth("/v4/oa/access_token"),
        platform=PLATFORM,
        data={
            "refresh_token": account.refresh_token,
            "app_id": account.app_id,
            "grant_type": "refresh_token",
        },
        headers={"secret_key": account.app_secret},
        retries=1,  # only a request that never left is retried: the token is single-use
        idempotent=False,
    )
    body = json_of(response, PLATFORM)
    if body.get("access_token"):
        return body
    code = _code(body)
    said = {"text": _error_text(body)}
    if code in RATE_LIMITED:
        raise TemporaryError(
            Text(gettext_noop("Zalo tạm thời giới hạn yêu cầu: %(text)s"), said), code=code
        )
    raise PermanentError(
        Text(
            gettext_noop(
                "Zalo không cấp lại mã truy cập (refresh token không hợp lệ, đã hết hạn hoặc đã "
                "dùng); cán bộ cần kết nối lại Zalo OA. Zalo báo: %(text)s"
            ),
            said,
        ),
        code=code or "refresh_failed",
    )


def access_token(account: ConnectorAccount) -> str:
    if _token_fresh(account, timezone.now()):
        return account.access_token
    return refresh_access_token(account)


# ---------------------------------------------------------------------------------------------
# Messages


def _post_cs(token: str, user_id: str, text: str) -> dict[str, Any]:
    response = request(
        "POST",
        _api("/v3.0/oa/message/cs"),
        platform=PLATFORM,
        json={"recipient": {"user_id": user_id}, "message": {"text": text}},
        headers={"access_token": token},
        idempotent=False,
    )
    body = json_of(response, PLATFORM)
    if _code(body) in TOKEN_INVALID:
        raise TokenInvalid
    error = _classify_send(body)
    if error is not None:
        raise error
    return body


def send_text(
    account: ConnectorAccount,
    *,
    user_id: str,
    text: str,
    last_inbound_at: dt.datetime | None,
    now: dt.datetime | None = None,
) -> str:
    """Send a consultation message; returns Zalo's message id."""
    now = now or timezone.now()
    if last_inbound_at is None or now - last_inbound_at > WINDOW:
        raise window_error(last_inbound_at)
    if len(text) > MAX_TEXT:
        raise PermanentError(
            Text(
                gettext_noop(
                    "Zalo chỉ nhận tin tư vấn tối đa %(max)s ký tự; câu trả lời dài %(length)s "
                    "ký tự. Vui lòng rút gọn hoặc chia thành nhiều câu trả lời."
                ),
                {"max": Num(MAX_TEXT), "length": Num(len(text))},
            ),
            code="too_long",
        )
    token = access_token(account)
    try:
        body = _post_cs(token, user_id, text)
    except TokenInvalid:
        token = refresh_access_token(account, stale_token=token)
        try:
            body = _post_cs(token, user_id, text)
        except TokenInvalid:
            error = PermanentError(REFRESHED_TOKEN_REFUSED, code=-216)
            connector_account_mark_error(account, error)
            raise error from None
    data = body.get("data") if isinstance(body.get("data"), dict) else {}
    return str((data or {}).get("message_id") or "")


def refresh_if_expiring(account: ConnectorAccount, *, within: dt.timedelta) -> bool:
    """Keep the token chain alive: refresh when the access token ends within ``within``."""
    expires = account.access_token_expires_at
    if expires is not None and expires > timezone.now() + within:
        return False
    try:
        refresh_access_token(account, stale_token=account.access_token)
    except TemporaryError:
        return False
    except PermanentError:
        return False
    return True

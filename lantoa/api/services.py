"""Writes to API tokens. The raw token leaves the server exactly once, from ``apitoken_create``;
only its SHA-256 digest is stored, so a leaked database does not leak usable tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from lantoa.accounts.models import ApiToken, TokenScope, User
from lantoa.accounts.services import apitoken_revoke as apitoken_revoke  # one place for it
from lantoa.audit.services import audit_record

TOKEN_NAME_MAX = 100
HINT_LENGTH = 10
# ``last_used_at`` is written at most this often per token, so a busy integration does not
# turn every read into a write.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def apitoken_create(
    *,
    user: User,
    name: str,
    expires_at: dt.datetime | None = None,
    scope: str = TokenScope.WRITE,
    request: Any = None,
) -> tuple[ApiToken, str]:
    name = (name or "").strip()
    if not name:
        raise ValidationError(
            {"name": _("Vui lòng đặt tên cho khóa API (ví dụ: tên hệ thống dùng nó).")}
        )
    if len(name) > TOKEN_NAME_MAX:
        raise ValidationError(
            {
                "name": _("Tên khóa API dài tối đa %(token_name_max)s ký tự.")
                % {"token_name_max": TOKEN_NAME_MAX}
            }
        )
    if scope not in TokenScope.values:
        raise ValidationError({"scope": _("Phạm vi khóa API không hợp lệ.")})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("Ngày hết hạn phải ở sau thời điểm hiện tại.")})
    raw = ApiToken.new_raw_token()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        digest=ApiToken.digest_of(raw),
        hint=raw[:HINT_LENGTH],
        expires_at=expires_at,
        scope=scope,
    )
    audit_record(
        action="apitoken.create",
        actor=user,
        request=request,
        target=name,
        data={
            "token_id": token.pk,
            "hint": token.hint,
            "scope": scope,
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
    return token, raw


def apitoken_mark_used(*, token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    # Conditional update: concurrent requests with the same token write once, not N times.
    ApiToken.objects.filter(pk=token.pk).exclude(
        last_used_at__gte=now - LAST_USED_RESOLUTION
    ).update(last_used_at=now)
    token.last_used_at = now

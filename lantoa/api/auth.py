"""Who is calling the API: an integration with a bearer token, or an officer's browser session.

Session callers get the same checks as the web pages (two-factor for province and national
officers) plus CSRF on unsafe methods; token callers skip both, since a token is only ever
created from a session that passed them (``/khoa-api/``).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Model
from django.http import Http404, HttpRequest
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from lantoa.access import require, requires_two_factor
from lantoa.accounts.models import TokenScope, User
from lantoa.api.selectors import apitoken_find_usable
from lantoa.api.services import apitoken_mark_used

MSG_NOT_AUTHENTICATED = (
    "Chưa xác thực: vui lòng gửi khóa API trong tiêu đề “Authorization: Bearer lt_…” "
    "hoặc đăng nhập trên trình duyệt."
)
MSG_BAD_TOKEN = "Khóa API không hợp lệ, đã bị thu hồi hoặc đã hết hạn."  # noqa: S105
MSG_NEEDS_OTP = "Tài khoản này cần xác thực hai bước. Vui lòng hoàn tất xác thực rồi thử lại."
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
MSG_READ_ONLY = (
    "Khóa API này chỉ được đọc (GET). Vui lòng tạo khóa “Đọc và ghi” tại /khoa-api/ nếu hệ thống "
    "của anh/chị cần sửa dữ liệu."
)
MSG_CSRF = "Thiếu hoặc sai mã chống giả mạo (CSRF). Vui lòng tải lại trang rồi thử lại."


class ApiAuthError(AuthenticationError):
    """A 401 whose message says what exactly was wrong with the credentials."""

    def __init__(self, message: str) -> None:
        super().__init__(status_code=401, message=message)


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = apitoken_find_usable(raw=token.strip())
        if found is None:
            # A caller that sends a token means to use it: say it is bad rather than
            # silently falling back to a session that may belong to someone else.
            raise ApiAuthError(MSG_BAD_TOKEN)
        if found.scope == TokenScope.READ and request.method not in SAFE_METHODS:
            raise HttpError(403, MSG_READ_ONLY)
        apitoken_mark_used(token=found)
        request.user = found.user
        return found.user


class SessionOtpAuth(APIKeyCookie):
    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        key = request.COOKIES.get(self.param_name)
        if key and check_csrf(request) is not None:
            raise HttpError(403, MSG_CSRF)
        return key

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user: Any = request.user
        if not key or not user.is_authenticated or not user.is_active:
            return None
        if requires_two_factor(user) and not user.is_verified():
            raise ApiAuthError(MSG_NEEDS_OTP)
        return user


API_AUTH = [BearerTokenAuth(), SessionOtpAuth()]


def caller(request: HttpRequest) -> User:
    """The authenticated user of an API request (set by one of ``API_AUTH``)."""
    return request.auth  # type: ignore[attr-defined]


M = TypeVar("M", bound=Model)


def fetch_checked(request: HttpRequest, model: type[M], pk: int, perm: str) -> M:
    """The ``model`` row ``pk`` (which has a ``unit``), after checking ``perm`` on its unit:
    404 outside the caller's view, exactly like a row that does not exist."""
    found = model._default_manager.select_related("unit").filter(pk=pk).first()
    if found is None:
        raise Http404
    require(caller(request), perm, found.unit)  # type: ignore[attr-defined]
    return found

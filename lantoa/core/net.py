"""Who is on the other end of a request."""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpRequest, HttpResponseBase

logger = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str:
    """The client's address, honestly: REMOTE_ADDR, unless ``LANTOA_TRUSTED_PROXY_COUNT``
    proxies stand in front of the app, in which case the address the outermost trusted proxy
    saw (counted from the right of X-Forwarded-For; entries further left are the client's
    own claims and are ignored)."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    proxies = int(settings.LANTOA_TRUSTED_PROXY_COUNT)
    candidate = remote
    if proxies > 0:
        hops = [h.strip() for h in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= proxies:
            candidate = hops[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def is_htmx(request: HttpRequest) -> bool:
    """The request comes from HTMX (a partial page is wanted, not the whole layout)."""
    return request.headers.get("HX-Request") == "true"


PROXY_HINT = (
    "Đặt LANTOA_TRUSTED_PROXY_COUNT=1 khi có một nginx phía trước (mỗi proxy ngược thêm 1); "
    "nếu không, mọi người dùng có chung địa chỉ của proxy: vài lần sai mật khẩu khóa đăng nhập "
    "của tất cả, và giới hạn câu hỏi công khai tính chung cho cả tỉnh."
)


@checks.register(checks.Tags.security, deploy=True)
def proxy_count_is_set(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """``lantoa check --deploy``: HTTPS behind a TLS proxy (LANTOA_HTTPS) with no trusted
    proxy counted means every client gets the proxy's address."""
    count = int(settings.LANTOA_TRUSTED_PROXY_COUNT)
    if count < 0:
        return [
            checks.Error(
                f"LANTOA_TRUSTED_PROXY_COUNT phải ≥ 0, không phải {count}.",
                id="lantoa.E110",
            )
        ]
    if count == 0 and settings.SECURE_PROXY_SSL_HEADER:
        return [
            checks.Warning(
                "Lan Tỏa chạy sau proxy TLS (LANTOA_HTTPS) nhưng LANTOA_TRUSTED_PROXY_COUNT=0: "
                "địa chỉ của người dùng là địa chỉ của proxy.",
                hint=PROXY_HINT,
                id="lantoa.W110",
            )
        ]
    return []


class ForwardedForWarningMiddleware:
    """Logs once per process, at the first request that carries X-Forwarded-For, that the
    header is being ignored because LANTOA_TRUSTED_PROXY_COUNT is 0: the sign of a proxy in
    front that nobody told the app about. Not installed at all when the count is set."""

    warned = False

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        if int(settings.LANTOA_TRUSTED_PROXY_COUNT) > 0:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not ForwardedForWarningMiddleware.warned and request.META.get("HTTP_X_FORWARDED_FOR"):
            ForwardedForWarningMiddleware.warned = True
            logger.warning(
                "A request arrived with X-Forwarded-For while LANTOA_TRUSTED_PROXY_COUNT=0: "
                "the header is ignored and every client is taken to be REMOTE_ADDR, the proxy "
                "if there is one. %s",
                PROXY_HINT,
            )
        return self.get_response(request)

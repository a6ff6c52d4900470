"""Who is on the other end of a request."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


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

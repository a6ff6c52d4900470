"""Browsers an officer has signed in with ("known devices"), remembered in a signed cookie.

A complete sign-in (password, and the two-factor code where due) leaves a random device id
for that officer in the ``lantoa_device`` cookie. Login throttling holds such a browser back
by its own mistakes only, so a stranger typing wrong passwords for a leader's username from
elsewhere cannot lock the leader out of the browser they always use. The cookie grants no
access by itself: the password (and code) are asked for as always.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponseBase

COOKIE = "lantoa_device"
SALT = "lantoa.accounts.device"
MAX_AGE = 180 * 24 * 3600
# Shared computers: the most recent officers only, so the cookie stays small.
MAX_OFFICERS = 8


def _read(request: HttpRequest | None) -> dict[str, str]:
    raw = request.COOKIES.get(COOKIE) if request is not None else None
    if not raw:
        return {}
    try:
        data = signing.loads(raw, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items() if isinstance(v, str) and len(v) <= 32}


def known_device(request: HttpRequest | None, user: Any) -> str:
    """The id this browser has for ``user`` ("" where it never signed in as them)."""
    if user is None or getattr(user, "pk", None) is None:
        return ""
    return _read(request).get(str(user.pk), "")


def remember(response: HttpResponseBase, request: HttpRequest, user: Any) -> None:
    """After a complete sign-in: mark this browser as one of ``user``'s."""
    devices = _read(request)
    key = str(user.pk)
    device = devices.pop(key, "") or secrets.token_hex(16)
    devices[key] = device  # newest last
    kept = dict(list(devices.items())[-MAX_OFFICERS:])
    response.set_cookie(
        COOKIE,
        signing.dumps(kept, salt=SALT, compress=True),
        max_age=MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )

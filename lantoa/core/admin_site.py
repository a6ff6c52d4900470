"""Django admin (back office), restricted to superusers who passed two-factor login.

Every admin route is marked with the ADMIN_SITE policy so the route-walking test sees a
declared policy; the admin's own ``has_permission`` enforces it.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import URLPattern, URLResolver

from lantoa.access import Policy

ADMIN_SITE = Policy("admin-site", login=False)


class LantoaAdminSite(admin.AdminSite):
    site_header = "Lan Tỏa — quản trị hệ thống"
    site_title = "Lan Tỏa"
    index_title = "Quản trị"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(
            user.is_active
            and user.is_superuser
            and getattr(user, "is_verified", lambda: False)()
        )


def _mark(patterns: list[Any]) -> None:
    for p in patterns:
        if isinstance(p, URLResolver):
            _mark(p.url_patterns)
        elif isinstance(p, URLPattern):
            try:
                p.callback.access_policy = ADMIN_SITE
            except AttributeError:  # a bound method: give it a function wrapper to mark
                p.callback = _marked(p.callback)


def _marked(view: Any) -> Any:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return view(*args, **kwargs)

    wrapper.access_policy = ADMIN_SITE  # type: ignore[attr-defined]
    return wrapper


def admin_urls() -> tuple[list[Any], str, str]:
    urls = admin.site.urls
    _mark(urls[0])
    return urls

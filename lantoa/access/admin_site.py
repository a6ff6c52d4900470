"""Django admin (back office), restricted to superusers who passed two-factor login.

Every admin route is marked with the ADMIN_SITE policy so the route-walking test sees a
declared policy; the admin's own ``has_permission`` enforces it.
"""

from __future__ import annotations

from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, URLResolver, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy

from lantoa.access import Policy, requires_two_factor

ADMIN_SITE = Policy("admin-site", login=False)


class LantoaAdminSite(admin.AdminSite):
    site_header = gettext_lazy("Lan Tỏa — quản trị hệ thống")
    site_title = "Lan Tỏa"
    index_title = gettext_lazy("Quản trị")

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        # One login page for everyone: ours throttles failures and asks for the TOTP code;
        # the admin's own form would do neither.
        target = request.GET.get(REDIRECT_FIELD_NAME) or ""
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = reverse("admin:index")
        query = urlencode({"next": target})
        user = request.user
        if not user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?{query}")
        if self.has_permission(request):
            return redirect(target)
        if requires_two_factor(user) and not getattr(user, "is_verified", lambda: False)():
            return redirect(f"{reverse('accounts:otp')}?{query}")
        # Signed in and verified, yet not a superuser: sending them to log in would loop.
        raise PermissionDenied

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(
            user.is_active and user.is_superuser and getattr(user, "is_verified", lambda: False)()
        )


def _mark(patterns: list[Any]) -> None:
    for p in patterns:
        if isinstance(p, URLResolver):
            _mark(p.url_patterns)
        elif isinstance(p, URLPattern):
            try:
                p.callback.access_policy = ADMIN_SITE  # type: ignore[attr-defined]
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

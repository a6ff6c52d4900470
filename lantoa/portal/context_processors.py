from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from lantoa import access


def lantoa(request: HttpRequest) -> dict[str, Any]:
    """The languages for the switch in every page's footer, each named in itself and in
    composed Unicode (Django's own names are decomposed), and the signed-in officer's home
    unit for the header."""
    languages = {"site_languages": settings.LANGUAGES}
    # A request refused before the authentication middleware ran (a bad Host header: 400)
    # has no user; its error page must still render.
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return languages
    return {**languages, "home_unit": access.home_unit(user)}

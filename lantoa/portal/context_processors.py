from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lantoa import access


def lantoa(request: HttpRequest) -> dict[str, Any]:
    """The signed-in officer's home unit, for the header of every page."""
    # A request refused before the authentication middleware ran (a bad Host header: 400)
    # has no user; its error page must still render.
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"home_unit": access.home_unit(user)}

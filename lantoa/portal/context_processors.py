from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lantoa import access


def lantoa(request: HttpRequest) -> dict[str, Any]:
    """The signed-in officer's home unit, for the header of every page."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {"home_unit": access.home_unit(user)}

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def lantoa(request: HttpRequest) -> dict[str, Any]:
    from lantoa import access

    user = request.user
    if not user.is_authenticated:
        return {}
    return {"home_unit": access.home_unit(user)}

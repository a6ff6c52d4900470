from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lantoa.notifications.models import Notification


def notices(request: HttpRequest) -> dict[str, Any]:
    """The number of unread notices, for the bell in the header."""
    # A request refused before the authentication middleware ran (a bad Host header: 400)
    # has no user; its error page must still render.
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def unread_notices() -> int:
        # Called by the template only when the header is rendered (one small indexed count).
        return Notification.objects.filter(user=user, read_at__isnull=True).count()

    return {"unread_notices": unread_notices}

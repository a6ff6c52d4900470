from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def lantoa(request: HttpRequest) -> dict[str, Any]:
    from lantoa import access

    user = request.user
    if not user.is_authenticated:
        return {}
    from lantoa.notifications.models import Notification

    def unread_notices() -> int:
        # Called by the template only when the header is rendered (one small indexed count).
        return Notification.objects.filter(user=user, read_at__isnull=True).count()

    return {"home_unit": access.home_unit(user), "unread_notices": unread_notices}

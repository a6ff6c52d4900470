"""Keeps ``SessionRecord`` (the officer's list of signed-in browsers) up to date."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from lantoa.accounts import services


class SessionRecordMiddleware:
    """After each response of a signed-in officer, at most once a minute per session: note the
    session, its browser and its network (login records it first, ``login_success_record``).
    Runs after the view, so a session that changed key (two-factor passed, password changed)
    is followed, and a logout is not recorded again."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is None or session is None or not user.is_authenticated:
            return response
        key = session.session_key
        # An API call with a bearer token sets request.user without being that session.
        if not key or session.get("_auth_user_id") != str(user.pk):
            return response
        seen = session.get(services.SESSION_SEEN)
        previous = seen[0] if isinstance(seen, list) and len(seen) == 2 else None
        now = time.time()
        if previous == key and now - float(seen[1]) < services.SESSION_TOUCH_SECONDS:
            return response
        services.session_touch(user=user, session_key=key, previous_key=previous, request=request)
        return response

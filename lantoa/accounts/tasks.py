from __future__ import annotations

import contextlib
import datetime as dt

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from lantoa.accounts import selectors
from lantoa.accounts.models import LoginFailure, SessionRecord


@shared_task(name="accounts.prune_login_failures", soft_time_limit=120, time_limit=180)
def prune_login_failures() -> int:
    """Delete failed-login rows older than the throttling window: they can no longer lock
    anyone out, and an address or a username is personal data we keep no longer than needed."""
    cutoff = timezone.now() - dt.timedelta(seconds=settings.LANTOA_LOGIN_WINDOW_SECONDS)
    deleted, _ = LoginFailure.objects.filter(at__lt=cutoff).delete()
    return deleted


@shared_task(name="accounts.prune_sessions", soft_time_limit=300, time_limit=360)
def prune_sessions() -> int:
    """Delete expired sessions from the store (Django keeps them otherwise) and the records of
    sessions that ended without a logout (idle timeout, browser closed, password changed)."""
    store = selectors.session_store()
    with contextlib.suppress(NotImplementedError):  # a cache store expires by itself
        store.clear_expired()
    cutoff = timezone.now() - dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    deleted, _ = SessionRecord.objects.filter(last_activity__lt=cutoff).delete()
    gone = [
        r.pk
        for r in SessionRecord.objects.select_related("user").iterator()
        if not selectors.session_is_live(r, user=r.user, store=store)
    ]
    deleted += SessionRecord.objects.filter(pk__in=gone).delete()[0]
    return deleted

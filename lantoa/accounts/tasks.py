from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from lantoa.accounts.models import LoginFailure


@shared_task(name="accounts.prune_login_failures", soft_time_limit=120, time_limit=180)
def prune_login_failures() -> int:
    """Delete failed-login rows older than the throttling window: they can no longer lock
    anyone out, and an address or a username is personal data we keep no longer than needed."""
    cutoff = timezone.now() - dt.timedelta(seconds=settings.LANTOA_LOGIN_WINDOW_SECONDS)
    deleted, _ = LoginFailure.objects.filter(at__lt=cutoff).delete()
    return deleted

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from lantoa.notifications.models import Notification


@shared_task(
    name="notifications.email",
    soft_time_limit=60,
    time_limit=90,
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=5,
)
def email_notifications(ids: list[int]) -> int:
    """E-mail each notice once: the row is claimed before sending."""
    sent = 0
    base = getattr(settings, "LANTOA_PUBLIC_URL", "").rstrip("/")
    for note in Notification.objects.select_related("user").filter(
        id__in=ids, emailed_at__isnull=True
    ):
        if not Notification.objects.filter(pk=note.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        ):
            continue
        link = f"\n\n{base}{note.url}" if note.url and base else ""
        try:
            send_mail(
                subject=f"[Lan Tỏa] {note.title}",
                message=f"{note.body}{link}",
                from_email=None,
                recipient_list=[note.user.email],
            )
        except OSError:
            Notification.objects.filter(pk=note.pk).update(emailed_at=None)
            raise
        sent += 1
    return sent

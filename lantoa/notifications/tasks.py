from __future__ import annotations

import datetime as dt

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


# Notices are stored before their e-mail is queued; when the queue was out of reach (Redis
# down) the copy was never queued. The sweep finds those copies — not e-mailed yet, for an
# officer with an address, past a grace period in which the first queueing runs, and recent
# enough to still be worth a message — and queues them again. The claim in
# ``email_notifications`` keeps every copy to one message.
EMAIL_SWEEP_GRACE = dt.timedelta(minutes=2)
EMAIL_SWEEP_WINDOW = dt.timedelta(hours=24)
EMAIL_SWEEP_BATCH = 500


@shared_task(name="notifications.email_sweep", soft_time_limit=60, time_limit=90)
def email_sweep() -> int:
    """Queue the e-mail copies that were never queued; returns how many notices."""
    from lantoa.core.queueing import enqueue

    now = timezone.now()
    ids = list(
        Notification.objects.filter(
            emailed_at__isnull=True,
            created_at__lt=now - EMAIL_SWEEP_GRACE,
            created_at__gte=now - EMAIL_SWEEP_WINDOW,
        )
        .exclude(user__email="")
        .order_by("pk")
        .values_list("pk", flat=True)[:EMAIL_SWEEP_BATCH]
    )
    for start in range(0, len(ids), 100):
        enqueue(email_notifications, ids[start : start + 100])
    return len(ids)

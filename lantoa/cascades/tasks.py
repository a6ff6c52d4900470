"""Background work of cascades. Both tasks take ids or nothing, claim their rows before
acting and are safe to run twice."""

from __future__ import annotations

from celery import shared_task

from lantoa.cascades import services


@shared_task(name="cascades.announce", soft_time_limit=300, time_limit=330)
def announce_cascade(cascade_id: int) -> int:
    """Tell the receiving units' officers that ``cascade_id`` arrived (once)."""
    return services.cascade_announce(cascade_id=cascade_id)


@shared_task(name="cascades.remind_due", soft_time_limit=600, time_limit=660)
def remind_due() -> int:
    """Daily (08:00, Vietnam time; see lantoa.cascades.contributions): remind officers of
    units that have not reported on cascades due within a day."""
    return services.cascades_remind()


@shared_task(name="cascades.announce_sweep", soft_time_limit=60, time_limit=90)
def announce_sweep() -> int:
    """Queue the announcements of sent cascades whose own queueing failed (Redis down): sent
    more than two minutes ago, within the last week, never announced. ``cascade_announce``
    claims each cascade, so none is announced twice. Returns how many were queued."""
    import datetime as dt

    from django.utils import timezone

    from lantoa.cascades.models import Cascade, CascadeStatus
    from lantoa.core.queueing import enqueue

    now = timezone.now()
    ids = list(
        Cascade.objects.filter(
            status=CascadeStatus.SENT,
            announced_at__isnull=True,
            sent_at__lt=now - dt.timedelta(minutes=2),
            sent_at__gte=now - dt.timedelta(days=7),
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:200]
    )
    for cascade_id in ids:
        enqueue(announce_cascade, cascade_id)
    return len(ids)

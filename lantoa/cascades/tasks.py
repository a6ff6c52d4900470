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

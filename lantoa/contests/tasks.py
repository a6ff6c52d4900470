"""Background work of the contests (found by Celery's autodiscovery)."""

from celery import shared_task

from lantoa.contests.entry import attempts_expire
from lantoa.contests.integrity import challenges_purge


@shared_task(name="contests.expire_attempts", soft_time_limit=120, time_limit=150)
def expire_attempts() -> int:
    """Close the attempts left open past their deadline and its grace, scoring what was
    saved (an entrant who closed the page still gets a result); forget the proof-of-work
    challenges expired a day ago."""
    challenges_purge()
    return attempts_expire()

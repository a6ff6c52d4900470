"""The guards and listeners other apps register for the writing of activity records
(``record_guards`` and ``figures_listeners`` of ``lantoa.core.extensions``), asked here so that
the activities app names none of them: the lock of approved period reports (``lantoa.periods``)
and the invalidation of cached dashboards (``lantoa.reports``) both sit above it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from lantoa.core.extensions import figures_changed as figures_changed
from lantoa.core.extensions import record_guards

Refusal = Callable[[int, dt.date], str | None]


def record_refusal(unit_id: int, day: dt.date) -> str | None:
    """Why a record of ``unit_id`` dated ``day`` cannot be written (the first guard that
    refuses it); None: it can."""
    for guard in record_guards:
        if message := guard.refusal(unit_id, day):
            return message
    return None


def record_refusals(unit_ids: Iterable[int]) -> Refusal:
    """``record_refusal`` for many records at once: each guard reads once for all ``unit_ids``
    and the check answered asks the database nothing more."""
    ids = frozenset(unit_ids)
    checks = [guard.refusals(ids) for guard in record_guards]

    def refusal(unit_id: int, day: dt.date) -> str | None:
        for check in checks:
            if message := check(unit_id, day):
                return message
        return None

    return refusal

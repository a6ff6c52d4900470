"""Keeping cached dashboard figures fresh.

A dashboard is cached per unit and period for at most ``LANTOA_DASHBOARD_CACHE_SECONDS`` (≤ 60)
under a key that carries the unit's *generation*. Writing activity records bumps the
generation of the record's unit and of every unit above it (``figures_changed``, which the
activities app calls through ``figures_listeners``: see ``contributions``), so the next
request for any of those dashboards recomputes at once; figures from elsewhere (posts,
inquiries, cascades, channels) are at most one cache lifetime old.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache

from lantoa.units.models import UnitClosure

_CHUNK = 900
_PREFIX = "dash-gen:"


def _gen_key(unit_id: int) -> str:
    return f"{_PREFIX}{unit_id}"


def generation(unit_id: int) -> str:
    """The unit's current generation (a token; "0" before any write since the cache began)."""
    return str(cache.get(_gen_key(unit_id), "0"))


def figures_changed(unit_ids: Iterable[int]) -> None:
    """Records of these units changed: their cached dashboards and their ancestors' are void."""
    ids = sorted(set(unit_ids))
    if not ids:
        return
    token = str(time.time_ns())
    ancestors: set[int] = set()
    for start in range(0, len(ids), _CHUNK):
        ancestors.update(
            UnitClosure.objects.filter(descendant_id__in=ids[start : start + _CHUNK]).values_list(
                "ancestor_id", flat=True
            )
        )
    # A generation must outlive the dashboards cached under the previous one.
    ttl = max(int(settings.LANTOA_DASHBOARD_CACHE_SECONDS), 1) * 10
    cache.set_many({_gen_key(a): token for a in ancestors}, timeout=ttl)


def dashboard_key(unit_id: int, period_code: str) -> str:
    return f"dash:{unit_id}:{period_code}:{generation(unit_id)}"

"""The number of new questions in the header and on the inbox tab, refreshed by the page every
45 seconds (``static/lantoa/header-counts.js``) from ``views.new_count``.

A count is one indexed query over the officer's subtrees, kept in the cache for
``TTL`` seconds per set of units (every officer of one unit shares it). Any change to a case's
state, assignee or unit moves a generation number on once the change is committed, so the
next poll counts afresh instead of waiting for the cached number to expire. The cache fails
open (``lantoa.core.cache``): without it every poll counts.
"""

from __future__ import annotations

from django.core.cache import cache

from lantoa import access
from lantoa.access import AnyUser
from lantoa.inquiries.models import Status

TTL = 20
_GENERATION = "inquiries:new-count:generation"


def bump() -> None:
    """Cases changed: the cached counts are stale."""
    try:
        cache.incr(_GENERATION)
    except ValueError:  # no generation yet (or the cache is down: nothing to void)
        cache.add(_GENERATION, 1, timeout=None)


def _scope_key(user: AnyUser) -> str:
    if user.is_superuser:
        return "all"
    roles = access.PERMISSIONS["inquiry.view"]
    units = sorted({unit for unit, role in access.memberships(user) if role in roles})
    return ",".join(map(str, units))


def new_unassigned(user: AnyUser) -> int:
    """New questions nobody has been given yet, in ``user``'s subtrees (cases escalated to
    them included)."""
    from lantoa.inquiries.selectors import inquiries_visible_to

    if not user.is_authenticated or not user.is_active:
        return 0
    scope = _scope_key(user)
    if not scope:
        return 0
    generation = cache.get(_GENERATION, 0)
    key = f"inquiries:new-count:{generation}:{scope}"
    found = cache.get(key)
    if found is not None:
        return int(found)
    count = inquiries_visible_to(user).filter(status=Status.NEW, assignee__isnull=True).count()
    cache.set(key, count, TTL)
    return count

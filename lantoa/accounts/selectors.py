"""Reads about officers and login attempts. Callers pass the units the viewer may manage
(``lantoa.access.visible_units(user, "officer.manage")``) wherever a viewer is involved."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from lantoa.accounts.models import LoginFailure, Membership, User
from lantoa.units.models import Unit, UnitStatus


def login_window_start(now: dt.datetime | None = None) -> dt.datetime:
    now = now or timezone.now()
    return now - dt.timedelta(seconds=settings.LANTOA_LOGIN_WINDOW_SECONDS)


def recent_failures(
    *, username: str | None = None, ip: str | None = None
) -> QuerySet[LoginFailure]:
    """Failures inside the throttling window for one username (any case) or one address."""
    qs = LoginFailure.objects.filter(at__gte=login_window_start())
    if username is not None:
        return qs.filter(username__iexact=username)
    if ip is not None:
        return qs.filter(ip=ip)
    return qs.none()


def _unlock_at(failures: QuerySet[LoginFailure]) -> dt.datetime | None:
    # Locked while the window holds MAX failures; it opens when the MAX-th newest ages out.
    limit = settings.LANTOA_LOGIN_MAX_FAILURES
    times = list(failures.order_by("-at").values_list("at", flat=True)[:limit])
    if len(times) < limit:
        return None
    return times[limit - 1] + dt.timedelta(seconds=settings.LANTOA_LOGIN_WINDOW_SECONDS)


def login_locked_for(*, username: str, ip: str | None) -> int:
    """Seconds until a login for ``username`` from ``ip`` is allowed again (0: allowed now)."""
    candidates = [_unlock_at(recent_failures(username=username))]
    if ip:
        candidates.append(_unlock_at(recent_failures(ip=ip)))
    now = timezone.now()
    waits = [(t - now).total_seconds() for t in candidates if t is not None]
    return max(0, int(max(waits, default=0) + 0.999))


def manageable_units(units: QuerySet[Unit]) -> QuerySet[Unit]:
    """Units a role may be granted on: active ones, highest first."""
    return units.filter(status=UnitStatus.ACTIVE).order_by("depth", "name")


def officer_list(units: QuerySet[Unit]) -> QuerySet[User]:
    """Officers holding a role at one of ``units``, with just those roles prefetched."""
    roles = (
        Membership.objects.filter(unit__in=units)
        .select_related("unit")
        .order_by("unit__depth", "unit__name", "role")
    )
    return (
        User.objects.filter(memberships__unit__in=units)
        .distinct()
        .order_by("-is_active", "username")
        .prefetch_related(Prefetch("memberships", queryset=roles, to_attr="managed_roles"))
    )


def officer_get(units: QuerySet[Unit], pk: int) -> User:
    """One officer holding a role inside ``units``; 404 for anyone else, so that officers of
    other provinces cannot be probed by id."""
    user = officer_list(units).filter(pk=pk).first()
    if user is None:
        raise Http404
    return user


def membership_get(units: QuerySet[Unit], *, user: User, pk: int) -> Membership:
    membership = (
        Membership.objects.filter(pk=pk, user=user, unit__in=units).select_related("unit").first()
    )
    if membership is None:
        raise Http404
    return membership

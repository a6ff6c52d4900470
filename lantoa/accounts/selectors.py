"""Reads about officers and login attempts. Callers pass the units the viewer may manage
(``lantoa.access.visible_units(user, "officer.manage")``) wherever a viewer is involved.

``memberships``, ``home_unit`` and ``requires_two_factor`` are part of the access API
(``lantoa.access`` re-exports them); they live here because the services of this app need them
too, and this app sits below ``lantoa.access``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from lantoa.accounts.models import LoginFailure, Membership, User
from lantoa.units.models import Unit, UnitKind, UnitStatus

AnyUser = User | AnonymousUser


def access_cache(user: AnyUser) -> dict[str, Any]:
    """What lantoa.access has read about ``user`` in this request, kept on the user object."""
    cache = getattr(user, "_lantoa_access_cache", None)
    if cache is None:
        cache = {}
        user._lantoa_access_cache = cache  # type: ignore[union-attr]
    return cache


def memberships(user: AnyUser) -> list[tuple[int, str]]:
    """(unit id, role) pairs of the user, cached on the user object for the request."""
    if not user.is_authenticated or not user.is_active:
        return []
    cache = access_cache(user)
    if "memberships" not in cache:
        cache["memberships"] = list(
            Membership.objects.filter(user=user).values_list("unit_id", "role")
        )
    return cache["memberships"]


def requires_two_factor(user: AnyUser) -> bool:
    """Province-level and national officers (and superusers) must pass TOTP."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    unit_ids = [u for u, _ in memberships(user)]
    return Unit.objects.filter(
        pk__in=unit_ids, kind__in=(UnitKind.NATIONAL, UnitKind.PROVINCE)
    ).exists()


def home_unit(user: AnyUser) -> Unit | None:
    """The highest unit the user holds a role at (their default view)."""
    unit_ids = [u for u, _ in memberships(user)]
    if user.is_superuser and not unit_ids:
        return Unit.objects.filter(parent__isnull=True).order_by("pk").first()
    return Unit.objects.filter(pk__in=unit_ids).order_by("depth", "name").first()


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

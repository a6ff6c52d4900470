"""Reads about officers and login attempts. Callers pass the units the viewer may manage
(``lantoa.access.visible_units(user, "officer.manage")``) wherever a viewer is involved.

``memberships``, ``home_unit`` and ``requires_two_factor`` are part of the access API
(``lantoa.access`` re-exports them); they live here because the services of this app need them
too, and this app sits below ``lantoa.access``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from lantoa.accounts.models import ApiToken, LoginFailure, Membership, SessionRecord, User
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


def user_by_login(username: str) -> User | None:
    """The officer a login form names (any case), or None."""
    return User.objects.filter(username__iexact=username[:150]).order_by("pk").first()


def recent_failures(
    *,
    username: str | None = None,
    ip: str | None = None,
    device: str | None = None,
    untrusted: bool = False,
) -> QuerySet[LoginFailure]:
    """Failures inside the throttling window, narrowed by every filter given: one username
    (any case), one address ("": none known), one known browser (``device``), or only those
    from browsers the user had never signed in with (``untrusted``)."""
    qs = LoginFailure.objects.filter(at__gte=login_window_start())
    if username is None and ip is None and device is None:
        return qs.none()
    if username is not None:
        qs = qs.filter(username__iexact=username)
    if ip is not None:
        qs = qs.filter(ip=ip) if ip else qs.filter(ip__isnull=True)
    if device is not None:
        qs = qs.filter(device=device)
    if untrusted:
        qs = qs.filter(device="")
    return qs


def _unlock_at(failures: QuerySet[LoginFailure], limit: int) -> dt.datetime | None:
    # Locked while the window holds ``limit`` failures; it opens when the limit-th newest
    # ages out.
    times = list(failures.order_by("-at").values_list("at", flat=True)[:limit])
    if len(times) < limit:
        return None
    return times[limit - 1] + dt.timedelta(seconds=settings.LANTOA_LOGIN_WINDOW_SECONDS)


# The slowdown of a username under attack from many addresses doubles with each failure
# past the limit, up to this many seconds between two checked passwords.
LOGIN_SLOWDOWN_MAX_SECONDS = 60


def _slowdown_until(username: str) -> dt.datetime | None:
    limit = settings.LANTOA_LOGIN_MAX_FAILURES
    failures = recent_failures(username=username, untrusted=True)
    count = failures.count()
    if count < limit:
        return None
    last = failures.order_by("-at").values_list("at", flat=True).first()
    assert last is not None
    delay = min(2 ** min(count - limit + 1, 16), LOGIN_SLOWDOWN_MAX_SECONDS)
    return last + dt.timedelta(seconds=delay)


@dataclass(frozen=True)
class LoginThrottle:
    """``wait``: seconds until the password may be tried (0: now). ``slowdown``: the wait is
    the username's short slowdown, not a lock of this address or browser."""

    wait: int = 0
    slowdown: bool = False


def login_throttle(*, username: str, ip: str | None, device: str = "") -> LoginThrottle:
    """Whether a password for ``username`` may be checked now, from ``ip`` and the browser
    known as ``device`` (``lantoa.accounts.devices``; empty: a browser this officer never
    signed in with).

    - A known browser is held back only by its own mistakes (``LANTOA_LOGIN_MAX_FAILURES`` in
      the window): what strangers do elsewhere never locks an officer out of their own
      browser.
    - Anywhere else, a lock for the window after ``LANTOA_LOGIN_MAX_FAILURES`` failures for
      this username from this address, or ``LANTOA_LOGIN_MAX_FAILURES_PER_IP`` from this
      address for any usernames (brute force from one address stops);
    - and, for this username from all such addresses together, past
      ``LANTOA_LOGIN_MAX_FAILURES`` failures, a slowdown: one password checked every 2, 4, 8 …
      up to 60 seconds, never a lock (a guesser spread over many addresses gets a few dozen
      tries an hour, and the officer can still get in).
    """
    limit = settings.LANTOA_LOGIN_MAX_FAILURES
    now = timezone.now()

    def seconds(at: dt.datetime | None) -> int:
        return 0 if at is None else max(0, int((at - now).total_seconds() + 0.999))

    if device:
        return LoginThrottle(seconds(_unlock_at(recent_failures(device=device), limit)))
    locks = [_unlock_at(recent_failures(username=username, ip=ip or "", untrusted=True), limit)]
    if ip:
        per_ip = settings.LANTOA_LOGIN_MAX_FAILURES_PER_IP
        locks.append(_unlock_at(recent_failures(ip=ip, untrusted=True), per_ip))
    lock = max((seconds(t) for t in locks), default=0)
    if lock:
        return LoginThrottle(lock)
    slow = seconds(_slowdown_until(username))
    return LoginThrottle(slow, slowdown=bool(slow))


def login_locked_for(*, username: str, ip: str | None, device: str = "") -> int:
    """Seconds until a login for ``username`` from ``ip`` is allowed again (0: allowed now)."""
    return login_throttle(username=username, ip=ip, device=device).wait


# --- sessions and tokens of one officer ----------------------------------------------------


def session_store() -> Any:
    """The session store class of ``SESSION_ENGINE``."""
    return import_module(settings.SESSION_ENGINE).SessionStore


def session_is_live(record: SessionRecord, *, user: User, store: Any = None) -> bool:
    """The session still exists, has not expired, and is signed in as ``user`` with the
    current password (a changed password ends every other session, by Django's hash)."""
    data = (store or session_store())(session_key=record.session_key).load()
    return data.get(SESSION_KEY) == str(user.pk) and constant_time_compare(
        str(data.get(HASH_SESSION_KEY, "")), user.get_session_auth_hash()
    )


def session_list(*, user: User) -> list[SessionRecord]:
    """``user``'s signed-in browsers, most recently used first."""
    cutoff = timezone.now() - dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    store = session_store()
    records = SessionRecord.objects.filter(user=user, last_activity__gte=cutoff)
    return [
        r
        for r in records.order_by("-last_activity", "-pk")
        if session_is_live(r, user=user, store=store)
    ]


def apitoken_live_list(*, user: User) -> QuerySet[ApiToken]:
    """``user``'s tokens that still work (not revoked, not expired), newest first."""
    return (
        ApiToken.objects.filter(user=user, revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
        .order_by("-created_at", "-pk")
    )


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

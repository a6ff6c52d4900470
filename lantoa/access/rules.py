"""Who may see and do what. The one place that decides access.

Model: an officer holds roles at units (``Membership``). A role at a unit applies to that
unit's whole subtree. Superusers and holders of any role at the national root see everything.
Everything not granted here is denied.

Views declare their policy with ``@policy(...)``; API operations with ``api_policy(...)``.
``tests/access/test_routes.py`` walks every URL pattern and fails on a route without one.
Objects outside the officer's visible subtree are answered with 404, never 403, so that
existence does not leak; inside it, a missing permission is a 403.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse

from lantoa.accounts.models import Role, User

# Where the user holds roles, their home unit and whether they must pass two-factor are read in
# lantoa.accounts.selectors (the services of lantoa.accounts need them too); they belong to the
# access API all the same.
from lantoa.accounts.selectors import access_cache
from lantoa.accounts.selectors import home_unit as home_unit
from lantoa.accounts.selectors import memberships as memberships
from lantoa.accounts.selectors import requires_two_factor as requires_two_factor
from lantoa.core.services import in_chunks
from lantoa.units.models import Unit, UnitClosure

ALL_ROLES = frozenset(Role.values)
EDITORS = frozenset({Role.ADMIN, Role.LEADER, Role.PROPAGANDA})

# permission → roles that grant it within the subtree of the unit where the role is held.
PERMISSIONS: dict[str, frozenset[str]] = {
    "unit.view": ALL_ROLES,
    "unit.manage": frozenset({Role.ADMIN}),
    "officer.manage": frozenset({Role.ADMIN}),
    "channel.view": ALL_ROLES,
    "channel.manage": EDITORS | {Role.COMMUNICATOR},
    "roster.view": ALL_ROLES,
    "roster.manage": EDITORS,
    "audit.view": frozenset({Role.ADMIN, Role.LEADER}),
    "data.export": EDITORS,
    # Workers' inquiries: the cases themselves are for those who answer them; aggregate
    # figures for every officer. Contact details need more (see lantoa.inquiries.privacy).
    "inquiry.view": EDITORS | {Role.COMMUNICATOR},
    "inquiry.handle": EDITORS | {Role.COMMUNICATOR},
    "inquiry.settings": frozenset({Role.ADMIN, Role.LEADER}),
    "inquiry.report": ALL_ROLES,
    # Knowledge base: reading needs only "unit.view"; articles are shared across units.
    "kb.manage": EDITORS,
    # Activity records and the official reports drafted from them.
    "activity.view": ALL_ROLES,
    "activity.manage": EDITORS | {Role.COMMUNICATOR},
    "report.create": EDITORS | {Role.COMMUNICATOR},
    # Period reports (kỳ báo cáo): a unit submits its own; officers of a unit strictly above
    # it approve or return it (see ``can_from_above``). Approval locks the period's records.
    "report.submit": EDITORS | {Role.COMMUNICATOR},
    "report.approve": frozenset({Role.ADMIN, Role.LEADER}),
    # Targets (chỉ tiêu): achievement is for every officer to see; rules and top-down
    # assignments are set by the unit's leadership and propaganda department.
    "target.view": ALL_ROLES,
    "target.manage": EDITORS,
    # Campaigns and the content studio. Who approves content may be narrowed or widened per
    # unit (lantoa.content.models.ApprovalSetting); "content.approve" is the default.
    "campaign.view": ALL_ROLES,
    "campaign.manage": EDITORS,
    "content.view": ALL_ROLES,
    "content.edit": EDITORS | {Role.COMMUNICATOR},
    "content.approve": frozenset({Role.ADMIN, Role.LEADER}),
    # Cascades down the tree: the sender's officers see the whole cascade, a receiving unit's
    # officers see its content and their own subtree's rows (lantoa.cascades.selectors).
    "cascade.view": ALL_ROLES,
    "cascade.send": EDITORS,
    "cascade.act": EDITORS | {Role.COMMUNICATOR},
    # Publishing content to the unit's channels (Facebook, Zalo OA, the public site, the
    # newsletter) and recording posts on channels without an API (lantoa.publishing).
    "publishing.view": ALL_ROLES,
    "publishing.publish": EDITORS | {Role.COMMUNICATOR},
    # Contests (lantoa.contests): every officer sees the unit's contests and their results;
    # the propaganda side prepares them (rules, question bank, rounds); leadership approves,
    # and whoever created or submitted a contest may not approve it.
    "contest.view": ALL_ROLES,
    "contest.manage": EDITORS | {Role.COMMUNICATOR},
    "contest.approve": frozenset({Role.ADMIN, Role.LEADER}),
    # Social surveys (lantoa.surveys): results for every officer of the subtree; drafting,
    # quotas and opening for editors; approval by the leadership (not the survey's creator);
    # paper sheets and codes keyed by whoever collects them.
    "survey.view": ALL_ROLES,
    "survey.manage": EDITORS,
    "survey.approve": frozenset({Role.ADMIN, Role.LEADER}),
    "survey.enter": EDITORS | {Role.COMMUNICATOR},
    # The live game "Rung chuông vàng" (lantoa.livegame): every officer sees the unit's games
    # and their results; whoever prepares contests prepares and hosts a game.
    "livegame.view": ALL_ROLES,
    "livegame.host": EDITORS | {Role.COMMUNICATOR},
}

AnyUser = User | AnonymousUser


def sees_everything(user: AnyUser) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cache = access_cache(user)
    if "all" not in cache:
        unit_ids = [u for u, _ in memberships(user)]
        cache["all"] = Unit.objects.filter(pk__in=unit_ids, parent__isnull=True).exists()
    return bool(cache["all"])


def visible_units(user: AnyUser, perm: str = "unit.view") -> QuerySet[Unit]:
    """Units where ``user`` holds ``perm``: the subtrees under the units of their roles."""
    if perm not in PERMISSIONS:
        raise KeyError(perm)
    if not user.is_authenticated or not user.is_active:
        return Unit.objects.none()
    if user.is_superuser:
        return Unit.objects.all()
    roots = [u for u, role in memberships(user) if role in PERMISSIONS[perm]]
    if not roots:
        return Unit.objects.none()
    if sees_everything(user) and perm == "unit.view":
        return Unit.objects.all()
    return Unit.objects.filter(
        Exists(UnitClosure.objects.filter(descendant=OuterRef("pk"), ancestor_id__in=roots))
    )


def permitted_unit_ids(user: User | None, units: Iterable[Unit], perm: str) -> set[int]:
    """Ids among ``units`` where ``user`` holds ``perm``, asked in chunks (an import checks
    thousands). ``user`` None is the system (a command run on the server): every unit."""
    ids = [u.pk for u in units]
    if user is None:
        return set(ids)
    scope = visible_units(user, perm)
    allowed: set[int] = set()
    for chunk in in_chunks(ids):
        allowed.update(scope.filter(pk__in=chunk).values_list("pk", flat=True))
    return allowed


def roles_at(user: AnyUser, unit: Unit) -> set[str]:
    """Roles ``user`` holds at ``unit`` or any of its ancestors."""
    member_units = {u for u, _ in memberships(user)}
    if not member_units:
        return set()
    ancestor_ids = set(
        UnitClosure.objects.filter(descendant=unit, ancestor_id__in=member_units).values_list(
            "ancestor_id", flat=True
        )
    )
    return {role for u, role in memberships(user) if u in ancestor_ids}


def can(user: AnyUser, perm: str, unit: Unit) -> bool:
    if perm not in PERMISSIONS:
        raise KeyError(perm)
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return bool(roles_at(user, unit) & PERMISSIONS[perm])


def permissions_at(user: AnyUser, unit: Unit) -> frozenset[str]:
    """Every permission ``user`` holds at ``unit``, from one query: for pages that show or
    hide many actions on the same unit (``can`` asks the database each time)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return frozenset(PERMISSIONS)
    roles = roles_at(user, unit)
    return frozenset(perm for perm, allowed in PERMISSIONS.items() if roles & allowed)


def can_from_above(user: AnyUser, perm: str, unit: Unit) -> bool:
    """``perm`` held through a role at a unit strictly above ``unit`` (not at ``unit``
    itself): what reviewing a unit's own submissions needs, e.g. approving its period report."""
    if perm not in PERMISSIONS:
        raise KeyError(perm)
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    units = {u for u, role in memberships(user) if role in PERMISSIONS[perm] and u != unit.pk}
    if not units:
        return False
    return UnitClosure.objects.filter(descendant=unit, ancestor_id__in=units, depth__gt=0).exists()


def require(user: AnyUser, perm: str, unit: Unit) -> None:
    """404 when the unit is outside what the user can see, 403 when seen but not allowed."""
    if can(user, perm, unit):
        return
    if can(user, "unit.view", unit):
        raise PermissionDenied
    raise Http404


def get_unit(user: AnyUser, *, perm: str = "unit.view", **lookup: Any) -> Unit:
    """Fetch a unit by ``pk=`` or ``code=`` and check ``perm`` on it (404 outside view)."""
    try:
        unit = Unit.objects.get(**lookup)
    except (Unit.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    require(user, perm, unit)
    return unit


# --- policies for views -----------------------------------------------------------------


@dataclass(frozen=True)
class Policy:
    """What a route requires before its view runs. ``perm`` is then checked per object by the
    view through ``require``/``get_unit``."""

    name: str
    login: bool = True
    perm: str | None = None

    def denies(self, request: HttpRequest) -> HttpResponse | None:
        if not self.login:
            return None
        user = request.user
        if not user.is_authenticated:
            return redirect(
                f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}"
            )
        if requires_two_factor(user) and not getattr(user, "is_verified", lambda: False)():
            return redirect(
                f"{reverse('accounts:otp')}?{urlencode({'next': request.get_full_path()})}"
            )
        if getattr(user, "must_change_password", False):
            # A password chosen by someone else (new account, admin reset) is replaced first.
            return redirect(
                f"{reverse('accounts:password_change')}?"
                f"{urlencode({'next': request.get_full_path()})}"
            )
        if self.perm and not visible_units(user, self.perm).exists():
            raise PermissionDenied
        return None


PUBLIC = Policy("public", login=False)
OFFICER = Policy("officer")
# Login pages: reachable without a session, and do their own throttling.
LOGIN_FLOW = Policy("login-flow", login=False)


def officer(perm: str) -> Policy:
    if perm not in PERMISSIONS:
        raise KeyError(perm)
    return Policy(f"officer:{perm}", perm=perm)


# HttpResponseBase: a streaming response (the live game's event streams) is a view's answer too.
V = TypeVar("V", bound=Callable[..., HttpResponseBase])
F = TypeVar("F", bound=Callable[..., Any])


def policy(p: Policy) -> Callable[[V], V]:
    def decorate(view: V) -> V:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            denied = p.denies(request)
            if denied is not None:
                return denied
            return view(request, *args, **kwargs)

        wrapped.access_policy = p  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorate


def api_policy(perm: str | Policy | None) -> Callable[[F], F]:
    """Mark an API operation with the permission it checks per object (None: any officer),
    or with a whole ``Policy`` (``PUBLIC`` for an operation open to anonymous callers)."""
    if isinstance(perm, str) and perm not in PERMISSIONS:
        raise KeyError(perm)

    def decorate(func: F) -> F:
        found = perm if isinstance(perm, Policy) else Policy(f"api:{perm or 'officer'}", perm=perm)
        func.access_policy = found  # type: ignore[attr-defined]
        return func

    return decorate

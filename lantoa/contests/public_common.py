"""What the public pages of every kind of contest share: the contest of an address, the
verified entrant of the session and the rate-limit answer (``public_views`` for quizzes,
``media_public_views`` for video and photo contests)."""

from __future__ import annotations

import functools
from typing import Any

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from lantoa.contests.models import Contest, Entrant, Round
from lantoa.core import rawsql
from lantoa.inquiries import ratelimit

SESSION_ENTRANTS = "contests.entrants"  # {contest id: verified entrant id}
SESSION_PENDING = "contests.pending"  # {contest id: entrant id waiting for the code}

VERIFY_PER_IP = ratelimit.Limit("contest-verify-ip", 30, 600)


PUBLIC_CACHE_SECONDS = 30


def _public_key(contest_id: int) -> str:
    return f"lantoa:contests:public:{int(contest_id)}"


def public_forget(contest_id: int) -> None:
    """The contest ``contest_id`` or one of its rounds changed: its public pages read it again
    (the models' post_save/post_delete, ``ContestsConfig.ready``; code that writes them with a
    queryset ``update`` calls this itself)."""
    cache.delete(_public_key(contest_id))


def _public(contest_id: int) -> tuple[Contest | None, list[Round]]:
    """The contest (with its unit) and its rounds in order, as the public pages show them:
    kept in the cache (shared by the web processes) for ``PUBLIC_CACHE_SECONDS`` and dropped
    when the contest or a round is saved. Every rules page, start and results page of an
    evening's rush asked the database for the same two rows; a unit renamed shows within
    the half minute."""
    key = _public_key(contest_id)
    kept = cache.get(key)
    if isinstance(kept, tuple) and len(kept) == 2:
        return kept
    # No ordering: the model's default one costs more to build than the lookup.
    found = list(Contest.objects.select_related("unit").filter(pk=contest_id).order_by()[:1])
    contest = found[0] if found else None
    # The default ordering of rounds joins the contest again.
    rounds = list(contest.rounds.order_by("number")) if contest is not None else []
    cache.set(key, (contest, rounds), PUBLIC_CACHE_SECONDS)
    return contest, rounds


def _contest_rounds(contest_id: int) -> tuple[Contest, list[Round]]:
    """The approved contest ``contest_id`` and its rounds (each knowing its contest); 404
    otherwise."""
    contest, rounds = _public(contest_id)
    if contest is None or not contest.is_approved:
        raise Http404
    return contest, rounds


def _contest(contest_id: int) -> Contest:
    return _contest_rounds(contest_id)[0]


def _session_map(request: HttpRequest, key: str) -> dict[str, int]:
    value = request.session.get(key)
    return dict(value) if isinstance(value, dict) else {}


@functools.cache
def _entrant_sql() -> str:
    return (
        f"SELECT {rawsql.model_columns(Entrant, 'e')} FROM contests_entrant e "  # noqa: S608 - model columns
        "WHERE e.id = %s AND e.contest_id = %s AND e.verified_at IS NOT NULL"
    )


def _entrant(request: HttpRequest, contest: Contest) -> Entrant | None:
    """The verified entrant of ``contest`` the session knows, or None. By SQL written once
    (``core.rawsql``): every rules page, start and refusal of an evening's rush asks it."""
    entrant_id = _session_map(request, SESSION_ENTRANTS).get(str(contest.pk))
    if not isinstance(entrant_id, int):
        return None
    row = rawsql.fetch_one(
        _entrant_sql(), [entrant_id, contest.pk], rawsql.model_fields(Entrant), prepare=True
    )
    return None if row is None else rawsql.instance(Entrant, row)


def _limited(
    request: HttpRequest, template: str, context: dict[str, Any], limit: Any
) -> HttpResponse:
    ratelimit.count_event(f"contest.rate_limited.{limit.scope}")
    minutes = max(1, round(limit.window / 60))
    response = render(request, template, {**context, "limited_minutes": minutes}, status=429)
    response["Retry-After"] = str(limit.window)
    return response

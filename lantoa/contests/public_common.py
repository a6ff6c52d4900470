"""What the public pages of every kind of contest share: the contest of an address, the
verified entrant of the session and the rate-limit answer (``public_views`` for quizzes,
``media_public_views`` for video and photo contests)."""

from __future__ import annotations

import functools
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from lantoa.contests import selectors
from lantoa.contests.models import Contest, Entrant, Round
from lantoa.core import rawsql
from lantoa.inquiries import ratelimit

SESSION_ENTRANTS = "contests.entrants"  # {contest id: verified entrant id}
SESSION_PENDING = "contests.pending"  # {contest id: entrant id waiting for the code}

VERIFY_PER_IP = ratelimit.Limit("contest-verify-ip", 30, 600)


def _contest_rounds(contest_id: int) -> tuple[Contest, list[Round]]:
    """The approved contest ``contest_id`` and its rounds (each knowing its contest); 404
    otherwise."""
    contest, rounds = selectors.public_contest(contest_id)
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

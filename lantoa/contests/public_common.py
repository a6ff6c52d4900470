"""What the public pages of every kind of contest share: the contest of an address, the
verified entrant of the session and the rate-limit answer (``public_views`` for quizzes,
``media_public_views`` for video and photo contests)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from lantoa.contests.models import Contest, Entrant
from lantoa.inquiries import ratelimit

SESSION_ENTRANTS = "contests.entrants"  # {contest id: verified entrant id}
SESSION_PENDING = "contests.pending"  # {contest id: entrant id waiting for the code}

VERIFY_PER_IP = ratelimit.Limit("contest-verify-ip", 30, 600)


def _contest(contest_id: int) -> Contest:
    # No ordering: the model's default one costs more to build than the lookup.
    found = list(Contest.objects.select_related("unit").filter(pk=contest_id).order_by()[:1])
    contest = found[0] if found else None
    if contest is None or not contest.is_approved:
        raise Http404
    return contest


def _session_map(request: HttpRequest, key: str) -> dict[str, int]:
    value = request.session.get(key)
    return dict(value) if isinstance(value, dict) else {}


def _entrant(request: HttpRequest, contest: Contest) -> Entrant | None:
    entrant_id = _session_map(request, SESSION_ENTRANTS).get(str(contest.pk))
    if entrant_id is None:
        return None
    found = Entrant.objects.filter(pk=entrant_id, contest=contest, verified_at__isnull=False)
    return next(iter(found.order_by()[:1]), None)


def _limited(
    request: HttpRequest, template: str, context: dict[str, Any], limit: Any
) -> HttpResponse:
    ratelimit.count_event(f"contest.rate_limited.{limit.scope}")
    minutes = max(1, round(limit.window / 60))
    response = render(request, template, {**context, "limited_minutes": minutes}, status=429)
    response["Retry-After"] = str(limit.window)
    return response

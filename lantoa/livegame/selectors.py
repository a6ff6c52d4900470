"""Reads over the live games: a unit's list, the banks a game may draw from, the results."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from lantoa import access
from lantoa.livegame.models import Answer, Game, GameQuestion, Player
from lantoa.livegame.services import participation


def games_of(unit: Any) -> QuerySet[Game]:
    return (
        Game.objects.filter(unit=unit)
        .annotate(player_count=Count("players"))
        .order_by("-created_at", "-pk")
    )


def bank_contests(user: Any) -> list[Any]:
    """Quiz contests with a question bank that the officer sees (their subtree)."""
    from lantoa.contests.models import Contest, ContestKind

    units = access.visible_units(user, "contest.view")
    return list(
        Contest.objects.filter(kind=ContestKind.QUIZ, unit__in=units)
        .annotate(question_count=Count("questions"))
        .filter(question_count__gt=0)
        .order_by("-created_at")[:200]
    )


def entrant_contests(user: Any) -> list[Any]:
    """Approved contests of the officer's subtree whose verified entrants a game may admit."""
    from lantoa.contests.models import Contest, ContestStatus

    units = access.visible_units(user, "contest.view")
    return list(
        Contest.objects.filter(status=ContestStatus.APPROVED, unit__in=units).order_by(
            "-created_at"
        )[:200]
    )


def results(game: Game) -> dict[str, Any]:
    """Winners, the players (ranked), each question's answers, participation by union."""
    players = list(
        Player.objects.filter(game=game)
        .select_related("unit")
        .order_by("-winner", "-score", "eliminated_at", "pk")
    )
    players.sort(key=lambda p: (not p.winner, -p.score, -(p.eliminated_at or 10_000), p.pk))
    questions = list(
        GameQuestion.objects.filter(game=game, asked_at__isnull=False)
        .annotate(
            answered=Count("answers"),
            right=Count("answers", filter=Q(answers__correct=True)),
        )
        .order_by("asked_at")
    )
    return {
        "winners": [p for p in players if p.winner],
        "players": players,
        "questions": questions,
        "question_total": GameQuestion.objects.filter(game=game).count(),
        "participation": participation(game),
        "answers": Answer.objects.filter(player__game=game).count(),
    }

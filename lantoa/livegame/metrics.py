"""What the live games count for the dashboard, targets and the period report: the games a unit
held (finished in the days) and their players, each counted for the unit the player gave —
their grassroots union, or the upper-level union they picked — and every unit above it (a
merged unit's for its successor, through the closure table), the way contests count their
entrants. The organising unit's activity record ("Hội thi, cuộc thi") is counted by
``lantoa.activities`` as every other record."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy, ngettext

from lantoa.core.extensions import SUBTREE, DashboardShown
from lantoa.core.reporting import Part
from lantoa.core.templatetags.vn import vn_int
from lantoa.core.text import format_int
from lantoa.livegame.models import Game, GameStatus, Player
from lantoa.units.aggregates import SubtreeScope, Units, counts, per_unit
from lantoa.units.models import UnitKind


def held(start: dt.date, end: dt.date) -> QuerySet[Game]:
    """Games finished in the days that had players (a game nobody played is not held)."""
    return Game.objects.filter(
        status=GameStatus.FINISHED,
        finished_at__date__gte=start,
        finished_at__date__lte=end,
        players__isnull=False,
    ).distinct()


def played(start: dt.date, end: dt.date) -> QuerySet[Player]:
    """The players of the games finished in the days."""
    return Player.objects.filter(
        game__status=GameStatus.FINISHED,
        game__finished_at__date__gte=start,
        game__finished_at__date__lte=end,
    ).order_by()


def games_held(units: Units, start: dt.date, end: dt.date, scope: str) -> dict[int, int]:
    """Live games the unit (or its subtree) held, finished in the days."""
    return counts(per_unit(held(start, end), units, scope, n=Count("pk", distinct=True)))


def game_players(units: Units, start: dt.date, end: dt.date, scope: str) -> dict[int, int]:
    """Players of the unit (or its subtree) in live games finished in the days."""
    return counts(per_unit(played(start, end), units, scope, n=Count("pk")))


@dataclass
class LiveGames:
    """The dashboard's live game figures of one subtree."""

    games: int = 0  # games of the subtree's units finished in the days
    players: int = 0  # players who gave a unit of the subtree, in games finished in the days


def dashboard_games(unit: Any, ids: list[int], start: dt.date, end: dt.date) -> dict[int, Any]:
    """Per subtree of ``ids``: games held and players (by the unit each gave)."""
    games = games_held(ids, start, end, SUBTREE)
    players = game_players(ids, start, end, SUBTREE)
    return {
        pk: LiveGames(games=games.get(pk, 0), players=players.get(pk, 0))
        for pk in set(games) | set(players)
    }


def _tile(figures: LiveGames, unit: Any) -> tuple[str, str] | None:
    if not figures.games and not figures.players:
        return None  # no live game in the days: no tile
    n = figures.games
    return vn_int(figures.players), ngettext(
        "lượt người chơi Rung chuông vàng; %(n)s trò chơi được tổ chức",
        "lượt người chơi Rung chuông vàng; %(n)s trò chơi được tổ chức",
        n,
    ) % {"n": format_int(n)}


DASHBOARD_SHOWN = DashboardShown(
    stat=_tile,
    column=gettext_lazy("Người chơi Rung chuông vàng"),
    cell=lambda figures, unit: vn_int(figures.players),
    note=gettext_lazy(
        "Rung chuông vàng: trò chơi trực tiếp đã kết thúc trong kỳ, có người chơi; người chơi "
        "tính cho công đoàn cơ sở (hoặc công đoàn cấp trên) mà họ chọn khi vào chơi."
    ),
)


@dataclass
class GameCounts:
    games: int = 0  # games held in the subtree
    players: int = 0  # players of the subtree
    grassroots: int = 0  # grassroots unions with players


def report_games(
    scope: SubtreeScope, start: dt.date, end: dt.date, now: dt.datetime | None = None
) -> GameCounts:
    out = GameCounts()
    grassroots: set[int] = set()
    games: set[int] = set()
    taken = played(start, end)
    for where in scope.parts("unit"):
        out.players += taken.filter(where).count()
        grassroots.update(
            taken.filter(where, unit__kind=UnitKind.GRASSROOTS)
            .values_list("unit_id", flat=True)
            .distinct()
        )
        games.update(held(start, end).filter(where).values_list("pk", flat=True))
    out.games = len(games)
    out.grassroots = len(grassroots)
    return out


def counted(figures: GameCounts) -> bool:
    return bool(figures.games or figures.players)


def report_results(data: Any) -> list[tuple[int, Any]]:
    """ "Rung chuông vàng": games held in the subtree and how many players of how many
    grassroots unions took part."""
    figures: GameCounts = data.counts.livegame
    if not counted(figures):
        return []
    sentences = []
    if figures.games:
        sentences.append(
            f"Trong kỳ đã tổ chức {format_int(figures.games)} trò chơi trực tiếp "
            "“Rung chuông vàng” tìm hiểu pháp luật."
        )
    if figures.players:
        where = (
            f" của {format_int(figures.grassroots)} công đoàn cơ sở"
            if figures.grassroots and data.unit.kind != UnitKind.GRASSROOTS
            else ""
        )
        sentences.append(f"Có {format_int(figures.players)} lượt người chơi{where} tham gia.")
    return [(115, Part("Trò chơi trực tiếp “Rung chuông vàng”", [" ".join(sentences)]))]

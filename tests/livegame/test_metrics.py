"""A finished game's players counted for the unions they gave (the dashboard, targets and the
period report through the registries): a grassroots union's players for it and every unit
above it, an upper-level union's for itself; the organiser holds the game."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from lantoa.core.extensions import SUBTREE, target_metrics
from lantoa.core.periods import parse_period
from lantoa.livegame import engine, metrics
from lantoa.livegame.engine import use_store
from lantoa.livegame.models import Game
from lantoa.livegame.store import MemoryStore
from lantoa.reports.dashboard import compute_dashboard
from lantoa.units.aggregates import SubtreeScope
from tests.conftest import Officers, Tree, login
from tests.livegame.support import join, make_game

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def memory() -> Iterator[None]:
    use_store(MemoryStore())
    yield
    use_store(None)


def _played(tree: Tree) -> Game:
    game = make_game(tree.pa)
    for unit, name in [
        (tree.a_g1, "An"),
        (tree.a_g1, "Bình"),
        (tree.a_g2, "Chi"),
        (tree.a_xa, "Dũng"),  # picked the commune union itself (an upper-level union)
        (tree.a_g3, "Em"),
    ]:
        join(game, unit, name)
    engine.game_start(game=game, actor=None)
    engine.question_next(game=game, actor=None)
    engine.game_end(game=game, actor=None)
    return game


def test_players_count_for_their_unions(client: Client, tree: Tree, officers: Officers) -> None:
    game = _played(tree)
    game.refresh_from_db()
    assert game.activity is not None and game.activity.participants == 5
    # The activity's note names each union and its players.
    assert f"{tree.a_g1.name}: 2" in game.activity.note
    today = timezone.localdate()
    month = parse_period(f"{today:%Y-%m}")
    board = compute_dashboard(tree.pa, month, today=today)
    assert (board.total.livegame.games, board.total.livegame.players) == (1, 5)
    by_code = {f.unit.code: f.livegame for f in board.children}
    assert (by_code["A-KCN"].players, by_code["A-KCN"].games) == (3, 0)
    assert by_code["A-XA"].players == 2  # its own player and A-G3's
    g1 = compute_dashboard(tree.a_g1, month, today=today).total.livegame
    assert (g1.players, g1.games) == (2, 0)
    # Targets: players by subtree (assignable), games by the organising unit.
    players = target_metrics.get("livegame_players")
    assert players.scope == SUBTREE and players.assignable
    ids = [tree.pa.pk, tree.a_kcn.pk, tree.a_g1.pk, tree.a_xa.pk, tree.pb.pk]
    got = players.compute(ids, today, today, SUBTREE)
    assert {k: v for k, v in got.items() if v} == {
        tree.pa.pk: 5,
        tree.a_kcn.pk: 3,
        tree.a_g1.pk: 2,
        tree.a_xa.pk: 2,
    }
    games = target_metrics.get("livegame_games")
    assert games.compute(ids, today, today, games.scope) == {tree.pa.pk: 1}
    # The period report's figures.
    counted = metrics.report_games(SubtreeScope(tree.pa, None), today, today)
    assert (counted.games, counted.players, counted.grassroots) == (1, 5, 3)
    # Another month counts nothing.
    assert (
        metrics.game_players(
            [tree.pa.pk],
            today.replace(year=today.year - 1),
            today.replace(year=today.year - 1),
            SUBTREE,
        )
        == {}
    )
    # On the dashboard page: the tile, the column and the line under "Cách tính".
    cache.clear()
    login(client, officers.a_admin)
    html = client.get(f"/bao-cao/P-A/tong-quan/?ky={today:%Y-%m}").content.decode()
    assert (
        '<span class="value">5</span><span class="label">lượt người chơi Rung chuông vàng; '
        "1 trò chơi được tổ chức" in html
    )
    assert "Người chơi Rung chuông vàng" in html


def test_a_game_nobody_played_is_not_held(tree: Tree) -> None:
    game = make_game(tree.pa)
    engine.game_end(game=game, actor=None)
    today = timezone.localdate()
    assert metrics.games_held([tree.pa.pk], today, today, SUBTREE) == {}
    board = compute_dashboard(tree.pa, parse_period(f"{today:%Y-%m}"), today=today)
    assert board.total.livegame.games == 0

"""The demo's games: a finished one with results and its activity record, a lobby to join."""

from __future__ import annotations

import pytest

from lantoa.activities.models import Activity
from lantoa.contests.demo import ensure_demo_contests
from lantoa.livegame.demo import FINISHED_TITLE, LOBBY_TITLE, ensure_demo_games
from lantoa.livegame.models import Answer, Game, GameStatus, Player
from lantoa.livegame.store import get_store
from tests.conftest import Tree

pytestmark = pytest.mark.django_db


def test_demo_games_once(tree: Tree) -> None:
    ensure_demo_contests(seed=1)
    assert ensure_demo_games(seed=1) == 2
    finished = Game.objects.get(title=FINISHED_TITLE)
    assert finished.status == GameStatus.FINISHED and finished.unit_id == tree.pa.pk
    players = Player.objects.filter(game=finished)
    assert players.count() == 12 and players.filter(winner=True).exists()
    assert Answer.objects.filter(player__game=finished).exists()
    activity = Activity.objects.get(pk=finished.activity_id)
    assert activity.participants == 12
    lobby = Game.objects.get(title=LOBBY_TITLE)
    assert lobby.status == GameStatus.LOBBY and not lobby.players.exists()
    # The demo built in its own memory: the server's store holds nothing of it.
    assert get_store().meta(finished.pk) == {}
    assert ensure_demo_games(seed=1) == 0
    assert Game.objects.count() == 2

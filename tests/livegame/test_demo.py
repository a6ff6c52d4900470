"""The demo's games: a finished one with results and its activity record, a lobby to join."""

from __future__ import annotations

from typing import Any

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


def test_pin_form_may_send_the_phone_to_the_live_server(tmp_path: Any) -> None:
    """The demo serves live pages on its own port (LANTOA_LIVE_URL): the PIN form's redirect
    there must be allowed by the page's form-action, or the browser stops it."""
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "LANTOA_LIVE_URL": "http://127.0.0.1:8001/",
        "LANTOA_DATA_DIR": str(tmp_path),
        "LANTOA_ALLOW_INSECURE_KEY": "1",
    }
    env.pop("DATABASE_URL", None)
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "from lantoa import settings; "
            "print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'])",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "http://127.0.0.1:8001'" in out.stdout and "'self'" in out.stdout

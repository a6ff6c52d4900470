"""A game of a contest's verified entrants: a phone joins with the number the entrant
registered and the contest's one-time code (``lantoa.contests.entry``); the player's name and
unit are the entrant record's; nobody learns whether a number registered; once per entrant."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from lantoa.contests import entry
from lantoa.livegame import players
from lantoa.livegame.engine import use_store
from lantoa.livegame.models import Game, Player
from lantoa.livegame.store import MemoryStore
from tests.conftest import Officers, Tree, login
from tests.contests.support import entrant, quiz
from tests.livegame.support import QUESTIONS, join, make_game

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def memory() -> Iterator[None]:
    use_store(MemoryStore())
    cache.clear()
    yield
    cache.clear()
    use_store(None)


def _entrants_game(tree: Tree) -> tuple[Game, object]:
    contest, _rounds = quiz(tree.pa)
    game = make_game(tree.pa)
    Game.objects.filter(pk=game.pk).update(entrants_of=contest)
    game.refresh_from_db()
    return game, contest


def _sent_code(capsys: pytest.CaptureFixture) -> str:
    found = re.findall(r"Mã xác minh cuộc thi .*: (\d{6})", capsys.readouterr().out)
    assert found, "no code sent"
    return found[-1]


def test_entrant_joins_with_phone_and_code(tree: Tree, capsys: pytest.CaptureFixture) -> None:
    game, contest = _entrants_game(tree)
    person = entrant(contest, tree.a_g2, "0912000111", "Đỗ Thị Mai")
    capsys.readouterr()
    phone = Client(REMOTE_ADDR="203.0.113.9")
    join_url = reverse("livegame_public:join", kwargs={"pin": game.pin})
    page = phone.get(join_url).content.decode()
    assert "Số điện thoại bạn đã đăng ký dự thi" in page and contest.title in page
    assert phone.post(join_url, {"phone": "12"}).status_code == 400
    went = phone.post(join_url, {"phone": "+84 912 000 111"})
    code_url = reverse("livegame_public:code", kwargs={"pin": game.pin})
    assert went["Location"] == code_url
    code = _sent_code(capsys)
    wrong = phone.post(code_url, {"code": "000000" if code != "000000" else "111111"})
    assert "Mã xác minh chưa đúng" in wrong.content.decode()
    joined = phone.post(code_url, {"code": code})
    assert joined["Location"] == reverse("livegame_public:play", kwargs={"pin": game.pin})
    player = Player.objects.get(game=game)
    assert (player.name, player.unit_id, player.entrant_id) == (
        "Đỗ Thị Mai",
        tree.a_g2.pk,
        person.pk,
    )
    # The same entrant from another phone: refused, once per game.
    other = Client(REMOTE_ADDR="198.51.100.9")
    other.post(join_url, {"phone": "0912000111"})
    again = other.post(code_url, {"code": _sent_code(capsys)})
    assert "Bạn đã vào trò chơi này trên một thiết bị khác" in again.content.decode()
    assert Player.objects.filter(game=game).count() == 1


def test_an_unknown_number_learns_nothing(tree: Tree, capsys: pytest.CaptureFixture) -> None:
    game, contest = _entrants_game(tree)
    # Registered but never verified: not an entrant who may play.
    entry.entrant_register(
        contest=contest,
        full_name="Chưa Xác Minh",
        birth_date=dt.date(1990, 1, 1),
        phone="0912000222",
        unit=tree.a_g1,
    )
    capsys.readouterr()
    phone = Client()
    join_url = reverse("livegame_public:join", kwargs={"pin": game.pin})
    code_url = reverse("livegame_public:code", kwargs={"pin": game.pin})
    for number in ("0912000222", "0912999999"):
        went = phone.post(join_url, {"phone": number})
        assert went["Location"] == code_url  # the same answer as for an entrant's number
        assert "Mã xác minh cuộc thi" not in capsys.readouterr().out  # no code sent
        refused = phone.post(code_url, {"code": "123456"})
        assert "Mã xác minh chưa đúng" in refused.content.decode()
    assert not Player.objects.exists()
    # An open game has no code step.
    open_game = make_game(tree.pa)
    assert (
        phone.get(reverse("livegame_public:code", kwargs={"pin": open_game.pin})).status_code == 404
    )


def test_join_service_rules(tree: Tree) -> None:
    game, _contest = _entrants_game(tree)
    with pytest.raises(ValidationError, match="người dự thi đã xác minh"):
        join(game, tree.a_g1, "Ai đó")  # a name and a unit are not enough here
    stranger, _other = quiz(tree.pa)
    outsider = entrant(stranger, tree.a_g1, "0912000333")
    with pytest.raises(ValidationError, match="người dự thi đã xác minh"):
        players.player_join(game=game, token="t1", entrant=outsider)
    open_game = make_game(tree.pa)
    with pytest.raises(ValidationError, match="không dành riêng"):
        players.player_join(game=open_game, token="t2", entrant=outsider)


def test_officer_makes_a_game_of_verified_entrants(
    client: Client, tree: Tree, officers: Officers
) -> None:
    contest, _rounds = quiz(tree.pa)
    login(client, officers.a_propaganda)
    response = client.post(
        reverse("livegame:create", kwargs={"code": tree.pa.code}),
        {
            "title": "Rung chuông vàng của người dự thi",
            "mode": "elimination",
            "source": "typed",
            "questions": QUESTIONS,
            "entrants_of": str(contest.pk),
            "time_limit": "20",
            "golden_at": "1",
        },
    )
    game = Game.objects.get(title="Rung chuông vàng của người dự thi")
    assert response["Location"] == game.get_absolute_url()
    assert game.entrants_of_id == contest.pk
    detail = client.get(game.get_absolute_url()).content.decode()
    assert f"người dự thi đã xác minh của cuộc thi “{contest.title}”" in detail

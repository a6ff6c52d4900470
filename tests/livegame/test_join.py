"""Joining a game from a phone: the unit searched on the server (JSON while typing, a choice
step without JavaScript) and the join limits per network address and per game, generous
enough for a factory hall on one address."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from lantoa.livegame.engine import use_store
from lantoa.livegame.models import Player
from lantoa.livegame.store import MemoryStore
from tests.conftest import Tree
from tests.livegame.support import make_game

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def memory() -> Iterator[None]:
    use_store(MemoryStore())
    cache.clear()
    yield
    cache.clear()
    use_store(None)


def _phone(ip: str = "203.0.113.7") -> Client:
    return Client(REMOTE_ADDR=ip)


def test_unit_search_while_typing(tree: Tree) -> None:
    game = make_game(tree.pa)
    url = reverse("livegame_public:units", kwargs={"pin": game.pin})
    found = _phone().get(url, {"q": "dien tu dong a"}).json()["results"]
    assert [r["id"] for r in found] == [tree.a_g2.pk]
    assert _phone().get(url, {"q": "duc thanh"}).json() == {"results": []}  # another province
    assert _phone().get(reverse("livegame_public:units", kwargs={"pin": "999999"})).status_code == (
        404
    )


@override_settings(LANTOA_LIVEGAME_JOINS_PER_IP=1)
def test_unit_search_is_rate_limited(tree: Tree) -> None:
    game = make_game(tree.pa)
    url = reverse("livegame_public:units", kwargs={"pin": game.pin})
    phone = _phone()
    for _i in range(10):  # ten searches a join allowed
        assert phone.get(url, {"q": "my binh"}).status_code == 200
    refused = phone.get(url, {"q": "my binh"})
    assert refused.status_code == 429 and "vui lòng đợi vài giây" in refused.json()["error"]
    assert _phone("198.51.100.1").get(url, {"q": "my binh"}).status_code == 200


def test_join_without_javascript_search_then_choose(tree: Tree) -> None:
    game = make_game(tree.pa)
    url = reverse("livegame_public:join", kwargs={"pin": game.pin})
    phone = _phone()
    asked = phone.post(url, {"name": "Lê Văn Tâm", "unit_q": "My Binh"})
    page = asked.content.decode()
    assert "Có nhiều đơn vị khớp với “My Binh”" in page
    assert tree.a_xa.name in page and tree.a_g3.name in page
    assert not Player.objects.exists()
    joined = phone.post(url, {"name": "Lê Văn Tâm", "unit_q": "My Binh", "unit": tree.a_g3.pk})
    assert joined["Location"] == reverse("livegame_public:play", kwargs={"pin": game.pin})
    assert Player.objects.get().unit_id == tree.a_g3.pk
    # Typed in full, no choice is needed.
    other = _phone("198.51.100.2").post(url, {"name": "Hà", "unit_q": "A-G1"})
    assert other.status_code == 302 and Player.objects.filter(unit=tree.a_g1).count() == 1


@override_settings(LANTOA_LIVEGAME_JOINS_PER_IP=2, LANTOA_LIVEGAME_JOINS_PER_GAME=3)
def test_joins_are_limited_per_address_and_per_game(tree: Tree) -> None:
    game = make_game(tree.pa)
    url = reverse("livegame_public:join", kwargs={"pin": game.pin})
    for i in range(2):
        joined = _phone().post(url, {"name": f"Người {i}", "unit": tree.a_g1.pk})
        assert joined.status_code == 302
    refused = _phone().post(url, {"name": "Người 3", "unit": tree.a_g1.pk})
    assert refused.status_code == 429 and refused["Retry-After"] == "30"
    page = refused.content.decode()
    assert "Có quá nhiều người vào trò chơi từ cùng một mạng trong một phút" in page
    assert 'value="Người 3"' in page  # what they typed is kept
    # Another network joins; then the game's own limit holds for everyone.
    assert _phone("198.51.100.3").post(url, {"name": "Ba", "unit": tree.a_g1.pk}).status_code == 302
    full = _phone("198.51.100.4").post(url, {"name": "Bốn", "unit": tree.a_g1.pk})
    assert full.status_code == 429
    assert "Trò chơi đang nhận rất nhiều người cùng lúc" in full.content.decode()
    assert Player.objects.filter(game=game).count() == 3


@override_settings(LANTOA_LIVEGAME_PIN_MISSES_PER_IP=3)
def test_guessing_pins_from_one_address_is_stopped_without_telling_which_pin_exists(
    tree: Tree,
) -> None:
    game = make_game(tree.pa)
    other = "000000" if game.pin != "000000" else "111111"
    guesser = _phone()
    # Before the limit: a wrong PIN is a plain "no such game", the right one leads to joining.
    for _ in range(3):
        wrong = guesser.post(reverse("livegame_public:pin"), {"pin": other})
        assert wrong.status_code == 200
        assert "Không có trò chơi nào đang mở với mã này" in wrong.content.decode()
    # Past it, every PIN is refused alike to that address — by the form, the join page and
    # the JSON endpoints — the real game's PIN included.
    for pin in (other, game.pin):
        refused = guesser.post(reverse("livegame_public:pin"), {"pin": pin})
        assert refused.status_code == 429 and refused["Retry-After"] == "300"
        assert "quá nhiều lần nhập mã PIN sai từ mạng này" in refused.content.decode()
        page = guesser.get(reverse("livegame_public:join", kwargs={"pin": pin}))
        assert page.status_code == 429
        units = guesser.get(reverse("livegame_public:units", kwargs={"pin": pin}))
        assert units.status_code == 429 and "error" in units.json()
    assert not Player.objects.filter(game=game).exists()
    # Another address is not affected, and a phone already in the game keeps playing.
    phone = _phone("198.51.100.9")
    url = reverse("livegame_public:join", kwargs={"pin": game.pin})
    assert phone.post(url, {"name": "An", "unit": tree.a_g1.pk}).status_code == 302
    shared = _phone()  # the guesser's network, but this phone joined before
    shared.cookies = phone.cookies
    assert shared.get(reverse("livegame_public:play", kwargs={"pin": game.pin})).status_code == 200

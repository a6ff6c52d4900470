"""The live game's pages: preparing a game, the players' join and answer, the event streams
(WSGI thread and ASGI), access (404 outside the subtree)."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import AsyncClient, Client
from django.urls import reverse

from lantoa.contests.models import Contest, Option, Question
from lantoa.livegame import engine
from lantoa.livegame.engine import use_store
from lantoa.livegame.models import Game, GameQuestion, Player, QuestionRole
from lantoa.livegame.store import MemoryStore
from tests.conftest import Officers, Tree, login
from tests.livegame.support import QUESTIONS, join, make_game

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def memory() -> Iterator[None]:
    use_store(MemoryStore())
    yield
    use_store(None)


def _events(chunks: Iterator[Any], count: int) -> list[tuple[str, dict[str, Any]]]:
    """The next ``count`` events of a stream, heartbeats skipped."""
    out: list[tuple[str, dict[str, Any]]] = []
    while len(out) < count:
        chunk = next(chunks)
        text = chunk.decode() if isinstance(chunk, bytes) else chunk
        kind = next((ln[7:] for ln in text.splitlines() if ln.startswith("event: ")), None)
        data = next((ln[6:] for ln in text.splitlines() if ln.startswith("data: ")), None)
        if kind and data is not None:
            out.append((kind, json.loads(data)))
    return out


def test_officer_prepares_a_game_from_typed_questions(
    client: Client, tree: Tree, officers: Officers
) -> None:
    login(client, officers.a_propaganda)
    url = reverse("livegame:create", kwargs={"code": tree.pa.code})
    bad = client.post(
        url,
        {
            "title": "Thử",
            "mode": "elimination",
            "source": "typed",
            "questions": "Câu?\nA\nB",
            "time_limit": 20,
            "golden_at": 1,
        },
    )
    assert bad.status_code == 200
    assert "Câu 1: vui lòng đánh dấu phương án đúng" in bad.content.decode()
    response = client.post(
        url,
        {
            "title": "Hội thi hè",
            "mode": "elimination",
            "source": "typed",
            "questions": QUESTIONS,
            "time_limit": 15,
            "golden_at": 2,
        },
    )
    game = Game.objects.get(title="Hội thi hè")
    assert response.status_code == 302 and response["Location"] == game.get_absolute_url()
    roles = list(GameQuestion.objects.filter(game=game).values_list("role", flat=True))
    assert roles.count(QuestionRole.RESCUE) == 1 and roles.count(QuestionRole.GOLDEN) == 1
    assert len(game.pin) == 6
    page = client.get(game.get_absolute_url()).content.decode()
    assert game.pin in page and reverse("livegame_public:join", kwargs={"pin": game.pin}) in page


def test_game_drawn_from_a_contest_bank(client: Client, tree: Tree, officers: Officers) -> None:
    contest = Contest.objects.create(unit=tree.pa, title="Tìm hiểu luật", slug="tl", rules="…")
    for n in range(8):
        q = Question.objects.create(contest=contest, position=n, text=f"Câu hỏi {n}?")
        Option.objects.create(question=q, position=0, text="Đúng", correct=True)
        Option.objects.create(question=q, position=1, text="Sai")
    login(client, officers.a_propaganda)
    response = client.post(
        reverse("livegame:create", kwargs={"code": tree.pa.code}),
        {
            "title": "Từ kho",
            "mode": "score",
            "source": "bank",
            "contest": str(contest.pk),
            "count": 5,
            "rescue": 1,
            "golden": "on",
            "time_limit": 20,
            "golden_at": 1,
        },
    )
    assert response.status_code == 302
    game = Game.objects.get(title="Từ kho")
    questions = list(GameQuestion.objects.filter(game=game))
    assert len(questions) == 7 and all(q.correct == [0] for q in questions)
    # Another province's officer does not see this contest's bank.
    client2 = login(Client(), officers.b_admin)
    refused = client2.post(
        reverse("livegame:create", kwargs={"code": tree.pb.code}),
        {
            "title": "Không được",
            "mode": "score",
            "source": "bank",
            "contest": str(contest.pk),
            "count": 5,
            "rescue": 0,
            "time_limit": 20,
            "golden_at": 1,
        },
    )
    assert refused.status_code == 200 and not Game.objects.filter(title="Không được").exists()


def test_outsiders_get_404_and_viewers_may_not_host(
    client: Client, tree: Tree, officers: Officers
) -> None:
    game = make_game(tree.pa)
    login(client, officers.b_admin)
    for name in ("detail", "host", "projector", "events", "qr", "results_export"):
        assert client.get(reverse(f"livegame:{name}", kwargs={"pk": game.pk})).status_code == 404
    assert (
        client.post(
            reverse("livegame:action", kwargs={"pk": game.pk}), {"action": "start"}
        ).status_code
        == 404
    )
    assert client.get(reverse("livegame:unit", kwargs={"code": tree.pa.code})).status_code == 404
    viewer = login(Client(), officers.a_viewer)  # at A-G1: sees A-G1's subtree only
    assert viewer.get(reverse("livegame:detail", kwargs={"pk": game.pk})).status_code == 404
    game_g1 = make_game(tree.a_g1)
    assert viewer.get(reverse("livegame:detail", kwargs={"pk": game_g1.pk})).status_code == 200
    # A viewer hosts no game (the route's policy: no "livegame.host" anywhere).
    assert viewer.get(reverse("livegame:host", kwargs={"pk": game_g1.pk})).status_code == 403


def test_player_joins_by_pin_and_answers_idempotently(
    client: Client, tree: Tree, officers: Officers
) -> None:
    game = make_game(tree.pa)
    assert client.post(reverse("livegame_public:pin"), {"pin": "000000"}).status_code == 200
    went = client.post(reverse("livegame_public:pin"), {"pin": game.pin})
    assert went["Location"] == reverse("livegame_public:join", kwargs={"pin": game.pin})
    join_url = went["Location"]
    page = client.get(join_url).content.decode()
    search_url = reverse("livegame_public:units", kwargs={"pin": game.pin})
    assert f'data-unit-picker="{search_url}"' in page  # the units are searched, not listed
    refused = client.post(join_url, {"name": "", "unit": str(tree.a_g1.pk)})
    assert "Vui lòng nhập tên của bạn." in refused.content.decode()
    joined = client.post(join_url, {"name": "Lê Thị Hoa", "unit": str(tree.a_g1.pk)})
    play_url = reverse("livegame_public:play", kwargs={"pin": game.pin})
    assert joined["Location"] == play_url
    player = Player.objects.get(game=game)
    assert player.name == "Lê Thị Hoa" and player.unit_id == tree.a_g1.pk
    # The same device finds its player again.
    assert client.get(join_url)["Location"] == play_url
    assert client.get(play_url).status_code == 200
    engine.game_start(game=game, actor=None)
    q = engine.question_next(game=game, actor=None)
    answer_url = reverse("livegame_public:answer", kwargs={"pin": game.pin})
    body = json.dumps({"question": q.pk, "options": [1]})
    first = client.post(answer_url, body, content_type="application/json")
    assert first.status_code == 200 and first.json()["status"] == "ok"
    retry = client.post(
        answer_url, json.dumps({"question": q.pk, "options": [0]}), content_type="application/json"
    )
    assert retry.json() == {**first.json(), "status": "dup"}
    assert "correct" not in first.content.decode()
    assert client.post(answer_url, "{", content_type="application/json").status_code == 400
    # Another phone without the device's cookie is not this player.
    other = Client().post(answer_url, body, content_type="application/json")
    assert other.status_code == 403


def test_host_actions_and_stream_deliver_events(
    client: Client, tree: Tree, officers: Officers
) -> None:
    game = make_game(tree.pa)
    p1, _ = join(game, tree.a_g1, "An")
    login(client, officers.a_propaganda)
    stream = client.get(reverse("livegame:events", kwargs={"pk": game.pk}))
    assert stream["Content-Type"].startswith("text/event-stream")
    chunks = iter(stream.streaming_content)
    [(kind, snap)] = _events(chunks, 1)
    assert kind == "snapshot" and snap["phase"] == "lobby" and snap["counts"]["joined"] == 1
    assert snap["lobby"] == [{"name": "An", "unit": tree.a_g1.name}]
    join(game, tree.a_g2, "Bình")  # the screens see who joins
    [(kind, data)] = _events(chunks, 1)
    assert kind == "counts" and data["joined"] == {"name": "Bình", "unit": tree.a_g2.name}
    action = reverse("livegame:action", kwargs={"pk": game.pk})
    assert client.post(action, {"action": "start"}).json()["ok"]
    assert client.post(action, {"action": "start"}).status_code == 409
    assert client.post(action, {"action": "next"}).status_code == 200
    events = _events(chunks, 2)
    assert [k for k, _ in events] == ["phase", "question"]
    question = events[1][1]["question"]
    assert "correct" not in json.dumps(events) and question["options"]
    engine.answer(game=game, player=p1.pk, question=question["id"], options=[1])
    assert _events(chunks, 1)[0] == ("answered", {"question": question["id"], "answered": 1})
    client.post(action, {"action": "reveal"})
    [(kind, data)] = _events(chunks, 1)
    assert kind == "reveal" and data["reveal"]["correct"] == [1]
    assert "me" not in data  # a screen gets no player's line
    stream.close()


def test_player_stream_has_their_own_line(client: Client, tree: Tree) -> None:
    game = make_game(tree.pa)
    client.post(
        reverse("livegame_public:join", kwargs={"pin": game.pin}),
        {"name": "Bình", "unit": str(tree.a_g2.pk)},
    )
    other, _ = join(game, tree.a_g1, "Chi")
    stream = client.get(reverse("livegame_public:events", kwargs={"pin": game.pin}))
    chunks = iter(stream.streaming_content)
    [(kind, snap)] = _events(chunks, 1)
    assert kind == "snapshot" and snap["me"]["name"] == "Bình"
    engine.game_start(game=game, actor=None)
    q = engine.question_next(game=game, actor=None)
    engine.answer(game=game, player=other.pk, question=q.pk, options=[1])
    engine.question_reveal(game=game, actor=None)
    events = _events(chunks, 3)
    assert [k for k, _ in events] == ["phase", "question", "reveal"]  # no screens' counts
    assert events[2][1]["me"]["state"] == "eliminated"
    stream.close()


@pytest.mark.django_db(transaction=True)
def test_stream_under_asgi(tree: Tree, officers: Officers) -> None:
    """Under the ASGI server the stream is asynchronous: events reach it from the engine."""
    game = make_game(tree.pa)
    join(game, tree.a_g1)
    sync_client = login(Client(), officers.a_propaganda)
    cookies = sync_client.cookies

    async def run() -> list[str]:
        aclient = AsyncClient()
        aclient.cookies = cookies
        response = await aclient.get(reverse("livegame:events", kwargs={"pk": game.pk}))
        chunks = response.streaming_content.__aiter__()  # type: ignore[union-attr]
        first = (await chunks.__anext__()).decode()
        await asyncio.to_thread(engine.game_start, game=game, actor=None)
        second = (await asyncio.wait_for(chunks.__anext__(), 5)).decode()
        await chunks.aclose()
        return [first, second]

    first, second = asyncio.run(run())
    assert "event: snapshot" in first and "event: phase" in second


def test_unit_page_shows_the_tile(client: Client, tree: Tree, officers: Officers) -> None:
    login(client, officers.a_propaganda)
    page = client.get(reverse("units:detail", kwargs={"code": tree.pa.code})).content.decode()
    assert reverse("livegame:unit", kwargs={"code": tree.pa.code}) in page


def test_finished_game_is_in_the_units_activities(
    client: Client, tree: Tree, officers: Officers
) -> None:
    game = make_game(tree.pa)
    join(game, tree.a_g1, "An")
    join(game, tree.a_g3, "Bình")
    engine.game_start(game=game, actor=None)
    engine.game_end(game=game, actor=None)
    login(client, officers.a_propaganda)
    page = client.get(reverse("activities:unit", kwargs={"code": tree.pa.code})).content.decode()
    assert "Rung chuông vàng thử" in page and "Rung chuông vàng: Rung" not in page
    detail = client.get(game.get_absolute_url()).content.decode()
    assert "Đã ghi thành hoạt động của đơn vị." in detail
    assert tree.a_g1.name in detail and tree.a_g3.name in detail  # participation by union
    # A game nobody played is no activity.
    empty = make_game(tree.pa)
    engine.game_end(game=empty, actor=None)
    empty.refresh_from_db()
    assert empty.activity_id is None


def test_results_export(client: Client, tree: Tree, officers: Officers) -> None:
    import openpyxl

    game = make_game(tree.pa)
    an, _ = join(game, tree.a_g1, "An")
    engine.game_start(game=game, actor=None)
    q = engine.question_next(game=game, actor=None)
    engine.answer(game=game, player=an.pk, question=q.pk, options=[1])
    engine.game_end(game=game, actor=None)  # reveals the open question first
    login(client, officers.a_propaganda)
    response = client.get(reverse("livegame:results_export", kwargs={"pk": game.pk}))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Tên", "Đơn vị") and rows[1][:2] == ("An", tree.a_g1.name)
    assert rows[1][6] == "Có"  # the only player left: the winner
    viewer = login(Client(), officers.a_viewer)
    game_g1 = make_game(tree.a_g1)
    url = reverse("livegame:results_export", kwargs={"pk": game_g1.pk})
    assert viewer.get(url).status_code == 403  # a viewer exports nothing

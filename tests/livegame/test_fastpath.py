"""The answers' fast path (lantoa.livegame.fastpath) on real Redis, in front of the real ASGI
application: what it answers itself is what the view answers, and everything it cannot decide
reaches the view unchanged."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.asgi import get_asgi_application
from django.urls import reverse

from lantoa.livegame import engine, fastpath
from lantoa.livegame.models import Answer, Game
from lantoa.livegame.public_views import cookie_name
from lantoa.livegame.store import RedisStore
from tests.conftest import Tree
from tests.livegame.support import join, make_game, open_store

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

CSRF = "a" * 32


@pytest.fixture
def redis_live(redis_url: str, settings: Any) -> Iterator[RedisStore]:
    settings.REDIS_URL = redis_url
    for store in open_store("redis", redis_url):
        assert isinstance(store, RedisStore)
        yield store


class Counting:
    """Django's ASGI application, counting the requests that reach it."""

    def __init__(self) -> None:
        self.app = get_asgi_application()
        self.calls = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.calls += 1
        await self.app(scope, receive, send)


async def _post(
    app: Any, game: Game, body: Any, *, token: str | None, csrf: str | None = CSRF
) -> tuple[int, dict[str, Any]]:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    cookies = []
    if token is not None:
        cookies.append(f"{cookie_name(game)}={token}")
    headers = [(b"host", b"127.0.0.1"), (b"content-type", b"application/json")]
    headers.append((b"content-length", str(len(raw)).encode()))
    if csrf is not None:
        cookies.append(f"csrftoken={csrf}")
        headers.append((b"x-csrftoken", csrf.encode()))
    if cookies:
        headers.append((b"cookie", "; ".join(cookies).encode()))
    path = reverse("livegame_public:answer", kwargs={"pin": game.pin})
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 80),
    }
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": raw, "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    out: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        out.append(message)

    await app(scope, receive, send)
    status = next(m["status"] for m in out if m["type"] == "http.response.start")
    content = b"".join(m.get("body", b"") for m in out if m["type"] == "http.response.body")
    try:
        return status, json.loads(content)
    except ValueError:
        return status, {"html": content.decode()}


def test_answers_taken_in_the_loop_as_the_view_takes_them(
    redis_live: RedisStore, tree: Tree
) -> None:
    game = make_game(tree.pa)
    an, an_token = join(game, tree.a_g1, "An")
    binh, binh_token = join(game, tree.a_g3, "Bình")
    inner = Counting()
    app = fastpath.wrap(inner)
    assert isinstance(app, fastpath.AnswerFastPath)
    engine.game_start(game=game, actor=None)
    q = engine.question_next(game=game, actor=None)

    async def play() -> list[tuple[int, dict[str, Any]]]:
        return [
            await _post(app, game, {"question": q.pk, "options": [1]}, token=an_token),
            # A retry with another option: the first stored wins.
            await _post(app, game, {"question": q.pk, "options": [0]}, token=an_token),
            await _post(app, game, {"question": q.pk, "options": [7]}, token=binh_token),
            await _post(app, game, {"question": q.pk + 999, "options": [0]}, token=binh_token),
        ]

    first, retry, bad, other = asyncio.run(play())
    assert inner.calls == 0  # all four answered by the fast path
    assert first[0] == 200 and first[1]["status"] == "ok" and first[1]["options"] == [1]
    assert retry[0] == 200 and retry[1]["status"] == "dup" and retry[1]["options"] == [1]
    assert retry[1]["received_ms"] == first[1]["received_ms"]
    assert bad == (409, {"status": "bad_option", "options": None, "received_ms": None})
    assert other[0] == 409 and other[1]["status"] == "not_open"
    # What the engine sees, and what the reveal writes, is the fast path's answer.
    assert redis_live.my_answer(game.pk, q.pk, an.pk) == {"o": [1], "t": first[1]["received_ms"]}
    engine.question_reveal(game=game, actor=None)
    assert list(Answer.objects.filter(question=q).values_list("player_id", "options")) == [
        (an.pk, [1])
    ]
    assert redis_live.state(game.pk, binh.pk) == "eliminated"
    # A rescue question is answered by the eliminated only, on this path too.
    rescue = engine.question_next(game=game, actor=None, role="rescue")

    async def rescue_round() -> list[tuple[int, dict[str, Any]]]:
        return [
            await _post(app, game, {"question": rescue.pk, "options": [0]}, token=binh_token),
            await _post(app, game, {"question": rescue.pk, "options": [0]}, token=an_token),
        ]

    back, alive = asyncio.run(rescue_round())
    assert back[1]["status"] == "ok" and alive == (
        409,
        {"status": "not_eligible", "options": None, "received_ms": None},
    )
    assert inner.calls == 0


def test_what_the_fast_path_cannot_decide_goes_to_the_view(
    redis_live: RedisStore, tree: Tree
) -> None:
    game = make_game(tree.pa)
    _an, an_token = join(game, tree.a_g1, "An")
    binh, binh_token = join(game, tree.a_g3, "Bình")
    inner = Counting()
    app = fastpath.wrap(inner)
    engine.game_start(game=game, actor=None)
    q = engine.question_next(game=game, actor=None)
    body = {"question": q.pk, "options": [1]}
    # Bình's phone was last seen two minutes ago: out of the return window.
    redis_live.seen(game.pk, {binh.pk: redis_live.now_ms() - 120_000})

    async def play() -> list[tuple[int, dict[str, Any]]]:
        return [
            await _post(app, game, body, token=an_token, csrf=None),  # no CSRF token
            await _post(app, game, body, token="not-a-player"),
            await _post(app, game, b"{not json", token=an_token),
            await _post(app, game, body, token=binh_token),
        ]

    no_csrf, stranger, garbled, gone = asyncio.run(play())
    assert inner.calls == 4
    assert no_csrf[0] == 403 and "html" in no_csrf[1]  # Django's CSRF failure page
    assert stranger[0] == 403 and "mã PIN" in stranger[1]["error"]
    assert garbled == (400, {"error": "Câu trả lời không hợp lệ."})
    assert gone[0] == 403
    assert redis_live.answers(game.pk, q.pk) == {}


def test_without_redis_the_view_does_everything(settings: Any) -> None:
    settings.REDIS_URL = ""
    inner = Counting()
    assert fastpath.wrap(inner) is inner

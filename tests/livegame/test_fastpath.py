"""The answers' fast path (lantoa.livegame.fastpath) on real Redis, in front of the real ASGI
application: what it answers itself is what the view answers, and everything it cannot decide
reaches the view unchanged."""

from __future__ import annotations

import asyncio
import json
import time
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


class Stream:
    """A phone's event stream on an ASGI application: what it was sent, and its leaving."""

    def __init__(self, app: Any, game: Game, token: str) -> None:
        self.app, self.game, self.token = app, game, token
        self.messages: list[dict[str, Any]] = []
        self.leave = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        path = reverse("livegame_public:events", kwargs={"pin": self.game.pin})
        cookie = f"{cookie_name(self.game)}={self.token}".encode()
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(b"host", b"127.0.0.1"), (b"cookie", cookie)],
            "client": ("127.0.0.1", 5000),
            "server": ("127.0.0.1", 80),
        }
        asked = False

        async def receive() -> dict[str, Any]:
            nonlocal asked
            if not asked:
                asked = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await self.leave.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            self.messages.append(message)

        self.task = asyncio.ensure_future(self.app(scope, receive, send))

    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.messages if "body" in m)

    def events(self) -> list[tuple[str, dict[str, Any]]]:
        out = []
        for block in self.body().decode().split("\n\n"):
            lines = dict(line.split(": ", 1) for line in block.split("\n") if ": " in line)
            if "event" in lines:
                out.append((lines["event"], json.loads(lines["data"])))
        return out

    async def wait_for(self, count: int) -> list[tuple[str, dict[str, Any]]]:
        for _ in range(500):
            if len(self.events()) >= count:
                break
            await asyncio.sleep(0.01)
        return self.events()


def _without_clock(snapshot: dict[str, Any]) -> dict[str, Any]:
    snapshot = json.loads(json.dumps(snapshot))
    snapshot.get("question", {}).pop("remaining_ms", None)
    return snapshot


def test_a_phones_stream_served_without_django_as_the_view_serves_it(
    redis_live: RedisStore, tree: Tree
) -> None:
    from lantoa.livegame import hub
    from tests.livegame.support import redis_url_of

    game = make_game(tree.pa)
    an, an_token = join(game, tree.a_g1, "An")
    join(game, tree.a_g3, "Bình")
    inner = Counting()
    app = fastpath.wrap(inner)
    assert hub.listen_redis(redis_url_of(redis_live), redis_live.channel).wait(5)
    engine.game_start(game=game, actor=None)
    q = engine.question_next(game=game, actor=None)
    engine.answer(game=game, player=an.pk, question=q.pk, options=[1])
    drawn = engine.snapshot(game, player=an.pk)

    async def play() -> tuple[Stream, Stream]:
        fast, view = Stream(app, game, an_token), Stream(inner, game, an_token)
        fast.start()
        view.start()
        await fast.wait_for(1)
        await view.wait_for(1)
        assert inner.calls == 1  # the view's stream only
        await asyncio.to_thread(engine.question_reveal, game=game, actor=None)
        await fast.wait_for(2)
        await view.wait_for(2)
        hub.ping()  # the process's heartbeat reaches every stream on the loop
        for _ in range(500):
            if fast.body().endswith(b": ping\n\n") and view.body().endswith(b": ping\n\n"):
                break
            await asyncio.sleep(0.01)
        redis_live.seen(game.pk, {an.pk: 0})
        fast.leave.set()
        view.leave.set()
        await asyncio.wait_for(asyncio.gather(fast.task, view.task), 5)  # type: ignore[arg-type]
        return fast, view

    fast, view = asyncio.run(play())
    (kind, snapshot), (revealed, reveal) = fast.events()[:2]
    assert kind == "snapshot" and revealed == "reveal"
    # The very snapshot the engine draws (the view's), the question and the stored answer in.
    assert _without_clock(snapshot) == _without_clock(view.events()[0][1])
    assert _without_clock(snapshot) == _without_clock(drawn)
    assert snapshot["question"]["id"] == q.pk and snapshot["me"]["answer"] == [1]
    assert "correct" not in json.dumps(snapshot)
    # Then the events: the same bytes as the view's, the player's own line in.
    assert fast.body().split(b"\n\n", 1)[1] == view.body().split(b"\n\n", 1)[1]
    assert fast.body().endswith(b"\n\n: ping\n\n")
    assert reveal["me"]["state"] == "alive" and reveal["me"]["right"] is True
    assert fast.messages[0]["status"] == 200
    assert (b"content-type", b"text/event-stream; charset=utf-8") in fast.messages[0]["headers"]
    assert fast.body().startswith(b"retry: 1500\n")
    # The phone left: its listener is gone, and it is marked seen (by the streams' keeper
    # thread, at once).
    assert not hub.connected(game.pk)
    for _ in range(100):
        if redis_live.last_seen(game.pk, an.pk):
            break
        time.sleep(0.05)
    assert redis_live.now_ms() - (redis_live.last_seen(game.pk, an.pk) or 0) < 10_000


def test_a_stream_the_fast_path_cannot_decide_goes_to_the_view(
    redis_live: RedisStore, tree: Tree
) -> None:
    game = make_game(tree.pa)
    binh, binh_token = join(game, tree.a_g3, "Bình")
    inner = Counting()
    app = fastpath.wrap(inner)
    engine.game_start(game=game, actor=None)
    redis_live.seen(game.pk, {binh.pk: redis_live.now_ms() - 120_000})  # out of the window

    async def play() -> list[Stream]:
        streams = [Stream(app, game, "not-a-player"), Stream(app, game, binh_token)]
        for stream in streams:
            stream.start()
        await asyncio.wait_for(asyncio.gather(*(s.task for s in streams)), 10)  # type: ignore[misc]
        return streams

    stranger, gone = asyncio.run(play())
    assert inner.calls == 2
    for stream in (stranger, gone):
        assert stream.messages[0]["status"] == 403
        assert "mã PIN" in json.loads(stream.body())["error"]


def test_a_pin_is_read_once_however_many_wait_and_a_stale_entry_serves_meanwhile(
    redis_live: RedisStore, tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hall's answers after a minute's pause must not all queue for the database."""
    game = make_game(tree.pa)
    read = fastpath._game_of_pin
    reads: list[str] = []

    def counted(pin: str) -> Any:
        reads.append(pin)
        return read(pin)

    monkeypatch.setattr(fastpath, "_game_of_pin", counted)
    app = fastpath.wrap(Counting())
    assert isinstance(app, fastpath.AnswerFastPath)

    async def play() -> tuple[list[Any], list[Any]]:
        first = await asyncio.gather(*(app._game(game.pin) for _ in range(20)))
        entry, _at = app.pins[game.pin]
        app.pins[game.pin] = (entry, time.monotonic() - fastpath.PIN_SECONDS - 1)
        stale = await asyncio.gather(*(app._game(game.pin) for _ in range(20)))
        for _ in range(200):
            if not app.lookups:
                break
            await asyncio.sleep(0.02)
        return first, stale

    first, stale = asyncio.run(play())
    assert first == stale == [(game.pk, game.title, game.mode)] * 20
    assert reads == [game.pin, game.pin]  # once for the twenty, once more in the background
    assert time.monotonic() - app.pins[game.pin][1] < 10

"""Answers of a live game taken in the event loop: one Redis script call per answer.

A hall answers at once: 2.000 phones within three seconds. Through Django (its middleware, a
thread per request, a pooled database connection to find the game by its PIN, five Redis
round trips to find the player and store the answer) the ASGI server of a 2-core machine
answered a few hundred of them in ten seconds and the rest timed out (bench/README.md, "Trò
chơi trực tiếp"). So ``lantoa serve-webhooks`` (uvicorn, ``lantoa.asgi``) answers
``POST /choi/<pin>/tra-loi/`` itself when the store is Redis (production):

1. reads the body (≤ 1 KB, of a declared ``Content-Length``) and parses it as the view does;
2. runs Django's own CSRF check (``CsrfViewMiddleware``) on the request;
3. finds the game by its PIN in a per-process map (a PIN is unique among all games; read in a
   thread on a miss);
4. in ONE Redis script call (``store.FAST_ANSWER_SCRIPT``): the phone's token → the player,
   the 60-second return window while the game runs (as ``engine.player_of``), then the very
   checks and ``HSETNX``-like store of ``engine.answer`` (``store.ANSWER_SCRIPT``: the same Lua
   body, so the two cannot answer differently);
5. answers the view's JSON (200 for ``ok``/``dup``, 409 for a refusal).

Anything it cannot decide — another method or path, a body that is not the view's JSON, a CSRF
rejection, a PIN not found, a game whose state is not loaded in Redis, a token of no player or
out of its return window, Redis unreachable — goes to the Django view unchanged, which answers
as it always did (with its Vietnamese error). So the fast path only answers sooner.
Without Redis (the demo) or behind a WSGI server, the view does everything.

A phone's event stream ``GET /choi/<pin>/su-kien/`` is served here too when Redis holds the
game: when a server process dies, its part of the hall (hundreds of phones) reconnects to the
others within the same seconds, in the middle of their answers; through Django's middleware
(two thread hops per middleware, a thread per request, the database for the PIN and the
question) 667 phones took 12–22 s to get their snapshot back. Here: the PIN → game map above,
one Redis script for the token → player (``store.PLAYER_SCRIPT``, as ``engine.player_of``), one
pipeline for the snapshot (the live state holds the open question's public part), then the
stream of ``streams.serve_asgi``: the same bytes as the view's. A phone the script does not
find, a state not loaded, Redis unreachable: the view serves it, as before.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections, connections
from django.middleware.csrf import CsrfViewMiddleware

log = logging.getLogger(__name__)

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[Mapping[str, Any]]]
Send = Callable[[Mapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY = 1024
# A PIN → game entry is read again after this long; meanwhile (and while it is read again,
# once, in the background) the entry serves: a hall's answers after a minute's pause would
# otherwise all miss it at once and queue for the process's few database connections. An
# entry gone stale (a game deleted, its PIN given to another) cannot answer for the wrong
# game: the script finds no player for the phone's token, and the entry is dropped.
PIN_SECONDS = 60.0
REDIS_RETRY_AFTER = 5.0
REDIS_CONNECTIONS = 64  # per process, for the answers and the streams' snapshots
REDIS_WAIT = 5.0  # seconds a call waits for one of them
_HEADERS = [
    (b"content-type", b"application/json"),
    (b"x-content-type-options", b"nosniff"),
    (b"cache-control", b"no-store"),
    (b"vary", b"Cookie"),
]


class _Csrf(CsrfViewMiddleware):
    """Django's check, answering True/False instead of rendering its failure page."""

    def _reject(self, request: Any, reason: str) -> Any:
        return False

    def _accept(self, request: Any) -> Any:
        return None


def _csrf_passes(scope: Scope, raw: bytes) -> bool:
    from django.core.handlers.asgi import ASGIRequest

    request = ASGIRequest(scope, io.BytesIO(raw))
    check = _Csrf(lambda r: None)  # type: ignore[arg-type]
    check.process_request(request)
    if check.process_view(request, _answer_view, (), {}) is not None:
        return False
    # A cookie Django would rewrite: let the view answer (and set it).
    return not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")


def _answer_view(*args: Any, **kwargs: Any) -> Any:
    """Stands for the view in the CSRF check (which looks for ``csrf_exempt``)."""


def parse_answer(raw: bytes) -> tuple[int, list[int]] | None:
    """The view's reading of the body, or None where the view would refuse it (400)."""
    try:
        body = json.loads(raw or b"{}")
        question = int(body["question"])
        options = [int(o) for o in body["options"]]
    except (ValueError, KeyError, TypeError):
        return None
    return question, options


def _game_of_pin(pin: str) -> tuple[int, str, str] | None:
    from lantoa.livegame.models import Game

    # Outside Django's request cycle: drop a connection the server closed, give it back after.
    close_old_connections()
    try:
        return Game.objects.filter(pin=pin).values_list("pk", "title", "mode").first()
    finally:
        for conn in connections.all(initialized_only=True):
            conn.close()


def _path(prefix: str, suffix: str) -> re.Pattern[str]:
    return re.compile(re.escape(prefix) + r"(?P<pin>[^/]+)" + re.escape(suffix) + "$")


class AnswerFastPath:
    """Wraps lantoa's ASGI application; see the module's documentation."""

    def __init__(
        self, app: ASGIApp, *, prefix: str, suffix: str, events: tuple[str, str] | None = None
    ) -> None:
        self.app = app
        self.path = _path(prefix, suffix)
        self.events = _path(*events) if events else None
        self.pins: dict[str, tuple[tuple[int, str, str], float]] = {}
        self.lookups: dict[str, asyncio.Future[tuple[int, str, str] | None]] = {}
        self.client: Any = None
        self.script: Any = None
        self.player_script: Any = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.redis_down_until = 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method") == "GET" and self.events is not None:
            match = self.events.match(scope.get("path", ""))
            store = _redis_store() if match else None
            if (
                match
                and store is not None
                and time.monotonic() >= self.redis_down_until
                and await self._stream(store, match["pin"], scope, receive, send)
            ):
                return None
            return await self.app(scope, receive, send)
        if scope["type"] != "http" or scope.get("method") != "POST":
            return await self.app(scope, receive, send)
        match = self.path.match(scope.get("path", ""))
        store = _redis_store() if match else None
        if match is None or store is None or time.monotonic() < self.redis_down_until:
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        try:
            length = int(headers.get(b"content-length", b""))
        except ValueError:
            length = -1
        if not 0 < length <= MAX_BODY:
            return await self.app(scope, receive, send)
        raw, complete = await _read_body(receive, length)
        replay = _replay(raw, receive)
        parsed = parse_answer(raw) if complete else None
        if parsed is None or not _csrf_passes(scope, raw):
            return await self.app(scope, replay, send)
        try:
            result = await self._answer(store, match["pin"], scope, parsed)
        except Exception as exc:
            if not _is_redis_error(exc):
                raise
            self.redis_down_until = time.monotonic() + REDIS_RETRY_AFTER
            log.warning("livegame: answers go through the view (%s)", type(exc).__name__)
            return await self.app(scope, replay, send)
        if result is None:
            return await self.app(scope, replay, send)
        body = json.dumps(result).encode()
        status = 200 if result["status"] in ("ok", "dup") else 409
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [*_HEADERS, (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def _game(self, pin: str) -> tuple[int, str, str] | None:
        """The game of a PIN: (id, title, mode)."""
        found = self.pins.get(pin)
        if found is not None:
            if time.monotonic() - found[1] >= PIN_SECONDS:
                self._lookup(pin)  # in the background; this entry serves meanwhile
            return found[0]
        return await asyncio.shield(self._lookup(pin))

    def _lookup(self, pin: str) -> asyncio.Future[tuple[int, str, str] | None]:
        """One database read of a PIN at a time, whoever waits for it."""
        loop = asyncio.get_running_loop()
        pending = self.lookups.get(pin)
        if pending is not None and pending.get_loop() is loop:
            return pending
        pending = asyncio.ensure_future(sync_to_async(_game_of_pin, thread_sensitive=False)(pin))
        self.lookups[pin] = pending

        def done(future: asyncio.Future[tuple[int, str, str] | None]) -> None:
            if self.lookups.get(pin) is future:
                del self.lookups[pin]
            if future.cancelled() or future.exception() is not None:
                return  # (the waiters, if any, get the error; a refresh is tried again)
            game = future.result()
            if game is None:
                self.pins.pop(pin, None)
                return
            if len(self.pins) > 10_000:
                self.pins.clear()
            self.pins[pin] = (game, time.monotonic())

        pending.add_done_callback(done)
        return pending

    def _redis(self) -> Any:
        loop = asyncio.get_running_loop()
        if self.client is None or self.loop is not loop:
            # One client per event loop (a server has one per process; tests start several).
            # A hall answering or reconnecting at once waits for one of its connections rather
            # than fail (redis-py's pool refuses the 101st; the answers then went through the
            # view for seconds).
            import redis.asyncio

            from lantoa.livegame.store import FAST_ANSWER_SCRIPT, PLAYER_SCRIPT

            pool = redis.asyncio.BlockingConnectionPool.from_url(
                settings.REDIS_URL,
                max_connections=REDIS_CONNECTIONS,
                timeout=REDIS_WAIT,
                socket_timeout=5.0,
                socket_connect_timeout=2.0,
            )
            self.client = redis.asyncio.Redis(connection_pool=pool)
            self.script = self.client.register_script(FAST_ANSWER_SCRIPT)
            self.player_script = self.client.register_script(PLAYER_SCRIPT)
            self.loop = loop
        return self.client

    async def _stream(
        self, store: Any, pin: str, scope: Scope, receive: Receive, send: Send
    ) -> bool:
        """Serve a phone's event stream (True), or leave it to the view (False)."""
        from lantoa.livegame import hub, streams

        listener: hub.Listener | None = None
        try:
            found = await self._game(pin)
            token = _cookies(scope).get(cookie_name_of(found[0])) if found else None
            if found is None or not token:
                return False
            game, title, mode = found
            player = await self._player(store, game, token)
            if player is None:
                self.pins.pop(pin, None)  # (a game gone: its PIN is read again)
                return False
            inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=hub.QUEUE_SIZE)
            loop = asyncio.get_running_loop()
            listener = hub.Listener(game=game, player=player, loop=loop, aqueue=inbox)
            hub.add(listener)  # before the snapshot is read: nothing published meanwhile is missed
            snapshot = await self._snapshot(store, game, player, title, mode)
        except Exception as exc:
            if listener is not None:
                hub.remove(listener)
            if not _is_redis_error(exc):
                raise
            self.redis_down_until = time.monotonic() + REDIS_RETRY_AFTER
            log.warning("livegame: streams go through the view (%s)", type(exc).__name__)
            return False
        if snapshot is None:
            hub.remove(listener)
            return False
        await streams.serve_asgi(listener, inbox, snapshot, receive, send)
        return True

    async def _player(self, store: Any, game: int, token: str) -> int | None:
        from lantoa.livegame import engine
        from lantoa.livegame.models import GameStatus

        self._redis()
        reply = await self.player_script(
            keys=[store.key(game, name) for name in ("meta", "tokens", "seen")],
            args=[engine.token_hash(token), engine.RETURN_WINDOW_MS, GameStatus.RUNNING],
        )
        return None if reply == b"fallback" else int(reply)

    async def _snapshot(
        self, store: Any, game: int, player: int, title: str, mode: str
    ) -> dict[str, Any] | None:
        """A phone's snapshot from the live state, as ``engine.snapshot`` draws it (its very
        functions); None where the view must (the state lacks what this needs)."""
        from lantoa.livegame import engine

        client = self._redis()
        pipe = client.pipeline(transaction=False)
        pipe.hgetall(store.key(game, "meta"))
        pipe.hget(store.key(game, "players"), player)
        pipe.hget(store.key(game, "state"), player)
        pipe.time()
        raw_meta, raw_entry, raw_state, (seconds, micros) = await pipe.execute()
        meta = {k.decode(): v.decode() for k, v in raw_meta.items()}
        q = meta.get("q")
        if not meta.get("status") or raw_entry is None or (q and not meta.get("qpub")):
            return None
        public = json.loads(meta["qpub"]) if q else None
        mine = None
        if public is not None:
            raw = await client.hget(store.key(game, f"a:{q}"), player)
            mine = json.loads(raw) if raw else None
        now = int(seconds) * 1000 + int(micros) // 1000
        snapshot = engine.snapshot_of(meta, now, mode=mode, title=title, public=public)
        state = raw_state.decode() if raw_state is not None else None
        snapshot["me"] = engine.me_of(player, json.loads(raw_entry), state, mine)
        return snapshot

    async def _answer(
        self, store: Any, pin: str, scope: Scope, parsed: tuple[int, list[int]]
    ) -> dict[str, Any] | None:
        from lantoa.livegame import engine
        from lantoa.livegame.store import OK

        found = await self._game(pin)
        if found is None:
            return None
        game = found[0]
        token = _cookies(scope).get(cookie_name_of(game))
        if not token:
            return None
        self._redis()
        question, options = parsed
        reply = await self.script(
            keys=store.answer_keys(game, question, fast=True),
            args=fast_answer_args(question, options, engine.token_hash(token)),
        )
        verdict = reply[0].decode()
        if verdict == "fallback":
            self.pins.pop(pin, None)  # (a game gone: its PIN is read again)
            return None
        stored = json.loads(reply[1]) if reply[1] else None
        if verdict == OK:
            engine.count_answer(game, question, int(reply[2]))
        return {
            "status": verdict,
            "options": stored["o"] if stored else None,
            "received_ms": stored["t"] if stored else None,
        }


def fast_answer_args(question: int, options: list[int], token_hash: str) -> list[Any]:
    """``store.FAST_ANSWER_SCRIPT``'s arguments, the rules' values taken from the engine."""
    from lantoa.livegame.engine import ELIMINATED, IN_GAME, RETURN_WINDOW_MS
    from lantoa.livegame.models import GameStatus, QuestionRole

    return [
        question,
        json.dumps(sorted(options)),
        token_hash,
        RETURN_WINDOW_MS,
        GameStatus.RUNNING,
        IN_GAME,
        ELIMINATED,
        QuestionRole.RESCUE,
        GameStatus.LOBBY,
    ]


def cookie_name_of(game_id: int) -> str:
    from lantoa.livegame.public_views import cookie_name_of as name

    return name(game_id)


def _redis_store() -> Any:
    from lantoa.livegame.store import RedisStore, get_store

    store = get_store()
    return store if isinstance(store, RedisStore) else None


def _cookies(scope: Scope) -> dict[str, str]:
    from django.http import parse_cookie

    raw = b"; ".join(v for k, v in scope.get("headers") or [] if k == b"cookie")
    return parse_cookie(raw.decode("latin-1"))


async def _read_body(receive: Receive, length: int) -> tuple[bytes, bool]:
    """The body, if it is exactly ``length`` bytes (else what was read, and False)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if size > length:
            return b"".join(chunks), False
        if not message.get("more_body", False):
            return b"".join(chunks), size == length


def _replay(raw: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives the body already read, then what the server sends next."""
    given = False

    async def replayed() -> Mapping[str, Any]:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": raw, "more_body": False}
        return await receive()

    return replayed


def _is_redis_error(exc: Exception) -> bool:
    import redis

    return isinstance(exc, redis.RedisError | OSError | asyncio.TimeoutError)


def wrap(app: ASGIApp) -> ASGIApp:
    """lantoa's ASGI application, behind the answers' fast path where Redis holds the games."""
    if not settings.REDIS_URL:
        return app
    from django.urls import reverse

    marker = "0PIN0"
    path = reverse("livegame_public:answer", kwargs={"pin": marker})
    prefix, _sep, suffix = path.partition(marker)
    events = reverse("livegame_public:events", kwargs={"pin": marker}).partition(marker)
    return AnswerFastPath(app, prefix=prefix, suffix=suffix, events=(events[0], events[2]))

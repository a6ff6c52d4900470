"""Server-sent event streams of a game to phones, the host console and the projector.

A stream first sends a ``snapshot`` (everything needed to draw the current moment, the
player's own state included), then each event of the game as this process's hub receives it,
and a comment every ``HEARTBEAT`` seconds (it keeps proxies from closing the connection).
Every ``HEARTBEAT`` seconds one thread per process marks all its connected players as seen
(one write per game, not one per phone), and a closing stream marks its player at once (one
thread per process writes those, a hall dropping at once in one write per game): the 60-second
return window counts from there. The same thread writes a reveal's results to the database
when the host action that sent them was cut off before (``engine.sweep_unsaved``).

An event is encoded once per process: the same bytes go to every connection; a player's own
line (the reveal's state and score) is spliced into them.

Under the ASGI server (uvicorn) a stream is an asynchronous iterator on the event loop: a
connection costs a small queue and a few objects, no thread; a phone's stream is even served
without Django where Redis holds the game (``serve_asgi``, from lantoa.livegame.fastpath: a
hall reconnecting at once after a server process died). Under a WSGI server (a threaded
worker) it is a plain iterator that holds its thread while it lasts.
"""

from __future__ import annotations

import asyncio
import json
import logging
import queue
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.db import connections
from django.http import HttpRequest, StreamingHttpResponse

from lantoa.livegame import engine, hub
from lantoa.livegame.models import Game

log = logging.getLogger(__name__)

HEARTBEAT = 10.0
RETRY_MS = 1500


PING = b": ping\n\n"


def render(kind: str, data: dict[str, Any], seq: int | None = None) -> str:
    head = f"id: {seq}\n" if seq is not None else ""
    return f"{head}event: {kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def opening(snapshot: dict[str, Any]) -> bytes:
    """A stream's first bytes: the reconnection delay, then the snapshot."""
    return (f"retry: {RETRY_MS}\n" + render("snapshot", snapshot)).encode()


RECONNECT_BYTES = render("reconnect", {}).encode()


def render_event(event: dict[str, Any], listener: hub.Listener) -> bytes:
    """An event as this listener's bytes: the common part, encoded once per process for all
    its listeners, with a player's own line of ``players`` spliced in as ``"me"``."""
    common = event.get("_bytes")
    if common is None:
        common = render(event["type"], event["data"], event.get("seq")).encode()
        event["_bytes"] = common
    players = event.get("players")
    mine = players.get(str(listener.player)) if players and listener.player else None
    if mine is None:
        return bytes(common)
    # "…data: {…}\n\n" → "…data: {…, "me": {…}}\n\n" (JSON keeps no newline in its text).
    head = common[:-3]
    sep = b"" if head.endswith(b"{") else b", "
    return head + sep + b'"me": ' + json.dumps(mine, ensure_ascii=False).encode() + b"}\n\n"


_keeper: threading.Thread | None = None
_keeper_lock = threading.Lock()


_closed: queue.Queue[tuple[int, int]] = queue.Queue()


def _keep_seen() -> None:
    next_beat = time.monotonic() + HEARTBEAT
    while True:
        # Players whose stream closed: at once, all waiting in one write per game.
        try:
            closed = [_closed.get(timeout=max(0.0, next_beat - time.monotonic()))]
        except queue.Empty:
            closed = []
        while True:
            try:
                closed.append(_closed.get_nowait())
            except queue.Empty:
                break
        by_game: dict[int, list[int]] = {}
        for game_id, player in closed:
            by_game.setdefault(game_id, []).append(player)
        beat = time.monotonic() >= next_beat
        if beat:
            next_beat = time.monotonic() + HEARTBEAT
            hub.ping()
            for game_id, players in hub.players_by_game().items():
                by_game.setdefault(game_id, []).extend(players)
        for game_id, players in by_game.items():
            try:
                engine.mark_seen(game_id, players)
            except Exception:
                log.warning("livegame: could not mark the players of game %s as seen", game_id)
        if beat:
            for game_id in list(by_game):
                _sweep(game_id)


def _sweep(game_id: int) -> None:
    try:
        if engine.sweep_unsaved(game_id):
            log.warning("livegame: results of game %s written after their reveal", game_id)
    except Exception:
        log.warning("livegame: could not write the results of game %s", game_id)
    finally:
        _let_go_of_connections()


def _start_keeper() -> None:
    global _keeper
    with _keeper_lock:
        if _keeper is None or not _keeper.is_alive():
            _keeper = threading.Thread(target=_keep_seen, name="livegame-seen", daemon=True)
            _keeper.start()


def _seen_later(game_id: int, player: int | None) -> None:
    if player is not None:
        _start_keeper()
        _closed.put((game_id, player))


def _snapshot(game: Game, player: int | None, screen: bool) -> dict[str, Any]:
    """The snapshot, then the request thread's database connections closed (given back to
    the pool, ``LANTOA_DB_POOL``): Django closes them only when the response ends, and a
    stream lasts the whole game; every open stream would otherwise hold one of the process's
    few pooled connections, and the next requests would wait for one, then fail (503)."""
    try:
        return engine.snapshot(game, player=player, screen=screen)
    finally:
        _let_go_of_connections()


def _let_go_of_connections() -> None:
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close()


async def _astream(game: Game, player: int | None, screen: bool) -> AsyncIterator[bytes]:
    loop = asyncio.get_running_loop()
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=hub.QUEUE_SIZE)
    listener = hub.Listener(game=game.pk, player=player, screen=screen, loop=loop, aqueue=inbox)
    hub.add(listener)  # before the snapshot: nothing published meanwhile is missed
    _start_keeper()
    try:
        # In the request's own thread (Django's ASGI handler gives each request one, so a
        # hall reconnecting at once is still served by several threads), which then lets its
        # database connection go: see ``_snapshot``.
        snap = await sync_to_async(_snapshot)(game, player, screen)
        yield opening(snap)
        async for chunk in _follow(listener, inbox):
            yield chunk
    finally:
        hub.remove(listener)
        _seen_later(game.pk, player)


async def _follow(
    listener: hub.Listener, inbox: asyncio.Queue[dict[str, Any]]
) -> AsyncIterator[bytes]:
    """After the snapshot: each event, and the process's heartbeat (``hub.ping``, every
    ``HEARTBEAT`` seconds), until told to reconnect."""
    while True:
        event = await inbox.get()
        if event is hub.PING:
            yield PING
            continue
        if event is hub.RECONNECT:
            yield RECONNECT_BYTES
            return
        yield render_event(event, listener)


_HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-cache, no-store"),
    (b"x-accel-buffering", b"no"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


async def serve_asgi(
    listener: hub.Listener,
    inbox: asyncio.Queue[dict[str, Any]],
    snapshot: dict[str, Any],
    receive: Any,
    send: Any,
) -> None:
    """A phone's stream written straight to its ASGI connection (the fast path,
    lantoa.livegame.fastpath; ``listener`` already added to the hub): the same bytes as the
    view's stream, without Django's request cycle. Ends when the phone goes or is told to
    reconnect."""
    task = asyncio.current_task()
    gone = False

    async def watch() -> None:
        nonlocal gone
        while (await receive())["type"] != "http.disconnect":
            pass
        gone = True
        if task is not None:
            task.cancel()

    _start_keeper()
    watcher = asyncio.ensure_future(watch())
    try:
        await send({"type": "http.response.start", "status": 200, "headers": _HEADERS})
        await send({"type": "http.response.body", "body": opening(snapshot), "more_body": True})
        async for chunk in _follow(listener, inbox):
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    except asyncio.CancelledError:
        if not gone:
            raise
    finally:
        watcher.cancel()
        hub.remove(listener)
        _seen_later(listener.game, listener.player)


def _stream(game: Game, player: int | None, screen: bool) -> Iterator[bytes]:
    inbox: queue.Queue[dict[str, Any]] = queue.Queue(maxsize=hub.QUEUE_SIZE)
    listener = hub.Listener(game=game.pk, player=player, screen=screen, tqueue=inbox)
    hub.add(listener)
    _start_keeper()
    try:
        snap = engine.snapshot(game, player=player, screen=screen)
        yield opening(snap)
        while True:
            try:
                event = inbox.get(timeout=HEARTBEAT)
            except queue.Empty:
                yield PING
                continue
            if event is hub.RECONNECT:
                yield RECONNECT_BYTES
                return
            yield render_event(event, listener)
    finally:
        hub.remove(listener)
        _seen_later(game.pk, player)


def event_stream(
    request: HttpRequest, game: Game, *, player: int | None = None, screen: bool = False
) -> StreamingHttpResponse:
    content: Any
    if isinstance(request, ASGIRequest):
        _let_go_of_connections()  # the view is done with the database (see ``_snapshot``)
        content = _astream(game, player, screen)
    else:
        content = _stream(game, player, screen)
    response = StreamingHttpResponse(content, content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache, no-store"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response

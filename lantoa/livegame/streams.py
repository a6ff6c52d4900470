"""Server-sent event streams of a game to phones, the host console and the projector.

A stream first sends a ``snapshot`` (everything needed to draw the current moment, the
player's own state included), then each event of the game as this process's hub receives it,
and a comment every ``HEARTBEAT`` seconds (it keeps proxies from closing the connection).
Every ``HEARTBEAT`` seconds one thread per process marks all its connected players as seen
(one write per game, not one per phone), and a closing stream marks its player at once: the
60-second return window counts from there.

Under the ASGI server (uvicorn) a stream is an asynchronous iterator on the event loop: a
connection costs a small queue and a few objects, no thread. Under a WSGI server (a threaded
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


def render(kind: str, data: dict[str, Any], seq: int | None = None) -> str:
    head = f"id: {seq}\n" if seq is not None else ""
    return f"{head}event: {kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def render_event(event: dict[str, Any], listener: hub.Listener) -> str:
    """An event as this listener's text: the common part (rendered once per process for all
    its listeners) plus, for a player, their own line of ``players``."""
    players = event.get("players")
    mine = players.get(str(listener.player)) if players and listener.player else None
    if mine is None:
        cached = event.get("_text")
        if cached is None:
            cached = render(event["type"], event["data"], event.get("seq"))
            event["_text"] = cached
        return str(cached)
    return render(event["type"], {**event["data"], "me": mine}, event.get("seq"))


_keeper: threading.Thread | None = None
_keeper_lock = threading.Lock()


def _keep_seen() -> None:
    while True:
        time.sleep(HEARTBEAT)
        for game_id, players in hub.players_by_game().items():
            try:
                engine.mark_seen(game_id, players)
            except Exception:
                log.warning("livegame: could not mark the players of game %s as seen", game_id)


def _start_keeper() -> None:
    global _keeper
    with _keeper_lock:
        if _keeper is None or not _keeper.is_alive():
            _keeper = threading.Thread(target=_keep_seen, name="livegame-seen", daemon=True)
            _keeper.start()


def _seen_later(game_id: int, player: int | None) -> None:
    if player is not None:
        threading.Thread(target=engine.mark_seen, args=(game_id, [player]), daemon=True).start()


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


async def _astream(game: Game, player: int | None, screen: bool) -> AsyncIterator[str]:
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
        yield f"retry: {RETRY_MS}\n" + render("snapshot", snap)
        while True:
            try:
                event = await asyncio.wait_for(inbox.get(), timeout=HEARTBEAT)
            except TimeoutError:
                yield ": ping\n\n"
                continue
            if event is hub.RECONNECT:
                yield render("reconnect", {})
                return
            yield render_event(event, listener)
    finally:
        hub.remove(listener)
        _seen_later(game.pk, player)


def _stream(game: Game, player: int | None, screen: bool) -> Iterator[str]:
    inbox: queue.Queue[dict[str, Any]] = queue.Queue(maxsize=hub.QUEUE_SIZE)
    listener = hub.Listener(game=game.pk, player=player, screen=screen, tqueue=inbox)
    hub.add(listener)
    _start_keeper()
    try:
        snap = engine.snapshot(game, player=player, screen=screen)
        yield f"retry: {RETRY_MS}\n" + render("snapshot", snap)
        while True:
            try:
                event = inbox.get(timeout=HEARTBEAT)
            except queue.Empty:
                yield ": ping\n\n"
                continue
            if event is hub.RECONNECT:
                yield render("reconnect", {})
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

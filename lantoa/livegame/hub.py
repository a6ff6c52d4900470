"""One process's fan-out: the live connections of this process (server-sent event streams)
register here by game, and each event of a game is handed to them in-process.

With Redis, one thread per process holds one pub/sub subscription to the games' channel and
dispatches what arrives; without Redis (the demo, tests) the store calls ``dispatch`` itself.
A listener is an asyncio queue on its event loop (the ASGI server: the delivery is one
``call_soon_threadsafe`` per loop and event, not per connection) or a thread-safe queue (a
WSGI thread). Queues are bounded: a connection too slow to drain its queue is told to
reconnect (it then gets a fresh snapshot) rather than hold memory.
"""

from __future__ import annotations

import asyncio
import json
import logging
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

QUEUE_SIZE = 64
RECONNECT = {"type": "reconnect"}
# The heartbeat of the event loop's streams, handed to them all at once by one thread per
# process (lantoa.livegame.streams): a stream then waits on its queue alone, without a timer
# and a task of its own for every event it waits for.
PING = {"type": "ping"}


@dataclass(eq=False)
class Listener:
    game: int
    player: int | None = None  # a player's phone; None for the host and the projector
    screen: bool = False  # host or projector: also the live counts
    loop: asyncio.AbstractEventLoop | None = None
    aqueue: asyncio.Queue[dict[str, Any]] | None = None
    tqueue: queue.Queue[dict[str, Any]] | None = None
    overflowed: bool = field(default=False)

    def wants(self, event: dict[str, Any]) -> bool:
        return not event.get("screens") or self.screen

    def put(self, event: dict[str, Any]) -> None:
        """On the listener's own loop (asyncio) or any thread (thread queue)."""
        if self.overflowed:
            return
        target: Any = self.aqueue if self.aqueue is not None else self.tqueue
        try:
            target.put_nowait(event)
        except (asyncio.QueueFull, queue.Full):
            self.overflowed = True
            try:
                while True:
                    target.get_nowait()
            except (asyncio.QueueEmpty, queue.Empty):
                pass
            target.put_nowait(RECONNECT)


_lock = threading.Lock()
_listeners: dict[int, set[Listener]] = {}


def add(listener: Listener) -> None:
    with _lock:
        _listeners.setdefault(listener.game, set()).add(listener)


def remove(listener: Listener) -> None:
    with _lock:
        found = _listeners.get(listener.game)
        if found is not None:
            found.discard(listener)
            if not found:
                del _listeners[listener.game]


def connected(game: int) -> list[Listener]:
    with _lock:
        return list(_listeners.get(game, ()))


def players_by_game() -> dict[int, list[int]]:
    """The players connected to this process, by game."""
    with _lock:
        return {
            game: [lis.player for lis in group if lis.player is not None]
            for game, group in _listeners.items()
        }


def _deliver_on_loop(listeners: list[Listener], event: dict[str, Any]) -> None:
    for listener in listeners:
        listener.put(event)


def dispatch(event: dict[str, Any]) -> None:
    """Hand ``event`` to this process's listeners of its game."""
    listeners = [lis for lis in connected(int(event["game"])) if lis.wants(event)]
    by_loop: dict[asyncio.AbstractEventLoop, list[Listener]] = {}
    for listener in listeners:
        if listener.loop is not None:
            by_loop.setdefault(listener.loop, []).append(listener)
        else:
            listener.put(event)
    for loop, group in by_loop.items():
        try:
            loop.call_soon_threadsafe(_deliver_on_loop, group, event)
        except RuntimeError:  # the loop was closed (a test's, a server shutting down)
            for listener in group:
                remove(listener)


def ping() -> None:
    """Hand the heartbeat to this process's streams on an event loop."""
    by_loop: dict[asyncio.AbstractEventLoop, list[Listener]] = {}
    with _lock:
        for group in _listeners.values():
            for listener in group:
                if listener.loop is not None:
                    by_loop.setdefault(listener.loop, []).append(listener)
    for loop, listeners in by_loop.items():
        try:
            loop.call_soon_threadsafe(_deliver_on_loop, listeners, PING)
        except RuntimeError:
            for listener in listeners:
                remove(listener)


_subscribers: dict[tuple[str, str], tuple[threading.Thread, threading.Event]] = {}


def listen_redis(url: str, channel: str) -> threading.Event:
    """Start this process's one subscription to ``channel`` (once); the event is set when
    Redis has confirmed it."""
    with _lock:
        found = _subscribers.get((url, channel))
        if found is not None and found[0].is_alive():
            return found[1]
        ready = threading.Event()
        thread = threading.Thread(
            target=_subscribe, args=(url, channel, ready), name="livegame-pubsub", daemon=True
        )
        _subscribers[(url, channel)] = (thread, ready)
        thread.start()
        return ready


def _subscribe(url: str, channel: str, ready: threading.Event) -> None:
    import redis

    while True:
        try:
            client = redis.Redis.from_url(url, socket_connect_timeout=2.0, health_check_interval=30)
            pubsub = client.pubsub()
            pubsub.subscribe(channel)
            for message in pubsub.listen():
                kind = message.get("type")
                if kind == "subscribe":
                    ready.set()
                elif kind == "message":
                    try:
                        dispatch(json.loads(message["data"]))
                    except (ValueError, KeyError, TypeError):
                        log.warning("livegame: an event that is not ours on %s", channel)
        except Exception as exc:
            log.warning(
                "livegame: the event subscription failed (%s); retrying", type(exc).__name__
            )
            with _lock:
                everyone = [lis for group in _listeners.values() for lis in group]
            for listener in everyone:
                # Events may have been missed: each connection reconnects for a fresh snapshot.
                dispatch_one(listener, RECONNECT)
            time.sleep(1.0)


def dispatch_one(listener: Listener, event: dict[str, Any]) -> None:
    if listener.loop is not None:
        try:
            listener.loop.call_soon_threadsafe(listener.put, event)
        except RuntimeError:
            remove(listener)
    else:
        listener.put(event)

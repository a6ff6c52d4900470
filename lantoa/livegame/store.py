"""Where a live game's state lives while it is played, behind one interface:

- ``RedisStore`` (production, ``REDIS_URL``): keys per game under
  ``LANTOA_LIVEGAME_REDIS_PREFIX:g:<id>:…``; an answer is stored by one Lua script that checks
  the phase, the question, the deadline (on Redis's clock, the same for every server process
  and machine) and the player's state, then ``HSETNX`` (the first stored wins). Events go
  through one pub/sub channel; each process keeps one subscription (``hub``).
- ``MemoryStore`` (``lantoa demo`` without Redis, tests): the same operations on dictionaries
  under one lock, in one process; events are handed to the process's hub directly.

Per player the state holds a few short fields (name, unit, score, state, answers of the
questions not yet written to the database), so that a hall of 2.000 players stays small.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from django.conf import settings

from lantoa.livegame import hub

# An answer is refused for one of these reasons (or stored: "ok", or already stored: "dup").
OK, DUPLICATE, NOT_OPEN, LATE, NOT_ELIGIBLE, BAD_OPTION = (
    "ok",
    "dup",
    "not_open",
    "late",
    "not_eligible",
    "bad_option",
)


class Store(Protocol):
    def now_ms(self) -> int: ...
    def meta(self, game: int) -> dict[str, str]: ...
    def set_meta(self, game: int, values: dict[str, Any]) -> None: ...
    def next_seq(self, game: int) -> int: ...
    def players(self, game: int) -> dict[int, dict[str, Any]]: ...
    def player(self, game: int, player: int) -> dict[str, Any] | None: ...
    def state(self, game: int, player: int) -> str | None: ...
    def set_players(self, game: int, values: dict[int, dict[str, Any]]) -> None: ...
    def states(self, game: int) -> dict[int, str]: ...
    def set_states(self, game: int, values: dict[int, str]) -> None: ...
    def player_of_token(self, game: int, token_hash: str) -> int | None: ...
    def set_token(self, game: int, token_hash: str, player: int) -> None: ...
    def answer(
        self, game: int, question: int, player: int, options: list[int], eligible: str
    ) -> tuple[str, dict[str, Any] | None, int]: ...
    def answers(self, game: int, question: int) -> dict[int, dict[str, Any]]: ...
    def my_answer(self, game: int, question: int, player: int) -> dict[str, Any] | None: ...
    def close(self, game: int) -> int: ...
    def save_reveal(
        self,
        game: int,
        players: dict[int, dict[str, Any]],
        states: dict[int, str],
        meta: dict[str, Any],
        unsaved: str,
    ) -> None: ...
    def unsaved(self, game: int) -> str | None: ...
    def saved(self, game: int, unsaved: str) -> None: ...
    def seen(self, game: int, values: dict[int, int]) -> None: ...
    def last_seen(self, game: int, player: int) -> int | None: ...
    def publish(self, event: dict[str, Any]) -> None: ...
    def lock(self, game: int) -> Any: ...
    def drop(self, game: int) -> None: ...


def _eligible(states: str, state: str | None) -> bool:
    return state is not None and state in states.split(",")


class MemoryStore:
    """One process's state (the demo without Redis, tests)."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._games: dict[int, dict[str, Any]] = {}
        self._game_locks: dict[int, threading.Lock] = {}

    def _game(self, game: int) -> dict[str, Any]:
        return self._games.setdefault(
            game, {"meta": {}, "players": {}, "states": {}, "tokens": {}, "answers": {}, "seen": {}}
        )

    def now_ms(self) -> int:
        return int(time.time() * 1000)

    def meta(self, game: int) -> dict[str, str]:
        with self._lock:
            return dict(self._games.get(game, {}).get("meta", {}))

    def set_meta(self, game: int, values: dict[str, Any]) -> None:
        with self._lock:
            self._game(game)["meta"].update({k: str(v) for k, v in values.items()})

    def next_seq(self, game: int) -> int:
        with self._lock:
            meta = self._game(game)["meta"]
            meta["seq"] = str(int(meta.get("seq", "0")) + 1)
            return int(meta["seq"])

    def players(self, game: int) -> dict[int, dict[str, Any]]:
        with self._lock:
            return {k: dict(v) for k, v in self._game(game)["players"].items()}

    def player(self, game: int, player: int) -> dict[str, Any] | None:
        with self._lock:
            found = self._game(game)["players"].get(player)
            return dict(found) if found is not None else None

    def state(self, game: int, player: int) -> str | None:
        with self._lock:
            found = self._game(game)["states"].get(player)
            return str(found) if found is not None else None

    def set_players(self, game: int, values: dict[int, dict[str, Any]]) -> None:
        with self._lock:
            self._game(game)["players"].update({k: dict(v) for k, v in values.items()})

    def states(self, game: int) -> dict[int, str]:
        with self._lock:
            return dict(self._game(game)["states"])

    def set_states(self, game: int, values: dict[int, str]) -> None:
        with self._lock:
            self._game(game)["states"].update(values)

    def player_of_token(self, game: int, token_hash: str) -> int | None:
        with self._lock:
            found = self._game(game)["tokens"].get(token_hash)
            return int(found) if found is not None else None

    def set_token(self, game: int, token_hash: str, player: int) -> None:
        with self._lock:
            self._game(game)["tokens"][token_hash] = player

    def answer(
        self, game: int, question: int, player: int, options: list[int], eligible: str
    ) -> tuple[str, dict[str, Any] | None, int]:
        with self._lock:
            g = self._game(game)
            meta = g["meta"]
            stored = g["answers"].setdefault(question, {})
            if player in stored:
                return DUPLICATE, dict(stored[player]), len(stored)
            now = self.now_ms()
            verdict = _verdict(meta, question, options, now)
            if verdict == OK and not _eligible(eligible, g["states"].get(player)):
                verdict = NOT_ELIGIBLE
            if verdict != OK:
                return verdict, None, len(stored)
            stored[player] = {"o": sorted(options), "t": now}
            return OK, dict(stored[player]), len(stored)

    def answers(self, game: int, question: int) -> dict[int, dict[str, Any]]:
        with self._lock:
            return {k: dict(v) for k, v in self._game(game)["answers"].get(question, {}).items()}

    def my_answer(self, game: int, question: int, player: int) -> dict[str, Any] | None:
        with self._lock:
            found = self._game(game)["answers"].get(question, {}).get(player)
            return dict(found) if found else None

    def close(self, game: int) -> int:
        with self._lock:
            meta = self._game(game)["meta"]
            now = self.now_ms()
            if int(meta.get("deadline", "0")) > now:
                meta["deadline"] = str(now)
            return now

    def save_reveal(
        self,
        game: int,
        players: dict[int, dict[str, Any]],
        states: dict[int, str],
        meta: dict[str, Any],
        unsaved: str,
    ) -> None:
        with self._lock:
            g = self._game(game)
            g["players"].update({k: dict(v) for k, v in players.items()})
            g["states"].update(states)
            g["meta"].update({k: str(v) for k, v in meta.items()})
            g["unsaved"] = unsaved

    def unsaved(self, game: int) -> str | None:
        with self._lock:
            found = self._games.get(game, {}).get("unsaved")
            return str(found) if found else None

    def saved(self, game: int, unsaved: str) -> None:
        with self._lock:
            g = self._games.get(game, {})
            if g.get("unsaved") == unsaved:
                g.pop("unsaved")

    def seen(self, game: int, values: dict[int, int]) -> None:
        with self._lock:
            self._game(game)["seen"].update(values)

    def last_seen(self, game: int, player: int) -> int | None:
        with self._lock:
            return self._game(game)["seen"].get(player)

    def publish(self, event: dict[str, Any]) -> None:
        hub.dispatch(event)

    @contextmanager
    def lock(self, game: int) -> Iterator[None]:
        with self._lock:
            game_lock = self._game_locks.setdefault(game, threading.Lock())
        with game_lock:
            yield

    def drop(self, game: int) -> None:
        with self._lock:
            self._games.pop(game, None)


def _verdict(meta: dict[str, str], question: int, options: list[int], now: int) -> str:
    """The memory store's twin of the Lua script's checks (same order, same answers)."""
    if meta.get("phase") != "question" or meta.get("q") != str(question):
        return NOT_OPEN
    if now >= int(meta.get("deadline", "0")):
        return LATE
    count = int(meta.get("nopt", "0"))
    if (
        not options
        or len(set(options)) != len(options)
        or any(o < 0 or o >= count for o in options)
    ):
        return BAD_OPTION
    return OK


# The checks and the store of one answer, shared by the two scripts below (so the view's path
# and the fast path cannot answer differently). Expects ``now`` (ms, Redis's clock), ``player``,
# ``question``, ``given`` (options, a sorted JSON list) and ``eligible`` ("alive,rescued"); KEYS:
# meta, state, answers of the question, seen. Returns {verdict, stored JSON or "", count}.
ANSWER_BODY = """
local existing = redis.call('HGET', KEYS[3], player)
if existing then return {'dup', existing, redis.call('HLEN', KEYS[3])} end
local meta = redis.call('HMGET', KEYS[1], 'phase', 'q', 'deadline', 'nopt')
if meta[1] ~= 'question' or meta[2] ~= question then return {'not_open', '', 0} end
if now >= tonumber(meta[3]) then return {'late', '', 0} end
local options = cjson.decode(given)
local count = tonumber(meta[4])
if #options == 0 then return {'bad_option', '', 0} end
local seen = {}
for _, o in ipairs(options) do
  if type(o) ~= 'number' or o ~= math.floor(o) or o < 0 or o >= count or seen[o] then
    return {'bad_option', '', 0}
  end
  seen[o] = true
end
local state = redis.call('HGET', KEYS[2], player)
local ok = false
if state then
  for s in string.gmatch(eligible, '[^,]+') do if s == state then ok = true end end
end
if not ok then return {'not_eligible', '', 0} end
local stored = '{"o":' .. given .. ',"t":' .. string.format('%d', now) .. '}'
redis.call('HSET', KEYS[3], player, stored)
redis.call('EXPIRE', KEYS[3], TTL)
redis.call('HSET', KEYS[4], player, now)
return {'ok', stored, redis.call('HLEN', KEYS[3])}
"""

_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
"""

TTL = 2 * 24 * 3600  # a game's keys outlive a long day of play

# ARGV: question, player, options (JSON list, sorted), eligible states ("alive,rescued").
ANSWER_SCRIPT = (
    _NOW
    + """
local question, player, given, eligible = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
"""
    + ANSWER_BODY
).replace("TTL", str(TTL))

# The fast path's (lantoa.livegame.fastpath): the phone's token first, as ``engine.player_of``
# finds the player. KEYS: meta, state, answers of the question, seen, tokens. ARGV: question,
# options (JSON list, sorted), token hash, return window (ms), the running status, the states
# that answer a question, those that answer a rescue question, the rescue role, the lobby
# status (``fastpath.fast_answer_args``). "fallback" where
# the view must decide (state not loaded, game over, unknown token, out of the return window).
FAST_ANSWER_SCRIPT = (
    _NOW
    + """
local question, given = ARGV[1], ARGV[2]
local status = redis.call('HMGET', KEYS[1], 'status', 'qrole')
if not status[1] or (status[1] ~= ARGV[5] and status[1] ~= ARGV[9]) then
  return {'fallback', '', 0}
end
local player = redis.call('HGET', KEYS[5], ARGV[3])
if not player then return {'fallback', '', 0} end
if status[1] == ARGV[5] then
  local last = redis.call('HGET', KEYS[4], player)
  if not last or now - tonumber(last) > tonumber(ARGV[4]) then return {'fallback', '', 0} end
end
local eligible = ARGV[6]
if status[2] == ARGV[8] then eligible = ARGV[7] end
"""
    + ANSWER_BODY
).replace("TTL", str(TTL))

# The stream's fast path (lantoa.livegame.fastpath): the player of a phone's token, as
# ``engine.player_of`` finds it. KEYS: meta, tokens, seen. ARGV: token hash, return window (ms),
# the running status. "fallback" where the view must decide (state not loaded, unknown token,
# out of the return window while the game runs).
PLAYER_SCRIPT = (
    _NOW
    + """
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return 'fallback' end
local player = redis.call('HGET', KEYS[2], ARGV[1])
if not player then return 'fallback' end
if status == ARGV[3] then
  local last = redis.call('HGET', KEYS[3], player)
  if not last or now - tonumber(last) > tonumber(ARGV[2]) then return 'fallback' end
end
return player
"""
)

# KEYS: the unsaved record. Deletes it if it is still ARGV[1] (a later reveal's is kept).
SAVED_SCRIPT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

# KEYS: meta. Sets the deadline to now if it is later; returns now (ms).
CLOSE_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local deadline = tonumber(redis.call('HGET', KEYS[1], 'deadline') or '0')
if deadline > now then redis.call('HSET', KEYS[1], 'deadline', now) end
return now
"""


class RedisStore:
    def __init__(self, client: Any, prefix: str) -> None:
        self.client = client
        self.prefix = prefix
        self._answer = client.register_script(ANSWER_SCRIPT)
        self._close = client.register_script(CLOSE_SCRIPT)
        self._saved = client.register_script(SAVED_SCRIPT)
        self.db = int(client.connection_pool.connection_kwargs.get("db") or 0)

    @property
    def channel(self) -> str:
        return channel_name(self.prefix, self.db)

    def key(self, game: int, name: str) -> str:
        return f"{self.prefix}:g:{game}:{name}"

    def _touch(self, pipe: Any, game: int, name: str) -> None:
        pipe.expire(self.key(game, name), TTL)

    def now_ms(self) -> int:
        seconds, micros = self.client.time()
        return int(seconds) * 1000 + int(micros) // 1000

    def meta(self, game: int) -> dict[str, str]:
        raw = self.client.hgetall(self.key(game, "meta"))
        return {k.decode(): v.decode() for k, v in raw.items()}

    def set_meta(self, game: int, values: dict[str, Any]) -> None:
        pipe = self.client.pipeline()
        pipe.hset(self.key(game, "meta"), mapping={k: str(v) for k, v in values.items()})
        self._touch(pipe, game, "meta")
        pipe.execute()

    def next_seq(self, game: int) -> int:
        return int(self.client.hincrby(self.key(game, "meta"), "seq", 1))

    def players(self, game: int) -> dict[int, dict[str, Any]]:
        raw = self.client.hgetall(self.key(game, "players"))
        return {int(k): json.loads(v) for k, v in raw.items()}

    def player(self, game: int, player: int) -> dict[str, Any] | None:
        found = self.client.hget(self.key(game, "players"), player)
        return json.loads(found) if found is not None else None

    def state(self, game: int, player: int) -> str | None:
        found = self.client.hget(self.key(game, "state"), player)
        return found.decode() if found is not None else None

    def set_players(self, game: int, values: dict[int, dict[str, Any]]) -> None:
        if not values:
            return
        pipe = self.client.pipeline()
        pipe.hset(
            self.key(game, "players"),
            mapping={k: json.dumps(v, separators=(",", ":")) for k, v in values.items()},
        )
        self._touch(pipe, game, "players")
        pipe.execute()

    def states(self, game: int) -> dict[int, str]:
        raw = self.client.hgetall(self.key(game, "state"))
        return {int(k): v.decode() for k, v in raw.items()}

    def set_states(self, game: int, values: dict[int, str]) -> None:
        if not values:
            return
        pipe = self.client.pipeline()
        pipe.hset(self.key(game, "state"), mapping=values)
        self._touch(pipe, game, "state")
        pipe.execute()

    def player_of_token(self, game: int, token_hash: str) -> int | None:
        found = self.client.hget(self.key(game, "tokens"), token_hash)
        return int(found) if found is not None else None

    def set_token(self, game: int, token_hash: str, player: int) -> None:
        pipe = self.client.pipeline()
        pipe.hset(self.key(game, "tokens"), token_hash, player)
        self._touch(pipe, game, "tokens")
        pipe.execute()

    def answer(
        self, game: int, question: int, player: int, options: list[int], eligible: str
    ) -> tuple[str, dict[str, Any] | None, int]:
        verdict, stored, count = self._answer(
            keys=self.answer_keys(game, question),
            args=[question, player, json.dumps(sorted(options)), eligible],
        )
        return verdict.decode(), json.loads(stored) if stored else None, int(count)

    def answer_keys(self, game: int, question: int, *, fast: bool = False) -> list[str]:
        keys = ["meta", "state", f"a:{question}", "seen", *(["tokens"] if fast else [])]
        return [self.key(game, k) for k in keys]

    def answers(self, game: int, question: int) -> dict[int, dict[str, Any]]:
        raw = self.client.hgetall(self.key(game, f"a:{question}"))
        return {int(k): json.loads(v) for k, v in raw.items()}

    def my_answer(self, game: int, question: int, player: int) -> dict[str, Any] | None:
        found = self.client.hget(self.key(game, f"a:{question}"), player)
        return json.loads(found) if found else None

    def close(self, game: int) -> int:
        return int(self._close(keys=[self.key(game, "meta")]))

    def save_reveal(
        self,
        game: int,
        players: dict[int, dict[str, Any]],
        states: dict[int, str],
        meta: dict[str, Any],
        unsaved: str,
    ) -> None:
        """A reveal's results, at once (MULTI/EXEC): the players' scores, their states, the
        revealed phase and the record of what the database does not hold yet."""
        pipe = self.client.pipeline(transaction=True)
        if players:
            pipe.hset(
                self.key(game, "players"),
                mapping={k: json.dumps(v, separators=(",", ":")) for k, v in players.items()},
            )
        if states:
            pipe.hset(self.key(game, "state"), mapping=states)
        pipe.hset(self.key(game, "meta"), mapping={k: str(v) for k, v in meta.items()})
        pipe.set(self.key(game, "unsaved"), unsaved, ex=TTL)
        for name in ("players", "state", "meta"):
            self._touch(pipe, game, name)
        pipe.execute()

    def unsaved(self, game: int) -> str | None:
        found = self.client.get(self.key(game, "unsaved"))
        return found.decode() if found else None

    def saved(self, game: int, unsaved: str) -> None:
        self._saved(keys=[self.key(game, "unsaved")], args=[unsaved])

    def seen(self, game: int, values: dict[int, int]) -> None:
        if values:
            pipe = self.client.pipeline()
            pipe.hset(self.key(game, "seen"), mapping=values)
            self._touch(pipe, game, "seen")
            pipe.execute()

    def last_seen(self, game: int, player: int) -> int | None:
        found = self.client.hget(self.key(game, "seen"), player)
        return int(found) if found is not None else None

    def publish(self, event: dict[str, Any]) -> None:
        self.client.publish(self.channel, json.dumps(event, separators=(",", ":")))

    @contextmanager
    def lock(self, game: int) -> Iterator[None]:
        # Host actions of one game, one at a time across processes (a double tap, two hosts).
        with self.client.lock(self.key(game, "lock"), timeout=30, blocking_timeout=10):
            yield

    def drop(self, game: int) -> None:
        keys = list(self.client.scan_iter(match=self.key(game, "*"), count=500))
        if keys:
            self.client.delete(*keys)


def channel_name(prefix: str, db: int) -> str:
    """The games' pub/sub channel of a deployment: its key prefix and its Redis database."""
    return f"{prefix}:{db}:events"


_store: Store | None = None
_store_lock = threading.Lock()


def get_store() -> Store:
    """This process's store: Redis when ``REDIS_URL`` is set, else one process's memory."""
    global _store
    with _store_lock:
        if _store is None:
            if settings.REDIS_URL:
                import redis

                # Threads of a process (requests, the streams' keeper) wait for one of its
                # connections rather than fail when a hall comes at once.
                pool = redis.BlockingConnectionPool.from_url(
                    settings.REDIS_URL,
                    max_connections=64,
                    timeout=5.0,
                    socket_timeout=5.0,
                    socket_connect_timeout=2.0,
                )
                client = redis.Redis(connection_pool=pool)
                redis_store = RedisStore(client, settings.LANTOA_LIVEGAME_REDIS_PREFIX)
                hub.listen_redis(settings.REDIS_URL, redis_store.channel)
                _store = redis_store
            else:
                _store = MemoryStore()
        return _store


def set_store(store: Store | None) -> None:
    """Play on this store (None: choose again from the settings); ``engine.use_store`` also
    drops the answer counts waiting for the store left."""
    global _store
    with _store_lock:
        _store = store

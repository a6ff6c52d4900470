"""Webhook fast path: a verified message is acknowledged after one Redis round trip.

Zalo wants an answer within 2 seconds and re-sends for hours; Messenger likewise. A burst (a
factory's workers all writing after a wage delay) must not make the answers slow, and each
platform delivers the same message up to three times. Django's middleware, gunicorn's
HTTP handling and a database write per delivery cost several milliseconds of CPU per
request, far too much for hundreds of messages a second on a small server (bench/README.md,
"Webhook bursts").

So in production the webhooks are served by their own ASGI process (``lantoa serve-webhooks``:
uvicorn, ``lantoa.asgi:application``; nginx sends ``/webhooks/`` there), where, with
``REDIS_URL`` set and ``LANTOA_WEBHOOK_QUEUE`` = ``redis`` (the default then),
``WebhookFastPath`` handles ``POST /webhooks/zalo/`` and ``POST /webhooks/facebook/``
itself, in the event loop:

1. reads the body (≤ 256 KB, of a declared ``Content-Length``);
2. runs the very checks of the Django views (``zalo.webhook.check``,
   ``facebook.webhook.check``: JSON, fields, known OA/page, signature, attachment sizes),
   with the connected accounts taken from a per-process cache (read in a thread on a miss);
3. in ONE Redis script call: unless the platform's message id was seen already, appends the
   event to a Redis stream and remembers the id (``LANTOA_WEBHOOK_SEEN_SECONDS``); the script
   also compares the accounts' version, so a connection changed, paused or removed is read
   again from the database before anything is accepted with remembered secrets;
4. answers 200.

Anything else — a GET, a rejection (counted), an ignored event, a Messenger POST with
receipts, Redis unreachable — goes to the Django application unchanged, whose view handles
it as it always did (storing straight into the database). So the fast path never answers
differently from the view; it only answers sooner. Without Redis (the demo) or behind
gunicorn (WSGI), the views do everything.

The background worker moves the stream into ``InboundEvent`` rows (``stream_drain``: a
consumer group, batches inserted with ``ON CONFLICT DO NOTHING``, acknowledged and deleted
after the commit; entries a killed worker had read are taken over after
``PENDING_IDLE``) and processes them as before (``processing.events_process_waiting``).
Nothing acknowledged is lost when a web or worker process dies: the event is in Redis before
the answer, and Redis must keep its data on disk (``appendonly yes``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import DatabaseError, close_old_connections, transaction

from lantoa.connectors.facebook import webhook as facebook_webhook
from lantoa.connectors.models import (
    AccountStatus,
    ConnectorAccount,
    CounterReason,
    InboundEvent,
)
from lantoa.connectors.webhooks import MAX_BODY_BYTES, Rejected, WebhookAccount
from lantoa.connectors.zalo import webhook as zalo_webhook

log = logging.getLogger(__name__)

GROUP = "lantoa-ingest"
# An entry read by a consumer that died is taken over once it has been pending this long. A
# live consumer stores and acknowledges what it read within a second or two; one merely slow
# and overtaken stores nothing twice (the unique index), so this can be short.
PENDING_IDLE = dt.timedelta(seconds=10)
DRAIN_BATCH = 200
# The per-process account cache is read again at least this often, whatever the version says.
ACCOUNT_TTL = 30.0
ACCOUNT_CACHE_MAX = 10_000
# After Redis failed, requests go to the Django view for this long before Redis is tried again.
REDIS_RETRY_AFTER = 5.0
# Redis connections per webhook process; script calls on their way at once, and the most
# requests one call carries (see AsyncQueue).
REDIS_CONNECTIONS = 8
REDIS_CALLS_IN_FLIGHT = 2
MAX_BATCH = 200


def enabled() -> bool:
    return bool(settings.REDIS_URL) and settings.LANTOA_WEBHOOK_QUEUE == "redis"


def _keys() -> tuple[str, str]:
    base = settings.LANTOA_WEBHOOK_REDIS_PREFIX
    return f"{base}:stream", f"{base}:accounts-version"


def _seen_key(platform: str, event_id: str) -> str:
    return f"{settings.LANTOA_WEBHOOK_REDIS_PREFIX}:seen:{platform}:{event_id}"


_clients: dict[str, Any] = {}
_clients_lock = threading.Lock()


def redis_client() -> Any:
    """The worker's and the signals' client: one (and its connection pool) per process."""
    import redis

    url = settings.REDIS_URL
    with _clients_lock:
        client = _clients.get(url)
        if client is None:
            client = redis.Redis.from_url(
                url, socket_timeout=5.0, socket_connect_timeout=2.0, health_check_interval=30
            )
            _clients[url] = client
        return client


# KEYS: stream, accounts version, then one "seen" key per event.
# ARGV: the version the caller's accounts were read at, the seen TTL, then one entry per event.
# Returns {1, version, new?...} — one 1 (queued) or 0 (seen before) per event — or {-1, version}
# when the caller's accounts are stale (nothing is written then). An entry is appended BEFORE
# its id is remembered: if the append fails nothing is remembered and the platform's
# re-delivery is queued. Two deliveries of one message in the same call: the first is queued.
_ENQUEUE = """
local version = redis.call('GET', KEYS[2]) or '0'
if version ~= ARGV[1] then
  return {-1, version}
end
local answer = {1, version}
for i = 3, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 0 then
    redis.call('XADD', KEYS[1], '*', 'e', ARGV[i])
    redis.call('SET', KEYS[i], '1', 'EX', ARGV[2])
    answer[i] = 1
  else
    answer[i] = 0
  end
end
return answer
"""


class StaleAccounts(Exception):
    def __init__(self, version: str) -> None:
        super().__init__(version)
        self.version = version


@dataclass(frozen=True)
class Queued:
    """One verified event to queue. ``raw``: the payload's JSON exactly as received, when the
    payload is the whole body (Zalo), so that it is not serialised again."""

    platform: str
    account_id: int
    event_id: str
    payload: dict[str, Any]
    raw: bytes = b""


def _entry(event: Queued, now: float) -> bytes:
    head = json.dumps(
        {"p": event.platform, "a": event.account_id, "i": event.event_id, "t": now},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    payload = (
        event.raw or json.dumps(event.payload, ensure_ascii=False, separators=(",", ":")).encode()
    )
    return head[:-1].encode() + b',"d":' + payload + b"}"


def _enqueue_call(events: list[Queued], version: str) -> tuple[list[str], list[Any]]:
    stream, version_key = _keys()
    now = time.time()
    keys = [stream, version_key] + [_seen_key(e.platform, e.event_id) for e in events]
    args: list[Any] = [version, settings.LANTOA_WEBHOOK_SEEN_SECONDS]
    args += [_entry(e, now) for e in events]
    return keys, args


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _new_flags(answer: Any) -> list[int]:
    """Per event, 1 if queued; raises ``StaleAccounts``."""
    if int(answer[0]) == -1:
        raise StaleAccounts(_text(answer[1]))
    return [int(flag) for flag in answer[2:]]


def enqueue(events: list[Queued], *, version: str) -> int:
    """Append the events not seen before to the stream; returns how many were new. Raises
    ``StaleAccounts`` (writing nothing) when the accounts changed since ``version``.
    (The synchronous twin of ``AsyncQueue.enqueue``, for the tests and tools.)"""
    keys, args = _enqueue_call(events, version)
    return sum(_new_flags(redis_client().register_script(_ENQUEUE)(keys=keys, args=args)))


def accounts_changed() -> None:
    """Tell every webhook process that connected accounts changed (see the version check in
    ``_ENQUEUE``). Called after commit by the ConnectorAccount signals."""
    if not enabled():
        return
    try:
        redis_client().incr(_keys()[1])
    except Exception:
        # The per-process caches still expire after ACCOUNT_TTL.
        log.warning("could not announce a connector account change to the webhook processes")


class AsyncQueue:
    """The webhook process's side of the queue: an asyncio Redis client in its event loop.

    Group commit: requests that arrive while a script call is on its way wait for the next
    one, which carries all of them (one round trip, one command packed and parsed, instead of
    one per request). Idle, a request goes out at once; under a burst, calls grow instead of
    queueing up, so the cost per request falls as the load rises.
    """

    def __init__(self, url: str) -> None:
        import redis.asyncio

        pool = redis.asyncio.BlockingConnectionPool.from_url(
            url,
            max_connections=REDIS_CONNECTIONS,
            timeout=2.0,
            socket_timeout=2.0,
            socket_connect_timeout=1.0,
            health_check_interval=30,
        )
        self.client = redis.asyncio.Redis(connection_pool=pool)
        self.script = self.client.register_script(_ENQUEUE)
        self.loop = asyncio.get_running_loop()
        self.waiting: list[tuple[list[Queued], str, asyncio.Future[int]]] = []
        self.in_flight = 0
        self.tasks: set[asyncio.Task[None]] = set()

    async def enqueue(self, events: list[Queued], *, version: str) -> int:
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self.waiting.append((events, version, future))
        if self.in_flight < REDIS_CALLS_IN_FLIGHT:
            self._send()
        return await future

    def _send(self) -> None:
        batch, self.waiting = self.waiting[:MAX_BATCH], self.waiting[MAX_BATCH:]
        if not batch:
            return
        self.in_flight += 1
        task = asyncio.ensure_future(self._call(batch))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _call(self, batch: list[tuple[list[Queued], str, asyncio.Future[int]]]) -> None:
        try:
            # Nearly always one version; a cache that moved meanwhile makes a second group.
            for version in dict.fromkeys(v for _, v, _ in batch):
                group = [item for item in batch if item[1] == version]
                events = [event for item in group for event in item[0]]
                keys, args = _enqueue_call(events, version)
                try:
                    flags = _new_flags(await self.script(keys=keys, args=args))
                except BaseException as exc:
                    failure = exc if isinstance(exc, Exception) else asyncio.CancelledError()
                    for _, _, future in group:
                        if not future.done():
                            future.set_exception(failure)
                    if failure is not exc:
                        raise
                    continue
                at = 0
                for queued, _, future in group:
                    if not future.done():
                        future.set_result(sum(flags[at : at + len(queued)]))
                    at += len(queued)
        finally:
            self.in_flight -= 1
            if self.waiting and self.in_flight < REDIS_CALLS_IN_FLIGHT:
                self._send()

    async def version(self) -> str:
        raw = await self.client.get(_keys()[1])
        return _text(raw) if raw else "0"


# ---------------------------------------------------------------------------------------------
# Per-process cache of connected accounts


class CacheMiss(Exception):
    """The cache must read the database first: ``load()`` (blocking; the caller runs it in a
    thread, never in the event loop), then the check is run again."""

    def __init__(self, key: Any, load: Callable[[], None]) -> None:
        super().__init__()
        self.key = key
        self.load = load


class AccountCache:
    """The accounts the webhooks verify against, by Zalo app id and by Facebook page id, read
    from the database on a miss and at least every ``ACCOUNT_TTL`` seconds; dropped whenever
    the Redis version moves (see ``_ENQUEUE``). Unknown ids are remembered too (as nothing),
    so a flood of them costs one query per id and period."""

    def __init__(self, ttl: float = ACCOUNT_TTL) -> None:
        self.ttl = ttl
        self.lock = threading.Lock()
        self.version: str | None = None
        # Moves with every clearing: a read begun before it is not stored (it may hold what
        # the database said before the change that moved the version).
        self.generation = 0
        self.zalo: dict[str, tuple[float, list[WebhookAccount]]] = {}
        self.pages: dict[str, tuple[float, WebhookAccount | None]] = {}

    def at_version(self, version: str) -> None:
        with self.lock:
            if version != self.version:
                self.zalo.clear()
                self.pages.clear()
                self.version = version
                self.generation += 1

    def _remember(self, table: dict[str, Any], generation: int, values: dict[str, Any]) -> None:
        """Keep what a read found, unless the cache was cleared since the read began."""
        with self.lock:
            if generation != self.generation:
                return
            if len(table) >= ACCOUNT_CACHE_MAX:
                table.clear()
            expires = time.monotonic() + self.ttl
            table.update({key: (expires, value) for key, value in values.items()})

    def zalo_accounts(self, app_id: str) -> list[WebhookAccount]:
        hit = self.zalo.get(app_id)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]

        generation = self.generation

        def load() -> None:
            accounts = _from_database(zalo_webhook.accounts_of_app, app_id)
            self._remember(self.zalo, generation, {app_id: accounts})

        raise CacheMiss(("zalo", app_id, generation), load)

    def page_accounts(self, page_ids: set[str]) -> dict[str, WebhookAccount]:
        now = time.monotonic()
        found: dict[str, WebhookAccount] = {}
        missing: set[str] = set()
        for page_id in page_ids:
            hit = self.pages.get(page_id)
            if hit is None or hit[0] <= now:
                missing.add(page_id)
            elif hit[1] is not None:
                found[page_id] = hit[1]
        if not missing:
            return found

        generation = self.generation

        def load() -> None:
            loaded = _from_database(facebook_webhook.accounts_of_pages, missing)
            self._remember(self.pages, generation, {p: loaded.get(p) for p in missing})

        raise CacheMiss(("pages", frozenset(missing), generation), load)


class _Unavailable(Exception):
    """The fast path cannot decide: the Django view takes the request."""


def _from_database(load: Callable[[Any], Any], key: Any) -> Any:
    # Outside Django's request cycle: drop a connection the server closed, as a request would.
    close_old_connections()
    try:
        return load(key)
    except DatabaseError as exc:
        raise _Unavailable from exc


# ---------------------------------------------------------------------------------------------
# The ASGI wrapper


_OK_HEADERS = [
    (b"content-type", b"application/json"),
    (b"x-content-type-options", b"nosniff"),
    (b"cache-control", b"no-store"),
]

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[Mapping[str, Any]]]
Send = Callable[[Mapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class WebhookFastPath:
    """Wraps lantoa's ASGI application; see the module's documentation."""

    def __init__(self, app: ASGIApp, *, zalo_path: str, facebook_path: str) -> None:
        self.app = app
        self.routes: dict[str, tuple[str, Callable[[bytes, str], tuple[list[Queued], bool]]]] = {
            zalo_path: ("x-zevent-signature", self._zalo),
            facebook_path: ("x-hub-signature-256", self._facebook),
        }
        self.cache = AccountCache()
        self.queue: AsyncQueue | None = None
        self.redis_down_until = 0.0
        self.background: set[asyncio.Future[Any]] = set()
        self.loading: dict[Any, asyncio.Future[None]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = self.routes.get(scope.get("path", "")) if scope["type"] == "http" else None
        if (
            route is None
            or scope.get("method") != "POST"
            or time.monotonic() < self.redis_down_until
        ):
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        try:
            length = int(headers.get(b"content-length", b""))
        except ValueError:
            length = -1
        if not 0 < length <= MAX_BODY_BYTES:
            return await self.app(scope, receive, send)  # the view reads (and refuses) it
        raw, complete = await _read_body(receive, length)
        if not complete:
            return await self.app(scope, _replay(raw, receive), send)
        header = headers.get(route[0].encode(), b"").decode("latin-1")
        try:
            answer = await self._accept(route[1], raw, header)
        except (Rejected, _Unavailable):
            return await self.app(scope, _replay(raw, receive), send)
        except Exception as exc:
            if not _is_redis_error(exc):
                raise
            self.redis_down_until = time.monotonic() + REDIS_RETRY_AFTER
            log.warning("webhook queue unavailable (%s); storing in the database", type(exc))
            return await self.app(scope, _replay(raw, receive), send)
        body = json.dumps(answer).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [*_OK_HEADERS, (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def _accept(
        self, check: Callable[[bytes, str], tuple[list[Queued], bool]], raw: bytes, header: str
    ) -> dict[str, Any]:
        """Check (reading the database in a thread when the cache misses) and queue; once more
        with fresh accounts when the version moved meanwhile."""
        if self.queue is None or self.queue.loop is not asyncio.get_running_loop():
            # One per event loop (a server has one per process; the tests start several).
            self.queue = AsyncQueue(settings.REDIS_URL)
        if self.cache.version is None:
            self.cache.at_version(await self.queue.version())
        for _ in range(3):
            try:
                events, batch = check(raw, header)
            except CacheMiss as miss:
                await self._load(miss)
                continue
            if not events:
                raise _Unavailable  # ignored events are counted by the view
            version = self.cache.version or "0"
            try:
                stored = await self.queue.enqueue(events, version=version)
            except StaleAccounts as stale:
                self.cache.at_version(stale.version)
                continue
            if stored:
                self._request_processing()
            return {"ok": True, "stored": stored} if batch else {"ok": True}
        raise _Unavailable

    async def _load(self, miss: CacheMiss) -> None:
        """Run a cache read, once for all the requests that miss the same thing at the same
        time (a fresh process, an expired entry: hundreds of requests in flight would otherwise
        each read the database, one after the other). In one thread per process (the database
        connection stays there), never in the event loop."""
        running = self.loading.get(miss.key)
        if running is None or running.get_loop() is not asyncio.get_running_loop():
            running = asyncio.ensure_future(sync_to_async(miss.load, thread_sensitive=True)())
            self.loading[miss.key] = running
            running.add_done_callback(lambda _: self.loading.pop(miss.key, None))
        await asyncio.shield(running)

    def _request_processing(self) -> None:
        """Ask the worker to store and process: a Celery message at most twice a second per
        process (``tasks.waiting_countdown``), published in a thread, never in the loop."""
        from lantoa.connectors.tasks import publish_waiting, waiting_countdown

        countdown = waiting_countdown()
        if countdown is None:
            return
        future = asyncio.get_running_loop().run_in_executor(None, publish_waiting, countdown)
        self.background.add(future)
        future.add_done_callback(self.background.discard)

    def _zalo(self, raw: bytes, header: str) -> tuple[list[Queued], bool]:
        checked = zalo_webhook.check(raw, header, self.cache.zalo_accounts)
        if checked is None:
            return [], False
        account, event_id = checked.account.id, checked.event_id
        return [Queued(zalo_webhook.PLATFORM, account, event_id, checked.payload, raw=raw)], False

    def _facebook(self, raw: bytes, header: str) -> tuple[list[Queued], bool]:
        checked = facebook_webhook.check(raw, header, self.cache.page_accounts)
        if checked.ignored or checked.unknown:
            return [], True  # the view counts them
        platform = facebook_webhook.PLATFORM
        return [
            Queued(platform, m.account.id, m.event_id, m.payload) for m in checked.messages
        ], True


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
    """lantoa's ASGI application, behind the fast path where it is configured."""
    if not enabled():
        return app
    from django.urls import reverse

    ensure_group()
    return WebhookFastPath(
        app, zalo_path=reverse("connectors:zalo"), facebook_path=reverse("connectors:facebook")
    )


# ---------------------------------------------------------------------------------------------
# The worker's side: stream → InboundEvent


def ensure_group() -> None:
    """The consumer group, created from the stream's start (so nothing added before it is
    skipped). Failing here is not fatal: the web falls back to the database path."""
    import redis

    try:
        redis_client().xgroup_create(_keys()[0], GROUP, id="0", mkstream=True)
    except redis.ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise
    except redis.RedisError:
        log.warning("could not create the webhook queue's consumer group")


def _consumer_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


@dataclass
class Drained:
    read: int = 0  # stream entries taken (re-deliveries already stored included)
    dropped: int = 0  # paused accounts' events, unreadable entries


def stream_drain(*, budget: float = 10.0, batch: int = DRAIN_BATCH) -> Drained:
    """Move what the web processes queued into ``InboundEvent`` rows, batch by batch, until
    the stream has nothing new or ``budget`` seconds are spent. First takes over entries
    that a dead consumer read and never acknowledged. Idempotent: an entry stored twice (a
    worker killed between the commit and the acknowledgement) meets the unique index."""
    import redis

    result = Drained()
    if not enabled():
        return result
    client = redis_client()
    stream = _keys()[0]
    consumer = _consumer_name()
    deadline = time.monotonic() + budget
    try:
        claimed = client.xautoclaim(
            stream,
            GROUP,
            consumer,
            min_idle_time=int(PENDING_IDLE.total_seconds() * 1000),
            start_id="0-0",
            count=batch,
        )
        if claimed[1]:
            _store(client, stream, claimed[1], result)
        while time.monotonic() < deadline:
            got = client.xreadgroup(GROUP, consumer, {stream: ">"}, count=batch)
            entries = got[0][1] if got else []
            if not entries:
                break
            _store(client, stream, entries, result)
    except redis.ResponseError as exc:
        if "NOGROUP" not in str(exc):
            raise
        ensure_group()
    return result


def _store(client: Any, stream: str, entries: list[Any], result: Drained) -> None:
    from lantoa.connectors.services import counter_increment

    ids = [entry_id for entry_id, _ in entries]
    parsed: list[dict[str, Any]] = []
    unreadable = 0
    for _, fields in entries:
        try:
            data = json.loads(fields[b"e"])
            parsed.append(
                {
                    "platform": str(data["p"]),
                    "account_id": int(data["a"]),
                    "event_id": str(data["i"])[:255],
                    "received_at": dt.datetime.fromtimestamp(float(data["t"]), tz=dt.UTC),
                    "payload": data["d"],
                }
            )
        except (KeyError, TypeError, ValueError):
            # Only this module writes the stream: a bug or a foreign writer, not a worker's
            # message. Dropped (kept would block nothing either), and said in the log.
            unreadable += 1
            log.error("unreadable entry in the webhook queue dropped")
    statuses = dict(
        ConnectorAccount.objects.filter(pk__in={p["account_id"] for p in parsed}).values_list(
            "pk", "status"
        )
    )
    rows = []
    paused: dict[str, int] = {}
    for item in parsed:
        status = statuses.get(item["account_id"])
        if status == AccountStatus.PAUSED:
            paused[item["platform"]] = paused.get(item["platform"], 0) + 1
            continue
        if status is None:
            item["account_id"] = None  # removed since: processed as an orphan, as before
        rows.append(InboundEvent(**item, attempts=0, error=""))
    with transaction.atomic():
        InboundEvent.objects.bulk_create(rows, ignore_conflicts=True)
        for platform, count in paused.items():
            counter_increment(platform=platform, reason=CounterReason.IGNORED, by=count)
    # Only after the commit: a worker killed before this line leaves the entries pending, and
    # whoever takes them over meets the unique index.
    pipe = client.pipeline(transaction=False)
    pipe.xack(stream, GROUP, *ids)
    pipe.xdel(stream, *ids)
    pipe.execute()
    result.read += len(entries)
    result.dropped += unreadable + sum(paused.values())


def backlog() -> int | None:
    """Entries in the stream not yet moved into the database (for the connector page and the
    bench); 0 without the Redis queue, None when Redis does not answer."""
    if not enabled():
        return 0
    try:
        return int(redis_client().xlen(_keys()[0]))
    except Exception:
        return None

"""The webhook fast path (lantoa/connectors/ingest.py) against the Redis on this machine:
the ASGI application as deployed answers a verified message after queueing it in Redis,
re-deliveries are queued once, everything else goes to the Django view unchanged, changed
connections are never verified with remembered secrets, and the worker's drain moves the
queue into the database exactly once — also after a consumer died holding entries, and in a
real Celery worker. Fails, not skips, with LANTOA_REQUIRE_SERVICES=1."""

from __future__ import annotations

import asyncio
import copy
import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.core.asgi import get_asgi_application
from django.test.utils import override_settings
from django.urls import reverse

from lantoa.connectors import ingest, tasks
from lantoa.connectors.facebook.webhook import signature as fb_signature
from lantoa.connectors.models import (
    AccountStatus,
    ConnectorAccount,
    CounterReason,
    InboundEvent,
    Platform,
)
from lantoa.connectors.services import connector_account_save
from lantoa.connectors.zalo.webhook import signature as zalo_signature
from lantoa.inquiries.models import Direction, Message
from tests.conftest import Tree, celery_conf
from tests.fixtures.connectors.support import (
    FB_APP_SECRET,
    ZALO_OA_SECRET,
    counter_value,
    facebook_account,
    fixture_json,
    zalo_account,
)

# The webhook addresses as registered at Zalo and Facebook: the literal address is what counts.
ZALO = "/webhooks/zalo/"
FACEBOOK = "/webhooks/facebook/"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queue(redis_url: str) -> Iterator[Any]:
    """The fast path on, with keys of this test only; eager tasks off (the drain is run by the
    test, or by a real worker), the queued processing tasks recorded instead of published."""
    import redis

    prefix = f"lantoa-test:{uuid.uuid4().hex}"
    with override_settings(
        REDIS_URL=redis_url,
        LANTOA_WEBHOOK_QUEUE="redis",
        LANTOA_WEBHOOK_REDIS_PREFIX=prefix,
        CELERY_TASK_ALWAYS_EAGER=False,
    ):
        yield redis.Redis.from_url(redis_url)
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


@pytest.fixture
def queued_tasks(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Countdowns of the ``process_waiting`` tasks the web side asked for (not published)."""
    asked: list[float] = []
    monkeypatch.setattr(tasks, "_coalescer", tasks._Coalescer(window=1.0))
    monkeypatch.setattr(tasks, "_queue_waiting", lambda countdown=0.0: asked.append(countdown))
    return asked


@pytest.fixture
def app(queue: Any) -> Any:
    wrapped = ingest.wrap(get_asgi_application())
    assert isinstance(wrapped, ingest.WebhookFastPath)
    return wrapped


def _exchange(app: Any, path: str, body: bytes, headers: dict[str, str] | None) -> Any:
    """One request through the ASGI application, as uvicorn would make it (a coroutine)."""
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
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 50000),
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            *((k.lower().encode(), v.encode()) for k, v in (headers or {}).items()),
        ],
    }
    answer: dict[str, Any] = {"body": b""}

    async def run() -> dict[str, Any]:
        sent = False

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.sleep(3600)  # the client stays connected
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
                answer["headers"] = {k.decode(): v.decode() for k, v in message["headers"]}
            elif message["type"] == "http.response.body":
                answer["body"] += message.get("body", b"")

        await app(scope, receive, send)
        answer["json"] = json.loads(answer["body"]) if answer["body"].startswith(b"{") else None
        return answer

    return run()


def call(app: Any, path: str, body: bytes, headers: dict[str, str] | None = None) -> Any:
    """One request. Run through ``async_to_sync`` so that Django's views (and the cache's
    reads) run in this thread, with the test's database connection."""

    async def one() -> Any:
        return await _exchange(app, path, body, headers)

    return async_to_sync(one)()


def call_at_once(app: Any, requests: list[tuple[str, bytes, dict[str, str]]]) -> list[Any]:
    """Several requests in flight at the same time in one event loop."""

    async def many() -> list[Any]:
        return list(await asyncio.gather(*(_exchange(app, *r) for r in requests)))

    return async_to_sync(many)()


def zalo_body(msg_id: str = "zmsg-0001", text: str = "Công ty nợ lương 2 tháng") -> bytes:
    payload = fixture_json("zalo", "user_send_text.json")
    payload["message"]["msg_id"] = msg_id
    payload["message"]["text"] = text
    return json.dumps(payload, ensure_ascii=False).encode()


def zalo_headers(raw: bytes, secret: str = ZALO_OA_SECRET) -> dict[str, str]:
    data = json.loads(raw)
    mac = zalo_signature(
        app_id=str(data["app_id"]), raw=raw, timestamp=str(data["timestamp"]), oa_secret_key=secret
    )
    return {"X-ZEvent-Signature": mac}


def fb_headers(raw: bytes, secret: str = FB_APP_SECRET) -> dict[str, str]:
    return {"X-Hub-Signature-256": fb_signature(secret, raw)}


def stream_length(queue: Any) -> int:
    return int(queue.xlen(ingest._keys()[0]))


# ---------------------------------------------------------------------------------------------
# Acknowledging


def test_verified_message_is_queued_once_and_stored_once(
    app: Any, queue: Any, queued_tasks: list[float], tree: Tree
) -> None:
    account = zalo_account(tree.a_kcn)
    raw = zalo_body()
    answers = [call(app, ZALO, raw, zalo_headers(raw)) for _ in range(3)]
    assert [a["status"] for a in answers] == [200, 200, 200]
    assert answers[0]["json"] == {"ok": True}
    assert answers[0]["headers"]["x-content-type-options"] == "nosniff"
    # Answered from Redis: nothing in the database yet, one entry for three deliveries, and
    # one processing task asked for (not one per delivery).
    assert InboundEvent.objects.count() == 0
    assert stream_length(queue) == 1
    assert queued_tasks == [0.0]

    drained = ingest.stream_drain()
    assert drained.read == 1 and drained.dropped == 0
    assert stream_length(queue) == 0  # acknowledged and deleted after the commit
    event = InboundEvent.objects.get()
    assert (event.platform, event.event_id, event.account_id) == (
        Platform.ZALO,
        "zmsg-0001",
        account.pk,
    )
    assert event.payload["message"]["text"] == "Công ty nợ lương 2 tháng"

    tasks.process_waiting()
    message = Message.objects.get(direction=Direction.IN)
    assert message.external_id == "zmsg-0001" and message.inquiry.unit == tree.a_kcn
    # A fourth delivery after the drain: still once (Redis remembers the id).
    assert call(app, ZALO, raw, zalo_headers(raw))["status"] == 200
    assert stream_length(queue) == 0 and InboundEvent.objects.count() == 1


def test_messenger_batch_is_queued_per_message(
    app: Any, queue: Any, queued_tasks: list[float], tree: Tree
) -> None:
    facebook_account(tree.a_g1)
    payload = fixture_json("facebook", "message_text.json")
    first = copy.deepcopy(payload["entry"][0]["messaging"][0])
    second = copy.deepcopy(first)
    second["message"]["mid"] = "m_second_0002"
    payload["entry"][0]["messaging"] = [first, second]
    raw = json.dumps(payload, ensure_ascii=False).encode()
    answer = call(app, FACEBOOK, raw, fb_headers(raw))
    assert answer["status"] == 200 and answer["json"] == {"ok": True, "stored": 2}
    again = call(app, FACEBOOK, raw, fb_headers(raw))
    assert again["json"] == {"ok": True, "stored": 0}
    assert stream_length(queue) == 2
    ingest.stream_drain()
    assert set(InboundEvent.objects.values_list("event_id", flat=True)) == {
        first["message"]["mid"],
        "m_second_0002",
    }


def test_a_replayed_old_message_is_acknowledged_from_redis_and_held(
    app: Any, queue: Any, queued_tasks: list[float], tree: Tree
) -> None:
    """The fast path answers as the view does (200); the worker holds the replay and keeps
    it once, whichever path stored it."""
    from lantoa.connectors.models import Hold

    zalo_account(tree.a_kcn)
    payload = fixture_json("zalo", "user_send_text.json")
    payload["timestamp"] = str(int(payload["timestamp"]) - 3 * 24 * 3_600_000)
    raw = json.dumps(payload, ensure_ascii=False).encode()
    assert [call(app, ZALO, raw, zalo_headers(raw))["status"] for _ in range(2)] == [200, 200]
    tasks.process_waiting()
    assert stream_length(queue) == 0
    event = InboundEvent.objects.get()
    assert event.held == Hold.STALE and event.processed_at is not None
    assert not Message.objects.exists()


# ---------------------------------------------------------------------------------------------
# What the fast path leaves to the Django view


def test_rejections_are_answered_and_counted_by_the_view(
    app: Any, queue: Any, queued_tasks: list[float], tree: Tree
) -> None:
    zalo_account(tree.a_kcn)
    raw = zalo_body()
    wrong = call(app, ZALO, raw, zalo_headers(raw, secret="not-the-oa-secret"))
    assert wrong["status"] == 401 and "X-ZEvent-Signature" in wrong["json"]["error"]
    missing = call(app, ZALO, raw)
    assert missing["status"] == 401
    broken = call(app, ZALO, b'{"app_id": ', {"X-ZEvent-Signature": "mac=00"})
    assert broken["status"] == 400 and broken["json"]["error"] == "Nội dung không phải JSON hợp lệ."
    unknown = fixture_json("zalo", "user_send_text.json")
    unknown["recipient"]["id"] = "999999999999"
    unknown_raw = json.dumps(unknown).encode()
    assert call(app, ZALO, unknown_raw, zalo_headers(unknown_raw))["status"] == 404
    assert counter_value(Platform.ZALO, CounterReason.BAD_SIGNATURE) == 1
    assert counter_value(Platform.ZALO, CounterReason.MISSING_SIGNATURE) == 1
    assert counter_value(Platform.ZALO, CounterReason.MALFORMED) == 1
    assert counter_value(Platform.ZALO, CounterReason.UNKNOWN_ACCOUNT) == 1
    assert stream_length(queue) == 0 and InboundEvent.objects.count() == 0
    assert queued_tasks == []


def test_ignored_events_and_receipts_go_to_the_view(
    app: Any, queue: Any, queued_tasks: list[float], tree: Tree
) -> None:
    zalo_account(tree.a_kcn)
    facebook_account(tree.a_g1)
    follow = json.dumps(fixture_json("zalo", "follow.json")).encode()
    answer = call(app, ZALO, follow, zalo_headers(follow))
    assert answer["status"] == 200 and answer["json"] == {"ok": True, "ignored": True}
    assert counter_value(Platform.ZALO, CounterReason.IGNORED) == 1
    # A Messenger POST with a message and a read receipt: the view stores the message in the
    # database at once and counts the receipt.
    payload = fixture_json("facebook", "message_text.json")
    item = payload["entry"][0]["messaging"][0]
    receipt = {k: item[k] for k in ("sender", "recipient", "timestamp")} | {
        "read": {"watermark": 1}
    }
    payload["entry"][0]["messaging"].append(receipt)
    raw = json.dumps(payload).encode()
    answer = call(app, FACEBOOK, raw, fb_headers(raw))
    assert answer["status"] == 200 and answer["json"] == {"ok": True, "stored": 1}
    assert counter_value(Platform.FACEBOOK, CounterReason.IGNORED) == 1
    assert InboundEvent.objects.filter(platform=Platform.FACEBOOK).count() == 1
    assert stream_length(queue) == 0


def test_oversized_and_empty_bodies_go_to_the_view(app: Any, queue: Any, tree: Tree) -> None:
    zalo_account(tree.a_kcn)
    big = b"{" + b" " * (300 * 1024) + b"}"
    assert call(app, ZALO, big, {"X-ZEvent-Signature": "mac=00"})["status"] == 413
    assert counter_value(Platform.ZALO, CounterReason.TOO_LARGE) == 1
    assert call(app, FACEBOOK, b"")["status"] == 400
    assert stream_length(queue) == 0


def test_redis_unreachable_falls_back_to_the_database(
    app: Any, queue: Any, tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    import redis

    zalo_account(tree.a_kcn)

    async def refused(*args: Any, **kwargs: Any) -> Any:
        raise redis.ConnectionError("Connection refused")

    monkeypatch.setattr(ingest.AsyncQueue, "enqueue", refused)
    raw = zalo_body("zmsg-fallback")
    answer = call(app, ZALO, raw, zalo_headers(raw))
    # Stored straight into the database by the view, and (eager off) waiting to be processed.
    assert answer["status"] == 200
    assert InboundEvent.objects.filter(event_id="zmsg-fallback").count() == 1
    assert app.redis_down_until > time.monotonic()
    # While Redis is considered down, requests go straight to the view.
    raw2 = zalo_body("zmsg-fallback-2")
    assert call(app, ZALO, raw2, zalo_headers(raw2))["status"] == 200
    assert InboundEvent.objects.filter(event_id="zmsg-fallback-2").count() == 1


def test_requests_missing_the_cache_together_read_the_database_once(
    app: Any, queue: Any, queued_tasks: list[float], tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lantoa.connectors.zalo import webhook as zalo_webhook

    zalo_account(tree.a_kcn)
    reads: list[str] = []
    real = zalo_webhook.accounts_of_app

    def counted(app_id: str) -> Any:
        reads.append(app_id)
        return real(app_id)

    monkeypatch.setattr(zalo_webhook, "accounts_of_app", counted)
    bodies = [zalo_body(f"zmsg-herd-{i}") for i in range(20)]
    answers = call_at_once(app, [(ZALO, raw, zalo_headers(raw)) for raw in bodies])
    assert [a["status"] for a in answers] == [200] * 20
    assert len(reads) == 1
    assert stream_length(queue) == 20


# ---------------------------------------------------------------------------------------------
# Changed connections


def test_a_changed_secret_is_never_verified_from_memory(
    app: Any, queue: Any, queued_tasks: list[float], tree: Tree
) -> None:
    account = zalo_account(tree.a_kcn)
    raw = zalo_body("zmsg-before")
    assert call(app, ZALO, raw, zalo_headers(raw))["status"] == 200  # the cache holds the key
    connector_account_save(
        channel=account.channel,
        actor=None,
        external_id=account.external_id,
        app_id=account.app_id,
        secrets={"webhook_secret": "the-new-oa-secret"},
    )
    old = zalo_body("zmsg-old-key")
    answer = call(app, ZALO, old, zalo_headers(old))
    assert answer["status"] == 401  # the version moved: read again, refused by the view
    new = zalo_body("zmsg-new-key")
    assert call(app, ZALO, new, zalo_headers(new, secret="the-new-oa-secret"))["status"] == 200
    ingest.stream_drain()
    assert set(InboundEvent.objects.values_list("event_id", flat=True)) == {
        "zmsg-before",
        "zmsg-new-key",
    }


def test_a_paused_connection_is_ignored_at_once_and_in_the_queue(
    app: Any, queue: Any, queued_tasks: list[float], tree: Tree
) -> None:
    account = zalo_account(tree.a_kcn)
    queued = zalo_body("zmsg-queued")
    assert call(app, ZALO, queued, zalo_headers(queued))["status"] == 200
    account.status = AccountStatus.PAUSED
    account.save()  # as the admin does
    later = zalo_body("zmsg-after-pause")
    answer = call(app, ZALO, later, zalo_headers(later))
    assert answer["json"] == {"ok": True, "ignored": True}
    # The event queued before the pause is dropped by the drain and counted as ignored.
    drained = ingest.stream_drain()
    assert drained.read == 1 and drained.dropped == 1
    assert InboundEvent.objects.count() == 0
    assert counter_value(Platform.ZALO, CounterReason.IGNORED) == 2


# ---------------------------------------------------------------------------------------------
# The drain


def test_entries_of_a_dead_consumer_are_taken_over_exactly_once(
    app: Any, queue: Any, queued_tasks: list[float], tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    zalo_account(tree.a_kcn)
    for i in range(3):
        raw = zalo_body(f"zmsg-dead-{i}")
        assert call(app, ZALO, raw, zalo_headers(raw))["status"] == 200
    stream = ingest._keys()[0]
    # A worker read two entries and died before storing them …
    got = queue.xreadgroup(ingest.GROUP, "dead-worker", {stream: ">"}, count=2)
    assert len(got[0][1]) == 2
    # … the next drain takes the third only: the two are not idle long enough yet.
    assert ingest.stream_drain().read == 1
    assert InboundEvent.objects.count() == 1
    # Once idle for PENDING_IDLE, they are taken over.
    monkeypatch.setattr(ingest, "PENDING_IDLE", ingest.dt.timedelta(0))
    assert ingest.stream_drain().read == 2
    assert sorted(InboundEvent.objects.values_list("event_id", flat=True)) == [
        "zmsg-dead-0",
        "zmsg-dead-1",
        "zmsg-dead-2",
    ]
    assert queue.xpending(stream, ingest.GROUP)["pending"] == 0


def test_an_entry_stored_before_a_crash_is_not_stored_twice(
    app: Any, queue: Any, queued_tasks: list[float], tree: Tree
) -> None:
    account = zalo_account(tree.a_kcn)
    raw = zalo_body("zmsg-twice")
    assert call(app, ZALO, raw, zalo_headers(raw))["status"] == 200
    # The worker committed the row, then died before acknowledging the entry: the same
    # entry is stored again by whoever takes it over.
    InboundEvent.objects.create(
        platform=Platform.ZALO,
        account=account,
        event_id="zmsg-twice",
        payload=json.loads(raw),
        received_at=ingest.dt.datetime.now(tz=ingest.dt.UTC),
    )
    assert ingest.stream_drain().read == 1
    assert InboundEvent.objects.filter(event_id="zmsg-twice").count() == 1


def test_a_removed_connection_leaves_an_orphan_not_a_failure(
    app: Any, queue: Any, queued_tasks: list[float], tree: Tree
) -> None:
    account = zalo_account(tree.a_kcn)
    raw = zalo_body("zmsg-orphan")
    assert call(app, ZALO, raw, zalo_headers(raw))["status"] == 200
    ConnectorAccount.objects.filter(pk=account.pk).delete()
    ingest.stream_drain()
    event = InboundEvent.objects.get(event_id="zmsg-orphan")
    assert event.account_id is None
    tasks.process_waiting()
    event.refresh_from_db()
    assert event.processed_at is not None and event.error


def test_real_worker_on_redis_stores_and_processes_what_the_web_queued(
    app: Any,
    queue: Any,
    redis_url: str,
    tree: Tree,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The web side queues in Redis and asks for processing over the real broker; a real
    Celery worker drains the stream and turns every message into one inquiry message."""
    monkeypatch.setattr(tasks, "_coalescer", tasks._Coalescer(window=1.0))
    from celery.contrib.testing.worker import start_worker

    zalo_account(tree.a_kcn)
    facebook_account(tree.a_g1)
    # The web side publishes through the app's producer pool: made again for this broker (an
    # earlier test in this process may have made it for another one), and again afterwards.
    with (
        celery_conf(
            broker_url=redis_url, task_always_eager=False, broker_transport_options={}
        ) as celery_app,
        start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10),
    ):
        for i in range(4):
            raw = zalo_body(f"zmsg-real-{i}", text=f"Câu hỏi số {i} về bảo hiểm xã hội")
            for _ in range(2):
                assert call(app, ZALO, raw, zalo_headers(raw))["status"] == 200
        payload = fixture_json("facebook", "message_text.json")
        raw = json.dumps(payload, ensure_ascii=False).encode()
        assert call(app, FACEBOOK, raw, fb_headers(raw))["json"]["stored"] == 1
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if Message.objects.filter(direction=Direction.IN).count() >= 5:
                break
            time.sleep(0.2)
    ids = list(Message.objects.filter(direction=Direction.IN).values_list("external_id", flat=True))
    assert len(ids) == 5 and len(set(ids)) == 5
    assert stream_length(queue) == 0
    assert InboundEvent.objects.count() == 5
    assert not InboundEvent.objects.filter(processed_at__isnull=True).exists()


# ---------------------------------------------------------------------------------------------
# Deployment


def test_without_the_redis_queue_the_application_is_django_alone(redis_url: str) -> None:
    application = get_asgi_application()
    with override_settings(REDIS_URL=redis_url, LANTOA_WEBHOOK_QUEUE="database"):
        assert ingest.wrap(application) is application
    with override_settings(REDIS_URL="", LANTOA_WEBHOOK_QUEUE="database"):
        assert ingest.wrap(application) is application


def test_webhook_server_command_runs_uvicorn_on_the_asgi_application() -> None:
    from lantoa.core.management.commands.serve_webhooks import webhook_server_argv

    argv = webhook_server_argv(bind="127.0.0.1:8001", workers=3)
    assert argv[1:4] == ["-m", "uvicorn", "lantoa.asgi:application"]
    assert argv[argv.index("--port") + 1] == "8001" and argv[argv.index("--workers") + 1] == "3"
    assert {"uvloop", "httptools", "--no-access-log"} <= set(argv)


def test_deploy_check_warns_when_redis_keeps_nothing_on_disk(
    queue: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lantoa.connectors.checks import webhook_queue_is_durable

    client = ingest.redis_client()
    aof = int(client.info("persistence").get("aof_enabled", 0))
    found = [m.id for m in webhook_queue_is_durable()]
    assert found == ([] if aof else ["lantoa.W102"])
    with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):
        assert [m.id for m in webhook_queue_is_durable()] == ["lantoa.W101"]
    monkeypatch.setattr(type(client), "info", lambda self, section=None: {"aof_enabled": 1})
    assert webhook_queue_is_durable() == []


def test_a_read_begun_before_a_change_is_not_remembered(tree: Tree) -> None:
    """The cache misses and reads the database; meanwhile the version moves (another request
    met a changed account): what the read found may predate the change, so it is dropped and
    the next check reads again."""
    zalo_account(tree.a_kcn)
    cache = ingest.AccountCache()
    cache.at_version("1")
    app_id = ConnectorAccount.objects.get().app_id
    with pytest.raises(ingest.CacheMiss) as first:
        cache.zalo_accounts(app_id)
    cache.at_version("2")
    first.value.load()
    with pytest.raises(ingest.CacheMiss) as second:
        cache.zalo_accounts(app_id)
    second.value.load()
    assert [a.external_id for a in cache.zalo_accounts(app_id)] == [
        ConnectorAccount.objects.get().external_id
    ]


# ---------------------------------------------------------------------------------------------
# The connector page


def _queue_zalo(account: ConnectorAccount, msg_ids: list[str]) -> None:
    events = [
        ingest.Queued(Platform.ZALO, account.pk, m, json.loads(zalo_body(m))) for m in msg_ids
    ]
    version = ingest.redis_client().get(ingest._keys()[1])
    ingest.enqueue(events, version=version.decode() if version else "0")


def test_connector_page_shows_what_waits_in_the_queue(
    queue: Any, client: Any, tree: Tree, officers: Any
) -> None:
    from tests.conftest import login

    account = zalo_account(tree.a_kcn)
    _queue_zalo(account, [f"page-{i}" for i in range(1174)])
    login(client, officers.a_admin)
    page = client.get(reverse("connectors_web:unit", args=["A-KCN"])).content.decode()
    assert "đang chờ ghi vào cơ sở dữ liệu: 1.174." in page
    with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):
        page = client.get(reverse("connectors_web:unit", args=["A-KCN"])).content.decode()
    assert "Tạm thời không đọc được hàng đợi tin nhắn" in page
    with override_settings(LANTOA_WEBHOOK_QUEUE="database"):
        page = client.get(reverse("connectors_web:unit", args=["A-KCN"])).content.decode()
    assert "đang chờ ghi" not in page and "Redis" not in page

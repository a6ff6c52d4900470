"""Shared by the live game's tests: games typed in, players, and the two stores."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from lantoa.livegame import players, services
from lantoa.livegame.engine import use_store
from lantoa.livegame.models import Game, GameMode, Player
from lantoa.livegame.store import MemoryStore, RedisStore, Store

QUESTIONS = """Câu 1: thời gian thử việc tối đa với công việc cần trình độ cao đẳng?
30 ngày
*60 ngày
90 ngày

Câu 2: giờ làm việc bình thường tối đa một ngày?
*8 giờ
10 giờ

[cứu trợ] Câu cứu trợ: ngày Quốc tế Lao động?
*1/5
2/9

Câu 3: lương thử việc ít nhất bao nhiêu phần trăm?
70%
*85%
100%

Câu 4: làm thêm tối đa bao nhiêu giờ một năm (thông thường)?
*200 giờ
400 giờ

[chuông vàng] Câu chuông vàng: những quyền nào của người lao động?
*Đình công theo luật
*Thành lập, gia nhập công đoàn
Tự ý nghỉ việc không báo trước
"""


def make_game(unit: Any, mode: str = GameMode.ELIMINATION, *, golden_at: int = 1) -> Game:
    return services.game_create(
        unit=unit,
        actor=None,
        title="Rung chuông vàng thử",
        mode=mode,
        questions=services.parse_questions(QUESTIONS),
        time_limit=20,
        golden_at=golden_at,
    )


def join(game: Game, unit: Any, name: str = "Người chơi") -> tuple[Player, str]:
    token = secrets.token_urlsafe(16)
    return players.player_join(game=game, name=name, unit=unit, token=token), token


def redis_url_of(store: RedisStore) -> str:
    kw = store.client.connection_pool.connection_kwargs
    return f"redis://{kw.get('host', '127.0.0.1')}:{kw.get('port', 6379)}/{kw.get('db', 0)}"


def open_store(kind: str, redis_url: str | None) -> Iterator[Store]:
    if kind == "memory":
        store: Store = MemoryStore()
        use_store(store)
        yield store
        use_store(None)
        return
    import redis

    client = redis.Redis.from_url(redis_url or "")
    prefix = f"test:live:{uuid.uuid4().hex[:8]}"
    store = RedisStore(client, prefix)
    use_store(store)
    yield store
    use_store(None)
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def live(request: pytest.FixtureRequest) -> Iterator[Store]:
    """Each engine test on the in-process store and on real Redis."""
    url = request.getfixturevalue("redis_url") if request.param == "redis" else None
    yield from open_store(request.param, url)
